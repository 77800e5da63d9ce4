"""``stance init PATH [--name NAME] [--sides ID ID ...]``: start a corpus for a new conflict.

Writes ``PATH/corpus.yaml`` and ``PATH/speakers.yaml``, both commented, and an empty
``PATH/articles/``. The corpus has no frame axes and no stance targets until you write them (the
examples are commented out): ``stance run`` then draws those figures as notes saying why, and never
borrows another corpus's. Existing files are never overwritten.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "init"
HELP = ("start a corpus for a new conflict: a commented corpus.yaml and speakers.yaml skeleton "
        "and an empty articles/ folder")

#: colours given to the sides in order (Okabe-Ito, colour-blind safe), then grey
SIDE_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")

CORPUS_TEMPLATE = """\
# corpus.yaml of {name}: the settings of this corpus (every key is optional).
# Reference: docs/registry.md (speakers) and docs/bad-input.md (what happens with bad input).
name: {name}
description: >-
  What this corpus holds: the conflict, the period, the kinds of sources.
language: en
# time bin of the comparisons over time: a pandas frequency (D, W, MS, ...)
time_bin: W
# the speaker registry (sides and speakers) of this corpus
speakers: speakers.yaml
# a CSV of articles to download with `stance fetch` (columns url, date, source, title, ...)
# sources: sources.csv
# the date of an article whose date cannot be read (null: such an article is skipped, and listed)
default_date: null
# articles longer than this many characters are skipped with a message (split them, or raise it)
# max_article_chars: 2000000

# Frame axes (figure 7): each runs from a negative pole (-1) to a positive pole (+1); a pole is the
# mean embedding of its phrases. Without axes figure 7 is a note saying there are none.
# axes:
#   - name: harm
#     description: civilian harm against military action
#     positive:
#       label: civilian harm
#       phrases: [civilians were killed, residential areas were shelled]
#     negative:
#       label: military action
#       phrases: [military targets were destroyed, positions were taken]

# Stance targets (figures 8 and 9): what a speaker supports or rejects. Without targets those
# figures are notes saying there are none.
# targets:
#   - name: ceasefire
#     question: Does the speaker support a ceasefire, or reject it?
#     relevance: [a ceasefire, a truce, negotiations to end the fighting]
#     positions:
#       supports: [we call for an immediate ceasefire, the sides must return to negotiations]
#       rejects: [there will be no ceasefire, we will fight until victory]
"""

SPEAKERS_HEAD = """\
# speakers.yaml of {name}: the sides of the conflict and the speakers who belong to them.
# Every speaker needs id, name, side and kind (person, organisation, government, collective,
# group); part_of names the organisation a person speaks for. aliases are names as written
# ("Baku" for a government); patterns are regular expressions matched against the *normalised*
# mention: lower case, no accents, no possessive 's, no leading "the", punctuation as spaces
# (so write `foreign ministry spokesman`, not `Foreign Ministry's Spokesman`). See docs/registry.md.
# Replace the placeholders below with the real sides and speakers.
sides:
"""

SPEAKER_TEMPLATE = """\
  - id: {side}-government
    name: {label} government
    side: {side}
    kind: government
    aliases: [{label}, the {label} government]
  - id: {side}-foreign-ministry
    name: {label} Foreign Ministry
    side: {side}
    kind: organisation
    part_of: {side}-government
    aliases: [{label} Foreign Ministry]
    patterns: ['{pattern} foreign ministry (spokesman|spokeswoman|spokesperson)']
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the new corpus folder (created if missing)")
    parser.add_argument("--name", default=None,
                        help="corpus name (default: the folder name)")
    parser.add_argument("--sides", nargs="+", default=["side-a", "side-b"], metavar="ID",
                        help="ids of the parties to the conflict (default: side-a side-b)")


def skeleton(name: str, sides: list[str]) -> dict[str, str]:
    """The texts of ``corpus.yaml`` and ``speakers.yaml`` for a new corpus.

    Examples
    --------
    >>> files = skeleton("ukraine-2022", ["ukraine", "russia"])
    >>> sorted(files)
    ['corpus.yaml', 'speakers.yaml']
    >>> "id: ukraine-government" in files["speakers.yaml"]
    True
    """
    from stance.output import safe_component

    ids = [safe_component(s, default="").lower() for s in sides]
    if len(ids) < 2 or not all(ids) or len(set(ids)) != len(ids):
        raise ValueError(f"--sides: give at least two different side ids (letters, digits, '-'), "
                         f"got {sides}")
    labels = {s: s.replace("-", " ").replace("_", " ").title() for s in ids}
    speakers = SPEAKERS_HEAD.format(name=name)
    for k, side in enumerate(ids):
        colour = SIDE_COLOURS[k % len(SIDE_COLOURS)]
        speakers += f"  - {{id: {side}, label: {labels[side]}, colour: \"{colour}\"}}\n"
    speakers += ("  - {id: other, label: Other, colour: \"#999999\"}\n"
                 "  - {id: unknown, label: Unknown, colour: \"#BBBBBB\"}\n"
                 "# optional: mentions that are never speakers (regular expressions)\n"
                 "# exclude: ['^(a|the) (reporter|correspondent)$']\n"
                 "speakers:\n")
    for side in ids:
        speakers += SPEAKER_TEMPLATE.format(side=side, label=labels[side],
                                            pattern=labels[side].lower())
    return {"corpus.yaml": CORPUS_TEMPLATE.format(name=name), "speakers.yaml": speakers}


def init_corpus(path: str | Path, name: str | None = None,
                sides: list[str] | None = None) -> list[Path]:
    """Write the skeleton of a new corpus into ``path``; return the files written.

    Raises :class:`FileExistsError` naming a file that is already there (nothing is overwritten).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "ukraine-2022"
    >>> [p.name for p in init_corpus(folder, sides=["ukraine", "russia"])]
    ['corpus.yaml', 'speakers.yaml']
    """
    from stance.output import atomic_write_bytes, safe_component

    path = Path(path)
    name = name or safe_component(path.resolve().name)
    files = skeleton(name, list(sides or ["side-a", "side-b"]))
    existing = [path / f for f in files if (path / f).exists()]
    if existing:
        raise FileExistsError(f"{existing[0]} already exists; stance init never overwrites a "
                              "file (choose a new folder, or remove it)")
    (path / "articles").mkdir(parents=True, exist_ok=True)
    return [atomic_write_bytes(path / f, text.encode("utf-8")) for f, text in files.items()]


def run(args: argparse.Namespace) -> int:
    written = init_corpus(args.path, args.name, args.sides)
    for p in written:
        print(f"wrote {p}")
    print(f"next: put articles into {Path(args.path) / 'articles'}/ (.txt, .md, .jsonl, .csv), "
          "edit speakers.yaml, then `stance corpus` and `stance run`")
    return 0
