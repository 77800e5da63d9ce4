"""The ``stance`` command. Each subcommand lives in its own module under ``stance/commands/``.

A command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
To add a command, write the module and add its name to ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: command modules, in the order ``stance --help`` lists them
COMMANDS: list[str] = [
    "init",
    "corpus",
    "speakers",
    "statements",
    "run",
    "verify",
    "fetch",
    "import_html",
    "label",
    "cache",
    "model",
]


def _load_commands() -> list:
    modules = []
    for name in COMMANDS:
        try:
            modules.append(importlib.import_module(f"stance.commands.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"stance.commands.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="stance",
        description="Compare how the parties to a conflict frame it: statements, frames, figures.",
    )
    from stance import __version__

    parser.add_argument("--version", action="version", version=f"stance {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _load_commands():
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``stance`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError) as exc:
        # clear message, no traceback from deep inside (missing or unwritable files included)
        print(f"stance {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
