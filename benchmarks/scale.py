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
``stance.partitions.extract_and_embed`` on ``--workers-size`` articles with one worker and with
``workers=2``, each in a fresh process with an empty cache (each setting loads its models, which
is counted), order alternated over ``--rounds``; with embedding and extraction alone, and the
seconds each partition spent extracting and embedding (see ``measure_workers``). The machine is shared:
absolute times are indications, the ratios are what count. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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


def _error_text(stderr: str, limit: int = 3000) -> str:
    """The end of a child's stderr without its progress bars (tqdm redraws a line with ``\\r``;
    a failure's traceback would otherwise be lost behind thousands of bar updates)."""
    lines = [ln for ln in stderr.replace("\r", "\n").splitlines()
             if ln.strip() and not re.match(r"^[\w ,.'-]+:\s+\d+%\|", ln)]
    return "\n".join(lines)[-limit:]


def _run_script(script: str, args: list[str], what: str) -> dict:
    """Run ``script`` in a fresh Python (offline, this repo first on the path); its last
    ``RESULT {json}`` line, with the process's wall seconds as ``process_wall_seconds``."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                          text=True, env=env, check=False)
    wall = time.perf_counter() - start
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    if done.returncode or not lines:
        raise RuntimeError(f"{what} failed (exit status {done.returncode}):\n"
                           f"{_error_text(done.stderr)}")
    data = json.loads(lines[-1][len("RESULT "):])
    data["process_wall_seconds"] = round(wall, 3)
    return data


def run_child(corpus: Path, out: Path, cache: Path, overrides: dict) -> dict:
    """One ``stance.pipeline.run`` in a fresh process, with stage times and peak memory."""
    return _run_script(_CHILD, [str(corpus), str(out), str(cache), json.dumps(overrides)],
                       f"stance run on {corpus}")


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


_WORKERS_CHILD = r"""
import json, sys, time
import stance
from stance.partitions import extract_and_embed

corpus = stance.read_corpus(sys.argv[1])
timings = []
start = time.perf_counter()
extract_and_embed(corpus, cache_dir=sys.argv[2], partition_size=int(sys.argv[3]),
                  workers=int(sys.argv[4]), embed=sys.argv[5] == "1", progress=False,
                  timings=timings)
print("RESULT " + json.dumps({"wall_seconds": time.perf_counter() - start,
                              "timings": timings}))
"""


def _workers_child(corpus: Path, cache: Path, size: int, workers: int, embed: bool) -> dict:
    """One ``extract_and_embed`` in a fresh process (so every setting loads its models)."""
    return _run_script(_WORKERS_CHILD, [str(corpus), str(cache), str(size), str(workers),
                                        "1" if embed else "0"],
                       f"extract_and_embed (workers={workers}, embed={embed})")


def _summary(runs: list[dict], workers: int) -> dict:
    """Per setting: walls, and the partitions' own seconds per part (summed over partitions)."""
    out: dict = {"process_wall_seconds": [round(r["process_wall_seconds"], 2) for r in runs],
                 "extract_and_embed_seconds": [round(r["wall_seconds"], 2) for r in runs]}
    for part in ("setup", "extract", "embed"):
        out[f"{part}_seconds_summed"] = [round(sum(t[part] for t in r["timings"]), 2)
                                         for r in runs]
    out["processes"] = [len({t["process"] for t in r["timings"]}) for r in runs]
    out["workers"] = workers
    return out


def measure_workers(corpus: Path, tmp: Path, rounds: int) -> dict:
    """``extract_and_embed`` with one worker against two, extraction and embedding apart.

    Each setting runs in a fresh process with an empty cache (so each loads its models, as
    ``stance run --workers N`` does), order alternated over ``rounds``; twice per round: with
    embedding (``embed=True``, what ``stance run`` does) and extraction alone (``embed=False``).
    Reported: the wall-time ratios of both; the embedding's wall ratio as the difference of the
    two; and, from the seconds each partition spent in extraction (parse + rules) and in
    embedding inside its worker, each part's ratio if the two workers were busy all the time
    (one worker's summed seconds over half of two workers' summed seconds): how much each part
    slows down when two run side by side.
    """
    import stance

    c = stance.read_corpus(corpus)
    size = max(1, len(c.articles) // 8)  # 8 partitions: both workers stay busy
    runs: dict[tuple[int, bool], list[dict]] = {(w, e): [] for w in (1, 2) for e in (True, False)}
    for r in range(rounds):
        for workers in ((1, 2) if r % 2 == 0 else (2, 1)):
            for embed in (True, False):
                runs[workers, embed].append(_workers_child(
                    corpus, tmp / f"workers-{r}-{workers}-{int(embed)}", size, workers, embed))
                print(f"workers={workers} embed={embed} round {r}: "
                      f"{runs[workers, embed][-1]['wall_seconds']:.1f} s", file=sys.stderr,
                      flush=True)

    def ratio(values: list[float], others: list[float]) -> float:
        return round(float(np.median([a / b for a, b in zip(values, others, strict=True)])), 3)

    one, two = runs[1, True], runs[2, True]
    wall = {k: [x["wall_seconds"] for x in v] for k, v in runs.items()}
    embed_wall = {w: [a - b for a, b in zip(wall[w, True], wall[w, False], strict=True)]
                  for w in (1, 2)}

    def busy_ratio(part: str) -> float:
        s1 = [sum(t[part] for t in x["timings"]) for x in one]
        s2 = [sum(t[part] for t in x["timings"]) / 2 for x in two]
        return ratio(s1, s2)

    return {"articles": len(c.articles), "partition_size": size, "rounds": rounds,
            "with_embedding": {"one_worker": _summary(one, 1), "two_workers": _summary(two, 2)},
            "extraction_only": {"one_worker": _summary(runs[1, False], 1),
                                "two_workers": _summary(runs[2, False], 2)},
            "speedup_extract_and_embed": ratio(wall[1, True], wall[2, True]),
            "speedup_extraction_only": ratio(wall[1, False], wall[2, False]),
            "speedup_embedding_by_difference": ratio(embed_wall[1], embed_wall[2]),
            "speedup_if_busy_extract": busy_ratio("extract"),
            "speedup_if_busy_embed": busy_ratio("embed"),
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
