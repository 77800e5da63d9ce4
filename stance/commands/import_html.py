"""``stance import-html DIR [PATH]``: articles from HTML pages saved by hand."""

from __future__ import annotations

import argparse

NAME = "import-html"
HELP = ("extract articles from saved .html/.htm files into a corpus's articles/ "
        "(failures go to import-report.csv)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="folder of saved .html/.htm pages")
    parser.add_argument("path", nargs="?", default=None,
                        help="corpus folder (default: the default corpus)")


def run(args: argparse.Namespace) -> int:
    from stance.fetch import import_html

    result = import_html(args.dir, args.path)
    print(result.summary())
    return 1 if result.failed else 0
