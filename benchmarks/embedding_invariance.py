"""Does a text's vector depend on what it is embedded with? ``stance.embed`` beside
``SentenceTransformer.encode``, in one run.

    python benchmarks/embedding_invariance.py [--threads 1 2 4] [--texts 50] [--every 4]

For texts of several token lengths (invented, from a small vocabulary; every ``--every``-th length
from 4 tokens on, about 3 minutes at the defaults), each text is embedded
alone and then inside batches of other texts: of its own length (batch sizes 2 to 50, the text
first, in the middle or last) and among longer texts (padding). A mismatch is a vector that is
not bit-for-bit the one the text gets alone. Repeated for each thread count of ``--threads``
(torch intra-op threads; vectors are compared within one thread count: another count, like
another CPU, rounds differently). ``stance.embed`` runs with ``use_cache=False``. Prints one JSON
object: checks and mismatches per thread count and method.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import print_json

WORDS = ["the", "ministry", "said", "forces", "shelled", "positions", "near", "town",
         "overnight", "officials", "reported", "talks", "resumed", "after", "ceasefire", "agreed",
         "both", "sides", "army", "civilians", "killed", "near", "river", "we"]
BATCH_SIZES = (2, 3, 5, 8, 13, 21, 34, 50)
LONG = "A much longer sentence about the weather, the harvest and the markets of the towns. " * 3


def _texts_by_length(model, n_texts: int, seed: int = 0) -> dict[int, list[str]]:
    """Invented texts grouped by their token length, lengths with at least ``n_texts`` texts."""
    rng = random.Random(seed)
    texts = list(dict.fromkeys(" ".join(rng.choices(WORDS, k=rng.randint(1, 40)))
                               for _ in range(12000)))
    mask = np.asarray(model.preprocess(texts)["attention_mask"])
    pool: dict[int, list[str]] = {}
    for text, n in zip(texts, mask.sum(axis=1), strict=True):
        pool.setdefault(int(n), []).append(text)
    return {n: ts[:n_texts] for n, ts in sorted(pool.items()) if len(ts) >= n_texts}


def _count(embed_fn, by_length: dict[int, list[str]]) -> dict[str, int]:
    checks = mismatches = 0
    for texts in by_length.values():
        text, others = texts[0], texts[1:]
        alone = embed_fn([text])[0].tobytes()
        batches = [[text, LONG], [LONG, text]]
        for size in BATCH_SIZES:
            company = others[:size - 1]
            for at in (0, len(company) // 2, len(company)):
                batches.append(company[:at] + [text] + company[at:])
        for batch in batches:
            checks += 1
            mismatches += embed_fn(batch)[batch.index(text)].tobytes() != alone
    return {"checks": checks, "mismatches": mismatches}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--texts", type=int, default=max(BATCH_SIZES),
                        help="texts per token length (lengths with fewer are skipped)")
    parser.add_argument("--every", type=int, default=4, help="test every n-th token length")
    args = parser.parse_args(argv)

    import torch

    from stance.embedding._embed import embed, load_model

    model = load_model()
    by_length = _texts_by_length(model, args.texts)
    by_length = {n: by_length[n] for n in sorted(by_length)[::args.every]}
    report: dict = {"token_lengths": sorted(by_length), "batch_sizes": list(BATCH_SIZES),
                    "threads": {}}
    for threads in args.threads:
        torch.set_num_threads(threads)
        report["threads"][str(threads)] = {
            "stance_embed": _count(lambda t: embed(t, model=model, use_cache=False,
                                                   progress=False), by_length),
            "sentence_transformers_encode": _count(
                lambda t: model.encode(t, batch_size=64, convert_to_numpy=True), by_length)}
    print_json(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
