"""Definite descriptions that point back to a speaker: "the ministry", "the minister", "the
General Staff", "the military official", "The NKR leader", "the country's defense ministry".

A description refers to the most recent compatible speaker of the article (the approach of
rule-based coreference systems such as Stanford's multi-pass sieve: head match, compatible
modifiers, agreement in kind). Compatible means:

- *kind*: a person noun ("minister", "official") takes a person, an organisation noun
  ("ministry", "agency", "staff") an organisation, government or group: the speaker itself or,
  for an organisation noun, the nearest body it is ``part_of`` ("the ministry" after its
  spokeswoman is her ministry);
- *head*: an organisation noun and a specific person noun ("minister", "spokesman") must occur
  (or a synonym: "mod" for "ministry") in the speaker's registry name, aliases or patterns, or
  in the words that named it in this article; generic person nouns ("official", "leader",
  "politician") fit any person;
- *modifiers*: a word that names a side ("Armenian", "Azerbaijani") must be the speaker's side;
  a word the registry uses ("defense", "foreign", "military") must occur in the speaker's (or its
  parents') names or in its mention; other words ("top", "NKR") do not decide;
- *country from context*: "the country's X" takes the country last named before it (a place
  the registry knows as a government) and, when no earlier speaker fits, the registry's one
  body of that country that fits.

The result is flagged ``coref`` (lower confidence). Nothing is resolved when nothing fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc, Token

from stance.speakers import normalize_mention

#: person nouns that fit any person ("the official", "the politician")
GENERIC_PERSON = frozenset({"official", "politician", "leader", "diplomat", "man", "woman",
                            "officer", "lawmaker", "representative"})
#: person nouns that must match the speaker's registry entry or mention, with their synonyms
SPECIFIC_PERSON = {
    "minister": {"minister"}, "president": {"president"},
    "premier": {"premier", "prime", "pm"},
    "spokesman": {"spokesman", "spokeswoman", "spokesperson", "spokes", "secretary"},
    "spokeswoman": {"spokesman", "spokeswoman", "spokesperson", "spokes", "secretary"},
    "spokesperson": {"spokesman", "spokeswoman", "spokesperson", "spokes", "secretary"},
    "adviser": {"adviser", "advisor", "aide", "assistant"},
    "advisor": {"adviser", "advisor", "aide", "assistant"},
    "aide": {"adviser", "advisor", "aide", "assistant"},
    "assistant": {"adviser", "advisor", "aide", "assistant"},
    "general": {"general", "commander"}, "commander": {"general", "commander"},
    "ambassador": {"ambassador", "envoy"}, "envoy": {"ambassador", "envoy"},
    "ombudsman": {"ombudsman", "ombudsperson", "defender"},
    "prosecutor": {"prosecutor"}, "mayor": {"mayor"}, "governor": {"governor"},
    "chancellor": {"chancellor"}, "secretary": {"secretary"}, "chairman": {"chairman", "chair"},
}
#: organisation nouns, with their synonyms
ORGANISATION = {
    "ministry": {"ministry", "mod", "mfa"}, "agency": {"agency"}, "staff": {"staff"},
    "service": {"service"}, "office": {"office"}, "department": {"department"},
    "army": {"army", "military", "forces"}, "military": {"military", "army", "forces"},
    "committee": {"committee"}, "council": {"council"},
    "government": {"government", "authorities", "cabinet"},
    "administration": {"administration"}, "presidency": {"presidency"},
    "command": {"command"}, "embassy": {"embassy"}, "parliament": {"parliament"},
    "assembly": {"assembly"}, "mission": {"mission"}, "commission": {"commission"},
    "organization": {"organization", "organisation"},
    "organisation": {"organization", "organisation"}, "alliance": {"alliance"},
}
#: possessors that stand for the country named before ("the country's defense ministry")
COUNTRY_WORDS = frozenset({"country", "nation", "republic", "state"})
#: words that never decide compatibility
_NEUTRAL = frozenset({"top", "senior", "former", "new", "same", "chief", "deputy", "acting",
                      "first", "local", "then", "current"})
_MAX_TOKENS = 6


@dataclass(frozen=True)
class Description:
    """A definite description: its head noun, the kind it needs, its modifier words and
    whether it is "the country's ..."."""

    head: str
    kind: str  # person | organisation
    modifiers: tuple[str, ...]
    country: bool = False


def description(doc: Doc, i: int, j: int, head: Token) -> Description | None:
    """The description doc[i:j] (head ``head``) as :class:`Description`, or None when it is no
    definite description of a known head noun ("the ministry" yes, "the talks" or "the head of
    the ministry" no)."""
    toks = [t for t in doc[i:j] if not t.is_space]
    while toks and toks[-1].is_punct:
        toks.pop()
    if not toks or len(toks) > _MAX_TOKENS or toks[-1].i != head.i \
            or toks[0].lower_ != "the" or head.tag_ in ("NNS", "NNPS"):
        return None
    word = head.lower_
    if word in GENERIC_PERSON or word in SPECIFIC_PERSON:
        kind = "person"
    elif word in ORGANISATION:
        kind = "organisation"
    else:
        return None
    mods: list[str] = []
    country = False
    for t in toks[1:-1]:
        if t.tag_ == "POS" or t.lower_ in ("'s", "’s"):
            continue
        if t.pos_ not in ("ADJ", "NOUN", "PROPN") and t.dep_ not in ("compound", "amod", "poss"):
            return None  # "the man who ...", "the ministry and"
        low = t.lower_
        if low in COUNTRY_WORDS and t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "POS":
            country = True
            continue
        norm = normalize_mention(t.text)
        if norm and norm not in _NEUTRAL:
            mods.append(norm)
    return Description(word, kind, tuple(mods), country)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


class DescriptionResolver:
    """Resolves descriptions against a registry and the article's earlier speakers."""

    def __init__(self, registry) -> None:
        self.registry = registry
        self._text: dict[str, set[str]] = {}
        self._side_words: dict[str, str | None] = {}

    def speaker_words(self, sid: str) -> set[str]:
        """Normalised words of a speaker's name, aliases and patterns."""
        if sid not in self._text:
            sp = self.registry.speakers[sid]
            words: set[str] = set()
            for alias in (sp.name, *sp.aliases):
                words |= set(normalize_mention(alias).split())
            for pat in sp.patterns:
                words |= _words(pat)
            self._text[sid] = words
        return self._text[sid]

    def side_of_word(self, word: str) -> str | None:
        """The side a modifier names ("armenian" -> armenia), through the registry's
        government or its officials; None for other words."""
        if word not in self._side_words:
            side = None
            for probe in (word, f"{word} officials", f"{word} authorities",
                          f"{word} government"):
                sp = self._lookup(probe)
                if sp is not None and (probe != word or sp.kind == "government"):
                    side = sp.side
                    break
            self._side_words[word] = side
        return self._side_words[word]

    def _lookup(self, text: str):
        try:
            return self.registry.resolve(text)
        except Exception:  # noqa: BLE001 - a bad pattern must not stop extraction
            return None

    def _chain(self, sid: str) -> list[str]:
        return [sid, *self.registry.ancestors(sid)]

    def fits(self, d: Description, sid: str, mention: str, side: str | None) -> bool:
        """Whether registry speaker ``sid`` (named ``mention`` in the article) fits ``d``."""
        sp = self.registry.speakers[sid]
        if d.kind == "person" and sp.kind != "person" or \
                d.kind == "organisation" and sp.kind == "person":
            return False
        if side is not None and sp.side != side:
            return False
        own = self.speaker_words(sid) | _words(normalize_mention(mention))
        if d.kind == "organisation" and not ORGANISATION[d.head] & own:
            return False
        if d.kind == "person" and d.head in SPECIFIC_PERSON and \
                not SPECIFIC_PERSON[d.head] & own:
            return False
        wider = own | {w for a in self.registry.ancestors(sid) for w in self.speaker_words(a)}
        vocab = getattr(self.registry, "_vocab", set())
        for mod in d.modifiers:
            mod_side = self.side_of_word(mod)
            if mod_side is not None:
                if mod_side != sp.side:
                    return False
            elif mod in vocab and not set(mod.split()) <= wider:
                return False
        return True

    def fits_unregistered(self, d: Description, mention: str, category: str) -> bool:
        """Whether an earlier speaker the registry does not know fits ``d`` (by its words)."""
        words = _words(normalize_mention(mention))
        if d.kind == "person" and category != "person" or \
                d.kind == "organisation" and category == "person":
            return False
        heads = ORGANISATION.get(d.head) or SPECIFIC_PERSON.get(d.head) or {d.head}
        if not heads & words:
            return False
        return all(m in words for m in d.modifiers if self.side_of_word(m) is None)

    def resolve(self, d: Description, history, country_side: str | None):
        """The (speaker id or "", earlier Resolved) that ``d`` refers to, or None.

        ``history`` is the article's earlier speakers, oldest first; ``country_side`` the side
        of the country named last (for "the country's ...")."""
        side = country_side if d.country else None
        if d.country and side is None:
            return None
        for r in reversed(history):
            if r.speaker and r.speaker in self.registry.speakers:
                chain = self._chain(r.speaker) if d.kind == "organisation" else [r.speaker]
                for sid in chain:
                    if self.fits(d, sid, r.mention if sid == r.speaker else "", side):
                        return sid, r
            elif r.mention and side is None and self.fits_unregistered(d, r.mention, r.category):
                return "", r
        if d.country:
            found = [sid for sid in self.registry.speakers if self.fits(d, sid, "", side)]
            if len(found) == 1:
                return found[0], None
        return None
