"""Repairs made on the development corpus, for checking by hand that none broke a correct word.

Runs :func:`stance.read._repair.repair_text` on the body (everything after the header line) of each
``*.txt`` of ``../shared/corpora/nk2020-dev`` (or the folder given as the first argument) and
prints the counts by kind, then every edit with its context in the repaired text.
Exits with a message (status 0) when the folder is absent. The texts are read at run time and
never copied into the repository.

With ``--plain`` the files have no header line and are searched recursively: a check for
false repairs on clean news text, e.g. PolNeAR's ``../shared/eval/polnear/data``.

    .venv/bin/python benchmarks/repairs_dev.py [FOLDER] [--plain]
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "nk2020-dev"
CONTEXT = 30


def body_of(path: Path, plain: bool = False) -> str:
    """The article body: the text after the first (header) line, or all of it if ``plain``."""
    text = path.read_bytes().decode("utf-8-sig")
    if plain:
        return text
    return text.split("\n", 1)[1] if "\n" in text else ""


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from stance.read._repair import EDIT_KINDS, repair_text

    plain = "--plain" in argv
    args = [a for a in argv if a != "--plain"]
    folder = Path(args[0]) if args else DEV_CORPUS
    files = sorted(folder.glob("**/*.txt" if plain else "*.txt")) if folder.is_dir() else []
    if not files:
        print(f"skipped: no development corpus at {folder}")
        return 0
    counts: Counter[str] = Counter()
    lines = []
    for path in files:
        rep = repair_text(body_of(path, plain))
        for e in rep.edits:
            counts[e.kind] += 1
            left = rep.text[max(0, e.start - CONTEXT):e.start].replace("\n", " ")
            right = rep.text[e.end:e.end + CONTEXT].replace("\n", " ")
            shown = (f"{e.before!r} -> {e.after!r}" if e.kind != "damaged"
                     else f"[{e.after}]")
            lines.append(f"{path.name[:40]:40} {e.kind:14} ...{left}{shown}{right}...  ({e.note})")
    print(f"files: {len(files)}  edits: {sum(counts.values())}  "
          f"repairs: {sum(v for k, v in counts.items() if k != 'damaged')}")
    for kind in EDIT_KINDS:
        print(f"  {kind:14} {counts.get(kind, 0)}")
    print()
    print("\n".join(lines) if lines else "(no edits)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
