"""MkDocs hook: fill ``<!-- stance-cli-help -->`` with the ``--help`` of every ``stance`` command.

The command-line page is generated from the parser itself (``stance.cli.build_parser``), so it
cannot drift from the code: a new command or option shows up on the next ``make docs``.
"""

from __future__ import annotations

import argparse
import os

MARKER = "<!-- stance-cli-help -->"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps subcommands only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def cli_reference() -> str:
    """Markdown: one section per command (and per action of ``label``), with its help text."""
    os.environ["COLUMNS"] = "100"  # argparse wraps help at the terminal width; fix it
    from stance.cli import build_parser

    parser = build_parser()
    parts = ["## `stance`\n", f"```text\n{parser.format_help()}```\n"]
    for name, sub in _subparsers(parser).items():
        parts += [f"## `stance {name}`\n", f"```text\n{sub.format_help()}```\n"]
        for action, leaf in _subparsers(sub).items():
            parts += [f"### `stance {name} {action}`\n", f"```text\n{leaf.format_help()}```\n"]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_reference())
    return markdown
