"""Repair scraping artifacts in article text, with an offset map back to the raw text.

(Stub API: the repair rules are being written; for now the text is returned unchanged.)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    """One repair or flag. ``start``/``end`` index the repaired text, ``raw_start``/``raw_end`` the
    raw text. ``kind`` is e.g. ``sentence_space``, ``segment``, ``comma_space`` or ``damaged``
    (a flag: the text is unchanged and the span is the damaged sentence)."""

    kind: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    before: str
    after: str
    note: str = ""


@dataclass
class Repaired:
    """The repaired text, the raw text it came from, and the edits between them."""

    text: str
    raw: str
    edits: list[Edit] = field(default_factory=list)
    #: sorted (repaired_offset, raw_offset) anchors; between anchors offsets move together
    anchors: list[tuple[int, int]] = field(default_factory=list)

    def to_raw(self, pos: int) -> int:
        """Map an offset in the repaired text to the corresponding offset in the raw text."""
        if not self.anchors:
            return pos
        keys = [a for a, _ in self.anchors]
        i = bisect.bisect_right(keys, pos) - 1
        if i < 0:
            return pos
        rep, raw = self.anchors[i]
        return raw + (pos - rep)

    @property
    def damaged(self) -> list[Edit]:
        """The spans flagged as damaged (a clause lost its object where link text was removed)."""
        return [e for e in self.edits if e.kind == "damaged"]


def repair_text(raw: str) -> Repaired:
    """Repair scraping artifacts in ``raw`` (stub: returns it unchanged)."""
    return Repaired(text=raw, raw=raw, edits=[], anchors=[])
