"""Reprinted official statements: a line that introduces a statement and ends with a colon,
then the statement's paragraphs without quotation marks.

    The Foreign Ministry said in a statement:
    The ministry strongly condemns the shelling of ...
    We call on the international community ...

Introductions: a verb of saying with a speaker and no content of its own ("X said in a
statement:", "X's statement reads:", "X issued the following statement:", "X said the
following:"), "According to X:", and "Full text:" / "The full text of the statement:" (the
speaker is the one of the statement just before). Every sentence of the block is the
speaker's (kind ``direct``, flag ``block``): the words are the issuer's own, set off by the colon
instead of quotation marks. As for a quotation over several paragraphs, each paragraph is one
statement (its sentences that no other rule attributes, joined where adjacent; ``UNIT =
"sentence"`` gives one per sentence). A block opened by a quotation mark is left to the
quotation rules.

The block ends at the end of the text; at a line without a sentence (a heading, a separator,
"Read more"); at a paragraph that opens as narration does ("Earlier, ...", "Meanwhile", "The
statement came ...", a parenthesis); at a paragraph whose first sentence reports someone else
("Pashinyan said ...": narration has resumed); after its first paragraph, at one in the past
tense with no first or second person and no present or future ("He was taken to hospital."); at
the next introduction; or after ``MAX_PARAGRAPHS`` paragraphs.
A sentence inside the block that another rule already attributes stays that rule's, except one
whose speaker is the block's "we" or "I", which becomes the block's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc, Span, Token

from stance.extract import _lexicon as lx
from stance.extract._mentions import noun_phrase, speaker_like
from stance.extract._quotes import Quote
from stance.extract._rules import Candidate, in_quote, is_cue, subject_of

#: the longest block, in paragraphs
MAX_PARAGRAPHS = 15
#: one statement per "paragraph" of the block (its sentences that no other rule attributes,
#: joined where adjacent), as for a multi-paragraph quotation; or one per "sentence"
UNIT = "paragraph"
#: verbs that introduce a statement with a colon, besides the verbs of saying
INTRO_VERBS = frozenset({"read", "say", "state", "write", "declare", "add", "note", "tweet",
                         "post", "announce", "continue"})
#: objects that stand for the statement after the colon ("said the following:")
_PLACEHOLDERS = frozenset({"following", "this", "as", "follows"})
_FULL_TEXT = re.compile(
    r"^\s*(?:here\s+is\s+|below\s+is\s+|read\s+)?(?:the\s+)?(?:full\s+(?:text|statement|"
    r"transcript)|text\s+of\s+the\s+(?:statement|declaration|communiqu[eé]|address)|"
    r"(?:statement|declaration|communiqu[eé])\s+in\s+full)\b[^:\n]{0,80}:\s*$", re.IGNORECASE)
_NARRATION = re.compile(
    r"^\s*(?:earlier|meanwhile|separately|previously|elsewhere|later|in\s+a\s+separate|"
    r"in\s+another|\(|the\s+(?:statement|release|communiqu[eé]|declaration)\s+(?:came|was|followed"
    r"|comes)|this\s+comes|it\s+comes|read\s+more|related|see\s+also)\b", re.IGNORECASE)
_FIRST_PERSON = frozenset({"we", "i", "us", "our"})
#: words of a speaker addressing an audience: a paragraph with one is no narration
_SPEECH_PERSONS = frozenset({"we", "i", "us", "our", "ours", "me", "my", "mine", "you", "your"})
_OWN_EVIDENCE = frozenset({"direct", "direct_adjacent", "indirect", "according", "act",
                           "publish", "transcript"})


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the non-empty lines of ``text``, stripped."""
    out, pos = [], 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        s = line.strip()
        if s:
            lead = len(line) - len(line.lstrip())
            out.append((a + lead, a + lead + len(s)))
    return out


def _intro_verb(sent: Span, quotes: list[Quote]) -> Token | None:
    """The verb of saying of an introduction that has no content of its own."""
    for t in reversed(sent):
        if not (is_cue(t) or t.lemma_.lower() in INTRO_VERBS) or in_quote(t.idx, quotes):
            continue
        kids = [c for c in t.children if c.i > t.i and not c.is_punct]
        content = [c for c in kids if c.dep_ in ("ccomp", "xcomp", "dobj", "attr")
                   and c.lower_ not in _PLACEHOLDERS]
        if content:
            continue
        return t
    return None


def _publish_intro(sent: Span) -> Token | None:
    """ "X issued the following statement:": a verb of publishing with a message object."""
    for t in sent:
        if t.lemma_.lower() in lx.PUBLISH_VERBS and t.pos_ == "VERB" and any(
                c.dep_ == "dobj" and c.lemma_.lower() in lx.MESSAGE_NOUNS for c in t.children):
            return t
    return None


def _intro_mention(doc: Doc, a: int, b: int, quotes: list[Quote],
                   cands: list[Candidate]) -> tuple[tuple[int, int], int, str] | None:
    """The speaker mention (token range, head token) and cue of the introduction line
    text[a:b] (which ends with a colon), or None when the line introduces no statement."""
    text = doc.text
    span = doc.char_span(a, b, alignment_mode="expand")
    if span is None or len(span) < 2:
        return None
    sent = span[-1].sent
    if _FULL_TEXT.match(text[max(a, sent.start_char):b]):
        return _full_text_issuer(doc, sent, cands)
    low = sent.text.lower().lstrip()
    if low.startswith("according to"):
        to = [t for t in sent[:3] if t.lower_ == "to"]
        pobj = [c for c in to[0].children if c.dep_ == "pobj"] if to else []
        if pobj and speaker_like(pobj[0]) and sent.end_char - pobj[0].right_edge.idx < 40:
            return noun_phrase(pobj[0]), pobj[0].i, "according to"
        return None
    v = _intro_verb(sent, quotes) or _publish_intro(sent)
    if v is None:
        return None
    subj = subject_of(v)
    if subj is None or not speaker_like(subj) or subj.lower_ in _FIRST_PERSON or \
            in_quote(subj.idx, quotes):
        return None
    cue = v.text
    setting = [c for c in v.children if c.dep_ == "prep" and c.i > v.i]
    if setting:
        cue = doc[v.i:setting[-1].right_edge.i + 1].text
    return noun_phrase(subj), subj.i, cue


def _full_text_issuer(doc: Doc, sent: Span, cands: list[Candidate]
                      ) -> tuple[tuple[int, int], int, str] | None:
    """The issuer of a "Full text:" block: the subject of "X issued a statement" in the
    sentence before, else the speaker of the last statement in the 600 characters before."""
    if sent.start > 0:
        prev = doc[sent.start - 1].sent
        v = _publish_intro(prev)
        subj = subject_of(v) if v is not None else None
        if subj is not None and speaker_like(subj):
            return noun_phrase(subj), subj.i, "full text"
    a = sent.start_char
    before = [c for c in cands if c.mention is not None and c.end <= a and a - c.end < 600
              and c.evidence in _OWN_EVIDENCE]
    if not before:
        return None
    last = max(before, key=lambda c: c.end)
    return last.mention, last.mention_head, "full text"


def _opens_narration(doc: Doc, first: Span, intro_head: Token,
                     cands: list[Candidate]) -> bool:
    """The paragraph's first sentence reports a speaker other than the block's."""
    for c in cands:
        if c.mention is None or c.evidence not in _OWN_EVIDENCE or c.mention_head is None:
            continue
        head = doc[c.mention_head]
        if not first.start <= head.i < first.end or head.lower_ in _FIRST_PERSON:
            continue
        if head.lemma_.lower() == intro_head.lemma_.lower() or \
                head.lower_ in ("it", "they") and intro_head.pos_ != "PROPN":
            continue  # the issuer by name again ("The ministry strongly condemns ...")
        return True
    return False


def statement_blocks(doc: Doc, quotes: list[Quote], cands: list[Candidate]
                     ) -> tuple[list[Candidate], set[int]]:
    """Candidates for the sentences of reprinted statements, and the indices (into ``cands``)
    of candidates they supersede (the block's own "we" statements)."""
    text = doc.text
    lines = _lines(text)
    out: list[Candidate] = []
    drop: set[int] = set()
    k = 0
    while k < len(lines):
        a, b = lines[k]
        k += 1
        if not text[a:b].rstrip("\"”»’ ").endswith(":"):
            continue
        found = _intro_mention(doc, a, b, quotes, cands)
        if found is None or k >= len(lines):
            continue
        (ma, mb), head_i, cue = found
        if text[lines[k][0]] in "\"“«„‘'":
            continue  # a quotation block: the quotation rules attribute it
        paragraphs = 0
        while k < len(lines) and paragraphs < MAX_PARAGRAPHS:
            pa, pb = lines[k]
            para = doc.char_span(pa, pb, alignment_mode="expand")
            body = text[pa:pb]
            if para is None or _NARRATION.match(body) or not re.search(r"[.!?][\"”»’)]*$", body) \
                    or text[pa:pb].rstrip("\"”»’ ").endswith(":") or \
                    any(body.lower().startswith(w) for w in lx.BOILERPLATE):
                break
            sents = [s for s in doc.sents if pa <= s.start_char < pb]
            if not sents or _opens_narration(doc, sents[0], doc[head_i], cands):
                break
            if paragraphs and _narration_paragraph(sents):
                break
            own = [c for c in (_sentence(doc, s, cands, drop, (ma, mb), head_i, cue)
                               for s in sents) if c is not None]
            out.extend(own if UNIT == "sentence" else _runs(text, own))
            paragraphs += 1
            k += 1
    return out, drop


def _narration_paragraph(sents: list[Span]) -> bool:
    """A paragraph in the past tense with no first or second person and no present or
    future: the journalist's narration after the statement ("He was taken to hospital.")."""
    toks = [t for s in sents for t in s]
    if any(t.lower_ in _SPEECH_PERSONS for t in toks):
        return False
    return not any(t.tag_ in ("VBP", "VBZ", "MD") or t.tag_ == "VB" and t.dep_ == "ROOT"
                   for t in toks)


def _runs(text: str, own: list[Candidate]) -> list[Candidate]:
    """Adjacent sentence candidates of one paragraph joined into one (only spaces between)."""
    out: list[Candidate] = []
    for c in own:
        last = out[-1] if out else None
        if last is not None and not text[last.end:c.start].strip():
            last.end = last.sent_end = c.end
            continue
        out.append(c)
    return out


def _sentence(doc: Doc, s: Span, cands: list[Candidate], drop: set[int],
              mention: tuple[int, int], head_i: int, cue: str) -> Candidate | None:
    """The block's candidate for sentence ``s`` (None when another rule keeps it)."""
    body = s.text.strip()
    if len(s) < 4 or not body or body[-1] not in ".!?\"”»'’)" or \
            not any(t.pos_ in ("VERB", "AUX") for t in s):
        return None
    a = s.start_char + len(s.text) - len(s.text.lstrip())
    e = a + len(body)
    for n, c in enumerate(cands):
        if c.start < e and a < c.end or c.sent_start < e and a < c.sent_end:
            first_person = c.mention_head is not None and \
                doc[c.mention_head].lower_ in _FIRST_PERSON
            if not first_person:
                return None
            drop.add(n)
    return Candidate(a, e, "direct", cue, "block", mention, head_i, -1, a, e, {"block"})
