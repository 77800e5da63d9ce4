"""Direct quotes and their speakers.

A quote's *frame* is the rest of the sentence(s) it stands in. A cue in the frame that is attached
to the quote (nothing but punctuation between them: ``"...," X said`` / ``X said: "..."`` /
``"...," X said, "..."``) makes the quote X's. A quote that fills its sentence(s) with no cue at all
continues the previous speaker (a second quotation block, a new paragraph of the same quote). A
quote embedded in other words ("called for an "immediate cessation ...") is left to the reported
speech rules, which make it a ``mixed`` statement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc, Span, Token

from stance.extract._mentions import noun_phrase, speaker_like
from stance.extract._quotes import QUOTE_CHARS, Quote
from stance.extract._rules import Candidate, in_quote, is_cue, subject_of

#: a quote shorter than this (in words) is a fragment, not a statement of its own
MIN_WORDS = 3
#: ‘single’ quotes are often scare quotes: they must be longer to be statements of their own
MIN_WORDS_SINGLE = 5
#: verbs that introduce a quote without punctuation ('he said "...')
SAY_VERBS = frozenset({"say", "add", "write", "tweet", "state", "declare", "reply", "answer",
                       "tell", "post", "announce", "continue", "explain", "insist"})
#: words that make a sentence introduce a speaker for the quote after it
SPEAK_EVENTS = frozenset({"speak", "talk", "address", "interview", "brief", "comment",
                          "statement", "conference", "remark", "post", "tweet", "write",
                          "message", "speech", "read", "declare", "explain"})
_GLUE = set(" \t\n,:;—–-\"“”«»„‘’'")


def _only_glue(text: str) -> bool:
    return all(ch in _GLUE for ch in text)


_FRAME_DEPS = {"nsubj", "aux", "auxpass", "neg", "advmod", "prt", "dative", "npadvmod"}


def _cue_extent(v: Token, quotes: list[Quote]) -> tuple[int, int]:
    """Character extent of the cue phrase: the subject, the verb, its auxiliaries, adverbs,
    addressee and the prepositional phrases of setting ("told journalists", "said in a joint
    statement", "wrote on Facebook"), but not its content."""
    doc = v.doc
    idx = {v.i}
    for c in v.children:
        if in_quote(c.idx, quotes) or any(in_quote(t.idx, quotes) for t in c.subtree):
            continue  # 'insisted on "the need ..."': the quote is the complement, no setting
        keep = c.dep_ in _FRAME_DEPS or (c.dep_ == "dobj" and v.lemma_.lower() == "tell") or (
            c.dep_ == "prep" and c.lower_ in ("in", "on", "at", "during", "while", "after",
                                              "before", "to", "via", "through", "with"))
        if keep:
            idx.update(t.i for t in c.subtree if not in_quote(t.idx, quotes))
    lo = hi = v.i
    while lo - 1 in idx:
        lo -= 1
    while hi + 1 in idx:
        hi += 1
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _attached_cue(doc: Doc, q: Quote, frame: list[Token], quotes: list[Quote],
                  after: set[int]) -> Token | None:
    """The cue in the frame attached to quote ``q`` (nothing but punctuation between them); a
    cue in the short sentence after (``after``) counts when it has no content of its own."""
    text = doc.text
    best: tuple[int, Token] | None = None
    for t in frame:
        if not (is_cue(t) or t.lemma_.lower() in ("write", "tweet", "post")):
            continue
        subj = subject_of(t)
        if subj is None or in_quote(subj.idx, quotes) or q.start <= subj.idx < q.end:
            continue
        a, b = _cue_extent(t, quotes)
        a = min(a, subj.left_edge.idx)
        if t.i in after:
            if not speaker_like(subj) or subj.lower_ in ("that", "this") or any(
                    c.dep_ in ("ccomp", "dobj") and c.lower_ not in ("so", "this", "that", "it")
                    for c in t.children):
                continue
            dist = 10_000 + a - q.close
        elif b <= q.open:  # cue before the quote
            gap = text[b:q.open]
            if not _only_glue(gap.replace("that", "")):
                continue
            if not any(ch in gap for ch in ",:") and t.lemma_.lower() not in SAY_VERBS:
                continue  # 'demanded "full respect ..."': the quote is an object (mixed)
            dist = q.open - b
        elif a >= q.close:  # cue after the quote
            if not _only_glue(text[q.close:a]):
                continue
            dist = a - q.close
        else:
            continue
        if best is None or dist < best[0]:
            best = (dist, t)
    return best[1] if best else None


def _cue_inside_unclosed(doc: Doc, q: Quote) -> tuple[Token, int] | None:
    """In an unclosed quote, a ", X said" inside it marks where the quote should have closed:
    the cue and the character offset of that comma."""
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return None
    for t in span:
        if not is_cue(t):
            continue
        subj = subject_of(t)
        if subj is None or not speaker_like(subj):
            continue
        left = min(subj.left_edge.i, t.i)
        if left > span.start and doc[left - 1].text == ",":
            return t, doc[left - 1].idx
    return None


def _intro_speaker(doc: Doc, s0: Span) -> Token | None:
    """The speaker introduced by the sentence before a free-standing quote ("Vale spoke to
    reporters on Tuesday." / "The ministry's statement reads:")."""
    k = s0.start - 1
    while k >= 0 and (doc[k].is_space or doc[k].is_punct and doc[k].text in QUOTE_CHARS):
        k -= 1
    if k < 0:
        return None
    prev = doc[k].sent
    if any(t.text in QUOTE_CHARS for t in prev):
        return None  # '"...," X said. "..."': a continuation of that quote, not an introduction
    ends_colon = any(t.text == ":" for t in prev[-2:])
    if not ends_colon and not any(t.lemma_.lower() in SPEAK_EVENTS for t in prev):
        return None
    subj = [t for t in prev if t.dep_ == "nsubj" and t.head == prev.root]
    if not subj or not speaker_like(subj[0]) or subj[0].pos_ == "PRON" and \
            subj[0].lower_ not in ("he", "she", "they", "it"):
        return None
    return subj[0]


def _is_title(text: str, q: Quote) -> bool:
    """A short quoted name of a show, a book or an operation ("Face the Nation")."""
    words = text[q.start:q.end].rstrip(",.;:").split()
    return len(words) <= 6 and text[q.end - 1:q.end] not in ".!?" and all(
        w[:1].isupper() or w.lower() in ("of", "the", "and", "a", "an", "in", "on", "for", "to")
        for w in words)


def _same_sentence_continuation(doc: Doc, q: Quote, out: list[Candidate], frame: list[Token],
                                sent_start: int) -> bool:
    """Quote ``q`` continues the last direct quote: same sentence, after its cue, and no other
    speaking verb with a subject between them."""
    if not out:
        return False
    prev = out[-1]
    if prev.evidence != "direct" or prev.cue_i < 0 or prev.sent_start != sent_start or \
            doc[prev.cue_i].idx >= q.open or prev.end > q.open:
        return False
    return not any(is_cue(t) and t.i != prev.cue_i and subject_of(t) is not None
                   for t in frame if prev.end <= t.idx < q.open)


def direct_quotes(doc: Doc, quotes: list[Quote]) -> tuple[list[Candidate], set[int]]:
    """Candidates for quotes attributed by an attached cue or continuing a previous quote, and
    the token indices of the cues they used."""
    text = doc.text
    out: list[Candidate] = []
    used: set[int] = set()
    last_for_cue: dict[int, Candidate] = {}
    for q in quotes:
        if q.words(text) < (MIN_WORDS_SINGLE if q.single else MIN_WORDS) or _is_title(text, q):
            continue
        first = doc.char_span(q.start, q.end, alignment_mode="expand")
        if first is None or len(first) == 0:
            continue
        s0, s1 = first[0].sent, first[-1].sent
        flags = set() if q.closed else {"unclosed_quote"}
        if not q.closed:
            inner = _cue_inside_unclosed(doc, q)
            if inner is not None:
                v, comma = inner
                subj = subject_of(v)
                ma, mb = noun_phrase(subj)
                out.append(Candidate(q.start, comma, "direct", v.text, "direct", (ma, mb),
                                     subj.i, v.i, s0.start_char, s1.end_char, flags, [q]))
                used.add(v.i)
                continue

        def outside(t: Token, q: Quote = q) -> bool:
            return not in_quote(t.idx, quotes) and not (q.start <= t.idx < q.end) \
                and not t.is_space

        frame = [t for t in doc[s0.start:s1.end] if outside(t)]
        after: set[int] = set()
        if s1.end < len(doc) and q.close <= s1.end_char + 1:
            nxt = doc[s1.end].sent
            if len(nxt) <= 15 and not any(in_quote(t.idx, quotes) for t in nxt):
                frame += [t for t in nxt if not t.is_space]
                after = {t.i for t in nxt}
        v = _attached_cue(doc, q, frame, quotes, after)
        sa, sb = s0.start_char, s1.end_char
        if v is None and _same_sentence_continuation(doc, q, out, frame, sa):
            # '"A," he said, but "B."': the second quotation of the sentence is his too
            out[-1].end = max(out[-1].end, q.end)
            out[-1].quotes.append(q)
            out[-1].flags |= flags
            continue
        if v is not None:
            prev = last_for_cue.get(v.i)
            if prev is not None and prev.sent_start == min(sa, v.sent.start_char):
                # "...," X said, "...": one quotation interrupted by its cue
                prev.end = max(prev.end, q.end)
                prev.quotes.append(q)
                prev.flags |= flags
                continue
            subj = subject_of(v)
            ma, mb = noun_phrase(subj)
            cand = Candidate(q.start, q.end, "direct", v.text,
                             "direct_adjacent" if v.i in after else "direct", (ma, mb), subj.i,
                             v.i, min(sa, v.sent.start_char), max(sb, v.sent.end_char), flags,
                             [q])
            last_for_cue[v.i] = cand
            used.add(v.i)
            out.append(cand)
            continue
        words = [t for t in frame if not t.is_punct and s0.start <= t.i < s1.end]
        if not words and not q.single:
            intro = _intro_speaker(doc, s0)
            rng = noun_phrase(intro) if intro is not None else None
            out.append(Candidate(q.start, q.end, "direct", "", "direct_adjacent", rng,
                                 intro.i if intro is not None else None, -1, sa, sb, flags, [q],
                                 continues=True))
    return out, used
