"""How many lost spaces the repairs restore, and how many spaces they add that were never there.

Takes clean news texts (default: PolNeAR's ``../shared/eval/polnear/data``, read at run time,
never copied), removes spaces the way scrapers do, and repairs the damaged text:

- paragraph joins: a line break after ``.``/``!``/``?``/a quote mark and before a capital or a
  quote mark is removed (``side.Baku``, ``shelters."New``);
- lost word spaces: the space between two lowercase words is removed with probability
  ``--word-rate`` (``saiduploading``, ``thatin``);
- lost comma spaces: the space after a comma between two words, with probability ``--comma-rate``.

Reports, per kind of damage, the spaces restored (recall) and the inserted spaces that are not a
removed space (false insertions: either a real artifact of the source, also repaired in the clean
text, or an error). Deterministic (``--seed``).

    .venv/bin/python benchmarks/repairs_synthetic.py [FOLDER] [--word-rate 0.01] [--comma-rate 0.05]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
POLNEAR = REPO_ROOT.parent / "shared" / "eval" / "polnear" / "data"

_PARAGRAPH = re.compile(r"(?<=[.!?\"”])\n+(?=[A-Z\"“])")
_WORD_SPACE = re.compile(r"(?<=\b[a-z]{2})(?<=[a-z]) (?=[a-z]{2,}\b)")
_COMMA_SPACE = re.compile(r"(?<=[a-z]{2},) (?=[a-z]{2})")


def damage(text: str, rng: random.Random, word_rate: float, comma_rate: float,
           ) -> tuple[str, dict[int, str]]:
    """The text with spaces removed, and {offset in the damaged text: kind} of each removal."""
    cuts: dict[int, tuple[int, str]] = {}     # start in text -> (length removed, kind)
    for m in _PARAGRAPH.finditer(text):
        cuts[m.start()] = (m.end() - m.start(), "paragraph")
    for m in _WORD_SPACE.finditer(text):
        if rng.random() < word_rate:
            cuts.setdefault(m.start(), (1, "word"))
    for m in _COMMA_SPACE.finditer(text):
        if rng.random() < comma_rate:
            cuts.setdefault(m.start(), (1, "comma"))
    out, removed, last, shift = [], {}, 0, 0
    for start in sorted(cuts):
        length, kind = cuts[start]
        if start < last:
            continue
        out.append(text[last:start])
        removed[start - shift] = kind
        shift += length
        last = start + length
    out.append(text[last:])
    return "".join(out), removed


def inserted_points(rep) -> set[int]:
    """Raw offsets where the repair inserted a space (from the offset map)."""
    points = set()
    for p in range(len(rep.text)):
        if rep.text[p] == " " and rep.to_raw(p) == rep.to_raw(p + 1):
            points.add(rep.to_raw(p))
    return points


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from stance.read._repair import repair_text

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default=str(POLNEAR))
    ap.add_argument("--word-rate", type=float, default=0.01)
    ap.add_argument("--comma-rate", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=20, help="false insertions to print")
    args = ap.parse_args(argv)
    files = sorted(Path(args.folder).glob("**/*.txt")) if Path(args.folder).is_dir() else []
    if not files:
        print(f"skipped: no texts at {args.folder}")
        return 0
    rng = random.Random(args.seed)
    removed_by, restored_by = Counter(), Counter()
    false, shown = 0, []
    for path in files:
        text = path.read_bytes().decode("utf-8")
        damaged, removed = damage(text, rng, args.word_rate, args.comma_rate)
        rep = repair_text(damaged)
        points = inserted_points(rep)
        for pos, kind in removed.items():
            removed_by[kind] += 1
            restored_by[kind] += pos in points
        for pos in sorted(points - set(removed)):
            false += 1
            if len(shown) < args.show:
                shown.append(f"{path.name[:40]:40} ...{damaged[max(0, pos - 30):pos]}|"
                             f"{damaged[pos:pos + 30]}...".replace("\n", " "))
    print(f"texts: {len(files)}  (word rate {args.word_rate}, comma rate {args.comma_rate}, "
          f"seed {args.seed})")
    for kind in ("paragraph", "word", "comma"):
        n, k = removed_by[kind], restored_by[kind]
        print(f"  {kind:10} removed {n:6}  restored {k:6}  recall {k / n if n else 0:.3f}")
    total, hit = sum(removed_by.values()), sum(restored_by.values())
    print(f"  all        removed {total:6}  restored {hit:6}  recall {hit / total if total else 0:.3f}")
    print(f"  inserted where no space was removed: {false}")
    print("\n".join(shown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
