"""``stance fetch [PATH]``: download the missing articles of a corpus's sources file."""

from __future__ import annotations

import argparse

NAME = "fetch"
HELP = ("download the articles listed in a corpus's sources.csv that are not in articles/ yet "
        "(politely; failures go to fetch-report.csv)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from stance import fetch

    parser.add_argument("path", nargs="?", default=None,
                        help="corpus folder (default: the default corpus)")
    parser.add_argument("--delay", type=float, default=fetch.DEFAULT_DELAY, metavar="S",
                        help="seconds between two requests to the same host (default: %(default)s)")
    parser.add_argument("--timeout", type=float, default=fetch.DEFAULT_TIMEOUT, metavar="S",
                        help="connect/read timeout in seconds; a page must be complete within "
                             f"{fetch.DEADLINE_FACTOR:g}x this (default: %(default)s)")
    parser.add_argument("--max-bytes", type=int, default=fetch.DEFAULT_MAX_BYTES, metavar="N",
                        help="largest page read, in bytes (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="download at most N pages in this run")
    parser.add_argument("--user-agent", default=fetch.USER_AGENT, metavar="UA",
                        help="User-Agent header (default: %(default)r)")
    parser.add_argument("--ignore-robots", action="store_true",
                        help="do not read robots.txt (only for sites whose owners agreed)")


def run(args: argparse.Namespace) -> int:
    from stance import fetch
    from stance.fetch import fetch_corpus

    if args.limit is not None and args.limit < 0:
        raise ValueError("--limit must be >= 0")
    if args.user_agent == fetch.USER_AGENT:
        import sys

        print(f"note: the user agent {fetch.USER_AGENT!r} names no contact; for a large fetch "
              "pass --user-agent 'stance (your.name@example.org)' so that a site can reach you",
              file=sys.stderr)
    result = fetch_corpus(args.path, delay=args.delay, timeout=args.timeout,
                          max_bytes=args.max_bytes, limit=args.limit,
                          user_agent=args.user_agent, respect_robots=not args.ignore_robots)
    print(result.summary())
    return 1 if result.failed else 0
