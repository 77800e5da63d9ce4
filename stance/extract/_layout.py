"""Attribution that the layout carries: headline lines, "Name: ..." lines (headlines,
transcripts, reader quotes) and key-point lists under a "Key points from X:" header."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc

from stance.extract._rules import Candidate


def headline_lines(text: str, limit: int = 4) -> list[tuple[int, int]]:
    """Character spans of headline-like lines: short lines without final punctuation among the
    first lines of the text, and later stand-alone short lines (live-blog entry headings)."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        s = line.strip()
        if not s or len(s) > 220 or len(s.split()) < 3:
            continue
        if s.rstrip("\"'”’»)]“")[-1:] in (".", "!", "?", ";", "…"):
            continue
        lead = len(line) - len(line.lstrip())
        spans.append((a + lead, a + lead + len(s)))
    return spans


_METADATA_WORDS = {"updated", "created", "posted", "published", "source", "photo", "video", "note",
                   "editor", "editor's", "correction", "update",
                   "read", "tags", "share", "by", "date", "time", "live", "watch", "listen"}
_FUNCTION_WORDS = {"of", "the", "for", "and", "de", "van", "von", "al", "bin", "to", "in"}


def _name_like(who: str) -> bool:
    """Words of a name or title: capitalised (function words aside), no metadata words."""
    words = who.replace("’", "'").split()
    if not words or any(ch in who for ch in "|/@#()[]"):
        return False
    if any(w.lower().strip(".,") in _METADATA_WORDS for w in words):
        return False
    return all(w[:1].isupper() or w.lower() in _FUNCTION_WORDS for w in words)


_SPEAKER_LINE = re.compile(
    r"^\s*[\"“«„]?(?P<who>[^:\n―—\"“”«»„]{2,60}?)\s*(?P<sep>:|\s[―—]\s)\s*(?P<what>\S.{8,})$")


_SIGNED_QUOTE = re.compile(
    r"^\s*[\"“«„](?P<what>.{8,}?)[\"”»]\s*[―—–]\s*(?P<who>[^―—–\"“”]{2,60}?)\s*$")


def signed_quotes(text: str, doc: Doc) -> list[Candidate]:
    """A paragraph that is a quotation signed by a dash: "“...” ― Jane Doe"."""
    out: list[Candidate] = []
    pos = 0
    for line in text.split("\n"):
        a = pos
        pos += len(line) + 1
        m = _SIGNED_QUOTE.match(line)
        if not m or not _name_like(m.group("who")) or len(m.group("who").split()) > 6:
            continue
        ws, we = a + m.start("who"), a + m.end("who")
        span = doc.char_span(ws, we, alignment_mode="expand")
        if span is None:
            continue
        cs, ce = a + m.start("what"), a + m.end("what")
        out.append(Candidate(cs, ce, "direct", "―", "transcript", (span.start, span.end),
                             span.root.i, -1, a, a + len(line)))
    return out


def speaker_lines(text: str, lines: list[tuple[int, int]], doc: Doc) -> list[Candidate]:
    """"Hajiyev: Armenia targets civilians" (a headline), "PENCE: Well, ..." (a transcript),
    "Jane Doe ― “...”" (a reader's quote): a name, a colon or dash, then what was said. In a
    headline line the name may be up to seven words, in the body up to four."""
    heads = set(lines)
    out: list[Candidate] = []
    pos = 0
    first_body = True
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        m = _SPEAKER_LINE.match(line)
        opening = first_body and bool(line.strip()) and not any(x <= a + len(line) -
                                                                len(line.lstrip()) < y
                                                                for x, y in heads)
        if opening:
            first_body = False
        if not m:
            continue
        if opening and m.group("who").isupper():
            continue  # a dateline opening the body ("PARIS: ...")
        who, what = m.group("who"), m.group("what")
        is_head = any(x <= a + m.start("who") < y for x, y in heads)
        limit = 7 if is_head else 4
        if any(ch.isdigit() for ch in who) or len(who.split()) > limit or \
                len(what.split()) < 3:
            continue
        if not _name_like(who) or what.rstrip().endswith(":") or \
                sum(ch.isdigit() for ch in what) > len(what) // 3:
            continue
        ws = a + m.start("who")
        span = doc.char_span(ws, ws + len(who), alignment_mode="expand")
        if span is None or not (any(t.pos_ == "PROPN" or t.ent_type_ for t in span)
                                or all(w[:1].isupper() for w in who.split())):
            continue
        if not is_head and any(t.ent_type_ in ("GPE", "LOC", "FAC", "DATE") for t in span):
            continue  # a dateline ("PARIS: ...")
        cs, ce = a + m.start("what"), a + m.end("what")
        while ce > cs and text[ce - 1] in " \t\"”»’":
            ce -= 1
        while cs < ce and text[cs] in "\"“«„‘":
            cs += 1
        sep = m.group("sep").strip()
        out.append(Candidate(cs, ce, "indirect", sep, "headline" if is_head else "transcript",
                             (span.start, span.end), span.root.i, -1, a, b))
    # in the body, a lone "Name: ..." line needs a person's name; a transcript has several
    body = [c for c in out if c.evidence == "transcript"]
    whos = {doc[c.mention[0]:c.mention[1]].text.lower() for c in body}
    if len(whos) < 2:
        out = [c for c in out if c.evidence != "transcript" or any(
            t.ent_type_ == "PERSON" for t in doc[c.mention[0]:c.mention[1]])]
    return out


_LIST_HEADER = re.compile(
    r"\b(?:key|main)\s+(?:points|messages|takeaways|quotes|theses|statements)\s+(?:from|of)\s+"
    r"(?:the\s+(?:interview|speech|address|statement|remarks|press\s+conference)\s+"
    r"(?:with|of|by)\s+)?(?P<who>[^:•\n]{2,80}?)\s*:", re.IGNORECASE)
_BULLETS = "•▪●◦"
_SENTENCE_QUOTE = re.compile(r"(?:(?<=[.!?])|^)\s*[\"“«„]")


def _item_parts(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """An item split where a quotation that starts a sentence begins (its unquoted summary and
    the quoted words are separate statements)."""
    item = text[a:b]
    cuts = [m.end() - 1 for m in _SENTENCE_QUOTE.finditer(item) if m.end() - 1 > 0]
    bounds = [0, *cuts, len(item)]
    parts = []
    for x, y in pairwise(bounds):
        seg = item[x:y]
        lead = len(seg) - len(seg.lstrip(" \t\"“”«»„‘’"))
        trail = len(seg) - len(seg.rstrip(" \t\"“”«»„‘’"))
        s, e = a + x + lead, a + y - trail
        if len(text[s:e].split()) >= 3:
            parts.append((s, e))
    return parts


def list_blocks(doc: Doc) -> list[Candidate]:
    """Lists introduced by "Key points from (the interview with) X:": each item is X's
    statement. Two headers on one line (a flattened two-column page) alternate by item."""
    text = doc.text
    out: list[Candidate] = []
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    speakers: list[tuple[int, int]] = []
    for a, b in lines:
        heads = list(_LIST_HEADER.finditer(text, a, b))
        if heads:
            speakers = [(m.start("who"), m.end("who")) for m in heads]
            continue
        body = text[a:b]
        if not body.strip():
            continue
        if not speakers or not any(ch in body for ch in _BULLETS):
            speakers = [] if body.strip() else speakers
            continue
        marks = [a + k for k, ch in enumerate(body) if ch in _BULLETS]
        for n, start in enumerate(marks):
            end = marks[n + 1] if n + 1 < len(marks) else b
            ws, we = speakers[n % len(speakers)]
            span = doc.char_span(ws, we, alignment_mode="expand")
            if span is None:
                continue
            for s, e in _item_parts(text, start + 1, end):
                sent = doc.char_span(s, e, alignment_mode="expand")
                if sent is None:
                    continue
                out.append(Candidate(s, e, "indirect", "key points from", "list",
                                     (span.start, span.end), span.root.i, -1,
                                     s, e))
    return out
