"""Peak memory and time of the two inputs that once ran away (issue 16, item 6).

1. A 5 MB article (invented news paragraphs with quotes, repeated): read (decode + repair) and
   extract its statements, each case in a fresh process, under a memory cap.
2. A catastrophic-backtracking pattern in ``speakers.yaml`` (``(a|aa)+$``) meeting a mention that
   almost matches: before the change one mention took 140 s; now the pattern's timeout stops it.

Each case runs in its own child process (``resource.getrusage`` of the child gives its peak RSS),
so the numbers do not include this script. Usage::

    nice -n 10 python benchmarks/resource_guards.py [--mb 5] [--long-kb 40] [--segments 40000 20000]

3. A long article under the size limit, extracted in pieces of each size given (``segments``'s
   limit): the rules' cost grows faster than the length of a piece, so smaller pieces bound both
   time and memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PARAGRAPH = (
    '"We will not allow the shelling of peaceful towns to go unanswered," the defense ministry '
    "spokesman of Northland said on Monday, adding that three villages came under fire overnight. "
    "Southland's government denied the claim and said its forces had only returned fire. "
    '"The council calls on both sides to return to negotiations," a Lake Council envoy told '
    "reporters.\n\n")

CHILD = r"""
import json, sys, time
from pathlib import Path
stage, folder, segment = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
if stage == "pattern":
    from stance.speakers import RegistryError, load_registry
    registry = load_registry(folder / "speakers.yaml")
    t = time.perf_counter()
    try:
        registry.resolve("a" * 60 + "b said")
        outcome = "resolved"
    except RegistryError as exc:
        outcome = str(exc)[:160]
else:
    import stance.extract._extract
    from stance.extract import extract_statements
    from stance.read import read_corpus
    if segment:
        stance.extract._extract.MAX_SEGMENT = segment       # pieces of at most this many characters
    t = time.perf_counter()
    corpus = read_corpus(folder)
    outcome = f"{len(corpus.articles)} articles, {len(corpus.report.skipped)} skipped"
    if stage == "extract" and len(corpus.articles):
        statements = extract_statements(corpus, progress=False)
        outcome += f", {len(statements)} statements"
print(json.dumps({"seconds": round(time.perf_counter() - t, 1), "outcome": outcome}))
"""

REGISTRY = """sides:
  - {id: a, label: A, colour: '#000000'}
speakers:
  - id: x
    name: X
    side: a
    kind: person
    patterns: ['(a|aa)+$']
"""


def _child(stage: str, folder: Path, cap_gb: float, timeout: float, segment: int = 0) -> dict:
    def limit() -> None:
        cap = int(cap_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, stage, str(folder), str(segment)],
                              capture_output=True, text=True, timeout=timeout,
                              preexec_fn=limit, check=False)
        result = (json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0
                  else {"outcome": f"failed (exit {done.returncode}): "
                                   f"{done.stderr.strip().splitlines()[-1][:160]}"})
    except subprocess.TimeoutExpired:
        result = {"outcome": f"did not finish in {timeout:.0f} s"}
    result["wall_seconds"] = round(time.perf_counter() - start, 1)
    # the largest peak RSS among the children waited for so far: run cases in increasing size
    result["peak_rss_mb_so_far"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    return result


def _article(folder: Path, mb: float) -> int:
    (folder / "articles").mkdir(parents=True)
    body = PARAGRAPH * max(1, int(mb * 2**20 / len(PARAGRAPH)))
    (folder / "articles" / "2021-03-01_long.txt").write_text(
        "date 2021-03-01 | source example.org\n\n" + body, encoding="utf-8")
    return len(body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=5.0, help="article size in MB (default 5)")
    ap.add_argument("--cap-gb", type=float, default=6.0, help="memory cap of each child")
    ap.add_argument("--timeout", type=float, default=1200.0, help="seconds per case")
    ap.add_argument("--long-kb", type=float, default=40.0,
                    help="size of the long article extracted in pieces (default 40 KB)")
    ap.add_argument("--segments", type=int, nargs="+", default=[40_000, 20_000],
                    help="piece sizes to compare on the long article (default 40000 20000)")
    args = ap.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, check=False).stdout.strip()
    print(f"commit {commit}; memory cap {args.cap_gb:g} GB per case; peak RSS is the largest "
          "of the cases run so far (they run in increasing order of expected size)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pattern"
        folder.mkdir()
        (folder / "speakers.yaml").write_text(REGISTRY, encoding="utf-8")
        print("catastrophic pattern (a|aa)+$ on one mention:",
              json.dumps(_child("pattern", folder, args.cap_gb, args.timeout)))
        big = Path(tmp) / "big"
        n = _article(big, args.mb)
        print(f"{n / 2**20:.1f} MB article, read and extract with the default limit:",
              json.dumps(_child("extract", big, args.cap_gb, args.timeout)))
        for k, segment in enumerate(sorted(args.segments)):
            long = Path(tmp) / f"long{k}"
            n = _article(long, args.long_kb / 1024)
            print(f"{n / 1024:.0f} KB article in pieces of {segment:,} characters:",
                  json.dumps(_child("extract", long, args.cap_gb, args.timeout, segment)))


if __name__ == "__main__":
    main()
