"""Griffe extension: render the reStructuredText bits of the docstrings as Markdown.

The docstrings follow numpydoc, whose prose is reStructuredText: roles such as
``:func:`embed``` and simple tables framed by ``=====  =====`` rules. MkDocs renders Markdown, so
at load time this extension turns a role into inline code (``~a.b.c`` shows ``c``) and a simple
table into a Markdown table (a list when it has no header row). The source is not changed.
"""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|exc|obj|ref):`(~?)([^`]+)`")
RULE = re.compile(r"^\s*=+(\s+=+)+\s*$")


def _role(match: re.Match) -> str:
    target = match.group(2)
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"


def _cells(line: str, starts: list[int]) -> list[str]:
    bounds = [*starts[1:], max(len(line), starts[-1]) + 1]
    return [line[a:b].strip() for a, b in zip(starts, bounds, strict=True)]


def _table(block: list[str]) -> list[str]:
    """A simple table (its lines, rules included) as Markdown lines."""
    starts = [m.start() for m in re.finditer(r"=+", block[0])]
    rules = [i for i, line in enumerate(block) if RULE.match(line)]
    header = _cells(block[rules[0] + 1], starts) if len(rules) == 3 else None
    rows: list[list[str]] = []
    for line in block[rules[-2] + 1:rules[-1]]:
        if not line.strip():
            continue
        cells = _cells(line, starts)
        if rows and not cells[0]:  # a continuation line of the row above
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    if header is None:
        return [f"- {row[0]}: {' '.join(row[1:])}" for row in rows]
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def rst_to_markdown(text: str) -> str:
    """Roles to inline code, simple tables to Markdown tables or lists."""
    lines = ROLE.sub(_role, text).split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not RULE.match(lines[i]):
            out.append(lines[i])
            i += 1
            continue
        # a table with a header has its second rule right after its first row: three rules
        wanted = 3 if i + 2 < len(lines) and RULE.match(lines[i + 2]) else 2
        j, seen = i, 0
        while j < len(lines) and seen < wanted:
            seen += bool(RULE.match(lines[j]))
            j += 1
        out += ["", *_table(lines[i:j]), ""]
        i = j
    return "\n".join(out)


class RstToMarkdown(griffe.Extension):
    """Rewrite every docstring as it is loaded."""

    def on_object(self, *, obj: griffe.Object, **kwargs: object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rst_to_markdown(obj.docstring.value)
