"""Speed and memory of statement extraction, measured beside spaCy's parsing alone.

    python benchmarks/extraction_speed.py [--n-speed 200] [--rounds 3] [--n 10000] [--batch-size 32]

Speed: articles per second of ``stance.extract_statements`` against ``nlp.pipe`` alone on the
same texts and the same pipeline (the extractor parses with it, so the ratio of the two times is
what the rules add; target: at most 1.30). Each is timed ``--rounds`` times, alternating, and the
fastest round counts. The ratio that is checked uses process CPU time, which other jobs on a
shared machine disturb far less than wall-clock time (both are reported). Memory: a fresh process extracts from ``--n``
articles (10,000 by default, as the issue asks) and reports its peak resident set
(``resource.getrusage``) beside the resident set right after loading the pipeline. The texts are
the default corpus's seed article and a few short articles written for this benchmark, repeated.
``--n 0`` skips the memory part, ``--n-speed 0`` the speed part. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, articles_frame, print_json

TARGET_RATIO = 1.30

#: short invented articles (a fictional conflict) mixing quotes, reported speech and narration
OWN_TEXTS = [
    ("Talks stall as both sides trade blame\n\n"
     "Fighting resumed near the river crossing on Tuesday. \"We will not give up a single village,\" "
     "Defense Minister Arlen Voss told reporters in Marren. The Orvanian Foreign Ministry accused "
     "Velsk of shelling residential areas overnight and called for an immediate ceasefire. Velsk "
     "denied the claim, saying its forces had only returned fire. Shops stayed closed and the "
     "streets were empty by noon."),
    ("Mediators urge restraint\n\n"
     "The three mediating countries urged the parties to \"return to the negotiating table without "
     "preconditions.\" In a joint statement, they warned that further escalation would put "
     "civilians at risk. According to the statement, the envoys will travel to the region next "
     "week. A spokeswoman for the Velsk government, Ida Renn, said the offer was welcome but came "
     "too late. Power lines were repaired in two districts."),
    ("Velsk: Orvanian drones hit a school\n\n"
     "The Velsk Defense Ministry released footage showing a damaged school building and said two "
     "teachers were wounded. Orvania rejected the accusation. \"These images are staged,\" an "
     "Orvanian army spokesman said. \"Our units target only military positions. We have said this "
     "many times.\" The ministry later claimed that it had shot down four drones."),
    ("Refugees arrive in the capital\n\n"
     "Hundreds of families arrived in Marren by bus on Thursday. Aid workers set up tents in a "
     "stadium. The city's mayor, Tomas Idel, vowed to house everyone before winter and appealed "
     "for donations. Officials from both sides insist the other started the latest round of "
     "fighting. Rain is expected over the weekend."),
]


def seed_texts() -> list[str]:
    """Texts of the default corpus (the seed article), as the corpus reader gives them."""
    from stance.read._corpus import read_corpus

    return read_corpus(REPO_ROOT / "corpora" / "nagorno-karabakh-2020").articles["text"].tolist()


def make_texts(n: int) -> list[str]:
    """``n`` texts cycling through the seed article(s) and the invented ones."""
    pool = seed_texts() + OWN_TEXTS
    return [pool[i % len(pool)] for i in range(n)]


def rss_mb() -> float:
    """Current resident set of this process in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set of this process so far in MB (``ru_maxrss`` is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_speed(n: int, rounds: int, batch_size: int) -> dict[str, Any]:
    """Fastest of ``rounds`` alternating timings of nlp.pipe alone and of extract_statements."""
    from stance.extract import extract_statements
    from stance.extract._nlp import load_nlp

    nlp = load_nlp()
    texts = make_texts(n)
    frame = articles_frame({f"a{i:06d}": t for i, t in enumerate(texts)})
    list(nlp.pipe(texts[:8], batch_size=batch_size))  # warm up
    extract_statements(frame.head(8), nlp=nlp, batch_size=batch_size, progress=False)
    parse_wall, extract_wall, parse_cpu, extract_cpu = [], [], [], []
    n_statements = 0
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        for _doc in nlp.pipe(texts, batch_size=batch_size):
            pass
        parse_wall.append(time.perf_counter() - w0)
        parse_cpu.append(time.process_time() - c0)
        w0, c0 = time.perf_counter(), time.process_time()
        n_statements = len(extract_statements(frame, nlp=nlp, batch_size=batch_size,
                                               progress=False))
        extract_wall.append(time.perf_counter() - w0)
        extract_cpu.append(time.process_time() - c0)
    parse_s, extract_s = min(parse_wall), min(extract_wall)
    ratio = min(extract_cpu) / min(parse_cpu)
    words = sum(len(t.split()) for t in texts)
    return {
        "articles": n, "words": words, "rounds": rounds, "batch_size": batch_size,
        "statements": n_statements,
        "spacy_pipe_seconds": round(parse_s, 2), "extract_seconds": round(extract_s, 2),
        "spacy_pipe_cpu_seconds": round(min(parse_cpu), 2),
        "extract_cpu_seconds": round(min(extract_cpu), 2),
        "spacy_pipe_articles_per_second": round(n / parse_s, 1),
        "extract_articles_per_second": round(n / extract_s, 1),
        "ratio_extract_to_parse_wall": round(extract_s / parse_s, 3),
        "ratio_extract_to_parse_cpu": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio <= TARGET_RATIO,
    }


def memory_child(n: int, batch_size: int) -> dict[str, Any]:
    """Run in a fresh process: extract from ``n`` articles, report resident set figures."""
    from stance.extract import extract_statements
    from stance.extract._nlp import load_nlp

    nlp = load_nlp()
    list(nlp.pipe(["Warm up the pipeline, he said."]))
    texts = make_texts(n)
    frame = articles_frame({f"a{i:06d}": t for i, t in enumerate(texts)})
    before = rss_mb()
    t0 = time.perf_counter()
    statements = extract_statements(frame, nlp=nlp, batch_size=batch_size, progress=False)
    seconds = time.perf_counter() - t0
    return {
        "articles": n, "statements": len(statements), "seconds": round(seconds, 1),
        "rss_after_loading_mb": round(before, 1), "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_minus_loaded_mb": round(peak_rss_mb() - before, 1),
    }


def measure_memory(n: int, batch_size: int) -> dict[str, Any]:
    """:func:`memory_child` in a subprocess, so the speed part does not inflate the peak."""
    cmd = [sys.executable, __file__, "--memory-child", str(n), "--batch-size", str(batch_size)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"memory run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-speed", type=int, default=200, help="articles timed for speed (0: skip)")
    ap.add_argument("--rounds", type=int, default=3, help="timing rounds (fastest counts)")
    ap.add_argument("--n", type=int, default=10_000, help="articles for the peak-memory run (0: skip)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--memory-child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_child is not None:
        print(json.dumps(memory_child(args.memory_child, args.batch_size)))
        return 0
    result: dict[str, Any] = {"benchmark": "extraction_speed"}
    if args.n_speed > 0:
        result["speed"] = measure_speed(args.n_speed, args.rounds, args.batch_size)
    if args.n > 0:
        result["memory"] = measure_memory(args.n, args.batch_size)
    print_json(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
