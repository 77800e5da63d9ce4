"""Resolve speaker mentions to the registry, in text order, with coreference.

Within one article: a pronoun refers to the last speaker it can refer to ("he"/"she" a person,
"it" an organisation, "they" a group or organisation), never to a name inside a quotation, and to
the reporting speaker rather than one named inside that speaker's statement; a document ("the
statement") to the last organisation; a bare surname ("Hajiyev") to the earlier full name that
ends with it; a definite description ("the ministry", "the General Staff", "the country's defense
ministry") to the last compatible speaker (:mod:`stance.extract._descriptions`). Mentions of
several parties ("Yerevan and Baku", "both sides") take the side ``other`` when their parts belong
to different sides. Mentions resolved through an earlier one are flagged ``coref``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc

from stance.extract import _lexicon as lx
from stance.extract._descriptions import DescriptionResolver, description
from stance.extract._mentions import (
    Mention,
    classify,
    conjunct_text,
    conjuncts,
    noun_phrase,
    short_phrase,
)
from stance.extract._quotes import Quote
from stance.extract._rules import in_quote

OTHER_SIDE = "other"


def _agrees(category: str, antecedent: str) -> bool:
    """A pronoun of ``category`` can refer to a speaker of category ``antecedent``."""
    if category == "plural":
        return antecedent in ("plural", "organisation")
    return category == antecedent
_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "madam", "gen", "col", "sen", "rep", "gov",
               "president", "minister", "premier", "general", "ambassador", "spokesman"}
#: nouns that mark the speaker of a sentence as the issuer of a document
_ISSUED = {"statement", "release", "communique", "communiqué", "declaration", "readout"}


@dataclass
class Resolved:
    """A resolved speaker."""

    speaker: str
    speaker_name: str
    side: str
    mention: str
    mention_start: int
    mention_end: int
    category: str
    coref: bool = False
    doc_issuer: bool = False  # named as the issuer of a statement or release
    embedded: bool = False  # named inside a quotation or inside another speaker's statement


class Resolver:
    """Resolves the mentions of one article in text order and remembers them for coreference."""

    def __init__(self, doc: Doc, registry, outlets: set[str],
                 quotes: Sequence[Quote] = (), contents: Sequence[tuple[int, int]] = ()):
        self.doc = doc
        self.registry = registry
        self.outlets = outlets
        self.history: list[Resolved] = []
        #: quotations and the content spans of all statements of the article: a speaker named
        #: inside them is embedded (a pronoun prefers the speaker who quotes them)
        self.quotes = list(quotes)
        self.contents = list(contents)
        self._descriptions = DescriptionResolver(registry) \
            if registry is not None and getattr(registry, "speakers", None) else None
        self._persons = [e for e in doc.ents if e.label_ == "PERSON"]
        exclude = getattr(registry, "exclude", ()) or ()
        self._exclude = re.compile("|".join(f"(?:{p})" for p in exclude), re.IGNORECASE) \
            if exclude else None
        #: subjects of sentences, in order: antecedents even when they said nothing
        self._pending = [t for t in doc if t.dep_ == "nsubj" and t.head.dep_ == "ROOT"
                         and (t.pos_ == "PROPN" or t.ent_type_ in ("ORG", "PERSON", "GPE",
                                                                     "NORP"))
                         and not in_quote(t.idx, self.quotes)]

    # -- registry -----------------------------------------------------------------------
    def lookup(self, text: str):
        """The registry's speaker for ``text``, or None."""
        if self.registry is None or not text.strip():
            return None
        try:
            return self.registry.resolve(text)
        except Exception:  # noqa: BLE001 - a bad pattern must not stop extraction
            return None

    def _from_speaker(self, sp, m: Mention, category: str, coref: bool = False) -> Resolved:
        cat = {"person": "person", "collective": "plural", "group": "plural"}.get(
            getattr(sp, "kind", ""), "organisation")
        return Resolved(sp.id, sp.name, sp.side, m.text, m.start, m.end, cat or category, coref)

    # -- antecedents --------------------------------------------------------------------
    def _antecedent(self, category: str) -> Resolved | None:
        """The last earlier speaker a pronoun of ``category`` can refer to; one named inside a
        quotation or inside another's statement gives way to a speaker of the same sentence
        who is not ("Erdogan said Putin told him ... He added": Erdogan)."""
        fits = [r for r in self.history if _agrees(category, r.category)]
        if not fits:
            return None
        last = fits[-1]
        if last.embedded and last.mention_start >= 0:
            sent = self._sentence(last.mention_start)
            outer = [r for r in fits if not r.embedded and r.mention_start >= 0
                     and self._sentence(r.mention_start) == sent]
            if outer:
                return outer[-1]
        return last

    def _sentence(self, char: int) -> int:
        tok = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return tok.sent.start if tok is not None else -1

    def _full_name(self, short: str, before: int) -> str | None:
        """An earlier PERSON name ending with ``short`` ("Hajiyev" -> "Hikmet Hajiyev")."""
        low = short.lower()
        for e in reversed(self._persons):
            if e.start_char >= before:
                continue
            parts = e.text.lower().split()
            if len(parts) > 1 and parts[-1].strip("’'s") == low and e.text.lower() != low:
                return e.text
        for r in reversed(self.history):
            if r.speaker_name and r.speaker_name.lower().split()[-1:] == [low] \
                    and r.speaker_name.lower() != low:
                return r.speaker_name
        return None

    # -- main -----------------------------------------------------------------------------
    def advance(self, pos: int) -> None:
        """Take the sentence subjects before character ``pos`` into the history (so that "It
        said ..." can refer to a ministry introduced in narration)."""
        while self._pending and self._pending[0].idx < pos:
            t = self._pending.pop(0)
            i, j = noun_phrase(t)
            if any(r.mention_start <= t.idx < r.mention_end for r in self.history):
                continue
            m = classify(self.doc, i, j, t, self.outlets)
            if m.form not in ("name", "role"):
                continue
            sp = self._lookup_mention(i, j, t)
            if sp is not None:
                self.history.append(self._from_speaker(sp, m, m.category))
            else:
                self.history.append(Resolved("", m.text, "", m.text, m.start, m.end,
                                             m.category))

    def resolve(self, i: int, j: int, head_i: int) -> Resolved | None:
        """Resolve the mention doc[i:j] (head token ``head_i``); None when it is no speaker
        (the narrator, an expletive, the outlet itself, a mention the registry excludes)."""
        doc = self.doc
        head = doc[head_i]
        self.advance(doc[i].idx)
        m = classify(doc, i, j, head, self.outlets)
        if m.form in ("none", "outlet"):
            return None
        if self._exclude is not None and self._exclude.search(m.text):
            return None
        if m.form == "pronoun":
            ante = self._antecedent(m.category)
            if ante is None:
                return self._remember(Resolved("", "", "", m.text, m.start, m.end, m.category))
            return self._remember(Resolved(ante.speaker, ante.speaker_name, ante.side, m.text,
                                           m.start, m.end, ante.category, True))
        if m.form == "multi":
            return self._remember(self._multi(m, head_i))
        sp = self._lookup_mention(i, j, head)
        desc = description(doc, i, j, head) if m.form in ("role", "name") and \
            self._descriptions is not None else None
        if sp is not None:
            if desc is not None and desc.kind == "person" and sp.kind != "person":
                # "the EMR leader": the registry knows the body, the leader is a person of it
                found = self._descriptions.resolve(desc, self.history, None)
                if found is not None and found[0] and \
                        self.registry.speakers[found[0]].side == sp.side:
                    return self._remember(self._described(found, m))
            return self._remember(self._from_speaker(sp, m, m.category))
        if m.form == "document":
            ante = next((r for r in reversed(self.history) if r.doc_issuer), None) \
                or self._antecedent("organisation")
            if ante is not None:
                return self._remember(Resolved(ante.speaker, ante.speaker_name, ante.side,
                                               m.text, m.start, m.end, "organisation", True))
            return self._remember(Resolved("", "", "", m.text, m.start, m.end, "organisation"))
        name = m.text
        words = m.text.split()
        if m.form == "name" and (len(words) == 1 or len(words) == 2 and
                                 words[0].rstrip(".").lower() in _HONORIFICS):
            full = self._full_name(doc[head_i].text, m.start)
            if full:
                sp = self.lookup(full)
                if sp is not None:
                    r = self._from_speaker(sp, m, "person", coref=True)
                    return self._remember(r)
                return self._remember(Resolved("", full, "", m.text, m.start, m.end, "person",
                                               True))
        if desc is not None:
            found = self._descriptions.resolve(desc, self.history,
                                               self._country_side(m.start) if desc.country
                                               else None)
            if found is not None:
                return self._remember(self._described(found, m))
        elif m.form == "role" and j - i <= 4 and (m.text.lower().startswith("the ")
                                                   or j - i == 1 and m.category == "plural"):
            ante = self._same_head(m)
            if ante is not None:
                return self._remember(Resolved(ante.speaker, ante.speaker_name, ante.side,
                                               m.text, m.start, m.end, ante.category, True))
        if m.form == "name":
            a, b = short_phrase(doc, i, j, head)
            name = doc[a:b].text
        return self._remember(Resolved("", name if m.form == "name" else "",
                                       self._nationality_side(i, j), m.text, m.start, m.end,
                                       m.category))

    def _described(self, found: tuple[str, Resolved | None], m: Mention) -> Resolved:
        """The Resolved of a description that refers to registry speaker ``found[0]`` (or to
        the earlier unregistered speaker ``found[1]``)."""
        sid, ante = found
        if sid:
            sp = self.registry.speakers[sid]
            return self._from_speaker(sp, m, m.category, coref=True)
        return Resolved(ante.speaker, ante.speaker_name, ante.side, m.text, m.start, m.end,
                        ante.category, True)

    def _country_side(self, before: int) -> str | None:
        """The side of the country named last before character ``before`` (a place the
        registry knows as a government)."""
        for t in reversed(self.doc):
            if t.ent_type_ == "GPE" and t.idx < before:
                sp = self.lookup(t.text)
                if sp is not None and getattr(sp, "kind", "") == "government":
                    return sp.side
        return None

    def _lookup_mention(self, i: int, j: int, head):
        """The registry speaker of doc[i:j]: its core (up to the first comma) first, then the
        whole mention, except that a person's name never resolves to a body named only in its
        apposition ("Ahmad Shahidov, the head of Azerbaijan Institute ...")."""
        doc = self.doc
        a, b = short_phrase(doc, i, j, head)
        core = doc[a:b]
        sp = self.lookup(core.text)
        if sp is not None or (a, b) == (i, j):
            return sp
        sp = self.lookup(doc[i:j].text)
        person_core = any(t.ent_type_ == "PERSON" for t in core) and \
            core.root.ent_type_ == "PERSON"
        if sp is not None and person_core and getattr(sp, "kind", "") != "person":
            return None
        return sp

    def _nationality_side(self, i: int, j: int) -> str:
        """The side of the nationalities or countries an unregistered speaker's description
        names ("Azeri human rights official"), when they all agree; else ""."""
        sides = set()
        for t in self.doc[i:j]:
            if t.ent_type_ in ("NORP", "GPE") or t.pos_ in ("ADJ", "PROPN") and t.text[:1].isupper():
                sp = self.lookup(t.text)
                if sp is not None and sp.side:
                    sides.add(sp.side)
        return sides.pop() if len(sides) == 1 else ""

    def _multi(self, m: Mention, head_i: int) -> Resolved:
        doc = self.doc
        full = self.lookup(m.text)
        if full is not None and getattr(full, "kind", "") in ("group", "collective"):
            return self._from_speaker(full, m, "plural")
        parts = conjuncts(doc[head_i])
        sides = []
        for p in parts:
            sp = self.lookup(conjunct_text(p))
            if sp is not None:
                sides.append(sp.side)
        low = m.text.lower()
        reciprocal = any(low == w or low.startswith(w + " ") for w in lx.MULTI_PARTY)
        if len(set(sides)) >= 2 or reciprocal and not full:
            return Resolved("", m.text, OTHER_SIDE, m.text, m.start, m.end, "plural")
        if full is not None:
            return self._from_speaker(full, m, "plural")
        if len(parts) > 1 and len(sides) == len(parts) and len(set(sides)) == 1:
            return Resolved("", m.text, sides[0], m.text, m.start, m.end, "plural")
        return Resolved("", "", "", m.text, m.start, m.end, "plural")

    def _remember(self, r: Resolved) -> Resolved:
        if r.mention_start >= 0:
            r.embedded = in_quote(r.mention_start, self.quotes) or any(
                a <= r.mention_start < b for a, b in self.contents)
            sent = self.doc.char_span(r.mention_start, r.mention_end, alignment_mode="expand")
            if sent is not None and any(t.lemma_.lower() in _ISSUED for t in sent.sent):
                r.doc_issuer = True
        self.history.append(r)
        return r

    def _same_head(self, m: Mention) -> Resolved | None:
        """"the attorney general", "the military": the last speaker whose mention has that
        head word."""
        for r in reversed(self.history):
            if r.mention and m.head in r.mention.lower().replace("’", "'").split() and \
                    (r.speaker or r.side) and r.mention_start != m.start:
                return r
        return None

    def issuer(self, name: str) -> Resolved:
        """The speaker of authored text (an article's author)."""
        sp = self.lookup(name)
        if sp is not None:
            cat = "person" if getattr(sp, "kind", "") == "person" else "organisation"
            return Resolved(sp.id, sp.name, sp.side, "", -1, -1, cat)
        return Resolved("", name, "", "", -1, -1, "organisation")

    def remember_issuer(self, r: Resolved) -> None:
        """Make an issuer the antecedent of later pronouns and documents."""
        self.history.append(r)


def mention_range(doc: Doc, head_i: int) -> tuple[int, int]:
    """Token range of the noun phrase headed by token ``head_i``."""
    return noun_phrase(doc[head_i])
