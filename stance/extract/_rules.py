"""Rules over the dependency parse that find attributions in one parsed article.

Each rule yields :class:`Candidate` objects: the content's character span, the cue, the token that
heads the speaker mention and the kind of evidence. Speakers are resolved later, in text order
(:mod:`stance.extract._coref`), because pronouns and documents refer back to earlier speakers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc, Token

from stance.extract import _lexicon as lx
from stance.extract._mentions import noun_phrase, speaker_like
from stance.extract._quotes import Quote

#: confidence by the kind of evidence
CONFIDENCE = {
    "direct": 0.9, "direct_adjacent": 0.65, "indirect": 0.8, "according": 0.8, "act": 0.7,
    "publish": 0.75, "headline": 0.7, "authored": 0.6, "mixed": 0.85, "list": 0.6,
    "agentless": 0.5, "transcript": 0.75, "block": 0.7,
    # the learned tagger (stance.extract._tagger): speaker from the parse, or from its own span
    "model": 0.6, "model_span": 0.5,
}

_TIME_ENTS = {"DATE", "TIME"}
#: verbs whose infinitive complement is what the addressee should do
_DIRECTIVES = {"call", "urge", "ask", "appeal", "demand", "invite", "encourage", "press",
               "order", "instruct", "tell", "want", "request", "advise"}
_SHOW_WORDS = {"showing", "shows", "show", "that", "which", "of", "depicting", "depicts",
               "with", "saying", "says", "where", "revealing", "reveals", "documenting",
               "proving", "featuring", "in", "on", "about", "confirming", "claiming"}


#: prepositions whose gerund shares the subject of the verb they hang on ("began by saying")
_PCOMP_PREPS = {"by", "after", "before", "while", "in", "without", "besides", "when"}
#: quantifiers that speak when they name a group ("some", "one of the attorneys, X")
_QUANTIFIERS = {"one", "some", "many", "several", "most", "few", "others", "those", "all",
                "both", "each", "two", "three", "four", "none"}
_BARE_QUANTIFIERS = {"some", "many", "others", "several", "most", "few"}


@dataclass
class Candidate:
    """One attribution before its speaker is resolved."""

    start: int
    end: int
    kind: str
    cue: str
    evidence: str
    mention: tuple[int, int] | None = None  # token range of the speaker mention
    mention_head: int | None = None  # token index of the mention's head
    cue_i: int = -1
    sent_start: int = 0
    sent_end: int = 0
    flags: set[str] = field(default_factory=set)
    quotes: list[Quote] = field(default_factory=list)
    continues: bool = False  # speaker is the previous statement's (quote continuation)
    issuer: str = ""  # fixed speaker mention text (authored)

    @property
    def confidence(self) -> float:
        c = CONFIDENCE.get(self.evidence, 0.5)
        if "coref" in self.flags:
            c *= 0.9
        if "cue_only" in self.flags:  # a tagger cue whose content the parse gave
            c *= 0.9
        if "unclosed_quote" in self.flags:
            c *= 0.8
        if "damaged" in self.flags:
            c *= 0.7
        return round(c, 3)


def is_cue(tok: Token) -> bool:
    """True for a verb that can report speech."""
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
        return False
    lem = tok.lemma_.lower()
    if lem == "call" and not any(c.dep_ in ("xcomp", "oprd", "ccomp") or c.dep_ == "prep" and
                                 c.lower_ in ("for", "on", "upon") or _quoted_label(c)
                                 for c in tok.children):
        return False  # "called X" (on the phone), "called up reserves"
    return lem in lx.CLAUSE_VERBS or lem in lx.OBJECT_VERBS


def group_speaker(subj: Token, lem: str) -> bool:
    """A quantified subject that names speakers: "one of the family's attorneys, Justin Bamberg",
    "those close to him", "some" (with a verb of saying)."""
    low = subj.lower_
    if low not in _QUANTIFIERS:
        return False
    for c in subj.children:
        if c.dep_ == "appos" and speaker_like(c):
            return True
        if c.dep_ == "prep" and c.lower_ == "of" and any(
                g.dep_ == "pobj" and speaker_like(g) for g in c.children):
            return True
    if low == "those":
        return any(c.dep_ in ("amod", "prep", "relcl", "acl") for c in subj.children)
    return low in _BARE_QUANTIFIERS and lem in lx.CLAUSE_VERBS and subj.dep_ == "nsubj"


def _quoted_label(obj: Token) -> bool:
    """An object with a quoted apposition: "called the remarks "a wake-up call"". """
    doc = obj.doc
    return obj.dep_ == "dobj" and any(
        g.dep_ == "appos" and g.left_edge.i > 0 and doc[g.left_edge.i - 1].text in "\"“'‘«"
        for g in obj.children)


def in_quote(pos: int, quotes: list[Quote], single: bool = False) -> bool:
    """True when character ``pos`` lies inside a double quote's content (or a single one)."""
    return any(q.start <= pos < q.end and (single or not q.single) for q in quotes)


def subject_of(v: Token, depth: int = 0) -> Token | None:
    """The active subject of cue ``v``, inherited through coordination and participles."""
    if depth > 4:
        return None
    subjects = [c for c in v.children if c.dep_ == "nsubj"]
    if subjects:
        subj = subjects[-1]  # the one next to the verb when the parser made several
        if subj.lower_ in ("who", "which", "that") and v.dep_ == "relcl":
            return v.head  # "the ministry, which said ..."
        return subj
    if any(c.dep_ in ("nsubjpass", "csubj", "csubjpass", "expl") for c in v.children):
        return None
    for c in v.lefts:
        # headline asyndeton: "Ministry denies the claim, accuses Baku of ..."
        if c.dep_ == "ccomp" and is_cue(c) and any(g.dep_ == "nsubj" for g in c.children) \
                and any(g.text == "," for g in v.lefts):
            return subject_of(c, depth + 1)
    h = v.head
    if h is v:
        return None
    if v.dep_ == "pcomp" and v.tag_ == "VBG" and h.pos_ == "ADP" and h.head.pos_ in ("VERB", "AUX"):
        g = h.head
        passive = [c for c in g.children if c.dep_ == "nsubjpass"]
        if g.lemma_.lower() in lx.CITING_VERBS and h.lower_ == "as" and passive:
            return passive[-1]  # "X was quoted as saying ..."
        if h.lower_ in _PCOMP_PREPS:
            return subject_of(g, depth + 1)  # "X responded by saying ...", "after saying ..."
        return None
    if v.dep_ == "conj":
        if is_cue(h):
            return subject_of(h, depth + 1)
        # "confirmed Ganja came under fire, and accused ...": the conj hangs on the content verb
        if h.dep_ in ("ccomp", "xcomp") and is_cue(h.head):
            return subject_of(h.head, depth + 1)
        return subject_of(h, depth + 1)
    if v.tag_ == "VB" and v.dep_ in ("xcomp", "advcl", "acl", "relcl") and any(
            a.lemma_.lower() in _DIRECTIVES for a in v.ancestors):
        return None  # "called on X to condemn ...": the addressee's act, not a statement
    if v.dep_ in ("advcl", "xcomp", "acl", "pcomp", "conj", "dep") and \
            v.tag_ in ("VBG", "VB") and h.pos_ in ("VERB", "AUX"):
        # "claimed that X had ..., denouncing ...": the participle is the claimant's
        if not is_cue(h) and h.dep_ in ("ccomp", "xcomp") and is_cue(h.head):
            return subject_of(h.head, depth + 1)
        return subject_of(h, depth + 1)
    return None


def _trim(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Trim punctuation, spaces, conjunctions and a leading "that" from token range [i, j)."""
    while i < j and (doc[i].is_punct and doc[i].text not in ('"', "“", "«", "„", "‘")
                     or doc[i].is_space or doc[i].lower_ in ("and", "but")
                     and doc[i].dep_ in ("mark", "cc")
                     or doc[i].lower_ == "that" and i + 1 < j and not doc[i + 1].is_punct
                     and doc[i].dep_ != "nsubj" and doc[i].head.i != i + 1):
        i += 1
    while j > i and (doc[j - 1].is_punct and doc[j - 1].text not in ('"', "”", "»", "’", ")")
                     or doc[j - 1].is_space or doc[j - 1].dep_ == "cc"
                     or doc[j - 1].lower_ in ("and", "but", "while")):
        j -= 1
    return i, j


def _balance_quotes(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Drop a lone quote mark at either end of [i, j) (a quote that is not closed inside it)."""
    marks = "\"“”«»„"
    if j > i and doc[j - 1].text in marks:
        inner = sum(1 for t in doc[i:j] if t.text in marks)
        if inner % 2 == 1:
            j -= 1
    if j > i and doc[i].text in marks:
        inner = sum(1 for t in doc[i:j] if t.text in marks)
        if inner % 2 == 1:
            i += 1
    return _trim(doc, i, j)


def _subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _is_time(tok: Token) -> bool:
    """A temporal modifier ("on Wednesday", "on Sunday, September 27")."""
    pobj = [c for c in tok.children if c.dep_ == "pobj"]
    return any(p.ent_type_ in _TIME_ENTS for p in pobj) or tok.ent_type_ in _TIME_ENTS


def content_range(v: Token, cues: set[int]) -> tuple[tuple[int, int], str] | None:
    """Token range of the content of cue ``v`` and the cue phrase, or None when it has none.

    The content is the reported clause (``ccomp``), or for verbs that take them the object and
    the content prepositions ("accused X of ...", "called for ..."); never the subject, time
    modifiers, or the subtree of another cue coordinated with it.
    """
    doc = v.doc
    lem = v.lemma_.lower()
    cue = v.text
    prt = [c for c in v.children if c.dep_ == "prt"]
    if prt:
        cue += " " + prt[0].text
    ccomp = [c for c in v.children if c.dep_ == "ccomp"]
    right_cc = [c for c in ccomp if c.i > v.i]
    left_cc = [c for c in ccomp if c.i < v.i and not (
        is_cue(c) and any(g.dep_ == "nsubj" for g in c.children))]
    if lem in ("vow", "pledge", "promise", "threaten", "swear", "agree", "refuse", "urge",
               "hope", "demand"):
        right_cc += [c for c in v.children if c.dep_ == "xcomp" and c.i > v.i]
    if not right_cc and lem in lx.CLAUSE_VERBS:
        right_cc = [c for c in v.children if _clause_like(c)]
    if not right_cc and lem in ("tell", "inform", "assure", "remind", "warn", "brief"):
        # "told a meeting of leaders that few people ...": the that-clause hangs on the addressee
        for o in (c for c in v.children if c.dep_ in ("dobj", "dative") and c.i > v.i):
            rel = [r for r in o.subtree if r.dep_ == "relcl" and any(
                g.dep_ == "mark" and g.lower_ == "that" for g in r.children)]
            if rel:
                a = min(g.left_edge.i for g in rel[0].children if g.dep_ == "mark")
                cue += " " + doc[o.left_edge.i:a].text
                return _cut_at_cues(doc, (a, rel[0].right_edge.i + 1), v, cues), cue
    if right_cc:
        rng = _subtree_range(right_cc[0])
        if rng[0] < v.i:
            # "the village, which Baku says was used as a base": the clause after the cue
            rng = (v.i + 1 + len(prt), rng[1])
        objs = [c for c in v.children if c.dep_ == "dobj" and v.i < c.i < right_cc[0].i]
        if objs and lem not in ("tell", "inform", "assure", "remind", "urge", "warn", "ask"):
            rng = (objs[0].left_edge.i, rng[1])
        if lem in ("urge", "tell", "warn", "remind", "assure", "inform"):
            # "urged X to ...": keep the addressee when it comes between
            objs = [c for c in v.children if c.dep_ in ("dobj", "dative") and c.i > v.i]
            if lem == "urge" and objs:
                rng = (min(rng[0], objs[0].left_edge.i), rng[1])
        if lem == "tell":
            dat = [c for c in v.children if c.dep_ in ("dobj", "dative", "npadvmod")
                   and c.i < right_cc[0].i]
            if dat:
                cue += " " + doc[dat[0].left_edge.i:dat[0].right_edge.i + 1].text
        return (_cut_at_cues(doc, rng, v, cues), cue)
    if left_cc:
        return (_cut_at_cues(doc, _subtree_range(left_cc[0]), v, cues), cue)
    if v.dep_ == "parataxis" and not any(c.dep_ in ("ccomp", "xcomp") for c in v.children):
        # "The latest test, North Korea said, was its biggest yet": the longer part
        a, b = _subtree_range(v)
        sent = v.sent
        before = _trim(doc, sent.start, a)
        after = _trim(doc, b, sent.end)
        h = v.head
        if h.i > v.i and h.left_edge.i < a and before[1] - before[0] >= 1 \
                and after[1] - after[0] >= 2 and "," in (doc[a].text, doc[a - 1].text) \
                and "," in (doc[b - 1].text, doc[min(b, len(doc) - 1)].text):
            # the cue interrupts one clause ("The museum, X said, would ..."): all of it
            return _trim(doc, h.left_edge.i, h.right_edge.i + 1), cue
        size = [sum(len(t.text) for t in doc[x:y]) for x, y in (before, after)]
        best = before if size[0] >= size[1] else after
        if best[1] - best[0] >= 2:
            return best, cue
    small = [c for c in v.rights if c.dep_ == "dobj" and any(
        g.dep_ == "acl" and g.tag_ in ("VBN", "VBG") and g.i > c.i for g in c.children)]
    if small and lem in lx.CLAUSE_VERBS:
        # headline grammar: "Azerbaijan says civilians killed by Armenia"
        return (_cut_at_cues(doc, _subtree_range(small[0]), v, cues), cue)
    if lem not in lx.OBJECT_VERBS:
        return None  # a verb of saying without a clause has no content here
    # object and prepositional content
    kids = [c for c in v.rights if c.dep_ in ("dobj", "prep", "xcomp", "dative", "oprd", "attr",
                                                 "advcl", "acomp", "pcomp")]
    content_kids: list[Token] = []
    start_after: int | None = None
    for c in kids:
        if c.dep_ == "prep":
            if c.lower_ not in lx.CONTENT_PREPS or _is_time(c):
                continue
            if lem in ("accuse", "charge", "blame", "suspect", "call", "warn", "appeal",
                       "insist", "express") or not content_kids:
                if lem in ("accuse", "charge", "blame", "suspect") and c.lower_ in ("of", "for"):
                    content_kids = []
                    start_after = c.i
                    cue += " " + c.text
                elif not content_kids and c.i == v.i + 1 + len(prt):
                    start_after = c.i
                    cue += " " + c.text
            content_kids.append(c)
        elif c.dep_ == "advcl":
            if c.tag_ == "VBG" or c.dep_ == "advcl" and any(m.lower_ in ("as", "because", "after",
                                                                      "while", "when", "since")
                                                             for m in c.children):
                break
            if lem in ("call", "appeal", "urge") and content_kids and (c.tag_ in ("VBN", "VB") or any(
                    g.dep_ == "aux" and g.lower_ == "to" for g in c.children)):
                # "called on the Group, formed to ..., to urge Armenia to withdraw"
                content_kids.append(c)
            continue
        elif c.dep_ == "dative" and lem == "tell":
            continue
        else:
            content_kids.append(c)
    content_kids = [c for c in content_kids if c.dep_ != "prep" or start_after is None
                    or c.i >= start_after]
    if not content_kids:
        return None
    if lem in lx.NO_OBJECT_CONTENT and not any(c.dep_ == "prep" for c in content_kids):
        return None
    if lem in lx.PERFORMATIVE:
        obj = [c for c in content_kids if c.dep_ == "dobj"]
        if obj and not any(g.dep_ in ("prep", "acl", "relcl", "ccomp") for g in obj[0].children) \
                and obj[0].right_edge.i - obj[0].left_edge.i < 3:
            return None
    i = min(c.left_edge.i for c in content_kids)
    j = max(c.right_edge.i for c in content_kids) + 1
    if start_after is not None:
        i = start_after + 1
    return (_cut_at_cues(doc, (i, j), v, cues), cue)


def _clause_like(c: Token) -> bool:
    """A finite clause right of a verb of saying that the parser took for an adverbial ("said
    after the talks he would ..."): it has its own subject and no subordinating conjunction."""
    if c.dep_ != "advcl" or c.i <= c.head.i or c.tag_ not in ("VB", "VBD", "VBP", "VBZ", "MD"):
        return False
    if not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
        return False
    return not any(g.dep_ == "mark" and g.lower_ != "that" or g.dep_ == "advmod" and g.tag_ == "WRB"
                   for g in c.children)


def _cut_at_cues(doc: Doc, rng: tuple[int, int], v: Token, cues: set[int]) -> tuple[int, int]:
    """End the content before another cue of the same speaker coordinated inside it
    ("denied X, but confirmed Y, and accused Z")."""
    i, j = rng
    for k in range(i, j):
        t = doc[k]
        if k != v.i and k in cues and t.dep_ == "conj" and subject_of(t) is not None \
                and not any(c.dep_ == "nsubj" for c in t.children):
            j = t.left_edge.i if t.left_edge.i > i else k
            break
    return _trim(doc, i, j)


def sentence_range(doc: Doc, i: int, j: int) -> tuple[int, int]:
    """Character span of the sentence(s) that tokens [i, j) are in."""
    a = doc[i].sent
    b = doc[max(i, j - 1)].sent
    return a.start_char, b.end_char


def reported(doc: Doc, quotes: list[Quote], used: set[int]) -> list[Candidate]:
    """Reported speech and acts headed by cue verbs with a subject."""
    cues = {t.i for t in doc if is_cue(t)}
    out: list[Candidate] = []
    for i in sorted(cues):
        v = doc[i]
        if i in used or in_quote(v.idx, quotes):
            continue
        subj = subject_of(v)
        if subj is None:
            subj = cited_object(v)  # "Trend reports citing the statement of X"
        if subj is None or in_quote(subj.idx, quotes):
            continue
        if not speaker_like(subj) and (v.lemma_.lower() not in lx.STRONG_CUES
                                       or subj.lower_ in lx.NON_SPEAKERS) \
                and not group_speaker(subj, v.lemma_.lower()):
            continue
        found = content_range(v, cues)
        if found is None:
            continue
        (a, b), cue = found
        if b - a < 1 or a <= subj.i < b and not (v.dep_ == "parataxis" and a < v.i < b):
            continue
        # the content may not contain the subject nor be only a pronoun
        if b - a == 1 and doc[a].pos_ in ("PRON", "DET"):
            continue
        lem = v.lemma_.lower()
        kind = "act" if lem in lx.ACT_VERBS else "indirect"
        ma, mb = noun_phrase(subj)
        sa, sb = sentence_range(doc, min(a, ma, i), max(b, mb, i + 1))
        out.append(Candidate(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), kind, cue,
                             "act" if kind == "act" else "indirect", (ma, mb), subj.i, i, sa, sb))
    return out


_TRAIL_DEPS_OK = {"PROPN", "NOUN", "ADJ", "DET", "PART", "PUNCT", "ADP", "NUM", "CCONJ", "PRON"}


def trailing_cues(doc: Doc, quotes: list[Quote], used: set[int]) -> list[Candidate]:
    """Surface fallback for "<content>, <speaker> said." and "<content>, said <speaker>." when the
    parse does not link them (long or garbled sentences, headline lines)."""
    out: list[Candidate] = []
    for sent in doc.sents:
        toks = [t for t in sent if not t.is_space]
        while toks and toks[-1].is_punct and toks[-1].text in ".!?:":
            toks.pop()
        commas = [k for k, t in enumerate(toks) if t.text == ","]
        if not commas or len(toks) < 6:
            continue
        k = commas[-1]
        tail = toks[k + 1:]
        if not 2 <= len(tail) <= 14 or k < 3:
            continue
        verbs = [t for t in tail if is_cue(t) and t.lemma_.lower() in lx.CLAUSE_VERBS]
        if len(verbs) != 1 or verbs[0].i in used or in_quote(verbs[0].idx, quotes):
            continue
        v = verbs[0]
        if v is tail[-1] or v.i + 1 < len(doc) and tail[-1].i == v.i + 1 and \
                tail[-1].pos_ in ("ADV",):
            np = [t for t in tail if t.i < v.i]  # ", the ministry said."
        elif v is tail[0]:
            np = [t for t in tail if t.i > v.i]  # ", said the ministry."
        else:
            continue
        if not np or any(t.pos_ not in _TRAIL_DEPS_OK for t in np):
            continue
        heads = [t for t in np if t.pos_ in ("PROPN", "NOUN", "PRON")]
        if not heads:
            continue
        head = heads[-1] if v is tail[-1] else heads[0]
        if not speaker_like(head):
            continue
        a, b = _trim(doc, toks[0].i, toks[k].i)
        if b - a < 3:
            continue
        sa, sb = sent.start_char, sent.end_char
        out.append(Candidate(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), "indirect",
                             v.text, "indirect", (np[0].i, np[-1].i + 1), head.i, v.i, sa, sb))
    return out


def _nominal_conj_end(v: Token, b: int) -> int:
    """Extend an object's end over nouns the parser coordinated with the verb instead of the
    object ("released footage showing cars on fire, and streets scattered with ...")."""
    for c in v.rights:
        if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") and c.i >= b:
            b = max(b, c.right_edge.i + 1)
    return b


def cited_object(v: Token) -> Token | None:
    """The object of a "citing"/"quoting" participle attached to cue ``v``."""
    for c in v.children:
        if c.lemma_.lower() in lx.CITING_VERBS:
            objs = [o for o in c.children if o.dep_ in ("dobj", "pobj")]
            if objs:
                return objs[0]
    return None


def publish_acts(doc: Doc, quotes: list[Quote], used: set[int]) -> list[Candidate]:
    """Communicative acts: "released footage showing ...", "published a video of ..."."""
    out: list[Candidate] = []
    for v in doc:
        if v.lemma_.lower() not in lx.PUBLISH_VERBS or v.pos_ != "VERB" or v.i in used:
            continue
        if in_quote(v.idx, quotes):
            continue
        objs = [c for c in v.children if c.dep_ == "dobj" and c.lower_ in lx.MESSAGE_NOUNS]
        if not objs:
            continue
        obj = objs[0]
        subj = subject_of(v)
        if subj is None or in_quote(subj.idx, quotes):
            continue
        tail = [t for t in obj.rights if t.dep_ in ("acl", "relcl", "prep")]
        if not tail:
            continue
        a = tail[0].left_edge.i
        b = _nominal_conj_end(v, obj.right_edge.i + 1)
        while a < b and (doc[a].lower_ in _SHOW_WORDS or doc[a].is_punct):
            a += 1
        a, b = _trim(doc, a, b)
        if b - a < 2:
            continue
        ma, mb = noun_phrase(subj)
        cue = f"{v.text} {doc[obj.left_edge.i:obj.i + 1].text}"
        sa, sb = sentence_range(doc, min(a, ma, v.i), max(b, mb))
        out.append(Candidate(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), "act", cue,
                             "publish", (ma, mb), subj.i, v.i, sa, sb))
    return out


def according_to(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """"According to X, ..." and "..., according to X": the clause is X's."""
    out: list[Candidate] = []
    for t in doc:
        if t.lower_ != "according" or in_quote(t.idx, quotes):
            continue
        to = [c for c in t.children if c.lower_ == "to"]
        if not to:
            continue
        pobj = [c for c in to[0].children if c.dep_ == "pobj"]
        if not pobj:
            continue
        sent = t.sent
        a_rng = (t.i, max(to[0].right_edge.i, t.right_edge.i) + 1)
        # the clause: the rest of the sentence, on the side of the phrase that has the verb
        left = (sent.start, a_rng[0])
        right = (a_rng[1], sent.end)
        root = sent.root.i
        if left[0] <= root < left[1] and t.i > root and left[1] - left[0] >= 3:
            a, b = left  # "X rose by 20 percent, according to Y, more than ...": the main clause
        elif right[1] - right[0] >= left[1] - left[0]:
            a, b = right
        else:
            a, b = left
        a, b = _balance_quotes(doc, *_trim(doc, a, b))
        if b - a < 3:
            continue
        head = pobj[0]
        ma, mb = noun_phrase(head)
        sa, sb = sentence_range(doc, min(a, t.i), b)
        out.append(Candidate(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), "indirect",
                             doc[t.i:to[0].i + 1].text, "according", (ma, mb), head.i, t.i,
                             sa, sb))
    return out


_NOUN_CUES = frozenset({"claim", "allegation", "assertion", "statement", "warning", "promise",
                        "pledge", "vow", "threat", "accusation", "denial", "insistence",
                        "demand", "suggestion", "argument", "assurance", "admission", "call",
                        "remark", "announcement", "charge", "contention", "belief"})


def noun_cues(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """"Trump's claim that ...", "the ministry's denial that ...": a message noun with a
    possessive speaker and a "that" clause."""
    out: list[Candidate] = []
    for t in doc:
        if t.pos_ != "NOUN" or t.lemma_.lower() not in _NOUN_CUES or in_quote(t.idx, quotes):
            continue
        poss = [c for c in t.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")]
        clause = [c for c in t.children if c.dep_ in ("acl", "ccomp", "relcl") and c.i > t.i
                  and any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children)]
        if not poss or not clause or not speaker_like(poss[0]):
            continue
        a, b = _trim(doc, clause[0].left_edge.i, clause[0].right_edge.i + 1)
        if b - a < 3:
            continue
        ma, mb = noun_phrase(poss[0])
        mb = min(mb, t.i)
        while mb > ma and doc[mb - 1].tag_ == "POS" or doc[mb - 1].text in ("'s", "’s"):
            mb -= 1
        out.append(Candidate(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), "indirect",
                             t.text, "indirect", (ma, mb), poss[0].i, t.i, t.sent.start_char,
                             t.sent.end_char))
    return out


_HEDGES = {"reportedly", "allegedly", "purportedly", "supposedly", "reputedly"}
_PASSIVE_CUES = {"report", "claim", "allege", "say", "believe", "rumor", "rumour", "announce"}


def agentless(doc: Doc, quotes: list[Quote]) -> list[Candidate]:
    """Claims with no named source: "X will reportedly ...", "It was reported that ...". Their
    speaker stays unknown."""
    out: list[Candidate] = []
    for t in doc:
        if in_quote(t.idx, quotes):
            continue
        rng = None
        if t.lower_ in _HEDGES and t.dep_ == "advmod" and t.head.pos_ in ("VERB", "AUX"):
            h = t.head
            rng = _trim(doc, h.left_edge.i, h.right_edge.i + 1)
            cue = t.text
        elif t.lemma_.lower() in _PASSIVE_CUES and t.tag_ == "VBN" and any(
                c.dep_ in ("nsubjpass", "expl") and c.lower_ == "it" for c in t.children):
            cc = [c for c in t.children if c.dep_ == "ccomp" and c.i > t.i]
            if cc:
                rng = _trim(doc, cc[0].left_edge.i, cc[0].right_edge.i + 1)
                cue = doc[t.i - 1].text + " " + t.text if t.i else t.text
        if rng is None or rng[1] - rng[0] < 3:
            continue
        a, b = rng
        out.append(Candidate(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text), "indirect",
                             cue, "agentless", None, None, t.i, t.sent.start_char,
                             t.sent.end_char))
    return out
