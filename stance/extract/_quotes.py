"""Quotation spans in article text, for straight and typographic marks of every style.

Marks are paired left to right within a paragraph, the way a reader does it: an opening mark
(``“ « „ ‘`` or a straight ``"`` outside a quote) opens, the next closing mark (``” » “ ’`` or a
straight ``"`` inside a quote) closes. Scraped text breaks the conventions (``"...”`` with a straight
opener and a curly closer, ``“...“`` with two openers, glued marks such as ``areas."Hikmet``), so the
role of a mark comes from where the quote stands, not only from its shape. A quote still open at the
end of its paragraph continues when the next paragraph opens with a quote mark (the convention of
multi-paragraph quotes) and is otherwise closed there and marked ``closed=False`` (best effort; the
statement gets the ``unclosed_quote`` flag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: double quote marks: opening-only, closing-only, and ambiguous
_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_DOUBLE_BOTH = '"'
#: single marks: ‘ opens, ’ closes (unless it is an apostrophe between letters)
_SINGLE_OPEN = "‘‹"
_SINGLE_CLOSE = "’›"

QUOTE_CHARS = _DOUBLE_OPEN + _DOUBLE_CLOSE + _DOUBLE_BOTH + _SINGLE_OPEN + _SINGLE_CLOSE

_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[•\-–*]\s)|\n")


@dataclass(frozen=True)
class Quote:
    """One quoted span. ``start``/``end`` index the text inside the marks (marks excluded, outer
    spaces trimmed); ``open``/``close`` are the offsets of the marks (``close`` is the paragraph end
    when the quote is unclosed). ``single`` is True for ‘single’ marks."""

    start: int
    end: int
    open: int
    close: int
    closed: bool = True
    single: bool = False
    continued: bool = False  # opens a paragraph that continues the previous paragraph's quote

    def words(self, text: str) -> int:
        """Number of words inside the quote."""
        return len(re.findall(r"\w+", text[self.start:self.end]))


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and (after.isalnum() or after in " s")  and not (
        after == " " and not before.isalpha())


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _can_open(text: str, i: int) -> bool:
    """A mark at ``i`` can open: followed by a word character (or another mark), not by a space."""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(after) and not after.isspace() and after not in ",;:)"


def _can_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else ""
    return bool(before) and not before.isspace() or before == ""


def _scan(text: str, a: int, b: int, opens: str, closes: str, both: str,
          single: bool) -> list[tuple[int, int | None]]:
    """Pair marks of one family inside text[a:b]; returns (open, close or None)."""
    pairs: list[tuple[int, int | None]] = []
    current: int | None = None
    for i in range(a, b):
        ch = text[i]
        if ch not in opens and ch not in closes and ch not in both:
            continue
        if single and ch in closes and _is_apostrophe(text, i):
            continue
        if single and ch in both:
            continue
        if current is None:
            if ch in closes and ch not in opens:
                continue  # stray closer
            if _can_open(text, i) or ch in opens:
                current = i
        else:
            # inside a quote: a closer, an ambiguous mark or a repeated opener after a word closes
            if ch in closes or ch in both or (ch in opens and _can_close(text, i)
                                                and not _can_open_strict(text, i)):
                pairs.append((current, i))
                current = None
            elif ch in opens:
                # a second opener with space before it: the first was stray; restart here
                current = i
    if current is not None:
        pairs.append((current, None))
    return pairs


def _can_open_strict(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    return before.isspace() or before in "([—–-"


def find_quotes(text: str) -> list[Quote]:
    """All quotation spans of ``text``, in order of their opening mark.

    Double marks are paired first; single marks are paired only outside double quotes (inside
    them they are nested quotes, part of the outer quote's content).
    """
    text = _normalize_doubled(text)
    quotes: list[Quote] = []
    paragraphs = _paragraphs(text)
    carry = False
    for pa, pb in paragraphs:
        pairs = _scan(text, pa, pb, _DOUBLE_OPEN, _DOUBLE_CLOSE, _DOUBLE_BOTH, single=False)
        continued = carry
        carry = False
        doubles: list[Quote] = []
        for o, c in pairs:
            closed = c is not None
            close = c if c is not None else pb
            s, e = _trim(text, o + 1, close)
            if e <= s:
                continue
            doubles.append(Quote(s, e, o, close, closed, False,
                                 continued and o == _first_char(text, pa)))
            if not closed:
                carry = True
        # single marks outside double quotes
        spans = [(q.open, q.close) for q in doubles]
        singles: list[Quote] = []
        for o, c in _scan(text, pa, pb, _SINGLE_OPEN, _SINGLE_CLOSE, "", single=True):
            if c is None or any(x <= o <= y for x, y in spans):
                continue
            s, e = _trim(text, o + 1, c)
            if e > s:
                singles.append(Quote(s, e, o, c, True, True))
        quotes.extend(doubles + singles)
    quotes.sort(key=lambda q: q.open)
    # a paragraph-final unclosed quote followed by a continuing paragraph is not "unclosed"; any
    # other unclosed mark is a stray one: its quote ends with its sentence, so that the other
    # speakers of the paragraph are not swallowed
    out: list[Quote] = []
    for i, q in enumerate(quotes):
        nxt = quotes[i + 1] if i + 1 < len(quotes) else None
        if not q.closed and nxt is not None and nxt.continued:
            q = Quote(q.start, q.end, q.open, q.close, True, q.single, q.continued)
        elif not q.closed:
            m = _SENTENCE_END.search(text, q.start, q.end)
            if m is not None:
                q = Quote(q.start, m.start() + 1, q.open, m.start() + 1, False, q.single,
                          q.continued)
        out.append(q)
    return out


#: the end of a sentence inside a stray (never closed) quote: ``.!?`` before a capitalised word
_SENTENCE_END = re.compile(r"[.!?](?=\s+[\"“‘']?[A-Z])")


_DOUBLED = re.compile(r"(?<!')(''|``)(?!')")
_FILLER = "\u2060"  # a non-space, non-mark character of the same length


def _normalize_doubled(text: str) -> str:
    """Doubled apostrophes and backticks used as quote marks (``''word''``, ````word''``) become one
    straight mark, with a filler keeping the length: offsets stay those of the text."""
    if "''" not in text and "``" not in text:
        return text

    def sub(m: re.Match) -> str:
        after = text[m.end():m.end() + 1]
        return _FILLER + '"' if after.isalnum() or m.group(1) == "``" else '"' + _FILLER

    return _DOUBLED.sub(sub, text)


def _first_char(text: str, a: int) -> int:
    while a < len(text) and text[a].isspace():
        a += 1
    return a


def inside(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The quote whose content overlaps text[start:end] the most, if any."""
    best, best_len = None, 0
    for q in quotes:
        n = min(end, q.end) - max(start, q.start)
        if n > best_len:
            best, best_len = q, n
    return best
