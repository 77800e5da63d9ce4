"""``stance model train DATA... --out DIR`` / ``stance model info [DIR]``: the attribution tagger.

``train`` reads annotated folders (BRAT such as PolNeAR, this project's gold JSON, or a GUM
checkout, optionally ``GUM_DIR:train`` for one of GUM's splits), trains the tagger with spaCy's
own training loop and writes the model folder to ``--out``, with ``training.json`` (data, counts,
scores on the development documents, seconds). Point ``$STANCE_TAGGER_MODEL`` (or
``stance statements --tagger-model DIR``) at it to use it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

NAME = "model"
HELP = "train or describe the learned attribution tagger (stance statements --method tagger)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    tr = sub.add_parser("train", help="train a tagger from annotated folders",
                        description="train a tagger from annotated folders (BRAT, gold JSON, "
                        "GUM; GUM_DIR:train picks one of GUM's splits)")
    tr.add_argument("data", nargs="+", metavar="DATA", help="training folder(s)")
    tr.add_argument("--dev", nargs="*", default=None, metavar="DIR",
                    help="development folder(s) that choose the best checkpoint "
                    "(default: every 10th training document, held out)")
    tr.add_argument("--out", required=True, metavar="DIR", help="model folder to write")
    tr.add_argument("--epochs", type=int, default=2, help="epochs (default 2)")
    tr.add_argument("--max-steps", type=int, default=0, metavar="N",
                    help="stop after N updates (default: no limit)")
    tr.add_argument("--eval-frequency", type=int, default=200, metavar="N",
                    help="updates between evaluations on the development documents")
    tr.add_argument("--seed", type=int, default=0)
    info = sub.add_parser("info", help="labels, fingerprint and training record of a model")
    info.add_argument("path", nargs="?", default=None, metavar="DIR",
                      help="model folder (default: $STANCE_TAGGER_MODEL or the shipped model)")


def read_data(spec: str):
    """Documents of one ``DATA`` argument (``PATH`` or ``GUM_PATH:SPLIT``)."""
    from stance.extract import _train

    path, _, split = spec.partition(":") if ":" in spec and not Path(spec).exists() \
        else (spec, "", "")
    if split:
        return _train.read_gum(path, docs=gum_split(Path(path), split))
    return _train.read_any(path)


def gum_split(path: Path, split: str) -> set[str]:
    """Document names of one split in GUM's ``splits.md`` (``train`` = all but dev and test)."""
    splits_md = path / "splits.md"
    if not splits_md.exists():
        raise FileNotFoundError(f"{splits_md}: GUM's split list is missing")
    named: dict[str, set[str]] = {}
    section = ""
    for line in splits_md.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.strip().startswith("* "):
            named.setdefault(section, set()).add(line.strip()[2:].strip())
    if split == "train" and "train" not in named:
        every = {p.stem for p in (path / "rst" / "dependencies").glob("GUM_*.rsd")}
        return every - named.get("dev", set()) - named.get("test", set())
    if split not in named:
        raise ValueError(f"{splits_md}: no split {split!r} (has {', '.join(sorted(named))})")
    return named[split]


def run(args: argparse.Namespace) -> int:
    if args.model_command == "info":
        return _info(args.path)
    from stance.extract import _train

    t0 = time.time()
    train_docs = [d for spec in args.data for d in read_data(spec)]
    if args.dev:
        dev_docs = [d for spec in args.dev for d in read_data(spec)]
    else:
        dev_docs = train_docs[9::10]
        train_docs = [d for k, d in enumerate(train_docs) if k % 10 != 9] or dev_docs
    print(f"{len(train_docs)} training documents, {len(dev_docs)} development documents")
    out = Path(args.out)
    with tempfile.TemporaryDirectory(prefix="stance-train-") as tmp:
        best = _train.train(train_docs, dev_docs, tmp, epochs=args.epochs,
                            max_steps=args.max_steps, eval_frequency=args.eval_frequency,
                            seed=args.seed)
        card = out / "MODEL_CARD.md"
        kept = card.read_text(encoding="utf-8") if card.exists() else None
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
        if kept is not None:  # a model card written by hand survives retraining
            card.write_text(kept, encoding="utf-8")
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    record = {
        "data": list(args.data), "dev": list(args.dev or []),
        "train_documents": len(train_docs), "dev_documents": len(dev_docs),
        "train_spans": sum(len(d.spans) for d in train_docs),
        "epochs": args.epochs, "max_steps": args.max_steps, "seed": args.seed,
        "seconds": round(time.time() - t0, 1),
        "dev_scores": {k: meta.get("performance", {}).get(k)
                       for k in ("ents_f", "ents_p", "ents_r", "ents_per_type")},
    }
    (out / "training.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} (dev span F1 {record['dev_scores']['ents_f']}, "
          f"{record['seconds']} s)")
    return 0


def _info(path) -> int:
    from stance.extract import _tagger

    p = _tagger.model_path(path)
    print(f"model: {p}")
    print(f"fingerprint: {_tagger.fingerprint(p)}")
    print(f"labels: {', '.join(_tagger.load_tagger(p).get_pipe('ner').labels)}")
    rec = p / "training.json"
    if rec.exists():
        print(rec.read_text(encoding="utf-8").rstrip())
    return 0
