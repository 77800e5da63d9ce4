"""``stance speakers [PATH]``: print a corpus's speaker registry, or the mentions it leaves unresolved."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "speakers"
HELP = ("print the speaker registry of a corpus (sides, colours, speakers by side with part_of and "
        "aliases); --unresolved lists the speaker mentions it does not resolve")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=None,
                        help="corpus folder, its corpus.yaml, or a registry file "
                             "(default: the default corpus)")
    parser.add_argument("--speakers", default=None, metavar="FILE",
                        help="registry file to use instead of the one corpus.yaml names")
    parser.add_argument("--level", choices=("person", "organisation", "side"), default="person",
                        help="person: every speaker under its part_of; organisation: speakers "
                             "grouped by the organisation they roll up to; side: sides only")
    parser.add_argument("--unresolved", action="store_true",
                        help="extract the corpus's statements and list the mentions without a "
                             "speaker, most frequent first, with an example sentence each")
    parser.add_argument("--top", type=int, default=None, metavar="N",
                        help="with --unresolved: show only the N most frequent mentions")


def registry_file(path: str | Path | None) -> Path:
    """The registry file for PATH: a registry file itself, or the one a corpus folder names."""
    from stance.config import default_corpus_path
    from stance.read import read_corpus_yaml

    p = Path(path) if path is not None else default_corpus_path()
    if p.is_file() and p.name != "corpus.yaml":
        return p
    root = p.parent if p.is_file() else p
    config_file = root / "corpus.yaml"
    name = "speakers.yaml"
    if config_file.is_file():
        config = read_corpus_yaml(config_file)
        if config.get("speakers"):
            name = str(config["speakers"])
    return root / name


def format_registry(registry, level: str = "person") -> str:
    """The registry as text: sides with colours, then speakers grouped by side at ``level``."""
    lines = [f"registry {registry.path}: {len(registry.sides)} sides, {len(registry.speakers)} speakers",
             "", "sides:"]
    by_side: dict[str, list] = {s: [] for s in registry.sides}
    for sp in registry.speakers.values():
        by_side.setdefault(sp.side, []).append(sp)
    width = max((len(s) for s in registry.sides), default=4)
    for side in registry.sides.values():
        lines.append(f"  {side.id:<{width}}  {side.colour}  {side.label}  "
                     f"({len(by_side.get(side.id, []))} speakers)")
    if level == "side":
        return "\n".join(lines)
    for side_id, members in by_side.items():
        if not members:
            continue
        label = registry.sides[side_id].label if side_id in registry.sides else side_id
        lines += ["", f"{side_id} ({label}):"]
        if level == "organisation":
            groups: dict[str, list[str]] = {}
            for sp in members:
                groups.setdefault(registry.roll_up(sp.id, "organisation"), []).append(sp.id)
            for org, ids in groups.items():
                others = [registry.speakers[i].name for i in ids if i != org]
                tail = f": {', '.join(others)}" if others else ""
                lines.append(f"  {registry.speakers[org].name} [{org}]{tail}")
            continue
        lines += _tree_lines(members)
    return "\n".join(lines)


def _tree_lines(members: list) -> list[str]:
    """Speakers of one side as a tree along ``part_of`` (ancestors on other sides are roots)."""
    ids = {sp.id for sp in members}
    children: dict[str | None, list] = {}
    for sp in members:
        children.setdefault(sp.part_of if sp.part_of in ids else None, []).append(sp)
    lines: list[str] = []
    stack = [(sp, 0) for sp in reversed(children.get(None, []))]
    while stack:
        sp, depth = stack.pop()
        pad = "  " * (depth + 1)
        part = f", part of {sp.part_of}" if sp.part_of else ""
        lines.append(f"{pad}{sp.name} [{sp.id}] ({sp.kind}{part})")
        if sp.aliases:
            lines.append(f"{pad}    aliases: {', '.join(sp.aliases)}")
        if sp.patterns:
            lines.append(f"{pad}    patterns: {len(sp.patterns)}")
        stack += [(child, depth + 1) for child in reversed(children.get(sp.id, []))]
    return lines


def format_unresolved(table, total: int, top: int | None = None) -> str:
    """The table of :func:`stance.speakers.unresolved_mentions` as text."""
    n = int(table["count"].sum()) if len(table) else 0
    head = (f"{n} of {total} statements have a mention without a speaker "
            f"({len(table)} distinct mentions)")
    lines = [head]
    shown = table if top is None else table.head(top)
    for row in shown.itertuples(index=False):
        example = " ".join(str(row.example).split())
        if len(example) > 160:
            example = example[:157] + "..."
        lines.append(f"{row.count:6d}  {row.mention}\n        e.g. {example}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from stance.speakers import load_registry, unresolved_mentions

    if not args.unresolved:
        registry = load_registry(args.speakers or registry_file(args.path))
        print(format_registry(registry, args.level))
        return 0
    from stance.extract import extract_statements
    from stance.read._corpus import read_corpus

    corpus = read_corpus(args.path, speakers=args.speakers)
    statements = extract_statements(corpus)
    print(format_unresolved(unresolved_mentions(statements), len(statements), args.top))
    return 0
