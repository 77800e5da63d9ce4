"""Agents and patients of narratives resolved to an entity and a side.

A phrase ("Azerbaijani forces", "the capital Stepanakert", "civilians in Ganja", "we") is
resolved, in order, by:

1. pronouns: first person in the speaker's own words (``direct``, ``mixed``, ``authored``) and
   third person ("it", "its", "his") in reported speech are the speaker's side;
2. "the enemy" (and "adversary", "aggressor") through the registry's ``opponents`` of the
   speaker's side;
3. the speaker registry (:meth:`stance.speakers.Registry.resolve`), for agents first;
4. the registry's places and groups (aliases as whole words; the longest match wins, a place
   before a group), for patients first: "Stepanakert" is a place of Nagorno-Karabakh, not its
   government; a group without a side ("civilians") takes the side of a place or demonym in the
   same phrase ("Azerbaijani civilians", "civilians in Stepanakert").

The result is ``(entity, side, how)``; ``how`` says which rule gave it (``pronoun``, ``enemy``,
``speaker``, ``place``, ``group``, ``""`` when unresolved).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.narratives import _lexicon as lx
from stance.speakers import Registry, normalize_mention

_OWN_WORDS = ("direct", "mixed", "authored")


@dataclass(frozen=True)
class Resolution:
    """An agent or patient resolved to an entity id and a side (empty when unknown)."""

    entity: str = ""
    side: str = ""
    how: str = ""


_NONE = Resolution()


class EntityResolver:
    """Resolve narrative phrases through a registry's speakers, places, groups and opponents."""

    def __init__(self, registry: Registry | None) -> None:
        self.registry = registry if registry is not None else Registry.empty()
        entities = getattr(self.registry, "entities", {}) or {}
        self._aliases: dict[tuple[str, ...], str] = {}
        self._patterns: list[tuple[re.Pattern[str], str]] = []
        for ent in entities.values():
            for alias in (ent.name, *ent.aliases):
                key = tuple(normalize_mention(alias).split())
                if key:
                    self._aliases.setdefault(key, ent.id)
            for pat in ent.patterns:
                self._patterns.append((re.compile(pat, re.IGNORECASE), ent.id))
        self._entities = entities
        self._max = max((len(k) for k in self._aliases), default=0)
        self._cache: dict[tuple[str, str], Resolution] = {}

    def _speaker(self, phrase: str) -> Resolution:
        sp = self.registry.resolve(phrase)
        return Resolution(sp.id, sp.side, "speaker") if sp is not None else _NONE

    def _entity(self, phrase: str) -> Resolution:
        """The best place or group in the phrase; a sideless group borrows a place's side."""
        words = normalize_mention(phrase).split()
        found: list[tuple[int, int, str]] = []
        for i in range(len(words)):
            for j in range(min(len(words), i + self._max), i, -1):
                eid = self._aliases.get(tuple(words[i:j]))
                if eid is not None:
                    found.append((i, j, eid))
                    break
        key = " ".join(words)
        for pattern, eid in self._patterns:
            m = pattern.search(key)
            if m:
                found.append((key[:m.start()].count(" "), key[:m.end()].count(" ") + 1, eid))
        if not found:
            return _NONE
        groups = [f for f in found if self._entities[f[2]].kind == "group"]
        places = [f for f in found if self._entities[f[2]].kind == "place"]
        if groups:
            # the head is usually the group ("Azerbaijani civilians"): the place gives its side
            best = max(groups, key=lambda f: (f[1] - f[0], -f[0]))
            ent = self._entities[best[2]]
            side = ent.side or next((self._entities[p[2]].side for p in places), "")
            return Resolution(ent.id, side, "group")
        best = max(places, key=lambda f: (f[1] - f[0], -f[0]))
        ent = self._entities[best[2]]
        return Resolution(ent.id, ent.side, "place")

    def resolve(self, phrase: str, head: str, *, role: str, speaker_side: str,
                kind: str, places: bool = True) -> Resolution:
        """Resolve one agent (``role="agent"``) or patient phrase.

        ``head`` is the phrase's head word (pronoun and enemy rules look at it);
        ``speaker_side`` and ``kind`` are those of the statement the phrase is in; with
        ``places=False`` only the speaker registry is asked.
        """
        low = head.lower()
        if low in lx.FIRST_PERSON and kind in _OWN_WORDS and speaker_side:
            return Resolution("speaker", speaker_side, "pronoun")
        if low in lx.THIRD_PERSON and kind not in _OWN_WORDS and speaker_side:
            return Resolution("speaker", speaker_side, "pronoun")
        words = phrase.lower().split()
        if low in lx.ENEMY_WORDS or any(w.strip(".,;:") in lx.ENEMY_WORDS for w in words):
            other = self.registry.opponents.get(speaker_side, "")
            return Resolution("enemy", other, "enemy") if other else _NONE
        if words and words[0] in lx.FIRST_PERSON and kind in _OWN_WORDS and speaker_side:
            return Resolution("speaker", speaker_side, "pronoun")   # "our forces", "our army"
        if words and words[0] in lx.THIRD_PERSON and kind not in _OWN_WORDS and speaker_side:
            return Resolution("speaker", speaker_side, "pronoun")   # "[Baku said] its pipelines"
        if not places:
            return self._speaker(phrase)
        cache_key = (phrase, role)
        if cache_key in self._cache:
            return self._cache[cache_key]
        first, second = ((self._speaker, self._entity) if role == "agent"
                         else (self._entity, self._speaker))
        out = first(phrase)
        if not out.side:
            alt = second(phrase)
            if alt.side or not out.entity:
                out = alt
        self._cache[cache_key] = out
        return out
