"""BERTopic (default settings, the same embeddings) beside ``stance.FrameModel``, as JSON.

    python benchmarks/bertopic_comparison.py [--seeds 5] [--resamples 5]
        [--large 10000] [--large-seeds 3] [--large-resamples 3] [--skip-dev] [--skip-large]

Needs the optional ``bench`` extra (``pip install -e .[bench]``: bertopic 0.17.4). Two data sets:

* ``dev``: the statements of the default corpus (``corpora/nagorno-karabakh-2020``) and of the
  development corpus ``../shared/corpora/nk2020-dev`` (read with the default corpus's speaker
  registry, extracted with the defaults), embedded with ``stance.embed`` (default model, default
  cache). The texts stay in a temporary folder and are never written into the repository.
* ``large``: ``--large`` synthetic statements from ``stance.synthetic.synthetic_sides``
  (40 events, noise 1.5, templated texts, synthetic 384-dimensional vectors, not sentence
  embeddings):
  a timing and stability run at a size the development corpus does not reach.

Both methods get the same vectors and texts: ``BERTopic()`` with its defaults
(``fit_transform(texts, embeddings)``: UMAP to 5 dimensions, HDBSCAN with ``min_cluster_size``
10, c-TF-IDF) and ``FrameModel()`` with its defaults (``fit(statements, vectors)``). BERTopic's
default UMAP is unseeded; each run seeds numpy's global generator, which an unseeded UMAP draws
from (its parallel layout may still vary). Each fit runs in a child process of its own, which
reports the seconds of the fit alone and its peak resident memory (``VmHWM``) before and after
the fit (after a warm-up fit on the first 120 statements, so that numba's one-off compilation of
UMAP and HDBSCAN is not counted). Reported per data set and method:

* ``seconds`` and ``peak_rss_mb`` (median over the runs; ``fit_rss_mb``: the peak minus the
  resident memory after imports and loading the data, the fit's own share);
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
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, SHARED_DIR, skip

DEFAULT_CORPUS = REPO_ROOT / "corpora" / "nagorno-karabakh-2020"
DEV_CORPUS = SHARED_DIR / "corpora" / "nk2020-dev"
METHODS = ("framemodel", "bertopic")
#: noise of the large synthetic set: statements of one event at a cosine of about 0.3, so the
#: events overlap (at the generator's default 1.0 both methods find all 40 exactly)
NOISE = 1.5
WARM_UP = 120  # statements of the warm-up fit in each child


def _rss_mb(field: str) -> float:
    """A memory line of ``/proc/self/status`` (``VmHWM``: peak so far, ``VmRSS``: now) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(method: str, data: Path, seed: int, indices: Path | None, out: Path) -> None:
    """Fit one method on one data set (optionally a resample of it) and write its labels."""
    texts = json.loads((data / "texts.json").read_text(encoding="utf-8"))
    vectors = np.load(data / "vectors.npy")
    if indices is not None:
        take = np.load(indices)
        texts, vectors = [texts[i] for i in take], vectors[take]
    np.random.seed(seed)
    # numba compiles UMAP's and HDBSCAN's kernels once per process (tens of seconds): a warm-up
    # fit on a few statements keeps the compilation out of the time of the fit
    _fit_labels(method, texts[:WARM_UP], vectors[:WARM_UP], seed)
    rss_loaded = _rss_mb("VmRSS")
    start = time.perf_counter()
    labels = _fit_labels(method, texts, vectors, seed)
    seconds = time.perf_counter() - start
    peak = _rss_mb("VmHWM")
    np.save(out.with_suffix(".npy"), np.asarray(labels, dtype=np.int64))
    out.write_text(json.dumps({"seconds": seconds, "rss_loaded_mb": rss_loaded,
                               "peak_rss_mb": peak}))


def _fit_labels(method: str, texts: list[str], vectors: np.ndarray, seed: int) -> np.ndarray:
    """The labels of one fit with the method's defaults (FrameModel: ``random_state=seed``)."""
    if method == "bertopic":
        from bertopic import BERTopic

        labels, _ = BERTopic().fit_transform(texts, vectors)
        return np.asarray(labels)
    import pandas as pd

    from stance import FrameModel

    return FrameModel(random_state=seed).fit(pd.DataFrame({"text": texts}), vectors).labels_


def _fit(method: str, data: Path, seed: int, work: Path, tag: str,
         indices: np.ndarray | None = None) -> dict[str, Any]:
    out = work / f"{method}-{tag}.json"
    cmd = [sys.executable, __file__, "--child", method, str(data), str(seed), str(out)]
    if indices is not None:
        np.save(work / f"{tag}-indices.npy", indices)
        cmd.append(str(work / f"{tag}-indices.npy"))
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    subprocess.run(cmd, check=True, env=env)
    result = json.loads(out.read_text())
    result["labels"] = np.load(out.with_suffix(".npy"))
    return result


def compare(name: str, data: Path, n: int, seeds: int, resamples: int, work: Path) -> dict:
    """Fit both methods ``seeds`` times and on ``resamples`` bootstrap resamples."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(0)
    draws = [rng.choice(n, size=n, replace=True) for _ in range(resamples)]
    report: dict[str, Any] = {"statements": n}
    for method in METHODS:
        runs = [_fit(method, data, s, work, f"{name}-seed{s}") for s in range(seeds)]
        boots = [_fit(method, data, 1000 + b, work, f"{name}-boot{b}", draw)
                 for b, draw in enumerate(draws)]
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
            "peak_rss_mb": round(median(f["peak_rss_mb"] for f in fits)),
            "fit_rss_mb": round(median(f["peak_rss_mb"] - f["rss_loaded_mb"] for f in fits)),
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


def _write(folder: Path, texts: list[str], vectors: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    np.save(folder / "vectors.npy", np.asarray(vectors, dtype=np.float32))
    return folder


def dev_data(folder: Path) -> int:
    """The dev statements (default corpus + nk2020-dev) and their vectors, into ``folder``."""
    import pandas as pd

    import stance

    speakers = DEFAULT_CORPUS / "speakers.yaml"
    tables = [stance.extract_statements(stance.read_corpus(c, speakers=speakers),
                                        progress=False)
              for c in (DEFAULT_CORPUS, DEV_CORPUS)]
    statements = pd.concat(tables, ignore_index=True)
    vectors = stance.embed(statements, progress=False)
    _write(folder, statements["text"].tolist(), vectors)
    return len(statements)


def large_data(folder: Path, n: int) -> int:
    """``n`` synthetic statements (40 events, 4 per article, noise ``NOISE``) into ``folder``."""
    from stance.synthetic import synthetic_sides

    per_article = 4
    corpus = synthetic_sides("framing", 0.2, n_articles=max(2, n // (2 * per_article)),
                             statements_per_article=per_article, n_events=40, noise=NOISE,
                             seed=0)
    _write(folder, corpus.statements["text"].tolist(), corpus.vectors)
    return len(corpus.statements)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        method, data, seed, out, *rest = sys.argv[2:]
        child(method, Path(data), int(seed), Path(rest[0]) if rest else None, Path(out))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--resamples", type=int, default=5)
    parser.add_argument("--large", type=int, default=10000, help="synthetic statements")
    parser.add_argument("--large-seeds", type=int, default=3)
    parser.add_argument("--large-resamples", type=int, default=3)
    parser.add_argument("--skip-dev", action="store_true")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args(argv)
    try:
        import bertopic
    except ImportError:
        skip("bertopic is not installed (pip install -e .[bench])")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False,
                            capture_output=True, text=True, cwd=REPO_ROOT).stdout.strip()
    report: dict[str, Any] = {"benchmark": "BERTopic against FrameModel, same embeddings",
                              "commit": commit, "bertopic": bertopic.__version__,
                              "config": vars(args)}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="stance-bertopic-") as tmp:
        work = Path(tmp)
        if not args.skip_dev:
            if DEV_CORPUS.is_dir():
                n = dev_data(work / "dev")
                report["dev"] = compare("dev", work / "dev", n, args.seeds, args.resamples,
                                        work)
            else:
                report["dev"] = {"skipped": f"no development corpus at {DEV_CORPUS}"}
        if not args.skip_large:
            n = large_data(work / "large", args.large)
            report["large"] = compare("large", work / "large", n, args.large_seeds,
                                      args.large_resamples, work)
            report["large"]["data"] = "synthetic vectors and templated texts (stance.synthetic)"
    report["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
