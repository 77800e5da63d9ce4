"""``stance verify DIR``: re-hash a run's outputs against its manifest."""

from __future__ import annotations

import argparse

NAME = "verify"
HELP = "re-hash the outputs of `stance run` against its manifest.json and report what differs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=None,
                        help="output folder of `stance run` (default: figures/<default corpus>)")


def run(args: argparse.Namespace) -> int:
    from stance.config import PROJECT_ROOT, default_corpus_path
    from stance.manifest import verify_outputs

    out = args.dir or PROJECT_ROOT / "figures" / default_corpus_path().name
    result = verify_outputs(out)
    print(result.summary())
    return 0 if result.passed else 1
