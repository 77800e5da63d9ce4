"""Calibration and power of ``stance.compare.framing_test`` on simulated statement vectors.

Simulated statements are unit vectors in 384 dimensions (the size of all-MiniLM-L6-v2) drawn
around a few "frame" centres, so that two statements of one frame have a cosine of about 0.5.
Two groups of ``--size`` statements each, ``--per-article`` statements per article (articles nested
in groups). Scenarios, each run ``--nulls`` times (or ``--power-sims`` times for power):

* ``exchangeable``: both groups draw frames from the same mixture, statements independent;
* ``clustered``: both groups draw the same way, but each article reports one event, so the
  statements of an article lie close together (the null holds; statements are not independent);
* ``power``: group b moves a share ``delta`` of its statements from frame 0 to frame 3.

For each scenario the test runs with ``unit="article"`` and ``unit="statement"`` and both
statistics (energy distance on euclidean distances, centroid cosine distance). Prints JSON:
false-positive rates at alpha 0.05 with Wilson 95% intervals and whether they fall in
[0.03, 0.07], and power per ``delta``. Run: ``.venv/bin/python benchmarks/calibration.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

# thousands of tiny matrix products: BLAS threads only contend (on a shared machine badly)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pandas as pd
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import wilson
from stance.compare import framing_test

DIM = 384
WEIGHTS = np.array([0.4, 0.3, 0.2, 0.1])
BAND = (0.03, 0.07)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _around(rng: np.random.Generator, centers: np.ndarray, noise: float) -> np.ndarray:
    return _unit(centers + noise * rng.normal(size=centers.shape) / math.sqrt(DIM))


def table(size: int, per_article: int) -> pd.DataFrame:
    groups = ["a"] * size + ["b"] * size
    articles = [f"{g}{i // per_article}" for g, i in zip(groups, list(range(size)) * 2,
                                                            strict=True)]
    return pd.DataFrame({"article_id": articles, "side": groups})


def simulate(rng: np.random.Generator, centers: np.ndarray, size: int, per_article: int,
             scenario: str, delta: float = 0.0) -> np.ndarray:
    """Vectors of group a then group b (``size`` each)."""
    w_b = WEIGHTS.copy()
    w_b[0] -= delta
    w_b[3] += delta
    frames = np.r_[rng.choice(4, size, p=WEIGHTS), rng.choice(4, size, p=w_b)]
    if scenario != "clustered":
        return _around(rng, centers[frames], noise=1.0)
    # one event per article: the article's statements share a centre near its frame
    n_articles = len(frames) // per_article
    art_frames = frames[::per_article][:n_articles]
    events = _around(rng, centers[art_frames], noise=1.0)
    return _around(rng, np.repeat(events, per_article, axis=0), noise=0.8)


def run(scenario: str, sims: int, delta: float, args: argparse.Namespace,
        rng: np.random.Generator) -> list[dict]:
    centers = _unit(rng.normal(size=(4, DIM)))
    tab = table(args.size, args.per_article)
    configs = [(stat, unit) for stat in ("energy", "centroid") for unit in ("article", "statement")]
    hits = {c: 0 for c in configs}
    label = f"{scenario} delta={delta}"
    for _ in tqdm(range(sims), desc=label, file=sys.stderr, leave=False):
        vecs = simulate(rng, centers, args.size, args.per_article, scenario, delta)
        for stat, unit in configs:
            res = framing_test(tab, vecs, "a", "b", statistic=stat, unit=unit,
                               n_perm=args.n_perm, seed=rng)
            hits[(stat, unit)] += int(res.p_value.iloc[0] <= args.alpha)
    rows = []
    for (stat, unit), k in hits.items():
        lo, hi = wilson(k, sims)
        row = {"scenario": scenario, "delta": delta, "statistic": stat, "unit": unit,
               "sims": sims, "rejections": k, "rate": round(k / sims, 4), "wilson95": [lo, hi]}
        if scenario != "power":
            row["within_band"] = BAND[0] <= k / sims <= BAND[1]
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nulls", type=int, default=1000)
    parser.add_argument("--power-sims", type=int, default=200)
    parser.add_argument("--deltas", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.4])
    parser.add_argument("--size", type=int, default=30, help="statements per group")
    parser.add_argument("--per-article", type=int, default=3)
    parser.add_argument("--n-perm", type=int, default=999)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    null = run("exchangeable", args.nulls, 0.0, args, rng) + run("clustered", args.nulls, 0.0,
                                                                  args, rng)
    power = [row for d in args.deltas for row in run("power", args.power_sims, d, args, rng)]
    report = {
        "benchmark": "framing_test calibration and power",
        "config": {"dim": DIM, "frame_weights": WEIGHTS.tolist(), "size_per_group": args.size,
                   "statements_per_article": args.per_article, "n_perm": args.n_perm,
                   "alpha": args.alpha, "nulls": args.nulls, "power_sims": args.power_sims,
                   "seed": args.seed, "band": list(BAND)},
        "null": null,
        "power": power,
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
