"""Time of ``stance run`` with an empty embedding cache against a re-run with nothing changed.

    python benchmarks/pipeline_rerun.py [CORPUS] [--rounds 2]

Each round runs ``stance run CORPUS --out TMP`` twice in fresh processes with the same new cache
folder (``STANCE_CACHE_DIR``): first cold (every statement is encoded), then warm (all from the
cache). The stage lines that ``stance run`` prints carry each stage's time, so the report gives,
for the cold and the warm run side by side, the embed stage, the whole run (wall clock, including
interpreter start-up) and their ratios, the median over the rounds. It also checks that the two
runs wrote byte-identical files. Default corpus: the default corpus. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGE = re.compile(r"^\[(\d+)/\d+\] (\w+): .*\((\d+(?:\.\d+)?) s\)$")


def run_once(corpus: str | None, out: Path, cache: Path) -> tuple[float, dict[str, float]]:
    """Wall time and per-stage times of one ``stance run`` in a fresh process."""
    env = dict(os.environ, STANCE_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1")
    cmd = [sys.executable, "-m", "stance", "run", *([corpus] if corpus else []), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    stages = {m.group(2): float(m.group(3)) for line in done.stdout.splitlines()
              if (m := STAGE.match(line.strip()))}
    return wall, stages


def same_bytes(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    return names == sorted(p.name for p in b.iterdir()) and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=None)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    rows = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cold_wall, cold = run_once(args.corpus, tmp / "cold", tmp / "cache")
            warm_wall, warm = run_once(args.corpus, tmp / "warm", tmp / "cache")
            rows.append({"cold_wall_s": cold_wall, "warm_wall_s": warm_wall,
                         "cold_embed_s": cold.get("embed"), "warm_embed_s": warm.get("embed"),
                         "cold_stages_s": cold, "warm_stages_s": warm,
                         "identical_outputs": same_bytes(tmp / "cold", tmp / "warm")})
    med = {k: statistics.median(r[k] for r in rows)
           for k in ("cold_wall_s", "warm_wall_s", "cold_embed_s", "warm_embed_s")}
    print(json.dumps({
        "corpus": args.corpus or "default",
        "rounds": rows,
        "median": med,
        "embed_speedup": med["cold_embed_s"] / med["warm_embed_s"],
        "run_speedup": med["cold_wall_s"] / med["warm_wall_s"],
        "identical_outputs": all(r["identical_outputs"] for r in rows),
    }, indent=2))


if __name__ == "__main__":
    main()
