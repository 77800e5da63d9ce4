"""Speed of ``stance.embed`` beside ``SentenceTransformer.encode``, cold and warm.

    python benchmarks/embedding_speed.py [--n-cold 300] [--n-warm 10000] [--rounds 10]

Cold throughput: texts per second of ``stance.embed`` on an empty cache (so it encodes every text,
hashes it and writes it to the cache) against calling ``SentenceTransformer.encode`` directly on the
same texts with the same model and batch size (target: ratio at least 0.95). Each is timed
``--rounds`` times, alternating (and alternating which goes first), with a fresh cache folder
for every ``stance.embed`` round. The machine is shared, so single rounds vary by a factor of
several: the report gives the ratio of the fastest rounds, the median of the per-round ratios
(each pair of rounds ran back to back) and the median ratio of CPU time of this process (less
sensitive to other processes); it passes when either median reaches the target.

Warm re-run: ``--n-warm`` statements are embedded once into an empty cache (cold), then again
(warm: all from the cache); target: warm at least 50 times faster than cold. ``--n-warm 0``
skips this part. The overhead of ``stance.embed`` itself is also timed alone, with a stub
model that returns constant vectors at once (seconds per 1,000 texts on a cold cache). The warm re-run is
timed in this process (model loaded) and in a fresh process (``python -c``: import, model
fingerprint from the cache, lookups; the model is never loaded), the latter including interpreter
start-up.

The texts are generated from a small invented vocabulary (a fictional conflict), all distinct,
8 to 40 words long. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, print_json

TARGET_COLD_RATIO = 0.95
TARGET_WARM_SPEEDUP = 50.0

_SUBJECTS = ["The defence ministry", "A spokeswoman for the government", "The foreign minister",
             "Local officials", "The mediators", "An adviser to the president", "The army",
             "Residents of the border town", "The ombudsman", "Opposition leaders"]
_VERBS = ["said", "claimed", "denied", "warned", "announced", "insisted", "reported",
          "accused the other side and said", "told reporters", "stated on Sunday"]
_CLAUSES = ["artillery hit residential areas near the river", "the ceasefire was violated overnight",
            "talks would resume in the capital next week", "two villages were taken back",
            "drones struck a fuel depot behind the front line", "civilians were evacuated by bus",
            "the shelling of schools must stop at once", "troops repelled a large-scale attack",
            "aid convoys were blocked at the checkpoint", "the footage released was staged",
            "military targets would be destroyed if attacks continued",
            "the negotiations had reached a dead end", "power lines were repaired in the north",
            "the offensive would continue until the region is liberated",
            "international observers should visit the sites"]


def make_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct statement-like texts, 8-40 words, from the invented vocabulary above."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        subject = _SUBJECTS[rng.integers(len(_SUBJECTS))]
        verb = _VERBS[rng.integers(len(_VERBS))]
        parts = [f"{subject} {verb} that {_CLAUSES[rng.integers(len(_CLAUSES))]}"]
        for _ in range(rng.integers(0, 4)):
            parts.append(f"and that {_CLAUSES[rng.integers(len(_CLAUSES))]}")
        text = " ".join(parts) + f" (report {rng.integers(1_000_000)})."
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def time_direct(model, texts: list[str], batch_size: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``SentenceTransformer.encode``."""
    start, cpu = time.perf_counter(), time.process_time()
    model.encode(texts, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False)
    return time.perf_counter() - start, time.process_time() - cpu


def time_embed(texts: list[str], cache_dir: Path, batch_size: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``stance.embed``."""
    from stance.embedding._embed import embed

    start, cpu = time.perf_counter(), time.process_time()
    embed(texts, cache_dir=cache_dir, batch_size=batch_size, progress=False)
    return time.perf_counter() - start, time.process_time() - cpu


_FRESH = """
import sys, time
t = time.perf_counter()
from stance.embedding._embed import embed
from benchmarks.embedding_speed import make_texts
texts = make_texts(int(sys.argv[2]), seed=1)
t = time.perf_counter()
embed(texts, cache_dir=sys.argv[1], progress=False)
print(time.perf_counter() - t)
"""


class _StubModel:
    """Returns constant vectors at once: what ``stance.embed`` adds around the model."""

    _stance_fingerprint = "stub-model"

    def encode(self, texts, **kwargs):
        return np.ones((len(texts), 384), dtype=np.float32)


def measure_overhead(texts: list[str], cache_dir: Path, batch_size: int) -> float:
    """Seconds per 1,000 texts that ``stance.embed`` spends outside the model on a cold cache
    (hashing, de-duplication, sorting, normalising, writing the cache)."""
    from stance.embedding._embed import embed

    start = time.perf_counter()
    embed(texts, _StubModel(), cache_dir=cache_dir, batch_size=batch_size, progress=False)
    return 1000 * (time.perf_counter() - start) / len(texts)


def measure_warm(n: int, cache_dir: Path, batch_size: int) -> dict:
    """Cold then warm ``stance.embed`` of ``n`` texts into ``cache_dir`` (in-process and fresh)."""
    if n <= 0:
        return {"skipped": "--n-warm 0"}
    texts = make_texts(n, seed=1)
    cold = time_embed(texts, cache_dir, batch_size)[0]
    warm = min(time_embed(texts, cache_dir, batch_size)[0] for _ in range(3))
    proc = subprocess.run([sys.executable, "-c", _FRESH, str(cache_dir), str(n)],
                          capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    fresh = float(proc.stdout.strip().splitlines()[-1])
    return {"texts": n, "cold_seconds": round(cold, 3), "warm_seconds": round(warm, 4),
            "warm_seconds_fresh_process": round(fresh, 4), "speedup": round(cold / warm, 1),
            "speedup_fresh_process": round(cold / fresh, 1), "target": TARGET_WARM_SPEEDUP,
            "passed": cold / warm >= TARGET_WARM_SPEEDUP}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-cold", type=int, default=300)
    parser.add_argument("--n-warm", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)

    from stance.embedding._embed import load_model

    model = load_model()
    texts = make_texts(args.n_cold, seed=0)
    time_direct(model, texts[:64], args.batch_size)  # warm-up (threads, allocator)
    direct, ours = [], []
    with tempfile.TemporaryDirectory(prefix="stance-bench-") as tmp:
        for r in range(args.rounds):  # alternate which goes first, against load trends
            if r % 2:
                ours.append(time_embed(texts, Path(tmp) / f"cold-{r}", args.batch_size))
                direct.append(time_direct(model, texts, args.batch_size))
            else:
                direct.append(time_direct(model, texts, args.batch_size))
                ours.append(time_embed(texts, Path(tmp) / f"cold-{r}", args.batch_size))
        overhead = measure_overhead(make_texts(10_000, seed=2), Path(tmp) / "stub",
                                    args.batch_size)
        warm_report = measure_warm(args.n_warm, Path(tmp) / "warm", args.batch_size)
    wall_d, cpu_d = (list(x) for x in zip(*direct, strict=True))
    wall_o, cpu_o = (list(x) for x in zip(*ours, strict=True))
    ratio = min(wall_d) / min(wall_o)
    paired = float(np.median([d / o for d, o in zip(wall_d, wall_o, strict=True)]))
    cpu_ratio = float(np.median([d / o for d, o in zip(cpu_d, cpu_o, strict=True)]))
    print_json({
        "cold": {"texts": args.n_cold, "batch_size": args.batch_size, "rounds": args.rounds,
                 "encode_seconds": [round(t, 3) for t in wall_d],
                 "stance_embed_seconds": [round(t, 3) for t in wall_o],
                 "encode_cpu_seconds": [round(t, 3) for t in cpu_d],
                 "stance_embed_cpu_seconds": [round(t, 3) for t in cpu_o],
                 "encode_texts_per_second": round(args.n_cold / min(wall_d), 1),
                 "stance_embed_texts_per_second": round(args.n_cold / min(wall_o), 1),
                 "throughput_ratio_fastest_rounds": round(ratio, 3),
                 "throughput_ratio_median_of_rounds": round(paired, 3),
                 "cpu_time_ratio_median_of_rounds": round(cpu_ratio, 3),
                 "target": TARGET_COLD_RATIO,
                 "passed": max(paired, cpu_ratio) >= TARGET_COLD_RATIO,
                 "stance_overhead_seconds_per_1000_texts": round(overhead, 4),
                 "encode_seconds_per_1000_texts": round(1000 * min(wall_d) / args.n_cold, 2)},
        "warm": warm_report,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
