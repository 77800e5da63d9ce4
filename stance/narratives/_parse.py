"""Agent-action-patient structures from the dependency parse of a statement's sentence.

Each statement's ``sentence`` is parsed with the extractor's spaCy pipeline (the same tokenizer
fixes, :func:`stance.extract.parse.parse`); every verb and every event noun ("attack",
"shelling", "aggression") whose token lies inside the statement's content gives a narrative:

- active voice: the subject is the agent, the direct object (else the object of "at", "on",
  "against", "into") the patient; a light verb takes its object into the action ("launched an
  attack on Ganja" -> agent, ``launch attack``, Ganja);
- passive voice: the passive subject is the patient, the object of "by" the agent; a participle
  after its noun is passive ("civilians killed by Armenia"); "came under fire" is passive too;
- a verb without a subject of its own takes it from the verb it is conjoined to, or whose
  complement it is ("continued to shell");
- "X accused Y of shelling Z" (any accusing cue: accuse, blame, charge, condemn ... Y of/for):
  the accused Y is the agent of the act, Z its patient, and the speaker X the accuser
  (``via = "accused"``);
- event nouns: the possessor or a demonym before the noun is the agent ("Armenia's attack",
  "Azerbaijani artillery fire"), "by" gives the agent, "on"/"against"/"at" the patient;
- ``negated``: the verb carries a negation ("did not shell", "never attacked"), flipped when the
  statement's cue is a denial ("denied shelling"): True means the statement presents the act as
  not having happened.

This follows relatio (Ash, Gauthier and Widmer, "Text semantics capture political and economic
narratives", 2023), which reads agent-verb-patient triples off semantic roles; here the roles
come from the dependency parse, with the accusation frame and the registry added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:    # spaCy loads in seconds; the parse functions get its objects from the caller
    from spacy.tokens import Doc, Token

from stance.narratives import _lexicon as lx
from stance.narratives._resolve import EntityResolver, Resolution

_SUBJ = ("nsubj", "csubj", "expl")
_PASS_SUBJ = ("nsubjpass", "csubjpass")
_OBJ = ("dobj", "obj", "attr", "oprd")
_LEFT_MODS = ("det", "amod", "compound", "poss", "nummod", "nmod", "quantmod", "case", "punct")
_MAX_PHRASE = 12
_DENY_CUES = frozenset(["deny", "refute", "reject", "dismiss", "rebut"])
_OF_PATIENT = frozenset(["shelling", "bombardment", "bombing", "occupation", "invasion",
                         "killing", "massacre", "blockade", "targeting", "violation"])


@dataclass
class Narrative:
    """One agent-action-patient structure (article offsets; -1 where a part is missing)."""

    action: str
    action_span: tuple[int, int]
    voice: str
    violent: bool
    agent: Token | None = None
    patient: Token | None = None
    negated: bool = False
    via: str = ""
    extra: dict = field(default_factory=dict)


def _forms(lemma: str) -> set[str]:
    """Inflected forms of a verb lemma ("deny" -> denies, denied, denying)."""
    forms = {lemma, lemma + "s", lemma + "ed", lemma + "ing", lemma + "d"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing"}
    if lemma.endswith(("s", "sh", "ch", "x")):
        forms |= {lemma + "es"}
    return forms


def cue_matches(cue: str, lemmas: frozenset[str] | set[str]) -> str:
    """The lemma of ``lemmas`` of which the cue's first word is a form, or ``""``.

    Examples
    --------
    >>> cue_matches("denied", {"deny", "say"}), cue_matches("calling for", {"call"})
    ('deny', 'call')
    """
    words = cue.lower().split()
    if not words:
        return ""
    w = words[0]
    for lemma in sorted(lemmas):
        if w in _forms(lemma):
            return lemma
    return ""


def _noun_lemma(tok: Token) -> str:
    """The event-noun form of a token: the word itself when it is an event noun ("targeting",
    whose lemma is "target"), else its lemma."""
    return tok.lower_ if tok.lower_ in lx.EVENT_NOUNS else tok.lemma_.lower()


def _is_event(tok: Token) -> bool:
    return _noun_lemma(tok) in lx.EVENT_NOUNS


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "not", "n't") for c in tok.children)


def _children(tok: Token, deps: tuple[str, ...]) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _first(tok: Token, deps: tuple[str, ...]) -> Token | None:
    found = _children(tok, deps)
    return found[0] if found else None


def _pobj(prep: Token) -> Token | None:
    return _first(prep, ("pobj", "pcomp"))


def _prep_object(tok: Token, preps: frozenset[str] | set[str]) -> Token | None:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = _pobj(c)
            if obj is not None:
                return obj
    return None


def _by_agent(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            obj = _pobj(c)
            if obj is not None:
                return obj
    return None


def _accused(verb: Token) -> Token | None:
    """Y of "accused Y of V-ing": the object of an accusing verb whose "of"/"for" holds ``verb``."""
    prep = verb.head
    if verb.dep_ == "amod" and verb.head.dep_ == "pobj":
        prep = verb.head.head          # "accuses Baku of [shelling] areas": a participle parse
    elif verb.dep_ != "pcomp":
        return None
    if prep.dep_ != "prep" or prep.lower_ not in ("of", "for"):
        return None
    cue = prep.head
    if cue.lemma_.lower() not in lx.ACCUSING_CUES:
        return None
    return _first(cue, _OBJ)


def _inherited_subject(verb: Token, depth: int = 0) -> tuple[Token | None, str]:
    """(agent, via) of a verb without a subject of its own, from the verb it depends on."""
    if depth > 4:
        return None, ""
    accused = _accused(verb)
    if accused is not None:
        return accused, "accused"
    if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.pos_ in ("VERB", "AUX") and \
            verb.head is not verb:
        head = verb.head
        if verb.dep_ == "xcomp":
            # "called on all parties to cease firing", "urged Armenia to withdraw": the object
            controller = _first(head, _OBJ) or _prep_object(head, {"on", "upon"})
            if controller is not None:
                return controller, ""
        subj = _first(head, _SUBJ)
        if subj is not None:
            return subj, ""
        if _first(head, _PASS_SUBJ) is not None and verb.dep_ != "conj":
            return _by_agent(head), ""
        return _inherited_subject(head, depth + 1)
    if verb.dep_ == "acl" and verb.tag_ == "VBG":
        return verb.head, ""
    return None, ""


def _event_agent(noun: Token) -> Token | None:
    """The agent of an event noun: its possessor (a pronoun possessor is the subject of the
    clause: "Armenia targets civilians in its attack"), "by", a demonym before it ("Armenian
    rocket attack"), or the subject of the light verb it is the object of ("Armenia launched
    an attack")."""
    poss = _first(noun, ("poss",))
    if poss is not None and poss.pos_ == "PRON":
        for anc in noun.ancestors:
            if anc.pos_ in ("VERB", "AUX"):
                subj = _first(anc, _SUBJ)
                if subj is not None:
                    return subj
        return poss
    if poss is not None:
        return poss
    agent = _by_agent(noun)
    if agent is not None:
        return agent
    # a demonym, name or "enemy" before the noun, also inside a compound ("Azerbaijani
    # artillery and rocket fire", "enemy artillery fire"), never "overnight attack"
    mods = [t for t in noun.subtree if t.i < noun.i and t.dep_ in ("amod", "compound", "nmod")]
    agent = next((m for m in mods if (m.pos_ in ("ADJ", "PROPN") and m.text[:1].isupper())
                  or m.lower_ in lx.ENEMY_WORDS), None)
    if agent is not None:
        return agent
    head = noun.head
    if noun.dep_ in _OBJ and head.lemma_.lower() in lx.LIGHT_VERBS:
        return _first(head, _SUBJ)
    if noun.dep_ == "attr" and head.lemma_.lower() == "be":
        subj = _first(head, _SUBJ)     # "this step of Armenia is a state terror"
        if subj is not None and _is_event(subj) and subj is not noun:
            return _event_agent(subj)  # "the targeting ... by Azerbaijan is a violation"
        return subj
    if noun.dep_ == "pobj" and head.lower_ == "under" and head.head.pos_ in ("VERB", "AUX") \
            and head.head.lemma_.lower() != "come":
        verb = head.head               # "the enemy kept the settlements under fire"
        return _first(verb, _SUBJ) or _inherited_subject(verb)[0]
    return None


def _verb_narrative(verb: Token) -> Narrative | None:
    lemma = verb.lemma_.lower()
    span_end = verb.idx + len(verb)
    prt = _first(verb, ("prt",))
    action = f"{lemma} {prt.lower_}" if prt is not None else lemma
    obj = _first(verb, _OBJ)
    if lemma in lx.LIGHT_VERBS and obj is not None and _is_event(obj):
        action = f"{lemma} {_noun_lemma(obj)}"
        patient = _prep_object(obj, lx.PATIENT_PREPS) or _prep_object(verb, lx.PATIENT_PREPS)
        violent = True
        span_end = obj.idx + len(obj)   # the action covers "launched ... attack"
    else:
        patient = obj if obj is not None and obj.pos_ in ("NOUN", "PROPN", "PRON", "NUM") else None
        if patient is None and obj is None:
            patient = _prep_object(verb, lx.PATIENT_PREPS)
        violent = lemma in lx.VIOLENT_VERBS or action.replace(" ", "_") in lx.VIOLENT_VERBS
    pass_subj = _first(verb, _PASS_SUBJ)
    agent, via, voice = None, "", "active"
    if lemma == "come" and any(c.dep_ == "prep" and c.lower_ == "under" for c in verb.children):
        under = next(c for c in verb.children if c.dep_ == "prep" and c.lower_ == "under")
        noun = _pobj(under)
        if noun is not None:
            action, violent, voice = f"come under {noun.lemma_.lower()}", True, "passive"
            return Narrative(action, (verb.idx, noun.idx + len(noun)), voice, violent,
                             agent=_prep_object(verb, {"from"}) or _by_agent(verb),
                             patient=_first(verb, _SUBJ), negated=_negated(verb))
    if pass_subj is not None:
        voice, patient, agent = "passive", pass_subj, _by_agent(verb)
    elif verb.dep_ == "acl" and verb.tag_ == "VBN":
        voice, patient, agent = "passive", verb.head, _by_agent(verb)
    else:
        agent = _first(verb, _SUBJ)
        if agent is not None and agent.dep_ == "expl":
            agent = None
        if agent is None:
            agent, via = _inherited_subject(verb)
            if agent is None and verb.dep_ == "conj" and _first(verb.head, _PASS_SUBJ) is not None:
                voice, patient, agent = "passive", _first(verb.head, _PASS_SUBJ), _by_agent(verb)
    if agent is not None and _is_event(agent):
        agent = _event_agent(agent) or agent     # "attacks on Ganja are killing civilians"
    if agent is None and patient is None:
        return None
    if via == "" and _accused(verb) is not None:
        via = "accused"
    return Narrative(action, (verb.idx, span_end), voice, violent, agent=agent,
                     patient=patient, negated=_negated(verb), via=via)


def _noun_narrative(noun: Token) -> Narrative | None:
    lemma = _noun_lemma(noun)
    agent = _event_agent(noun)
    patient = _prep_object(noun, lx.PATIENT_PREPS)
    of = _prep_object(noun, {"of"})
    if of is not None:
        if lemma in _OF_PATIENT and patient is None:
            patient = of
        elif agent is None:
            agent = of
    if agent is None and patient is None:
        return None
    return Narrative(lemma, (noun.idx, noun.idx + len(noun)), "nominal", True, agent=agent,
                     patient=patient)


def phrase_span(tok: Token) -> tuple[int, int]:
    """Token indices ``[i, j)`` of an argument's compact phrase: its left modifiers, the head,
    conjuncts and an "of" complement ("the armed forces of Azerbaijan")."""
    if tok.pos_ == "PRON":
        return tok.i, tok.i + 1
    lo = tok.i
    for c in tok.children:
        if c.i < tok.i and c.dep_ in _LEFT_MODS:
            lo = min(lo, c.left_edge.i)
    hi = tok.i + 1
    for c in tok.children:
        if c.i > tok.i and (c.dep_ in ("conj", "cc", "appos", "compound", "flat", "nummod") or
                            (c.dep_ == "prep" and c.lower_ in ("of", "in", "from"))):
            hi = max(hi, c.right_edge.i + 1)
    if hi - lo > _MAX_PHRASE:
        hi = max(tok.i + 1, lo + _MAX_PHRASE)
    return lo, hi


def _trim(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].lower_ in ("the", "a", "an")):
        lo += 1
    while hi > lo and (doc[hi - 1].is_punct or doc[hi - 1].is_space):
        hi -= 1
    return lo, hi


@dataclass
class Part:
    """A resolved agent or patient: its text, article offsets and resolution."""

    text: str = ""
    start: int = -1
    end: int = -1
    res: Resolution = field(default_factory=Resolution)


_CLAUSES = ("acl", "relcl", "advcl", "ccomp", "xcomp")


def _wider(tok: Token) -> str:
    """The argument's subtree without its clauses ("civilians [killed by Armenia]"), capped."""
    skip: set[int] = set()
    for c in tok.children:
        if c.dep_ in _CLAUSES:
            skip.update(t.i for t in c.subtree)
    words = [t for t in tok.subtree if t.i not in skip][:_MAX_PHRASE * 2]
    return " ".join(t.text for t in words)


def _place_side(verb: Token | None, resolver: EntityResolver, side: str, kind: str) -> Resolution:
    """The side of a place where the act happened ("killed [in Ganja]", "attack [on Ganja]")."""
    if verb is None:
        return Resolution()
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in lx.PLACE_PREPS:
            obj = _pobj(c)
            if obj is None:
                continue
            res = resolver.resolve(_wider(obj), obj.text, role="patient", speaker_side=side,
                                   kind=kind)
            if res.side:
                return res
            inner = _place_side(obj, resolver, side, kind)   # "in an attack [on Ganja]"
            if inner.side:
                return inner
    return Resolution()


def _part(tok: Token | None, base: int, resolver: EntityResolver, role: str, side: str,
          kind: str, where: Token | None = None) -> Part:
    if tok is None:
        return Part()
    doc = tok.doc
    lo, hi = _trim(doc, *phrase_span(tok))
    if hi <= lo:
        lo, hi = tok.i, tok.i + 1
    span = doc[lo:hi]
    whose = next((c for c in tok.children if c.lower_ == "whose"), None)
    relcl = next((a for a in tok.ancestors if a.dep_ == "relcl"), None)
    if whose is not None and relcl is not None:
        # "Armenia, whose armed forces ...": the forces of the relative clause's antecedent
        res = _part(relcl.head, base, resolver, role, side, kind).res
        return Part(span.text, base + span.start_char, base + span.end_char, res)
    res = resolver.resolve(span.text, tok.text, role=role, speaker_side=side, kind=kind)
    if not res.side and tok.pos_ != "PRON":
        # an agent is read from its wider phrase through the speaker registry only: a place
        # named after it ("missile attack on Ganja") is where, not who
        alt = resolver.resolve(_wider(tok), tok.text, role=role, speaker_side=side, kind=kind,
                               places=role != "agent")
        if alt.side or not res.entity:
            res = alt
    if not res.side and role == "patient":
        at = _place_side(where, resolver, side, kind)
        if at.side:
            res = Resolution(res.entity or at.entity, at.side, f"{res.how or at.how}+place")
    return Part(span.text, base + span.start_char, base + span.end_char, res)


def narratives_of_doc(doc: Doc, base: int, content: tuple[int, int], *, cue: str, kind: str,
                      speaker_side: str, resolver: EntityResolver) -> list[dict]:
    """The narratives of one parsed sentence whose action lies in ``content``.

    ``base`` is the article offset of ``doc``'s first character; ``content`` the article offsets
    of the statement's text. Returns one dict per narrative with the columns of
    ``tables.NARRATIVE_COLUMNS`` that come from the parse.
    """
    deny = bool(cue_matches(cue, _DENY_CUES))
    out: list[dict] = []
    for tok in doc:
        at = base + tok.idx
        if not content[0] <= at < content[1]:
            continue
        if tok.pos_ == "VERB" and tok.lemma_.lower() not in lx.SKIP_VERBS:
            nar = _verb_narrative(tok)
        elif tok.pos_ in ("NOUN", "PROPN") and _is_event(tok) and not (
                tok.dep_ in _OBJ and tok.head.lemma_.lower() in lx.LIGHT_VERBS):
            nar = _noun_narrative(tok)
        else:
            nar = None
        if nar is None:
            continue
        agent = _part(nar.agent, base, resolver, "agent", speaker_side, kind)
        patient = _part(nar.patient, base, resolver, "patient", speaker_side, kind,
                        where=doc[tok.i] if nar.violent else None)
        out.append({
            "agent": agent.text, "agent_entity": agent.res.entity, "agent_side": agent.res.side,
            "agent_how": agent.res.how,
            "action": nar.action, "voice": nar.voice, "violent": nar.violent,
            "patient": patient.text, "patient_entity": patient.res.entity,
            "patient_side": patient.res.side, "patient_how": patient.res.how,
            "negated": nar.negated != deny, "via": nar.via,
            "agent_start": agent.start, "agent_end": agent.end,
            "action_start": base + nar.action_span[0], "action_end": base + nar.action_span[1],
            "patient_start": patient.start, "patient_end": patient.end,
        })
    return out
