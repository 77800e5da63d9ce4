"""Stance targets: the questions of a corpus (``targets:`` in corpus.yaml) and their positions.

A *target* is a question with two or more *positions* ("Does the speaker support a ceasefire?":
``supports`` / ``rejects_or_conditions``); :func:`load_targets` parses and checks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stance.tables import NONE, UNCLEAR

__all__ = ["RESERVED", "Target", "TargetError", "get_target", "load_targets"]

#: position ids a corpus.yaml may not use
RESERVED = (NONE, UNCLEAR)

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_TARGET_KEYS = {"name", "question", "positions", "relevance", "description", "threshold",
                "opposites"}


class TargetError(ValueError):
    """A target in corpus.yaml is malformed; the message names the target and the field."""


@dataclass(frozen=True)
class Target:
    """A question with two or more positions, each described by a few phrases."""

    name: str
    question: str
    positions: dict[str, tuple[str, ...]]
    relevance: tuple[str, ...] = ()
    description: str = ""
    #: this target's relevance threshold (None: the default of :func:`zero_shot_stance`)
    threshold: float | None = None
    #: position -> the position of a speaker who denies it (both ways; from ``opposites:``)
    opposites: tuple[tuple[str, str], ...] = ()

    def opposite(self, position: str) -> str | None:
        """The position of a speaker who denies a content at ``position``, if declared."""
        for a, b in self.opposites:
            if position == a:
                return b
            if position == b:
                return a
        return None

    @property
    def position_ids(self) -> list[str]:
        """The position ids in the order of corpus.yaml."""
        return list(self.positions)

    @property
    def labels(self) -> list[str]:
        """What a hand label may be: a position or ``"none"`` (no stance on this target)."""
        return [*self.positions, NONE]

    def phrases(self) -> list[str]:
        """All phrases of the target: relevance phrases, then each position's."""
        out = list(self.relevance)
        for phrases in self.positions.values():
            out.extend(phrases)
        return out


def _phrase_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise TargetError(f"{where}: must be a non-empty list of phrases")
    out = []
    for i, phrase in enumerate(value):
        if not isinstance(phrase, str) or not phrase.strip():
            raise TargetError(f"{where}[{i}]: must be a non-empty string, got {phrase!r}")
        out.append(phrase.strip())
    return tuple(out)


def _parse_target(entry: Any, i: int, source: str) -> Target:
    where = f"{source}: targets[{i}]"
    if not isinstance(entry, Mapping):
        raise TargetError(f"{where}: must be a mapping with name, question and positions")
    name = entry.get("name")
    if not isinstance(name, str) or not _ID.match(name):
        raise TargetError(f"{where}.name: must be a lower-case id (letters, digits, _ or -), "
                          f"got {name!r}")
    where = f"{source}: targets[{i}] ({name})"
    unknown = sorted(set(entry) - _TARGET_KEYS)
    if unknown:
        raise TargetError(f"{where}: unknown field(s) {unknown}; known: {sorted(_TARGET_KEYS)}")
    question = entry.get("question")
    if not isinstance(question, str) or not question.strip():
        raise TargetError(f"{where}.question: must be a non-empty string")
    positions = entry.get("positions")
    if not isinstance(positions, Mapping) or len(positions) < 2:
        raise TargetError(f"{where}.positions: must map two or more position ids to phrases")
    parsed: dict[str, tuple[str, ...]] = {}
    for pid, phrases in positions.items():
        if not isinstance(pid, str) or not _ID.match(pid):
            raise TargetError(f"{where}.positions: position id {pid!r} must be a lower-case id")
        if pid in RESERVED:
            raise TargetError(f"{where}.positions.{pid}: {list(RESERVED)} are reserved ids")
        parsed[pid] = _phrase_list(phrases, f"{where}.positions.{pid}")
    relevance = entry.get("relevance")
    rel = () if relevance is None else _phrase_list(relevance, f"{where}.relevance")
    description = entry.get("description") or ""
    if not isinstance(description, str):
        raise TargetError(f"{where}.description: must be a string")
    threshold = entry.get("threshold")
    if threshold is not None and (isinstance(threshold, bool)
                                  or not isinstance(threshold, (int, float))
                                  or not -1 <= threshold <= 1):
        raise TargetError(f"{where}.threshold: must be a number between -1 and 1 (a cosine "
                          f"similarity), got {threshold!r}")
    return Target(name=name, question=question.strip(), positions=parsed, relevance=rel,
                  description=description,
                  threshold=None if threshold is None else float(threshold),
                  opposites=_parse_opposites(entry.get("opposites"), parsed, where))


def _parse_opposites(value: Any, positions: Mapping[str, Any],
                     where: str) -> tuple[tuple[str, str], ...]:
    """``opposites: {alleges: denies}``: pairs of known positions, each position in one pair."""
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise TargetError(f"{where}.opposites: must map a position to its opposite "
                          f"(e.g. {{alleges: denies}})")
    pairs, seen = [], set()
    for a, b in value.items():
        for pid in (a, b):
            if pid not in positions:
                raise TargetError(f"{where}.opposites: {pid!r} is not one of the positions "
                                  f"{list(positions)}")
            if pid in seen:
                raise TargetError(f"{where}.opposites: position {pid!r} is in two pairs")
            seen.add(pid)
        if a == b:
            raise TargetError(f"{where}.opposites: {a!r} cannot be its own opposite")
        pairs.append((str(a), str(b)))
    return tuple(pairs)


def load_targets(config: Mapping[str, Any] | Sequence[Any] | None,
                 source: str = "corpus.yaml") -> list[Target]:
    """The targets of a corpus: ``config`` is the parsed corpus.yaml (``Corpus.config``), its
    ``targets`` list, or None (no targets). Raises :class:`TargetError` naming ``source``, the
    target and the field for malformed entries and duplicate names.

    Examples
    --------
    >>> import stance
    >>> from stance.targets import load_targets
    >>> corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    >>> [target.name for target in load_targets(corpus.config)]
    ['ceasefire', 'civilian_attacks', 'foreign_support_azerbaijan', 'foreign_support_armenia']
    >>> sorted(load_targets(corpus.config)[0].positions)
    ['rejects_or_conditions', 'supports']
    """
    if config is None:
        return []
    if isinstance(config, Mapping):
        entries = config.get("targets")
        if entries is None:
            return []
    else:
        entries = config
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Sequence):
        raise TargetError(f"{source}: targets: must be a list of targets")
    targets = [_parse_target(entry, i, source) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for t in targets:
        if t.name in seen:
            raise TargetError(f"{source}: targets: name {t.name!r} is used twice")
        seen.add(t.name)
    return targets


def get_target(targets: Sequence[Target], name: str) -> Target:
    """The target called ``name``; ``ValueError`` listing the known names otherwise."""
    for t in targets:
        if t.name == name:
            return t
    known = [t.name for t in targets] or "none (add a targets: section to corpus.yaml)"
    raise ValueError(f"unknown target {name!r}; known targets: {known}")
