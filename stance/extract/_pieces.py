"""What of a statement's span is its text, and who owns a quotation.

A quotation interrupted by its cue (``"We will not retreat," said the minister, "not one
step."``) is one statement whose span runs from the first mark to the last; its ``text`` is the
quoted words only, joined by a space, so that the minister's name and title never reach the
embedding or the frame keywords. ``pieces`` keeps the offsets of the parts
(``tables.STATEMENT_COLUMNS``); ``article[start:end]`` stays the verbatim span.

One quotation is one speaker's words: when statements of two speakers both hold the same quote
(``"...," the Armenian ministry said, echoing the Azerbaijani ministry``; ``Aliyev said Pashinyan
had declared "..."``), the quote goes to the statement it is the content of, by the rules'
precedence: a quote with its cue attached (``direct``) before one attributed otherwise, then the
innermost statement (the shortest span), then the earlier rule. A statement with words of its
own besides the quote keeps only those (flag ``quote_removed``). One with fewer than
:data:`MIN_OWN_WORDS` besides the quote and the owner's speaker and cue is the quote counted
twice and goes when both speakers are registry speakers; with an unresolved mention it stays as
it was (a nested attribution, as PolNeAR annotates them: dropping those cost recall there).
"""

from __future__ import annotations

import re

from stance import tables
from stance.extract._quotes import Quote

#: a statement that shares a quote with another speaker's keeps at least this many words of its
#: own besides that quote, the quote's speaker and cue; else it is that quote counted twice
MIN_OWN_WORDS = 3
_WORD = re.compile(r"\w+")
_EDGE = " \t\n,;:—–-\"“”«»„‘’'"


def trim(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` without spaces, commas, dashes and quote marks at either end."""
    while a < b and text[a] in _EDGE:
        a += 1
    while b > a and text[b - 1] in _EDGE:
        b -= 1
    return a, b


def candidate_pieces(c, quotes_of_c: list[Quote] | None = None) -> list[tuple[int, int]]:
    """The pieces of a rule candidate (segment offsets): its quotes when it is one quotation
    interrupted by its cue, else its whole span."""
    qs = c.quotes if quotes_of_c is None else quotes_of_c
    if c.evidence in ("direct", "direct_adjacent") and len(qs) > 1:
        out = [(max(q.start, c.start), min(q.end, c.end)) for q in qs]
        out = [(a, b) for a, b in out if b > a]
        if out:
            return out
    return [(c.start, c.end)]


def piece_text(text: str, pieces: list[tuple[int, int]], offset: int = 0) -> str:
    """The text of ``pieces`` (article offsets; ``text`` starts at ``offset``), joined by a
    space."""
    return " ".join(text[a - offset:b - offset] for a, b in pieces)


def _who(r: dict) -> str:
    return r["speaker"] or r["speaker_name"] or r["mention"].lower()


def _rank(r: dict) -> tuple[int, int]:
    direct = r["kind"] == "direct"
    return (0 if direct and r.get("_evidence") == "direct" else 1 if direct else 2,
            r["end"] - r["start"])


def _covers(pieces: list[tuple[int, int]], a: int, b: int) -> bool:
    """The pieces hold at least half of text[a:b]."""
    inside = sum(max(0, min(y, b) - max(x, a)) for x, y in pieces)
    return inside * 2 >= b - a > 0


def _minus(pieces: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    out = []
    for x, y in pieces:
        if y <= a or x >= b:
            out.append((x, y))
            continue
        if x < a:
            out.append((x, a))
        if y > b:
            out.append((b, y))
    return out


def one_per_quote(rows: list[dict], quotes: list[Quote], text: str,
                  offset: int = 0) -> list[dict]:
    """Give each quotation to one statement (see the module docstring). ``rows`` are statement
    rows in article offsets with ``pieces`` as lists and ``_evidence``; ``quotes`` and ``text``
    those of the piece of the article that starts at ``offset``."""
    drop: set[int] = set()
    for q in quotes:
        if q.single or q.words(text) < 3:
            continue
        qa, qb = q.start + offset, q.end + offset
        over = [k for k, r in enumerate(rows) if k not in drop and _covers(r["pieces"], qa, qb)]
        if len({_who(rows[k]) for k in over}) < 2:
            continue
        owner = rows[min(over, key=lambda k: (*_rank(rows[k]), k))]
        # the owner's speaker and cue do not count as another statement's own words
        theirs = _WORD.findall(f"{owner['mention']} {owner['cue']}".lower())
        for k in over:
            r = rows[k]
            if _who(r) == _who(owner):
                continue
            close = q.close + offset + (1 if q.closed else 0)
            rest = [trim(text, a - offset, b - offset)
                    for a, b in _minus(r["pieces"], q.open + offset, close)]
            rest = [(a + offset, b + offset) for a, b in rest if b > a]
            words = _WORD.findall(piece_text(text, rest, offset).lower())
            for w in theirs:
                if w in words:
                    words.remove(w)
            if len(words) < MIN_OWN_WORDS:
                if r["speaker"] and owner["speaker"]:
                    drop.add(k)  # two registry speakers credited with one quote
                # an unresolved mention keeps it: nested attributions whose outer speaker is
                # no registry entry (PolNeAR annotates both; dropping them cost recall)
                continue
            r["pieces"] = rest
            r["text"] = piece_text(text, rest, offset)
            r["flags"] = tables.join_flags([*tables.split_flags(r["flags"]), "quote_removed"])
    return [r for k, r in enumerate(rows) if k not in drop]
