"""``stance run [PATH]``: the main job on a corpus.

For now it reads the corpus and prints its summary (as ``stance corpus``); the later stages
(statements, frames, figures) extend this command.
"""

from __future__ import annotations

import argparse

NAME = "run"
HELP = ("run the analysis on a corpus (currently: read it and print its summary; statements, "
        "frames and figures come later)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stance.commands.corpus import add_corpus_arguments

    add_corpus_arguments(parser)
    parser.add_argument("--config", default=None, metavar="FILE",
                        help="run configuration (YAML); not used yet by the corpus stage")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output folder (default: figures/<corpus name>); not written yet")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stance.corpus import summarize_corpus

    if args.config is not None and not Path(args.config).is_file():
        raise FileNotFoundError(f"config file {args.config} not found")
    print(summarize_corpus(args.path, strict=args.strict))
    return 0
