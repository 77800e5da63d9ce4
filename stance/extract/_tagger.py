"""The learned attribution tagger: SOURCE / CUE / CONTENT spans -> statement candidates.

A small spaCy pipeline (en_core_web_sm's ``tok2vec``, fine-tuned, and a transition-based ``ner``
trained on attribution relations, see :mod:`stance.extract._train`) tags the unparsed text of an
article. It runs as its own pipeline because a content may cross the main parser's sentence
starts, which a NER over parsed sentences cannot tag. Its spans become :class:`Candidate` s of
the extractor:

- a CONTENT span, with the CONTENT span after it when only a CUE (and a SOURCE) stand between
  them ("A," he said, "B"), is one statement;
- its CUE is the one inside it or the nearest beside it with no other content in between;
- each cue is labelled ``speech`` (verbs of saying, "according to", message nouns, a colon
  after a name) or ``other`` (beliefs, perception, evidence: "thinks", "shows", "found"); only
  speech makes statements by default: PolNeAR and GUM also annotate the others, which this
  toolkit leaves out unless asked (``cues="all"``: they come flagged ``nonspeech``);
- the speaker is linked through the main parse: the subject of the cue verb (inherited through
  coordination, as the rules do), the agent of a passive, the object of "according to"; else the
  tagger's own SOURCE span nearest the cue.

Candidates carry ``evidence="model"`` (the ``model`` flag) and the measured confidence of their
link; the rules keep precedence where they fire (:func:`merge`). Tags are cached per text (its
sha256) and model (the fingerprint of its files) in ``<cache>/tagger/``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from stance.extract import _lexicon as lx
from stance.extract._mentions import noun_phrase
from stance.extract._quotes import Quote
from stance.extract._rules import Candidate, subject_of

#: the shipped model (trained on clean-provenance data only, see its MODEL_CARD.md)
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "attribution"
#: environment variable naming another model folder (e.g. one trained on your PolNeAR copy)
MODEL_ENV = "STANCE_TAGGER_MODEL"
#: characters between a content and its cue beyond which they are not linked
MAX_CUE_GAP = 120
#: characters of glue ("," he said, ") between two content fragments of one statement
MAX_FRAGMENT_GAP = 80
#: how each link is made: evidence name of the candidate
LINK_PARSE, LINK_SPAN = "model", "model_span"

_QUOTES = "\"“”«»„'‘’"
_GLUE = set(_QUOTES + " ,;:—–-")
_NOT_SPEECH = frozenset({"believe", "think", "estimate", "hope", "fear", "agree", "seek", "offer",
                         "support", "order", "show", "find", "know", "expect", "feel", "want",
                         "see", "mean", "suggest", "indicate", "appear", "seem", "consider"})
#: lemmas of cues that report speech (verbs of saying and communicative acts)
SPEECH_CUES = (lx.CLAUSE_VERBS | lx.OBJECT_VERBS | lx.ACT_VERBS | lx.STRONG_CUES |
               frozenset({"speak", "talk", "joke", "blast", "caution", "testify", "quote",
                          "cite", "interview", "remarks", "comment", "claim", "accusation",
                          "call", "word", "statement", "announcement", "say", "liken",
                          "shout", "discuss", "continue", "read", "attack", "lash"})) - _NOT_SPEECH
#: which cues make statements: speech only (the default), or every attribution the model tags
CUE_CHOICES = ("speech", "all")


def model_path(path: str | Path | None = None) -> Path:
    """The tagger model folder: ``path``, else ``$STANCE_TAGGER_MODEL``, else the shipped one.

    Examples
    --------
    >>> model_path().name
    'attribution'
    """
    p = Path(path or os.environ.get(MODEL_ENV) or DEFAULT_MODEL).expanduser()
    if not (p / "config.cfg").exists():
        raise FileNotFoundError(f"{p}: no spaCy model here (no config.cfg); train one with "
                                "`stance model train DATA --out DIR`")
    return p


@lru_cache(maxsize=4)
def _load(path: str):
    import spacy

    return spacy.load(path)


def load_tagger(path: str | Path | None = None):
    """The tagger pipeline (loaded once per process and folder).

    Examples
    --------
    >>> load_tagger().pipe_names
    ['tok2vec', 'ner']
    """
    return _load(str(model_path(path).resolve()))


@lru_cache(maxsize=8)
def _fingerprint(path: str) -> str:
    h = hashlib.sha256()
    root = Path(path)
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.name != "MODEL_CARD.md":
            h.update(f.relative_to(root).as_posix().encode() + b"\x00")
            h.update(f.read_bytes())
    return h.hexdigest()


def fingerprint(path: str | Path | None = None) -> str:
    """sha256 over the model folder's files (names and bytes; the model card excluded).

    Examples
    --------
    >>> len(fingerprint())
    64
    """
    return _fingerprint(str(model_path(path).resolve()))


def _cache_dir(cache_dir: str | Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    from stance.embedding._cache import default_cache_dir

    return default_cache_dir() / "tagger"


def tag(texts: Sequence[str], *, model: str | Path | None = None, batch_size: int = 16,
        use_cache: bool = True, cache_dir: str | Path | None = None
        ) -> list[list[tuple[int, int, str]]]:
    """The tagger's (start, end, label) character spans of each text, read from or written to
    the cache (one JSON file per text and model).

    Examples
    --------
    >>> spans = tag(['"We will not stop," the minister said.'], use_cache=False)
    >>> {label for _, _, label in spans[0]} <= {'CONTENT', 'CUE', 'SOURCE'}
    True
    """
    path = model_path(model)
    folder = _cache_dir(cache_dir) / fingerprint(path)[:16]
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    out: list[list[tuple[int, int, str]] | None] = [None] * len(texts)
    if use_cache:
        for k, key in enumerate(keys):
            f = folder / f"{key}.json"
            if f.exists():
                try:
                    out[k] = [tuple(s) for s in json.loads(f.read_text(encoding="utf-8"))]
                except (OSError, ValueError):
                    out[k] = None  # a damaged entry is recomputed
    todo = [k for k, v in enumerate(out) if v is None]
    if todo:
        nlp = load_tagger(path)
        docs = nlp.pipe((texts[k] for k in todo), batch_size=batch_size)
        for k, doc in zip(todo, docs, strict=True):
            out[k] = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            if use_cache:
                folder.mkdir(parents=True, exist_ok=True)
                tmp = folder / f"{keys[k]}.tmp{os.getpid()}"
                tmp.write_text(json.dumps(out[k]), encoding="utf-8")
                tmp.replace(folder / f"{keys[k]}.json")
    return [v or [] for v in out]


# --------------------------------------------------------------------------------------------
# spans -> candidates
# --------------------------------------------------------------------------------------------

def _group_contents(spans: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, int]]:
    """Statements as (start, end, index of an inner cue span or -1): content fragments joined
    when only a cue, a source and punctuation stand between them."""
    groups: list[list[int]] = []  # [start, end, inner cue]
    last = -1
    for k, (a, b, label) in enumerate(spans):
        if label != "CONTENT":
            continue
        if groups and last >= 0:
            between = list(range(last + 1, k))
            gap = text[groups[-1][1]:a]
            cues = [m for m in between if spans[m][2] == "CUE"]
            glue = list(gap)
            for m in between:  # what stands between, less the cue and source spans
                for x in range(spans[m][0] - groups[-1][1], spans[m][1] - groups[-1][1]):
                    if 0 <= x < len(glue):
                        glue[x] = " "
            if cues and len(gap) <= MAX_FRAGMENT_GAP and set(glue) <= _GLUE:
                groups[-1][1] = b
                groups[-1][2] = cues[0]
                last = k
                continue
        groups.append([a, b, -1])
        last = k
    return [tuple(g) for g in groups]


def _cue_for(spans: list[tuple[int, int, str]], a: int, b: int, text: str) -> int:
    """Index of the CUE span nearest the content [a, b) with no other content in between."""
    best, dist = -1, MAX_CUE_GAP + 1
    for k, (s, e, label) in enumerate(spans):
        if label != "CUE":
            continue
        if e <= a:
            d, lo, hi = a - e, e, a
        elif s >= b:
            d, lo, hi = s - b, b, s
        else:
            continue
        if d >= dist or ("\n\n" in text[lo:hi] and not _introduces(text, s, e, a)):
            continue
        if any(lab == "CONTENT" and lo <= x < hi for x, _, lab in spans):
            continue
        best, dist = k, d
    return best


def _introduces(text: str, cue_start: int, cue_end: int, content_start: int) -> bool:
    """Whether the cue [cue_start, cue_end) introduces a content in a later paragraph: the cue
    comes first and ends with a colon, then only white space and quotation marks ("He
    continued:\n\n'...')."""
    if cue_end > content_start:
        return False
    glue = (text[cue_start:cue_end].rstrip()[-1:] + text[cue_end:content_start]).strip(
        " \n\t\"“'‘")
    return glue == ":"


def _cue_token(doc, s: int, e: int):
    """The main parse's head token of a cue span (its verb when it has one)."""
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None or not len(span):
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    return verbs[-1] if verbs else span.root


def is_speech(tok, cue_text: str) -> bool:
    """Whether a cue reports speech (not a belief, a perception or evidence).

    Examples
    --------
    >>> import spacy
    >>> doc = spacy.blank("en")("said")
    >>> doc[0].lemma_ = "say"
    >>> is_speech(doc[0], "said")
    True
    """
    return cue_class(tok, cue_text) == "speech"


def cue_class(tok, cue_text: str) -> str:
    """``"speech"`` for a cue that reports speech (a verb of saying, "according to", a message
    noun, the colon after a name), else ``"other"`` (a belief, a perception, evidence).

    Examples
    --------
    >>> import spacy
    >>> doc = spacy.blank("en")("shows")
    >>> doc[0].lemma_ = "show"
    >>> cue_class(doc[0], "shows"), cue_class(None, ":")
    ('other', 'speech')
    """
    low = " ".join(cue_text.lower().split())
    if low.startswith("according to") or low in ("in a statement", "told", ":"):
        return "speech"
    lemma = tok.lemma_.lower() if tok is not None else low
    return "speech" if lemma in SPEECH_CUES or low in SPEECH_CUES else "other"


#: dependencies of a cue whose speaker is the subject of its head verb
_CONTROLLED = frozenset({"advcl", "xcomp"})


def _speaker_token(tok, depth: int = 0):
    """The speaker's head token from the parse: subject, passive agent, object of
    'according to'."""
    if tok.lower_ == "according" or (tok.lower_ == "to" and tok.i and
                                     tok.doc[tok.i - 1].lower_ == "according"):
        to = tok if tok.lower_ == "to" else next((c for c in tok.children if c.lower_ == "to"),
                                                  None)
        if to is not None:
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                return objs[0]
        return None
    subj = subject_of(tok)
    if subj is not None:
        return subj
    for c in tok.children:
        if c.dep_ == "agent":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    if tok.dep_ in _CONTROLLED and tok.head is not tok and tok.head.pos_ in ("VERB", "AUX"):
        # an infinitive or participle cue takes the subject of the verb it hangs on:
        # "Republicans want to ask why ..." (subject_of already follows advcl participles)
        return _speaker_token(tok.head, depth + 1) if depth < 3 else None
    return None


def _source_near(spans: list[tuple[int, int, str]], cue: int) -> int:
    """Index of the SOURCE span next to the cue (no content in between), -1 when none."""
    s, e, _ = spans[cue]
    best, dist = -1, 60
    for k, (a, b, label) in enumerate(spans):
        if label != "SOURCE":
            continue
        d = s - b if b <= s else a - e if a >= e else 0
        lo, hi = (b, s) if b <= s else (e, a)
        if 0 <= d < dist and not any(lab == "CONTENT" and lo <= x < hi for x, _, lab in spans):
            best, dist = k, d
    return best


def _link(doc, spans: list[tuple[int, int, str]], cue: int, tok, a: int, b: int):
    """(evidence, mention token range, head token) of the speaker of cue ``spans[cue]`` (head
    token ``tok``) whose content is [a, b): the parse's subject or agent outside the content,
    else the tagger's SOURCE span next to the cue; (None, None, None) when neither."""
    who = _speaker_token(tok)
    if who is not None and not (a <= who.idx < b):
        return LINK_PARSE, noun_phrase(who), who.i
    src = _source_near(spans, cue)
    if src >= 0:
        sp = doc.char_span(spans[src][0], spans[src][1], alignment_mode="expand")
        if sp is not None and len(sp):
            return LINK_SPAN, (sp.start, sp.end), sp.root.i
    return None, None, None


def _candidate(doc, a: int, b: int, cue_text: str, tok, link, quotes: Sequence[Quote],
               flags: set[str]) -> Candidate:
    """A model candidate of content [a, b), its cue and its speaker link."""
    text = doc.text
    evidence, mention, head = link
    lo = min(a, tok.idx, doc[mention[0]].idx)
    hi = max(b, tok.idx + len(tok))
    sents = [s for s in doc.sents if s.start_char < hi and lo < s.end_char]
    quoted = any(q.start <= a and b <= q.end for q in quotes) or (
        a > 0 and text[a - 1] in _QUOTES and b < len(text) and text[b] in _QUOTES + ",.")
    return Candidate(a, b, "direct" if quoted else "indirect", cue_text, evidence, mention,
                     head, tok.i, sents[0].start_char if sents else a,
                     sents[-1].end_char if sents else b, flags=flags)


def candidates(doc, spans: Sequence[tuple[int, int, str]],
               quotes: Sequence[Quote] = (), cues: str = "speech",
               cue_contents: bool = True) -> list[Candidate]:
    """Statement candidates of one parsed text from the tagger's spans of the same text; with
    ``cues="all"`` also those of cues other than speech (flagged ``nonspeech``); with
    ``cue_contents`` also a content read from the parse for each CUE the tagger found without
    a CONTENT (:func:`cue_content`, flagged ``cue_only``).

    Examples
    --------
    >>> from stance.extract._nlp import load_nlp
    >>> doc = load_nlp()("The minister said the talks had failed.")
    >>> c = candidates(doc, [(0, 12, "SOURCE"), (13, 17, "CUE"), (18, 39, "CONTENT")])[0]
    >>> doc.text[c.start:c.end], c.cue, c.evidence
    ('the talks had failed.', 'said', 'model')
    >>> c = candidates(doc, [(13, 17, "CUE")])[0]
    >>> doc.text[c.start:c.end], sorted(c.flags)
    ('the talks had failed', ['cue_only', 'model'])
    """
    if cues not in CUE_CHOICES:
        raise ValueError(f"cues {cues!r}: use one of {', '.join(CUE_CHOICES)}")
    text = doc.text
    spans = sorted((int(a), int(b), str(lab)) for a, b, lab in spans)
    out: list[Candidate] = []
    used: set[int] = set()
    for a, b, inner in _group_contents(spans, text):
        cue = inner if inner >= 0 else _cue_for(spans, a, b, text)
        found = None
        if cue >= 0:
            cs, ce, _ = spans[cue]
            tok = _cue_token(doc, cs, ce)
            if tok is not None:
                used.add(cue)
                link = _link(doc, spans, cue, tok, a, b)
                if link[1] is not None:
                    found = text[cs:ce], tok, link
        if found is None:
            continue
        cue_text, tok, link = found
        speech = is_speech(tok, cue_text)
        if not speech and cues == "speech":
            continue
        flags = {"model"} if speech else {"model", "nonspeech"}
        out.append(_candidate(doc, a, b, cue_text, tok, link, quotes, flags))
    if cue_contents:
        out += _cue_candidates(doc, spans, used, out, quotes, cues)
    return out


def _cue_candidates(doc, spans: list[tuple[int, int, str]], used: set[int],
                    taken: list[Candidate], quotes: Sequence[Quote], cues: str
                    ) -> list[Candidate]:
    """Candidates of the CUE spans no content took: the content from the parse
    (:func:`cue_content`), the speaker as for the others."""
    text = doc.text
    out: list[Candidate] = []
    for k, (cs, ce, label) in enumerate(spans):
        if label != "CUE" or k in used:
            continue
        cue_text = text[cs:ce]
        tok = _cue_token(doc, cs, ce)
        if tok is None:
            continue
        speech = is_speech(tok, cue_text)
        if not speech and cues == "speech":
            continue
        found = cue_content(doc, tok, cs, ce)
        if found is None:
            continue
        a, b = found
        lo, hi = (ce, a) if ce <= a else (b, cs) if b <= cs else (a, a)
        if "\n\n" in text[lo:hi] and not _introduces(text, cs, ce, a):
            continue  # a paragraph break separates a cue from a content, as for tagged ones
        if "\n\n" in text[a:b]:  # the parse ran across paragraphs: keep the cue's
            cut = text.find("\n\n", a) if ce <= a else text.rfind("\n\n", a, b) + 2
            a, b = (a, cut) if ce <= a else (cut, b)
            if b - a < 2:
                continue
        if any(a < c.end and c.start < b for c in taken + out):
            continue
        link = _link(doc, spans, k, tok, a, b)
        if link[1] is None:
            continue
        flags = {"model", "cue_only"} if speech else {"model", "cue_only", "nonspeech"}
        out.append(_candidate(doc, a, b, cue_text, tok, link, quotes, flags))
    return out


#: dependencies of a cue's complements that can carry its content (its object, clause,
#: prepositional or adjectival complement)
_COMPLEMENTS = frozenset({"ccomp", "xcomp", "dobj", "prep", "attr", "acomp", "oprd", "pcomp",
                          "advcl", "dative"})


def cue_content(doc, tok, cue_start: int, cue_end: int) -> tuple[int, int] | None:
    """Character span of the content of a cue read from the main parse, or None.

    "according to X" gives the rest of its sentence (the longer side); a verb the rules know
    gives what the rules read (:func:`stance.extract._rules.content_range`); another verb its
    complements after it (object, clause, prepositional phrase; not time modifiers), else its
    clause before it, else the subject of a passive whose agent speaks ("is supported by X").

    Examples
    --------
    >>> from stance.extract._nlp import load_nlp
    >>> doc = load_nlp()("Critics have long debated the salience of ethnic ties.")
    >>> a, b = cue_content(doc, doc[3], 8, 25)
    >>> doc.text[a:b]
    'the salience of ethnic ties'
    """
    from stance.extract._rules import _is_time, _trim, content_range

    inside = {t.i for t in doc if cue_start <= t.idx < cue_end}
    rng: tuple[int, int] | None = None
    according = [t for t in doc if t.i in inside and t.lower_ == "according"]
    if according:
        prep = according[0]
        sent = prep.sent
        lo, hi = prep.left_edge.i, prep.right_edge.i + 1
        before, after = _trim(doc, sent.start, lo), _trim(doc, hi, sent.end)
        size = [sum(len(t.text) for t in doc[x:y]) for x, y in (before, after)]
        rng = before if size[0] >= size[1] else after
    if rng is None:
        found = content_range(tok, set())
        if found is not None:
            rng = found[0]
    if rng is None:
        kids = [c for c in tok.rights if c.dep_ in _COMPLEMENTS and c.i not in inside and not (
            c.dep_ == "prep" and _is_time(c)) and not (c.dep_ == "advcl" and c.tag_ == "VBG")]
        if kids:
            rng = _trim(doc, min(c.left_edge.i for c in kids),
                        max(c.right_edge.i for c in kids) + 1)
    if rng is None:
        left = [c for c in tok.lefts if c.dep_ == "ccomp"]
        passive = [c for c in tok.children if c.dep_ == "nsubjpass"] if any(
            c.dep_ == "agent" for c in tok.children) else []
        if left or passive:
            c = (left or passive)[0]
            rng = _trim(doc, c.left_edge.i, c.right_edge.i + 1)
    if rng is None or rng[1] <= rng[0]:
        return None
    i, j = rng
    while i < j and i in inside:  # the cue's own words are not its content
        i += 1
    if j - i < 1 or (j - i == 1 and doc[i].pos_ in ("PRON", "DET", "PUNCT")):
        return None
    return doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)




def merge(rule_cands: list[Candidate], model_cands: list[Candidate], doc=None
          ) -> list[Candidate]:
    """The rules' candidates and the model's that overlap none of them, hang on no cue of
    theirs and hold none of their cues ("said uploading a video that shows ...": the rules read
    the participle as its own act) — the rules keep precedence where they fire.

    Examples
    --------
    >>> a = Candidate(0, 10, "direct", "said", "direct")
    >>> b = Candidate(5, 20, "indirect", "said", "model")
    >>> c = Candidate(30, 40, "indirect", "said", "model")
    >>> [x.start for x in merge([a], [b, c])]
    [0, 30]
    """
    taken = [(c.start, c.end) for c in rule_cands]
    cues = {c.cue_i for c in rule_cands if c.cue_i >= 0}
    cue_chars = [doc[i].idx for i in cues] if doc is not None else []
    keep = [m for m in model_cands if m.cue_i not in cues and
            not any(m.start < e and s < m.end for s, e in taken) and
            not any(m.start <= x < m.end for x in cue_chars)]
    return rule_cands + keep
