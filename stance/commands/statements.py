"""``stance statements [PATH] [-o OUT.csv|OUT.parquet] [--speakers FILE]``: extract who said what."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "statements"
HELP = ("extract the speaker-attributed statements of a corpus (quotes, reported speech, acts, "
        "authored text), write them as CSV or Parquet and print a summary per speaker and side")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stance.commands.corpus import add_corpus_arguments

    add_corpus_arguments(parser)
    parser.add_argument("-o", "--output", default=None, metavar="OUT",
                        help="write the statements table to OUT (.csv or .parquet)")
    parser.add_argument("--speakers", default=None, metavar="FILE",
                        help="speaker registry to use instead of the one corpus.yaml names")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N",
                        help="texts per spaCy batch (default 32)")
    parser.add_argument("--method", choices=("rules", "tagger", "both"), default=None,
                        help="rules (dependency rules), tagger (the learned attribution tagger) "
                        "or both (rules first); default: corpus.yaml's extraction, else rules")
    parser.add_argument("--cues", choices=("speech", "all"), default=None,
                        help="the tagger's cues that make statements: speech (verbs of saying; "
                        "the default) or all (also beliefs and evidence, flagged nonspeech, as "
                        "PolNeAR counts them); default: corpus.yaml's cues, else speech")
    parser.add_argument("--tagger-model", default=None, metavar="DIR",
                        help="tagger model folder (default: $STANCE_TAGGER_MODEL or the shipped "
                        "model; see `stance model train`)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def summarize(statements, top: int = 25) -> str:
    """Statements per side and per speaker (unresolved mentions grouped as such)."""
    n = len(statements)
    lines = [f"{n} statements from {statements['article_id'].nunique() if n else 0} articles"]
    if not n:
        return lines[0]
    kinds = statements["kind"].value_counts()
    lines.append("kinds: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    side = statements["side"].replace("", "(unresolved)").value_counts()
    lines += ["", "by side:"] + [f"  {k:<20} {v:>5}" for k, v in side.items()]
    who = statements["speaker_name"].where(statements["speaker"] != "", "")
    who = who.where(who != "", "(unresolved) " + statements["mention"])
    counts = (statements.assign(who=who)
              .groupby(["who", "side"], sort=False).size()
              .reset_index(name="n").sort_values(["n", "who"], ascending=[False, True]))
    lines += ["", "by speaker:"]
    for r in counts.head(top).itertuples():
        lines.append(f"  {r.n:>5}  {r.who[:48]:<48} {r.side}")
    if len(counts) > top:
        lines.append(f"  ... {len(counts) - top} more")
    flags = statements["flags"].str.split(";").explode()
    flags = flags[flags.fillna("") != ""].value_counts()
    if len(flags):
        lines += ["", "flags: " + ", ".join(f"{k} {v}" for k, v in flags.items())]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from stance.extract import extract_statements
    from stance.output import write_table
    from stance.read._corpus import read_corpus

    out = Path(args.output) if args.output else None
    fmt = out.suffix.lower().lstrip(".") if out else ""
    if out and fmt not in ("csv", "parquet"):
        raise ValueError(f"output {out}: use a .csv or .parquet file name")
    corpus = read_corpus(args.path, strict=args.strict, speakers=args.speakers)
    statements = extract_statements(corpus, batch_size=args.batch_size, method=args.method,
                                    tagger_model=args.tagger_model, cues=args.cues,
                                    progress=False if args.no_progress else None)
    import sys

    report = corpus.report
    for label, items in (("skipped", report.skipped), ("warning", report.warnings)):
        for where, why in items:
            print(f"{label} {where}: {why}", file=sys.stderr)
    if not len(corpus.registry or []):
        print(f"note: {corpus.name} has no speaker registry (speakers.yaml): statements keep "
              "their mentions but get no speaker or side (`stance init`, docs/registry.md, or "
              "--speakers FILE)", file=sys.stderr)
    if out:
        write_table(statements, out.with_suffix(""), formats=(fmt,))
        print(f"wrote {len(statements)} statements to {out}")
    print(summarize(statements))
    if not out:
        print("(no -o OUT.csv given: the table was not written)", file=sys.stderr)
    return 0
