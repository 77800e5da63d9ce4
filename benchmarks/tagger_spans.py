"""Exact span P/R/F1 of an attribution tagger model per role (SOURCE, CUE, CONTENT).

    python benchmarks/tagger_spans.py DATA [DATA ...] [--model DIR]

``DATA`` is any folder ``stance model train`` reads (a BRAT folder such as
``../shared/eval/polnear/data/dev``, gold JSON files, a GUM checkout or ``GUM_DIR:test``); the
model defaults to the shipped one. The gold spans go through the same conversion as training
(overlapping roles resolved, token boundaries), and spaCy's NER scorer compares them exactly.
Prints one JSON object. Exits 0 with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import print_json, skip


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+", metavar="DATA")
    ap.add_argument("--model", default=None, metavar="DIR", help="model folder (default: shipped)")
    args = ap.parse_args(argv)
    from spacy.training import Example

    from stance.commands.model import read_data
    from stance.extract import _tagger, _train

    try:
        docs = [d for spec in args.data for d in read_data(spec)]
    except FileNotFoundError as exc:
        skip(f"data not found: {exc}")
    nlp = _tagger.load_tagger(args.model)
    gold = _train.to_docs(nlp, docs)
    examples = [Example(nlp.make_doc(g.text), g) for g in gold]
    t0 = time.perf_counter()
    scores = nlp.evaluate(examples)
    seconds = time.perf_counter() - t0
    words = sum(len(g) for g in gold)
    per = {k: {m: round(v[m], 3) for m in ("p", "r", "f")}
           for k, v in (scores.get("ents_per_type") or {}).items()}
    print_json({
        "benchmark": "tagger_spans", "data": list(args.data),
        "model": str(_tagger.model_path(args.model)),
        "fingerprint": _tagger.fingerprint(args.model)[:16],
        "documents": len(gold), "tokens": words,
        "gold_spans": sum(len(g.ents) for g in gold),
        "ents_p": round(scores["ents_p"], 3), "ents_r": round(scores["ents_r"], 3),
        "ents_f": round(scores["ents_f"], 3), "per_role": per,
        "tokens_per_second": round(words / seconds) if seconds else None,
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
