"""``stance corpus [PATH]``: read a corpus and print what was read, repaired, skipped and why."""

from __future__ import annotations

import argparse

NAME = "corpus"
HELP = ("read a corpus and summarise it: articles, date range, sources, authors, credits, repairs, "
        "flags, skipped files and warnings")


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """PATH and --strict, shared by the commands that read a corpus."""
    parser.add_argument("path", nargs="?", default=None,
                        help="corpus folder or article file (default: the default corpus)")
    parser.add_argument("--strict", action="store_true",
                        help="stop with an error (exit code 1) at the first problem in the corpus")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--speakers", default=None, metavar="FILE",
                        help="speaker registry to use instead of the one corpus.yaml names")


def run(args: argparse.Namespace) -> int:
    from stance.read._corpus import summarize_corpus

    print(summarize_corpus(args.path, strict=args.strict, as_json=args.json,
                           speakers=args.speakers))
    return 0
