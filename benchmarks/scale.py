"""How ``stance run`` grows with the corpus: time, peak memory and statements per stage.

    python benchmarks/scale.py [--sizes 100 1000 10000] [--texts DIR] [--ratio-size 300]
                               [--workers-size 400] [--skip-workers] [--skip-ratios]
                               [--run-workers 1]

For each size (articles; 50000 is for a machine off CI) a corpus is written by
``benchmarks/scale_corpus.py`` (generated Two Rivers reports, or ``--texts DIR`` replicated with
new dates) and ``stance run`` runs on it in a fresh process with a new cache, then again (warm: same
cache, same output folder, nothing changed). A thread samples the resident memory of the process
and its children every 0.1 s; each stage line's time and the peak memory during the stage are
recorded. Per stage the report gives seconds, peak RSS (MB) and the exponent ``b`` of the fitted
``time ~ a * articles^b`` over the sizes (n log n over 100-10,000 fits as about b = 1.1-1.2).
``extract`` includes the embedding of each partition (``stance.partitions``: extraction and
embedding run together a partition at a time); ``embed`` is then the cache read.

Ratios, each measured side by side in one process on ``--ratio-size`` articles:
``stance.extract_statements`` against spaCy's ``nlp.pipe`` alone on the same texts, and
``stance.embed`` (empty cache) against ``SentenceTransformer.encode`` on the statements. Workers:
``stance.partitions.extract_and_embed`` on ``--workers-size`` articles with one worker (this
process) and with ``workers=2`` (two processes, each loading its own models: that set-up is
counted), each with an empty cache, order alternated over ``--rounds``. The machine is shared:
absolute times are indications, the ratios are what count. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, print_json
from benchmarks.scale_corpus import write_corpus

_CHILD = r"""
import json, sys, threading, time
import psutil
from stance import pipeline

proc = psutil.Process()
peak = {"now": 0, "stage": 0, "all": 0}

def sample():
    while True:
        try:
            rss = proc.memory_info().rss + sum(c.memory_info().rss
                                               for c in proc.children(recursive=True))
        except psutil.Error:
            rss = 0
        peak["stage"] = max(peak["stage"], rss)
        peak["all"] = max(peak["all"], rss)
        time.sleep(0.1)

threading.Thread(target=sample, daemon=True).start()
stages = []
original = pipeline._Stages.__call__

def record(self, text):
    now = self.clock()
    stages.append({"stage": text.split(":")[0], "seconds": round(now - self.last, 3),
                   "peak_rss_mb": round(peak["stage"] / 2**20, 1)})
    peak["stage"] = 0
    original(self, text)

pipeline._Stages.__call__ = record
start = time.perf_counter()
result = pipeline.run(sys.argv[1], out=sys.argv[2], cache_dir=sys.argv[3], progress=False,
                      overrides=json.loads(sys.argv[4]))
wall = time.perf_counter() - start
print("RESULT " + json.dumps({"wall_seconds": round(wall, 3), "stages": stages,
                              "statements": 0 if result.statements is None
                              else len(result.statements),
                              "peak_rss_mb": round(peak["all"] / 2**20, 1)}))
"""


def run_child(corpus: Path, out: Path, cache: Path, overrides: dict) -> dict:
    """One ``stance.pipeline.run`` in a fresh process, with stage times and peak memory."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(corpus), str(out), str(cache),
                           json.dumps(overrides)], capture_output=True, text=True, env=env,
                          check=False)
    wall = time.perf_counter() - start
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode or not lines:
        raise RuntimeError(f"stance run failed on {corpus}:\n{done.stderr[-3000:]}")
    data = json.loads(lines[-1][len("RESULT "):])
    data["process_wall_seconds"] = round(wall, 3)
    return data


def growth_exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """Slope of log(seconds) on log(size) (least squares), None for fewer than two sizes."""
    pts = [(s, t) for s, t in zip(sizes, seconds, strict=True) if t and t > 0]
    if len(pts) < 2:
        return None
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return round(float(np.polyfit(x, y, 1)[0]), 3)


def measure_ratios(corpus: Path, tmp: Path) -> dict:
    """extract / spaCy parse and stance.embed / encode, side by side in this process."""
    import stance
    from stance.embedding import load_model
    from stance.extract import load_nlp
    from stance.extract._parse import parse

    c = stance.read_corpus(corpus)
    nlp = load_nlp()
    texts = c.articles["text"].tolist()
    list(nlp.pipe(texts[:5]))  # warm-up
    t = time.perf_counter()
    for _ in parse(nlp, texts, batch_size=32):
        pass
    parse_s = time.perf_counter() - t
    t = time.perf_counter()
    statements = stance.extract_statements(c, nlp=nlp, progress=False)
    extract_s = time.perf_counter() - t
    model = load_model()
    stexts = statements["text"].tolist()
    model.encode(stexts[:64], batch_size=64)
    t = time.perf_counter()
    model.encode(stexts, batch_size=64, convert_to_numpy=True, show_progress_bar=False)
    encode_s = time.perf_counter() - t
    t = time.perf_counter()
    stance.embed(stexts, cache_dir=tmp / "ratio-cache", progress=False)
    embed_s = time.perf_counter() - t
    return {"articles": len(texts), "statements": len(statements),
            "spacy_parse_seconds": round(parse_s, 2), "extract_seconds": round(extract_s, 2),
            "extract_time_over_parse_time": round(extract_s / parse_s, 3),
            "encode_seconds": round(encode_s, 2), "stance_embed_seconds": round(embed_s, 2),
            "embed_time_over_encode_time": round(embed_s / encode_s, 3)}


def measure_workers(corpus: Path, tmp: Path, rounds: int) -> dict:
    """extract_and_embed with one worker against two, empty caches, alternating order."""
    import stance
    from stance.partitions import extract_and_embed

    c = stance.read_corpus(corpus)
    size = max(1, len(c.articles) // 8)  # 8 partitions: both workers stay busy
    times: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for workers in ((1, 2) if r % 2 == 0 else (2, 1)):
            t = time.perf_counter()
            extract_and_embed(c, cache_dir=tmp / f"workers-{r}-{workers}",
                              partition_size=size, workers=workers, progress=False)
            times[workers].append(time.perf_counter() - t)
    ratios = [a / b for a, b in zip(times[1], times[2], strict=True)]
    return {"articles": len(c.articles), "partition_size": size, "rounds": rounds,
            "one_worker_seconds": [round(x, 2) for x in times[1]],
            "two_workers_seconds": [round(x, 2) for x in times[2]],
            "speedup_median_of_rounds": round(float(np.median(ratios)), 3),
            "cpu_count": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000])
    parser.add_argument("--texts", type=Path, default=None)
    parser.add_argument("--ratio-size", type=int, default=300)
    parser.add_argument("--workers-size", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip-workers", action="store_true")
    parser.add_argument("--skip-ratios", action="store_true")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--run-workers", type=int, default=1,
                        help="worker processes of each `stance run` of --sizes (default 1)")
    args = parser.parse_args(argv)
    overrides = {"n_boot": args.n_boot, "formats": ["png"], "workers": args.run_workers}
    report: dict = {"sizes": args.sizes, "overrides": overrides,
                    "corpus": str(args.texts) if args.texts else "generated (Two Rivers)"}
    with tempfile.TemporaryDirectory(prefix="stance-scale-") as tmp_name:
        tmp = Path(tmp_name)
        runs = []
        for n in args.sizes:
            corpus = write_corpus(tmp / f"corpus-{n}", n, texts=args.texts)
            cold = run_child(corpus, tmp / f"out-{n}", tmp / f"cache-{n}", overrides)
            warm = run_child(corpus, tmp / f"out-{n}", tmp / f"cache-{n}", overrides)
            runs.append({"articles": n, "statements": cold["statements"], "cold": cold,
                         "warm": warm, "warm_speedup": round(cold["process_wall_seconds"]
                                                             / warm["process_wall_seconds"], 1)})
            print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
        report["runs"] = runs
        names = [s["stage"] for s in runs[0]["cold"]["stages"]] if runs else []
        report["growth_exponent_per_stage"] = {
            name: growth_exponent([r["articles"] for r in runs],
                                  [next((s["seconds"] for s in r["cold"]["stages"]
                                         if s["stage"] == name), 0.0) for r in runs])
            for name in names}
        report["growth_exponent_whole_run"] = growth_exponent(
            [r["articles"] for r in runs], [r["cold"]["wall_seconds"] for r in runs])
        report["growth_exponent_peak_memory"] = growth_exponent(
            [r["articles"] for r in runs], [r["cold"]["peak_rss_mb"] for r in runs])
        if not args.skip_ratios:
            report["ratios"] = measure_ratios(
                write_corpus(tmp / "ratio", args.ratio_size, seed=2, texts=args.texts), tmp)
            print(json.dumps(report["ratios"]), file=sys.stderr, flush=True)
        if not args.skip_workers:
            report["workers"] = measure_workers(
                write_corpus(tmp / "workers", args.workers_size, seed=3, texts=args.texts), tmp,
                args.rounds)
    print_json(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
