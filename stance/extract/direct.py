"""Direct quotes and their speakers.

A quote's *frame* is the rest of the sentence(s) it stands in. A cue in the frame that is attached
to the quote (nothing but punctuation between them: ``"...," X said`` / ``X said: "..."`` /
``"...," X said, "..."``) makes the quote X's. A quote that fills its sentence(s) with no cue at all
continues the previous speaker (a second quotation block, a new paragraph of the same quote). A
quote embedded in other words ("called for an "immediate cessation ...") is left to the reported
speech rules, which make it a ``mixed`` statement.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from stance.extract.mentions import noun_phrase
from stance.extract.quotes import Quote
from stance.extract.rules import Candidate, in_quote, is_cue, subject_of

#: a quote shorter than this (in words) is a fragment, not a statement of its own
MIN_WORDS = 3
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
        if in_quote(c.idx, quotes):
            continue
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


def direct_quotes(doc: Doc, quotes: list[Quote]) -> tuple[list[Candidate], set[int]]:
    """Candidates for quotes attributed by an attached cue or continuing a previous quote, and
    the token indices of the cues they used."""
    text = doc.text
    out: list[Candidate] = []
    used: set[int] = set()
    last_for_cue: dict[int, Candidate] = {}
    for q in quotes:
        if q.single or q.words(text) < MIN_WORDS:
            continue
        first = doc.char_span(q.start, q.end, alignment_mode="expand")
        if first is None or len(first) == 0:
            continue
        s0 = first[0].sent
        s1 = first[-1].sent
        # widen the frame to the sentence after when the quote ends a sentence ("..." X said.)
        frame = [t for t in doc[s0.start:s1.end] if not in_quote(t.idx, quotes)
                 and not t.is_space]
        nxt_i = s1.end
        if nxt_i < len(doc) and q.close <= s1.end_char + 1:
            nxt = doc[nxt_i].sent
            if len(nxt) <= 12 and not any(in_quote(t.idx, quotes) for t in nxt):
                frame += [t for t in nxt if not t.is_space]
        best: tuple[int, Token] | None = None
        for t in frame:
            if not (is_cue(t) or t.lemma_.lower() in ("write", "tweet", "post")):
                continue
            subj = subject_of(t)
            if subj is None or in_quote(subj.idx, quotes):
                continue
            a, b = _cue_extent(t, quotes)
            a = min(a, subj.left_edge.idx)
            if b <= q.open:  # cue before the quote
                gap = text[b:q.open]
                if not _only_glue(gap.replace("that", "")):
                    continue
                dist = q.open - b
            elif a >= q.close:  # cue after the quote
                gap = text[q.close:a]
                if not _only_glue(gap):
                    continue
                dist = a - q.close
            else:
                continue
            if best is None or dist < best[0]:
                best = (dist, t)
        flags = set() if q.closed else {"unclosed_quote"}
        sa, sb = s0.start_char, s1.end_char
        if best is not None:
            v = best[1]
            prev = last_for_cue.get(v.i)
            if prev is not None and prev.sent_start == sa:
                # "...," X said, "...": one quotation interrupted by its cue
                prev.end = q.end
                prev.quotes.append(q)
                prev.flags |= flags
                continue
            subj = subject_of(v)
            ma, mb = noun_phrase(subj)
            cue = v.text
            cand = Candidate(q.start, q.end, "direct", cue, "direct", (ma, mb), subj.i, v.i,
                             min(sa, v.sent.start_char), max(sb, v.sent.end_char), flags, [q])
            last_for_cue[v.i] = cand
            used.add(v.i)
            out.append(cand)
            continue
        words_outside = [t for t in frame if not t.is_punct and t.i < len(doc)
                         and s0.start <= t.i < s1.end]
        if not words_outside:
            out.append(Candidate(q.start, q.end, "direct", "", "direct_adjacent", None, None, -1,
                                 sa, sb, flags, [q], continues=True))
    return out, used
