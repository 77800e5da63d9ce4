"""What the portable mode costs: embedding throughput and the statement map, side by side.

    python benchmarks/portable_cost.py [--texts 300] [--rounds 3]

Embeds the same ``--texts`` distinct texts (the default corpus's sentences, then invented ones;
no cache) with ``precision="fast"`` (float32, the former path) and ``precision="portable"``
(float64 rounded to float32), alternating, ``--rounds`` times each, in this one process, and
reports texts per second and the median ratio ``portable_cost`` = fast throughput / portable
throughput. The embedding cache means a text pays it once. Then it lays out the portable vectors
in 2-D with plain UMAP (``init="pca"``, UMAP's own neighbour search and curve fit, as before) and
with the portable UMAP (:class:`stance._exact.PortableUMAP`), alternating, and reports that ratio
too. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import stance  # noqa: F401  (the portable runtime settings, before numba loads)
from benchmarks._common import print_json
from benchmarks.portability import _texts


def _alternate(jobs: dict, rounds: int) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(rounds):
        for name, job in jobs.items():
            t0 = time.perf_counter()
            job()
            seconds[name].append(time.perf_counter() - t0)
    return seconds


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from stance._exact import PortableUMAP
    from stance.embedding import embed, load_model

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    texts = _texts(args.texts)
    load_model()
    vectors = embed(texts[:20], precision="portable", use_cache=False, progress=False)  # warm
    emb = _alternate({mode: (lambda m=mode: embed(texts, precision=m, use_cache=False,
                                                  progress=False))
                      for mode in ("fast", "portable")}, args.rounds)
    med = {m: float(np.median(v)) for m, v in emb.items()}
    vectors = embed(texts, precision="portable", use_cache=False, progress=False)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from umap import UMAP

        def plain():
            UMAP(n_neighbors=15, n_components=2, metric="cosine", init="pca", random_state=0,
                 n_jobs=1, min_dist=0.1).fit_transform(vectors)

        def portable():
            PortableUMAP(n_components=2, n_neighbors=15, min_dist=0.1,
                         random_state=0).fit_transform(vectors)

        plain()
        portable()                                   # numba compiles once, outside the timing
        lay = _alternate({"plain UMAP": plain, "portable UMAP": portable}, args.rounds)
    lmed = {m: float(np.median(v)) for m, v in lay.items()}
    import subprocess

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False, cwd=Path(__file__).parent).stdout.strip()
    print_json({
        "commit": commit, "texts": len(texts), "rounds": args.rounds,
        "embedding_seconds": {m: [round(s, 2) for s in v] for m, v in emb.items()},
        "texts_per_s": {m: round(len(texts) / s, 1) for m, s in med.items()},
        "portable_cost": round(med["portable"] / med["fast"], 2),
        "map_seconds": {m: [round(s, 3) for s in v] for m, v in lay.items()},
        "map_cost": round(lmed["portable UMAP"] / lmed["plain UMAP"], 2),
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
