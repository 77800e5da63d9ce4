"""How fast ``read_corpus`` reads a corpus, and what the text repair costs, side by side.

Builds a synthetic corpus of invented articles (``--files`` .txt files with pipe headers plus one
.jsonl and one .csv file of ``--rows`` rows each) in a temporary folder and reads it twice: with
``stance.read._repair.repair_text`` and with repair replaced by the identity. Prints both times, articles
per second and the ratio (repair overhead). Run: ``.venv/bin/python benchmarks/corpus_read.py``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from pathlib import Path

import stance.read._corpus as corpus_module
from stance.read._repair import Repaired

WORDS = ["the", "ministry", "said", "forces", "shelled", "positions", "near", "town",
         "overnight", "officials", "reported", "talks", "resumed", "on", "monday", "after", "a",
         "ceasefire", "was", "agreed", "by", "both", "sides"]


def _paragraph(rng: random.Random, n: int) -> str:
    sentences = []
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(8, 20))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def build(folder: Path, files: int, rows: int, seed: int = 0) -> None:
    """Write the synthetic corpus (deterministic for a seed)."""
    rng = random.Random(seed)
    art = folder / "articles"
    art.mkdir(parents=True)
    for i in range(files):
        day = 1 + i % 28
        body = "\n\n".join(_paragraph(rng, 5) for _ in range(4))
        (art / f"2021-03-{day:02d}_a{i:05d}.txt").write_text(
            f"date 2021-03-{day:02d} | source example{i % 7}.org | url https://example.org/{i}"
            f"\n\n{body}\n", encoding="utf-8")
    with (art / "rows.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(rows):
            fh.write(json.dumps({"text": _paragraph(rng, 3), "date": f"{1 + i % 28}.04.2021",
                                 "author": "Ministry"}) + "\n")
    with (art / "rows.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["date", "text", "source"])
        for i in range(rows):
            writer.writerow([f"May {1 + i % 28}, 2021", _paragraph(rng, 3), "example.net"])


def _timed(folder: Path) -> tuple[float, int]:
    start = time.perf_counter()
    corpus = corpus_module.read_corpus(folder)
    return time.perf_counter() - start, len(corpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder, args.files, args.rows)
        _timed(folder)  # warm-up: imports, word-segmentation tables
        with_repair, n = _timed(folder)
        real = corpus_module.repair_text
        corpus_module.repair_text = lambda raw: Repaired(text=raw, raw=raw)
        try:
            without, n2 = _timed(folder)
        finally:
            corpus_module.repair_text = real
    assert n == n2
    print(f"articles: {n}")
    print(f"read with repair:    {with_repair:7.2f} s  ({n / with_repair:8.0f} articles/s)")
    print(f"read without repair: {without:7.2f} s  ({n / without:8.0f} articles/s)")
    print(f"ratio with/without repair: {with_repair / without:.2f}")


if __name__ == "__main__":
    main()
