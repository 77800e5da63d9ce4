"""The extraction stage itself: segment, parse, find candidates with the rules, resolve speakers,
deduplicate and build the statements table (see :mod:`stance.extract` for the method)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pandas as pd

from stance import tables
from stance.extract import _lexicon as lx
from stance.extract._blocks import statement_blocks
from stance.extract._coref import Resolved, Resolver
from stance.extract._direct import direct_quotes
from stance.extract._layout import headline_lines, list_blocks, signed_quotes, speaker_lines
from stance.extract._mentions import noun_phrase, outlet_names
from stance.extract._parse import parse
from stance.extract._pieces import candidate_pieces, one_per_quote, piece_text
from stance.extract._polarity import first_person, polarity
from stance.extract._quotes import Quote, find_quotes
from stance.extract._rules import (
    Candidate,
    according_to,
    agentless,
    in_quote,
    noun_cues,
    publish_acts,
    reported,
    trailing_cues,
)

__all__ = ["extract_article", "extract_statements", "segments"]

#: articles above which a progress bar is shown by default
PROGRESS_MIN_ARTICLES = 5
#: extraction methods: the rules, the learned tagger, or both (rules first)
METHODS = ("rules", "tagger", "both")
#: the method used when neither the call nor corpus.yaml names one
DEFAULT_METHOD = "rules"
#: keep both statements when a verb of saying reports another ("Baku accused ..., the minister
#: stated"); False keeps the inner one only
NESTED_BOTH = True
#: a quotation block with no cue in the same paragraph as the quote before it joins that quote
MERGE_CONTINUATIONS = True
#: longer texts are parsed in pieces of at most this many characters (spaCy's memory and the
#: rules' time grow faster than the length of a piece; coreference does not cross pieces). On a
#: 40 KB article, pieces of 20,000 characters took 18.8 s against 55.0 s for one piece
#: (benchmarks/resource_guards.py); every article of the shipped corpora is shorter.
MAX_SEGMENT = 20_000


def _articles_and_context(corpus_or_articles: Any, registry):
    """(articles DataFrame, registry, repairs DataFrame or None) from a Corpus or a DataFrame."""
    if isinstance(corpus_or_articles, pd.DataFrame):
        return tables.normalize_articles(corpus_or_articles), registry, None
    articles = getattr(corpus_or_articles, "articles", None)
    if not isinstance(articles, pd.DataFrame):
        raise TypeError("extract_statements expects a Corpus or an articles DataFrame, got "
                        f"{type(corpus_or_articles).__name__}")
    if registry is None:
        registry = getattr(corpus_or_articles, "registry", None)
    repairs = getattr(corpus_or_articles, "repairs", None)
    return tables.normalize_articles(articles), registry, repairs


def _damaged_spans(repairs: pd.DataFrame | None) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    if repairs is None or len(repairs) == 0 or "kind" not in repairs.columns:
        return out
    dam = repairs[repairs["kind"] == "damaged"]
    for aid, start, end in zip(dam["article_id"], dam["start"], dam["end"], strict=True):
        out.setdefault(str(aid), []).append((int(start), int(end)))
    return out


def extract_statements(corpus_or_articles: Any, *, registry=None, nlp=None,
                       batch_size: int = 32,
                       progress: bool | Callable[[Iterable], Iterable] | None = None,
                       method: str | None = None, tagger_model=None,
                       use_cache: bool = True, cues: str | None = None) -> pd.DataFrame:
    """The statements table (``tables.STATEMENT_COLUMNS``) of a corpus or an articles table.

    Parameters
    ----------
    corpus_or_articles
        A :class:`stance.read.Corpus` (its registry and damaged-sentence repairs are used) or
        an articles DataFrame (``tables.ARTICLE_COLUMNS``).
    registry
        A :class:`stance.speakers.Registry`; default: the corpus's. Without one, speakers stay
        unresolved (``mention`` kept, ``speaker`` and ``side`` empty).
    nlp
        A spaCy pipeline; default :func:`stance.extract.load_nlp`.
    batch_size
        Texts per ``nlp.pipe`` batch.
    progress
        True for a tqdm bar, False for none, a callable wrapping an iterable for your own;
        default: a bar when there are more than a few articles.
    method
        ``"rules"`` (the dependency rules), ``"tagger"`` (the learned attribution tagger of
        :mod:`stance.extract._tagger`, its spans linked through the parse) or ``"both"`` (the
        rules, and the tagger's statements where no rule fired; flagged ``model``); default:
        the corpus's ``extraction`` setting in ``corpus.yaml``, else :data:`DEFAULT_METHOD`.
    tagger_model
        The tagger's model folder (default: ``$STANCE_TAGGER_MODEL``, else the shipped model).
    use_cache
        Read and write the tagger's spans in the cache (text hash + model fingerprint).
    cues
        ``"speech"``: the tagger's statements hang on cues of speech only;
        ``"all"``: also on its other cues (beliefs, perception, evidence: "thinks", "shows",
        "found"), flagged ``nonspeech``, as PolNeAR counts attributions. The rules report
        speech only either way. Default: the corpus's ``cues`` setting in ``corpus.yaml``,
        else ``"speech"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from stance import tables
    >>> arts = pd.DataFrame([{**dict.fromkeys(tables.ARTICLE_COLUMNS, ""), "article_id": "a",
    ...                       "date": pd.Timestamp("2020-10-05"),
    ...                       "text": '"We will respond," the minister said.'}])
    >>> extract_statements(arts, progress=False)["text"].tolist()
    ['We will respond,']
    """
    config = getattr(corpus_or_articles, "config", None) or {}
    if method is None:
        method = config.get("extraction") or DEFAULT_METHOD
    if cues is None:
        cues = config.get("cues") or "speech"
    if method not in METHODS:
        raise ValueError(f"method {method!r}: use one of {', '.join(METHODS)}")
    from stance.extract._tagger import CUE_CHOICES

    if cues not in CUE_CHOICES:
        raise ValueError(f"cues {cues!r}: use one of {', '.join(CUE_CHOICES)}")
    articles, registry, repairs = _articles_and_context(corpus_or_articles, registry)
    if nlp is None:
        from stance.extract._nlp import load_nlp

        nlp = load_nlp()
    damaged = _damaged_spans(repairs)
    work = [(k, off, seg) for k, text in enumerate(articles["text"].tolist())
            for off, seg in segments(text)]
    tagged: list | None = None
    if method != "rules":
        from stance.extract import _tagger

        tagged = _tagger.tag([seg for _, _, seg in work], model=tagger_model,
                             use_cache=use_cache)
    docs: Iterator = parse(nlp, [seg for _, _, seg in work], batch_size=batch_size)
    if progress is None:
        progress = len(articles) > PROGRESS_MIN_ARTICLES
    if progress is True:
        from tqdm.auto import tqdm

        docs = tqdm(docs, total=len(work), desc="statements", unit="text")
    elif callable(progress):
        docs = progress(docs)
    records = articles.to_dict("records")
    rows: list[dict] = []
    for n, ((k, off, _), doc) in enumerate(zip(work, docs, strict=True)):
        art = records[k]
        spans = [(a - off, b - off) for a, b in damaged.get(art["article_id"], [])]
        rows.extend(extract_article(doc, art, registry, spans, offset=off, method=method,
                                    tagged=tagged[n] if tagged is not None else None,
                                    cues=cues))
    if not rows:
        return tables.empty_statements()
    out = pd.DataFrame(rows, columns=tables.STATEMENT_COLUMNS)
    return tables.normalize_statements(out)


def segments(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """Split a very long text into pieces of at most ``limit`` characters at paragraph (else
    sentence, else any) boundaries, as (offset, piece). Short texts are one piece."""
    limit = MAX_SEGMENT if limit is None else limit
    out: list[tuple[int, str]] = []
    pos = 0
    while len(text) - pos > limit:
        window = text[pos:pos + limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(". ") + 1
        if cut < limit // 2:
            cut = limit
        out.append((pos, text[pos:pos + cut]))
        pos += cut
    out.append((pos, text[pos:]))
    return out


_ISSUER_TITLE = re.compile(
    r"^\s*(?:joint\s+)?(?:statement|press\s+release|communiqu[eé]|declaration|readout|"
    r"comment|message|appeal)\s+(?:by|of|from)\s+(?:the\s+)?(?P<who>.+?)"
    r"(?:\s+(?:on|regarding|concerning|about|in\s+connection\s+with)\s.*)?\s*$",
    re.IGNORECASE)


def _issuer_name(article, registry, text: str = "") -> str:
    """Who wrote the article's own sentences: its author; or X when the title or an opening
    line reads "Statement by X ..." / "Press release of X"; or the registry speaker whose
    ``domains`` hold the article's source (its official website, an exact match). A news
    outlet is never the author of its reports, whatever its domain resembles."""
    author = str(article.get("author", "") or "").strip()
    if author:
        return author
    by_domain = getattr(registry, "by_domain", None)
    sp = by_domain(str(article.get("source", "") or "")) if by_domain is not None else None
    opening = [str(article.get("title", "") or "")] + \
        [ln for ln in text.split("\n") if ln.strip()][:3]
    for line in opening:
        m = _ISSUER_TITLE.match(line)
        if m and len(m.group("who").split()) <= 8:
            if sp is not None and _unknown(registry, m.group("who")):
                break  # "Statement of the Ministry of Foreign Affairs" on mfa.gov.az: its own
            return m.group("who")
    return sp.name if sp is not None else ""


def _unknown(registry, name: str) -> bool:
    """The registry resolves no speaker from ``name``."""
    try:
        return registry.resolve(name) is None
    except Exception:  # noqa: BLE001 - a bad pattern must not stop extraction
        return True


def _rule_candidates(doc, text: str, quotes: list[Quote], lines) -> list[Candidate]:
    """The rules' candidates of one parsed text, nesting and duplicates resolved."""
    cands, used = direct_quotes(doc, quotes)
    cands = signed_quotes(text, doc) + cands  # first: they win over a continuation reading
    cands += publish_acts(doc, quotes, used)
    used |= {c.cue_i for c in cands}
    cands += reported(doc, quotes, used)
    used |= {c.cue_i for c in cands}
    cands += trailing_cues(doc, quotes, used)
    cands += according_to(doc, quotes)
    cands += speaker_lines(text, lines, doc)
    cands += noun_cues(doc, quotes)
    cands += list_blocks(doc)
    cands += agentless(doc, quotes)
    cands = _dedupe(doc, cands, quotes)
    blocks, superseded = statement_blocks(doc, quotes, cands)
    return [c for k, c in enumerate(cands) if k not in superseded] + blocks


def extract_article(doc, article, registry=None,
                    damaged: list[tuple[int, int]] | None = None, offset: int = 0,
                    method: str = "rules", tagged=None, cues: str = "speech") -> list[dict]:
    """Statements (rows of the statements table) of one parsed article (or of the piece of it
    that starts at character ``offset``; ``damaged`` spans are relative to the piece).
    ``method`` and ``cues`` as in :func:`extract_statements`; ``tagged``: the tagger's spans of
    this text."""
    text = doc.text
    if not text.strip():
        return []
    quotes = find_quotes(text)
    lines = headline_lines(text)
    cands = _rule_candidates(doc, text, quotes, lines) if method != "tagger" else []
    if method != "rules":
        from stance.extract import _tagger

        cands = _tagger.merge(cands, _tagger.candidates(doc, tagged or [], quotes, cues), doc)
    resolver = Resolver(doc, registry, outlet_names(str(article.get("source", ""))), quotes,
                        [(c.start, c.end) for c in cands])
    issuer = _issuer_name(article, registry, text if offset == 0 else "")
    issuer_r = resolver.issuer(issuer) if issuer else None
    if issuer_r is not None:
        resolver.remember_issuer(issuer_r)
        cands += _authored(doc, cands, lines, quotes)
    cands.sort(key=lambda c: (min(c.start, _mention_char(doc, c)), c.start))
    rows: list[dict] = []
    prev: Resolved | None = None
    prev_end = -1
    for c in cands:
        own = issuer_r is not None and c.evidence != "authored" and \
            first_person(doc, c.mention) and not in_quote(doc[c.mention[0]].idx, quotes)
        r = _first_person(doc, c, issuer_r) if own else \
            _resolve(doc, c, resolver, issuer_r, prev, prev_end, text)
        if r is None:
            continue
        flags = set(c.flags)
        if r.coref:
            flags.add("coref")
        if c.evidence != "transcript" and _in_headline(c, lines):
            flags.add("headline")
        if damaged and any(a < c.sent_end and c.sent_start < b for a, b in damaged):
            flags.add("damaged")
        c.flags = flags
        kind = c.kind
        if c.evidence == "list" and c.start and text[c.start - 1] in "\"“«„":
            kind = "direct"  # a quoted list item
        elif kind in ("indirect", "act") and _has_quote(c, quotes):
            kind = "mixed"
        if own:
            kind = "authored"  # "We call on ...", "We condemn ..." in the issuer's own text
        pieces = [(offset + a, offset + b) for a, b in candidate_pieces(c)]
        rows.append({
            "statement_id": tables.stable_id(article["article_id"], offset + c.start,
                                             offset + c.end),
            "article_id": article["article_id"],
            "date": article["date"],
            "speaker": r.speaker, "speaker_name": r.speaker_name, "side": r.side,
            "mention": r.mention, "cue": c.cue, "kind": kind,
            "text": piece_text(text, pieces, offset),
            "sentence": text[c.sent_start:c.sent_end].strip(),
            "start": offset + c.start, "end": offset + c.end,
            "mention_start": r.mention_start + offset if r.mention_start >= 0 else -1,
            "mention_end": r.mention_end + offset if r.mention_end >= 0 else -1,
            "flags": tables.join_flags(flags), "confidence": c.confidence,
            "polarity": polarity(doc, c.cue_i, c.cue), "pieces": pieces,
            "_continues": c.continues and c.mention is None, "_evidence": c.evidence,
        })
        prev, prev_end = r, c.sent_end
    rows.sort(key=lambda r: (r["start"], r["end"]))
    rows = one_per_quote(rows, quotes, text, offset)
    rows = _merge_continuations(rows, text, article["article_id"], offset)
    for r in rows:
        r.pop("_evidence")
        r["pieces"] = tables.join_pieces(r["pieces"])
    return _repeated(rows)


def _first_person(doc, c: Candidate, issuer: Resolved) -> Resolved:
    """The issuer of an authored article speaking as "we" or "I"."""
    i, j = c.mention
    a, b = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
    return Resolved(issuer.speaker, issuer.speaker_name, issuer.side, doc[i:j].text, a, b,
                    issuer.category)


def _merge_continuations(rows: list[dict], text: str, article_id: str,
                         offset: int) -> list[dict]:
    """``"A," X said. "B."`` in one paragraph is one quotation of X: the block without a cue
    joins the quote before it (the span runs from A to B, the cue inside; ``text`` is A and B
    joined, without the cue). Blocks in a new paragraph stay statements of their own."""
    out: list[dict] = []
    for r in rows:
        cont = r.pop("_continues")
        last = out[-1] if out else None
        if cont and MERGE_CONTINUATIONS and last is not None and \
                last["kind"] in ("direct", "mixed") and last["mention"] == r["mention"] and \
                last["speaker"] == r["speaker"] and 0 <= r["start"] - last["end"] < 120 and \
                "\n" not in text[last["end"] - offset:r["start"] - offset]:
            last["end"] = r["end"]
            last["pieces"] = last["pieces"] + r["pieces"]
            last["text"] = piece_text(text, last["pieces"], offset)
            a = text.find(last["sentence"][:40]) if last["sentence"] else -1
            last["sentence"] = text[a if a >= 0 else last["start"] - offset:
                                    max(r["end"] - offset, text.find(r["sentence"])
                                        + len(r["sentence"]))].strip()
            last["flags"] = tables.join_flags(tables.split_flags(last["flags"])
                                              + tables.split_flags(r["flags"]))
            last["statement_id"] = tables.stable_id(article_id, last["start"], last["end"])
            continue
        out.append(r)
    return out


def _in_headline(c: Candidate, lines: list[tuple[int, int]]) -> bool:
    """The statement stands in a headline-like line."""
    return any(a <= c.start and c.end <= b + 1 for a, b in lines)


def _mention_char(doc, c: Candidate) -> int:
    if c.mention is None:
        return c.start
    return doc[c.mention[0]].idx


def _has_quote(c: Candidate, quotes: list[Quote]) -> bool:
    return any(q.start < c.end and c.start < q.end for q in quotes)


def _resolve(doc, c: Candidate, resolver: Resolver, issuer: Resolved | None,
             prev: Resolved | None, prev_end: int, text: str) -> Resolved | None:
    if c.evidence == "authored":
        return issuer
    if c.evidence == "agentless":
        sides = getattr(resolver.registry, "sides", {}) or {}
        return Resolved("", "", "unknown" if "unknown" in sides else "", "", -1, -1,
                        "organisation")
    if c.continues and c.mention is None:
        # a quotation block without a cue continues the previous statement's speaker
        if prev is None or prev_end < 0 or text[prev_end:c.start].count("\n\n") > 1 \
                or c.start - prev_end > 400:
            return None
        if not (prev.speaker or prev.speaker_name or prev.mention):
            return None
        return Resolved(prev.speaker, prev.speaker_name, prev.side, prev.mention,
                        prev.mention_start, prev.mention_end, prev.category, prev.coref)
    if c.mention is None or c.mention_head is None:
        return None
    head_i = _refine_head(doc, c.mention_head)
    i, j = c.mention if head_i == c.mention_head else noun_phrase(doc[head_i])
    r = resolver.resolve(i, j, head_i)
    if r is None and c.cue_i >= 0:
        # "ABC.AZ reports citing words of X": the outlet passes on X's words
        cited = _cited(doc, c.cue_i)
        if cited is not None:
            head_i = _refine_head(doc, cited)
            i, j = noun_phrase(doc[head_i])
            r = resolver.resolve(i, j, head_i)
            if r is not None:
                c.cue = f"citing {doc[cited].text}" if doc[cited].text else c.cue
    return r


def _refine_head(doc, head_i: int) -> int:
    """For a document mention ("the statement of X", "information received from X", "words of
    X") the named issuer inside it."""
    head = doc[head_i]
    if head.lemma_.lower() not in lx.DOCUMENT_NOUNS:
        return head_i
    stack = list(head.children)
    while stack:
        t = stack.pop(0)
        if t.dep_ == "pobj" and t.head.lower_ in ("of", "from", "by") and (
                t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "PERSON", "GPE", "NORP")
                or any(x.pos_ == "PROPN" for x in t.subtree)):
            return t.i
        if t.dep_ in ("prep", "acl", "pobj", "agent"):
            stack.extend(t.children)
    return head_i


def _cited(doc, cue_i: int) -> int | None:
    """The object of a "citing"/"quoting" participle attached to the cue."""
    v = doc[cue_i]
    for t in v.subtree:
        if t.lemma_.lower() in lx.CITING_VERBS and t.i != cue_i:
            objs = [c for c in t.children if c.dep_ in ("dobj", "pobj")]
            if objs:
                return objs[0].i
    return None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _weak(doc, c: Candidate) -> bool:
    """A cue that is no verb of saying ("promised", "thinks", "welcomed")."""
    return c.cue_i < 0 or doc[c.cue_i].lemma_.lower() not in lx.STRONG_CUES


def _dedupe(doc, cands: list[Candidate], quotes: list[Quote]) -> list[Candidate]:
    """Resolve nesting and duplicates.

    A statement inside another's content: a weak inner cue ("the spokesman says Machado
    promised ...") is part of the outer statement and goes; an inner verb of saying under an
    outer one ("Baku accused ..., the minister stated") gives two statements when
    ``NESTED_BOTH`` is set, else the inner one only. Reported statements that repeat a direct
    quote and duplicate spans go too."""
    drop: set[int] = set()
    for k, c in enumerate(cands):
        if c.end <= c.start:
            drop.add(k)
            continue
        for m, d in enumerate(cands):
            if d is c or m in drop:
                continue
            if d.evidence == "list" and c.evidence != "list" and \
                    _overlap((c.start, c.end), (d.start, d.end)):
                drop.add(k)  # list items are their header's speaker's
                break
            if d.evidence == "transcript" and c.evidence in ("direct", "direct_adjacent") and \
                    _overlap((c.start, c.end), (d.start, d.end)):
                drop.add(k)  # a stray mark before a transcript line opens no quotation
                break
            if c.evidence == "agentless" and d.evidence != "agentless" and \
                    _overlap((c.start, c.end), (d.start, d.end)):
                drop.add(k)  # a hedge inside someone's statement is theirs
                break
            if c.evidence not in ("direct", "direct_adjacent") and d.cue_i >= 0 and \
                    d.mention is not None and (c.start, c.end) != (d.start, d.end) and \
                    _contains_speaker(doc, c, d):
                if _weak(doc, d) and not _weak(doc, c):
                    drop.add(m)
                elif not NESTED_BOTH:
                    drop.add(k)
                    break
                continue
            if c.evidence not in ("direct", "direct_adjacent") and d.evidence == "direct":
                size = c.end - c.start
                if size and _overlap((c.start, c.end), (d.start, d.end)) >= 0.8 * size:
                    drop.add(k)
                    break
            if (c.start, c.end) == (d.start, d.end) and m < k:
                drop.add(k)
                break
    return [c for k, c in enumerate(cands) if k not in drop]


def _repeated(rows: list[dict]) -> list[dict]:
    """Drop a statement whose speaker and normalised text repeat an earlier one of the article
    (pages that repeat their headline and lede)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for r in rows:
        key = (r["speaker"] or r["mention"].lower(), " ".join(r["text"].lower().split()))
        if key in seen and len(key[1].split()) >= 5:
            continue
        seen.add(key)
        out.append(r)
    return out


def _contains_speaker(doc, c: Candidate, d: Candidate) -> bool:
    """c's content holds d's cue and d's speaker mention: c reports d."""
    if d.mention_head is None or d.cue_i < 0:
        return False
    cue, who = doc[d.cue_i].idx, doc[d.mention_head].idx
    return c.start <= cue < c.end and c.start <= who < c.end


def _authored(doc, cands: list[Candidate], lines, quotes: list[Quote]) -> list[Candidate]:
    """The article's own sentences, for an article with a known author."""
    taken = [(c.sent_start, c.sent_end) for c in cands]
    out: list[Candidate] = []
    for s in doc.sents:
        a, b = s.start_char, s.end_char
        body = s.text.strip()
        if not body or body[-1] not in ".!?\"”»'’)" or len(s) < 6:
            continue
        if any(_overlap((a, b), t) for t in taken):
            continue
        if any(la <= a and b <= lb + 1 for la, lb in lines):
            continue
        if not any(t.pos_ in ("VERB", "AUX") for t in s):
            continue
        low = body.lower()
        if any(low.startswith(w) for w in lx.BOILERPLATE):
            continue
        lead = len(s.text) - len(s.text.lstrip())
        out.append(Candidate(a + lead, a + lead + len(body), "authored", "", "authored", None,
                             None, -1, a + lead, a + lead + len(body)))
    return out
