"""BERTopic (default settings, the same embeddings) beside ``stance.FrameModel``, as JSON.

    python benchmarks/bertopic_comparison.py [--seeds 5] [--resamples 5]
        [--large 10000] [--large-seeds 3] [--large-resamples 3] [--skip-dev] [--skip-large]
        [--methods framemodel bertopic]

Needs the optional ``bench`` extra (``pip install -e .[bench]``: bertopic 0.17.4). Two data sets:

* ``dev``: the statements of the default corpus (``corpora/nagorno-karabakh-2020``) and of the
  development corpus ``../shared/corpora/nk2020-dev`` (read with the default corpus's speaker
  registry, extracted with the defaults), embedded with ``stance.embed`` (default model, default
  cache). The texts stay in memory (or in ``--dev-cache``, a folder outside the repository);
  they are never written into it.
* ``large``: ``--large`` synthetic statements from ``stance.synthetic.synthetic_sides``
  (40 events, noise 1.5, templated texts, synthetic 384-dimensional vectors, not sentence
  embeddings):
  a timing and stability run at a size the development corpus does not reach.

Both methods get the same vectors and texts: ``BERTopic()`` with its defaults
(``fit_transform(texts, embeddings)``: UMAP to 5 dimensions, HDBSCAN with ``min_cluster_size``
10, c-TF-IDF) and ``FrameModel()`` with its defaults (``fit(statements, vectors)``). BERTopic's
default UMAP is unseeded; each run seeds numpy's global generator, which an unseeded UMAP draws
from (its parallel layout may still vary). All fits run in one process, after a warm-up fit of
each method on the first 120 statements (numba compiles UMAP's and HDBSCAN's kernels once per
process; that one-off cost is not counted). Reported per data set and method:

* ``seconds`` (median and max over the fits) and ``fit_rss_mb``: the peak resident memory
  during a fit (sampled every 20 ms) minus the resident memory just before it, median and max;
  ``process_peak_rss_mb``: the process's peak, libraries and data included;
* ``outlier_share``: statements labelled -1 (mean over the seeds); ``n_labels``: clusters found;
* ``ari_seeds``: adjusted Rand index between the labels of each pair of seeds (mean, min);
* ``ari_bootstrap``: each of ``--resamples`` bootstrap resamples (statements drawn with
  replacement) is fitted, and its labels of the distinct statements drawn are compared with the
  first seed's labels of the same statements (mean, min).

Outliers are one label among the others in the ARI. Exits 0 with a message when the ``bench``
extra is not installed; the ``dev`` set is skipped with a message when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import threading
import time
from itertools import combinations
from pathlib import Path
from statistics import median
from typing import Any, Self

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, SHARED_DIR, skip

DEFAULT_CORPUS = REPO_ROOT / "corpora" / "nagorno-karabakh-2020"
DEV_CORPUS = SHARED_DIR / "corpora" / "nk2020-dev"
METHODS = ("framemodel", "bertopic")
#: noise of the large synthetic set: statements of one event at a cosine of about 0.3, so the
#: events overlap (at the generator's default 1.0 both methods find all 40 exactly)
NOISE = 1.5
WARM_UP = 120  # statements of the warm-up fit of each method


def _rss_mb(field: str = "VmRSS") -> float:
    """A memory line of ``/proc/self/status`` (``VmHWM``: peak so far, ``VmRSS``: now) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PeakRSS:
    """Samples the resident memory every 20 ms while in use: ``peak_mb``, ``start_mb``."""

    def __enter__(self) -> Self:
        self.start_mb = self.peak_mb = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_mb = max(self.peak_mb, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, _rss_mb())


def fit_labels(method: str, texts: list[str], vectors: np.ndarray, seed: int) -> np.ndarray:
    """The labels of one fit with the method's defaults (FrameModel: ``random_state=seed``;
    BERTopic: numpy's global generator seeded, which its unseeded UMAP draws from)."""
    np.random.seed(seed)
    if method == "bertopic":
        from bertopic import BERTopic

        labels, _ = BERTopic().fit_transform(texts, vectors)
        return np.asarray(labels)
    import pandas as pd

    from stance import FrameModel

    return FrameModel(random_state=seed).fit(pd.DataFrame({"text": texts}), vectors).labels_


def _fit(method: str, texts: list[str], vectors: np.ndarray, seed: int,
         indices: np.ndarray | None = None) -> dict[str, Any]:
    if indices is not None:
        texts, vectors = [texts[i] for i in indices], vectors[indices]
    gc.collect()
    with PeakRSS() as mem:
        start = time.perf_counter()
        labels = fit_labels(method, texts, vectors, seed)
        seconds = time.perf_counter() - start
    return {"labels": np.asarray(labels, dtype=np.int64), "seconds": seconds,
            "fit_rss_mb": mem.peak_mb - mem.start_mb, "peak_rss_mb": _rss_mb("VmHWM")}


def compare(name: str, texts: list[str], vectors: np.ndarray, seeds: int,
            resamples: int, methods: tuple[str, ...] = METHODS) -> dict:
    """Fit each of ``methods`` ``seeds`` times and on ``resamples`` bootstrap resamples."""
    from sklearn.metrics import adjusted_rand_score

    n = len(texts)
    rng = np.random.default_rng(0)
    draws = [rng.choice(n, size=n, replace=True) for _ in range(resamples)]
    report: dict[str, Any] = {"statements": n}
    for method in methods:
        # numba compiles UMAP's and HDBSCAN's kernels once per process (tens of seconds): a
        # warm-up fit keeps the compilation out of the times
        fit_labels(method, texts[:WARM_UP], vectors[:WARM_UP], 0)
        runs = [_fit(method, texts, vectors, s) for s in range(seeds)]
        boots = [_fit(method, texts, vectors, 1000 + b, draw) for b, draw in enumerate(draws)]
        base = runs[0]["labels"]
        ari_seeds = [adjusted_rand_score(x["labels"], y["labels"])
                     for x, y in combinations(runs, 2)]
        ari_boot = []
        for draw, fit in zip(draws, boots, strict=True):
            first = np.unique(draw, return_index=True)[1]  # first draw of each statement
            ari_boot.append(adjusted_rand_score(base[draw[first]], fit["labels"][first]))
        fits = runs + boots
        report[method] = {
            "seconds": round(median(f["seconds"] for f in fits), 2),
            "seconds_max": round(max(f["seconds"] for f in fits), 2),
            "fit_rss_mb": round(median(f["fit_rss_mb"] for f in fits)),
            "fit_rss_mb_max": round(max(f["fit_rss_mb"] for f in fits)),
            "process_peak_rss_mb": round(max(f["peak_rss_mb"] for f in fits)),
            "outlier_share": round(float(np.mean([(r["labels"] < 0).mean() for r in runs])), 3),
            "n_labels": [len(set(r["labels"][r["labels"] >= 0])) for r in runs],
            "ari_seeds": _summary(ari_seeds),
            "ari_bootstrap": _summary(ari_boot),
        }
        print(f"{name} {method}: {json.dumps(report[method])}", file=sys.stderr)
    return report


def _summary(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    return {"mean": round(float(np.mean(values)), 3), "min": round(float(np.min(values)), 3),
            "n": len(values)}


def dev_data(folder: Path | None) -> tuple[list[str], np.ndarray]:
    """The dev statements (default corpus + nk2020-dev) and their vectors; with ``folder``,
    read from (or, the first time, written to) ``texts.json`` and ``vectors.npy`` there."""
    if folder is not None and (folder / "vectors.npy").is_file():
        return (json.loads((folder / "texts.json").read_text(encoding="utf-8")),
                np.load(folder / "vectors.npy"))
    import pandas as pd

    import stance

    speakers = DEFAULT_CORPUS / "speakers.yaml"
    tables = [stance.extract_statements(stance.read_corpus(c, speakers=speakers),
                                        progress=False)
              for c in (DEFAULT_CORPUS, DEV_CORPUS)]
    statements = pd.concat(tables, ignore_index=True)
    texts = statements["text"].tolist()
    vectors = np.asarray(stance.embed(statements, progress=False), dtype=np.float32)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
        np.save(folder / "vectors.npy", vectors)
    return texts, vectors


def large_data(n: int) -> tuple[list[str], np.ndarray]:
    """``n`` synthetic statements (40 events, 4 per article, noise ``NOISE``)."""
    from stance.synthetic import synthetic_sides

    per_article = 4
    corpus = synthetic_sides("framing", 0.2, n_articles=max(2, n // (2 * per_article)),
                             statements_per_article=per_article, n_events=40, noise=NOISE,
                             seed=0)
    return corpus.statements["text"].tolist(), corpus.vectors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--resamples", type=int, default=5)
    parser.add_argument("--large", type=int, default=10000, help="synthetic statements")
    parser.add_argument("--large-seeds", type=int, default=3)
    parser.add_argument("--large-resamples", type=int, default=3)
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS),
                        help="fit only these (each method's numbers do not depend on the "
                             "other's: same data, same resamples)")
    parser.add_argument("--dev-cache", type=Path, default=None,
                        help="keep the dev texts and vectors in this folder (outside the "
                             "repository) and reuse them on the next run")
    args = parser.parse_args(argv)
    try:
        import bertopic
    except ImportError:
        skip("bertopic is not installed (pip install -e .[bench])")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False,
                            capture_output=True, text=True, cwd=REPO_ROOT).stdout.strip()
    report: dict[str, Any] = {"benchmark": "BERTopic against FrameModel, same embeddings",
                              "commit": commit, "bertopic": bertopic.__version__,
                              "config": {k: str(v) if isinstance(v, Path) else v
                                         for k, v in vars(args).items()}}
    start = time.perf_counter()
    if not args.skip_dev:
        if DEV_CORPUS.is_dir() or args.dev_cache is not None:
            texts, vectors = dev_data(args.dev_cache)
            report["dev"] = compare("dev", texts, vectors, args.seeds, args.resamples,
                                    tuple(args.methods))
        else:
            report["dev"] = {"skipped": f"no development corpus at {DEV_CORPUS}"}
    if not args.skip_large:
        texts, vectors = large_data(args.large)
        report["large"] = compare("large", texts, vectors, args.large_seeds,
                                  args.large_resamples, tuple(args.methods))
        report["large"]["data"] = "synthetic vectors and templated texts (stance.synthetic)"
    report["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
