"""Polarity of a statement: does its speaker assert the content, deny it, or neither?

The content of a denial is kept as written ("Baku denied that its military sustained any
losses": text "its military sustained any losses"), so that it can be compared with the claim it
denies; the polarity says which way the speaker stands on it (``tables.POLARITIES``):

- ``denied``: the cue is a verb or noun of denial (``lexicon.DENIAL_CUES``: deny, reject, refute,
  dismiss, dispute, ...);
- ``negated``: the cue itself is negated ("did not confirm that ...", "has not denied ...",
  "never said ..."): the speaker is reported to have neither asserted nor denied it;
- ``asserted``: everything else.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc

from stance import tables
from stance.extract import _lexicon as lx

#: denial cues as written, for candidates without a cue token (the learned tagger's)
_DENIAL_WORDS = re.compile(r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|refut\w*|dismiss\w*|"
                           r"rebut\w*|disput\w*|repudiat\w*|disavow\w*|debunk\w*)\b",
                           re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|n't|no longer)\b", re.IGNORECASE)


def polarity(doc: Doc, cue_i: int, cue: str) -> str:
    """The polarity of a statement whose cue is token ``cue_i`` of ``doc`` (or only the words
    ``cue`` when ``cue_i`` is -1).

    Examples
    --------
    >>> from stance.extract import load_nlp
    >>> doc = load_nlp()("Baku denied that its military sustained any losses.")
    >>> polarity(doc, 1, "denied")
    'denied'
    """
    if cue_i < 0:
        if not cue:
            return tables.ASSERTED
        if _NEGATION.search(cue):
            return tables.NEGATED
        return tables.DENIED if _DENIAL_WORDS.search(cue) else tables.ASSERTED
    v = doc[cue_i]
    if any(c.dep_ == "neg" for c in v.children):
        return tables.NEGATED  # "did not deny", "would not confirm", "never said"
    return tables.DENIED if v.lemma_.lower() in lx.DENIAL_CUES else tables.ASSERTED


def first_person(doc: Doc, mention: tuple[int, int] | None) -> bool:
    """The speaker mention is "we" or "I" (the narrator of a press release)."""
    if mention is None:
        return False
    i, j = mention
    return j - i == 1 and doc[i].lower_ in lx.FIRST_PERSON
