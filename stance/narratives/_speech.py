"""The speech act of each statement, from its cue and kind, and profiles of speech acts.

A cue that names its act decides it ("accused" -> accuses, "denied" -> denies, "called on" ->
demands, "warned" -> threatens, "denounced" -> condemns, "pledged" -> promises, "welcomed" ->
agrees). A neutral cue ("said", "according to", a quotation, an official's own text) leaves the
act to the content: the first of :data:`stance.narratives.CONTENT_ACTS`'s patterns that matches
(a lie / no such fighters -> denies, war crimes -> condemns, must / call on -> demands, will pay
-> threatens, we will -> promises, welcome -> agrees, deliberately / aggression -> accuses), else
the statement claims or reports (``claims``). ``speech_act_basis`` says which of the three
decided, so the share that rests on patterns can be read off the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from stance.narratives import _lexicon as lx
from stance.narratives._parse import cue_matches

_CONTENT = tuple((act, re.compile(pat)) for act, pat in lx.CONTENT_ACTS)
_CUE_LEMMAS = frozenset(lx.CUE_ACTS)
_THREAT = next(p for a, p in _CONTENT if a == "threatens")


def speech_act(cue: str, kind: str, text: str) -> tuple[str, str]:
    """``(speech act, basis)`` of one statement (see the module docstring).

    Examples
    --------
    >>> speech_act("accused", "indirect", "Armenia of shelling Tartar")
    ('accuses', 'cue')
    >>> speech_act("said", "direct", "This is a lie, there are no mercenaries.")
    ('denies', 'content')
    >>> speech_act("said", "indirect", "the talks would resume on Monday")
    ('claims', 'default')
    """
    low = (text or "").lower()
    lemma = cue_matches(cue or "", _CUE_LEMMAS)
    if lemma:
        act = lx.CUE_ACTS[lemma]
        if lemma in lx.PROMISE_OR_THREAT and _THREAT.search(low):
            act = "threatens"
        return act, "cue"
    for act, pattern in _CONTENT:
        if pattern.search(low):
            return act, "content"
    return "claims", "default"


def speech_acts(statements: pd.DataFrame, narratives: pd.DataFrame | None = None) -> pd.DataFrame:
    """The statements table with ``speech_act`` and ``speech_act_basis`` added
    (``tables.SPEECH_ACT_COLUMNS``).

    With ``narratives`` (:func:`stance.narratives.extract_narratives`), a statement left at the
    default ``claims`` that tells a violent act, as having happened, by an agent of another side
    than the speaker's ("the Azerbaijani military has been shelling Stepanakert", said by the
    Karabakh authorities) accuses (basis ``narrative``).

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"cue": ["denied", "said"], "kind": ["indirect", "direct"],
    ...                    "text": ["the claim", "We call for an immediate ceasefire"]})
    >>> speech_acts(st)["speech_act"].tolist()
    ['denies', 'demands']
    """
    missing = [c for c in ("cue", "kind", "text") if c not in statements.columns]
    if missing:
        raise ValueError(f"speech_acts: statements table is missing column(s) {missing}")
    found = [speech_act(c, k, t) for c, k, t in zip(statements["cue"].fillna(""),
                                                     statements["kind"].fillna(""),
                                                     statements["text"].fillna(""), strict=True)]
    out = statements.assign(speech_act=[a for a, _ in found],
                            speech_act_basis=[b for _, b in found])
    if narratives is not None and len(narratives) and "statement_id" in out.columns:
        blamed = narratives[narratives["violent"] & ~narratives["negated"]
                            & (narratives["agent_side"] != "")
                            & ~narratives["agent_side"].isin(["other", "unknown"])
                            & (narratives["agent_side"] != narratives["speaker_side"])]
        hit = out["statement_id"].isin(set(blamed["statement_id"])) & (
            out["speech_act_basis"] == "default")
        out.loc[hit, "speech_act"] = "accuses"
        out.loc[hit, "speech_act_basis"] = "narrative"
    return out


def speech_act_profile(statements: pd.DataFrame, by: str = "side", freq: str | None = None, *,
                       n_boot: int = 1000, ci: float = 0.95,
                       seed: int | np.random.Generator = 0,
                       groups: Sequence[Any] | None = None, min_n: int = 5) -> pd.DataFrame:
    """Share of each speech act per group and time bin, with article-bootstrap intervals.

    The same table as :func:`stance.compare.frame_shares` with the speech act in place of the
    frame (column ``speech_act``; every act of :data:`SPEECH_ACTS` in every cell, 0 where
    unused). Statements without ``speech_act`` get one from :func:`speech_acts`.

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"side": ["a", "a", "b"], "article_id": ["x", "y", "z"],
    ...                    "date": pd.to_datetime(["2020-10-01"] * 3),
    ...                    "cue": ["accused", "said", "denied"], "kind": ["indirect"] * 3,
    ...                    "text": ["Armenia of shelling", "talks resume", "the claim"]})
    >>> prof = speech_act_profile(st, n_boot=10)
    >>> prof.loc[prof["side"] == "a", ["speech_act", "share"]].head(2).to_dict("records")
    [{'speech_act': 'accuses', 'share': 0.5}, {'speech_act': 'denies', 'share': 0.0}]
    """
    from stance.compare import frame_shares

    if "speech_act" not in statements.columns:
        statements = speech_acts(statements)
    return frame_shares(statements, by=by, freq=freq, frame_col="speech_act", n_boot=n_boot,
                        ci=ci, seed=seed, groups=groups, frames=list(lx.SPEECH_ACTS),
                        min_n=min_n)


__all__ = ["speech_act", "speech_act_profile", "speech_acts"]
