"""``stance label export|import``: hand labels for stance targets.

    stance label export [PATH] --target T [-n 40] [-o FILE.csv]
    stance label import FILE.csv [PATH]

``export`` writes the statements most worth labelling next (uncertainty sampling, round-robin over
speakers) with an empty ``position`` column; ``import`` reads the filled sheet back, names bad rows,
merges the labels into ``labels/<target>.csv`` of the corpus (or ``--labels DIR``) and reports the
agreement of the zero-shot and the cross-validated supervised model with all stored labels.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NAME = "label"
HELP = ("label statements for a stance target: export the ones most worth labelling to a CSV, "
        "import the filled CSV and report model agreement")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--speakers", default=None, metavar="FILE",
                   help="speaker registry to use instead of the one corpus.yaml names")
    p.add_argument("--targets", default=None, metavar="FILE",
                   help="YAML file whose targets: section to use (default: the corpus.yaml's)")
    p.add_argument("--labels", default=None, metavar="DIR",
                   help="folder of stored labels (default: labels/ in the corpus folder)")
    p.add_argument("--statements", default=None, metavar="FILE",
                   help="statements table (.parquet or .csv from `stance statements -o`) "
                        "instead of extracting them again")
    p.add_argument("--seed", type=int, default=0, help="seed of bootstraps and folds (default 0)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    exp = sub.add_parser("export", help="write the statements most worth labelling to a CSV")
    exp.add_argument("path", nargs="?", default=None,
                     help="corpus folder (default: the default corpus)")
    exp.add_argument("--target", required=True, help="target name (from corpus.yaml targets:)")
    exp.add_argument("-n", type=int, default=40, help="statements to export (default 40)")
    exp.add_argument("-o", "--output", default=None, metavar="FILE.csv",
                     help="sheet to write (default: label-<target>.csv here)")
    _common(exp)
    imp = sub.add_parser("import", help="read a filled sheet, store the labels, report agreement")
    imp.add_argument("file", help="the filled CSV (statement_id, target, position, ...)")
    imp.add_argument("path", nargs="?", default=None,
                     help="corpus folder (default: the default corpus)")
    imp.add_argument("--json", action="store_true", help="print the agreement as JSON")
    _common(imp)


def load_setting(args: argparse.Namespace) -> dict[str, Any]:
    """Corpus, targets, statements, vectors, zero-shot table and labels folder of a command."""
    import pandas as pd
    import yaml

    from stance.embedding._embed import embed
    from stance.read._corpus import read_corpus
    from stance.tables import normalize_statements
    from stance.targets import load_targets, zero_shot_stance

    corpus = read_corpus(args.path, speakers=args.speakers)
    if args.targets:
        tpath = Path(args.targets)
        try:
            data = yaml.safe_load(tpath.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{tpath}: cannot read targets: {exc}") from None
        targets = load_targets(data if isinstance(data, (dict, list)) else None, str(tpath))
    else:
        targets = load_targets(corpus.config, str(corpus.path / "corpus.yaml")
                               if corpus.path.is_dir() else "corpus.yaml")
    if not targets:
        raise ValueError(f"corpus {corpus.path} has no targets: add a targets: section to its "
                         "corpus.yaml or pass --targets FILE")
    progress = False if args.no_progress else None
    if args.statements:
        spath = Path(args.statements)
        table = (pd.read_parquet(spath) if spath.suffix == ".parquet"
                 else pd.read_csv(spath, dtype=str, keep_default_na=False))
        statements = normalize_statements(table)
    else:
        from stance.extract import extract_statements

        statements = extract_statements(corpus, progress=progress)
    vectors = embed(statements, progress=progress)
    zero_shot = zero_shot_stance(statements, vectors, targets)
    base = corpus.path if corpus.path.is_dir() else corpus.path.parent
    labels_dir = Path(args.labels) if args.labels else base / "labels"
    return {"corpus": corpus, "targets": targets, "statements": statements, "vectors": vectors,
            "zero_shot": zero_shot, "labels_dir": labels_dir}


def _export(args: argparse.Namespace) -> int:
    from stance.targets import get_target
    from stance.targets._labels import (
        label_path,
        read_labels,
        select_for_labelling,
        write_label_sheet,
    )

    s = load_setting(args)
    target = get_target(s["targets"], args.target)
    stored = label_path(s["labels_dir"], target.name)
    labels = read_labels(stored, s["targets"]) if stored.exists() else None
    sheet = select_for_labelling(s["statements"], s["vectors"], target, zero_shot=s["zero_shot"],
                                 labels=labels, n=args.n, seed=args.seed)
    out = write_label_sheet(sheet, args.output or f"label-{target.name}.csv")
    known = 0 if labels is None else len(labels)
    print(f"wrote {len(sheet)} statements for target {target.name!r} to {out} "
          f"({sheet['speaker'].nunique()} speakers; {known} already labelled in {stored})")
    print(f"question: {target.question}")
    extra = "".join(f" --{opt} {getattr(args, opt)}" for opt in ("speakers", "targets", "labels")
                    if getattr(args, opt))
    print(f"fill the position column with one of: {', '.join(target.labels)} "
          "(leave it empty to skip a row), then run: stance label import "
          f"{out}{' ' + str(args.path) if args.path else ''}{extra}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from stance.targets import get_target
    from stance.targets._labels import (
        agreement,
        format_agreement,
        read_label_sheet,
        read_labels,
        store_labels,
    )

    s = load_setting(args)
    labels, sheet = read_label_sheet(args.file, s["targets"])
    print(f"{args.file}: {len(sheet)} rows, {len(labels)} labelled")
    results = []
    for name in sorted(set(labels["target"])):
        target = get_target(s["targets"], name)
        report = store_labels(labels, s["labels_dir"], target)
        print(f"{report.path}: {report.added} added, {report.changed} changed, "
              f"{report.unchanged} unchanged, {report.total} in all")
        for sid, old, new in report.changes:
            print(f"  changed {sid}: {old} -> {new}")
        stored = read_labels(report.path, s["targets"])
        results.append(agreement(stored, s["statements"], s["vectors"], target, s["zero_shot"],
                                 seed=args.seed))
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    else:
        for r in results:
            print(format_agreement(r))
    return 0


def run(args: argparse.Namespace) -> int:
    return _export(args) if args.action == "export" else _import(args)
