"""Speaker mentions: the noun phrase that names who spoke, and what kind of mention it is.

A mention is the subject of a cue (or the object of "according to", "citing"), taken as its whole
noun phrase with appositions ("Hikmet Hajiyev, an adviser to Azerbaijan's president") but without
relative clauses. Its *form* decides how it is resolved: ``name`` and ``role`` go to the registry,
``pronoun`` and ``document`` ("the statement") refer back to an earlier speaker, ``multi``
("both sides", "Yerevan and Baku") names several parties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Span, Token

from stance.extract import _lexicon as lx

_STOP_DEPS = {"relcl", "acl", "punct", "cc", "advcl", "parataxis"}


@dataclass(frozen=True)
class Mention:
    """A speaker mention: its character span, text and form."""

    start: int
    end: int
    text: str
    form: str  # name | role | pronoun | document | multi | outlet | none
    head: str  # lower-case head word
    category: str  # person | organisation | plural


def _excluded(tok: Token) -> set[int]:
    """Tokens of relative clauses and of examples ("including X", "such as X") under ``tok``."""
    out: set[int] = set()
    for t in tok.subtree:
        if t is tok:
            continue
        if t.dep_ in ("relcl", "acl") or t.lower_ in ("including", "like") and t.dep_ == "prep" \
                or t.lower_ == "as" and t.i > 0 and t.doc[t.i - 1].lower_ == "such":
            out.update(x.i for x in t.subtree)
            if t.lower_ == "as":
                out.add(t.i - 1)
    return out


def noun_phrase(tok: Token) -> tuple[int, int]:
    """Token range [i, j) of the noun phrase headed by ``tok``: its subtree without relative
    clauses, examples ("including ..."), trailing punctuation and long tails. A subject after
    its verb ("..., said Assistant to the President X") runs to the end of its clause."""
    left = tok.left_edge.i
    right = tok.i
    excluded = _excluded(tok)
    for child in tok.rights:
        if child.i in excluded:
            break
        if child.dep_ in ("relcl", "acl") and child.i > tok.i:
            break
        if child.dep_ == "punct" and child.text in ("(", "["):
            # parenthesis: keep it as part of the phrase
            right = max(right, child.i)
            continue
        right = max(right, child.right_edge.i)
    after = [k for k in excluded if k > tok.i]
    if after:
        right = min(right, min(after) - 1)
    for child in tok.lefts:
        left = min(left, child.left_edge.i)
    doc = tok.doc
    # words glued by hyphens that the parser split ("co-chairs" parsed as three subjects)
    while left > 0 and not doc[left - 1].whitespace_ and not doc[left - 1].is_space \
            and doc[left - 1].text not in ",;:()[]\"“”«»" and doc[left - 1].sent == tok.sent:
        left = min(left - 1, doc[left - 1].left_edge.i)
    v = tok.head
    if tok.dep_ == "nsubj" and v.i < tok.i and right == tok.i:
        stop = {t.i for c in v.children if c.dep_ in ("advcl", "ccomp", "xcomp", "conj", "cc")
                for t in c.subtree}
        k = right + 1
        while k < v.sent.end and k not in stop and not (doc[k].is_punct and doc[k].text in ".;!?"):
            k += 1
        right = max(right, k - 1)
    while right > left and (doc[right].is_punct and doc[right].text not in (")", "]")
                            or doc[right].is_space):
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1
    # keep a balanced parenthesis only
    span_text = doc[left:right + 1].text
    if span_text.count("(") > span_text.count(")"):
        cut = next((t.i for t in doc[left:right + 1] if t.text == "("), right + 1)
        right = max(left, cut - 1)
        while right > left and (doc[right].is_punct or doc[right].is_space):
            right -= 1
    return left, right + 1


def short_phrase(doc, i: int, j: int, head: Token) -> tuple[int, int]:
    """The core of a long mention: up to the first comma, dash or parenthesis after the head."""
    for t in doc[head.i + 1:j]:
        if t.text in (",", "(", "-", "–", "—", ";"):
            k = t.i
            while k > i and (doc[k - 1].is_punct or doc[k - 1].is_space):
                k -= 1
            return i, k
    return i, j


def outlet_names(source: str) -> set[str]:
    """Ways an article's outlet refers to itself: "abc.az" -> {"abc.az", "abc"}."""
    src = (source or "").strip().lower()
    if not src:
        return set()
    src = re.sub(r"^https?://", "", src)
    src = re.sub(r"^(www|en|english|m)\.", "", src)
    names = {src}
    stem = src.split(".")[0]
    if len(stem) >= 3:
        names.add(stem)
        names.add(stem.replace("-", " "))
        names.add(stem.replace("-", ""))
    return names


def _norm(s: str) -> str:
    return re.sub(r"[\"“”«»„'‘’`]", "", s).strip().lower()


def classify(doc, i: int, j: int, head: Token, outlets: set[str]) -> Mention:
    """Classify the mention doc[i:j] with head token ``head``."""
    span: Span = doc[i:j]
    text = span.text
    low = _norm(text)
    low_nodet = re.sub(r"^(the|a|an)\s+", "", low)
    hw = head.lower_
    lemma = head.lemma_.lower()
    category = _category(span, head)
    if head.pos_ == "PRON" or hw in lx.PRONOUNS:
        if hw in lx.PRONOUNS and j - i == 1:
            return Mention(span.start_char, span.end_char, text, "pronoun", hw, lx.PRONOUNS[hw])
        group = hw in ("those", "one") and j - i >= 3  # "those close to him", "one of them"
        if hw in lx.NON_SPEAKERS and not group or hw in ("i", "we", "you"):
            return Mention(span.start_char, span.end_char, text, "none", hw, category)
    if hw in lx.NON_SPEAKERS and j - i <= 2:
        return Mention(span.start_char, span.end_char, text, "none", hw, category)
    squashed = low_nodet.replace(" ", "")
    if outlets and (low_nodet in outlets or squashed in outlets
                    or any(o and (low_nodet.startswith(o + " ") or low_nodet == o)
                           for o in outlets)):
        return Mention(span.start_char, span.end_char, text, "outlet", hw, "organisation")
    if any(low == m or low.startswith(m + " ") for m in lx.MULTI_PARTY) or any(
            c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN") for c in head.children):
        return Mention(span.start_char, span.end_char, text, "multi", hw, "plural")
    if lemma in lx.DOCUMENT_NOUNS and not any(t.pos_ == "PROPN" or t.ent_type_ in (
            "ORG", "PERSON", "GPE", "NORP") for t in span):
        return Mention(span.start_char, span.end_char, text, "document", hw, "organisation")
    if any(t.pos_ == "PROPN" for t in span) or head.ent_type_:
        return Mention(span.start_char, span.end_char, text, "name", hw, category)
    return Mention(span.start_char, span.end_char, text, "role", hw, category)


def speaker_like(tok: Token) -> bool:
    """Can this subject speak? A name, a personal pronoun, or a noun for people, bodies,
    collectives or documents ("International law demands ..." is no statement)."""
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or tok.pos_ == "PROPN":
        return True
    low = tok.lower_
    if tok.pos_ == "PRON":
        return low in ("he", "she", "it", "they", "we", "i")
    lemma = tok.lemma_.lower()
    return lemma in lx.SPEAKER_NOUNS or low in lx.SPEAKER_NOUNS or any(
        c.dep_ == "compound" and (c.pos_ == "PROPN" or c.ent_type_) for c in tok.children) or any(
        # "His former partner, Jonas Berg, said": a named apposition speaks for its head
        c.dep_ == "appos" and (c.ent_type_ in ("PERSON", "ORG") or c.pos_ == "PROPN")
        for c in tok.children)


def _category(span: Span, head: Token) -> str:
    if head.ent_type_ == "PERSON" or head.lemma_.lower() in lx.PERSON_NOUNS and \
            head.tag_ in ("NN", "NNP"):
        return "person"
    if head.tag_ in ("NNS", "NNPS") or head.lower_ in ("they", "them"):
        return "plural"
    return "organisation"


def conjuncts(head: Token) -> list[Token]:
    """The head and its coordinated nouns ("Yerevan and Baku" -> [Yerevan, Baku])."""
    out = [head]
    for c in head.children:
        if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN"):
            out.extend(conjuncts(c))
    return out


def conjunct_text(tok: Token) -> str:
    """Text of one conjunct without its own coordinated tail."""
    left = tok.left_edge.i
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("conj", "cc", "punct", "appos", "relcl", "acl"):
            break
        right = max(right, c.right_edge.i)
    for c in tok.lefts:
        if c.dep_ in ("cc", "punct", "preconj"):
            continue
        left = min(left, c.left_edge.i)
    return tok.doc[left:right + 1].text
