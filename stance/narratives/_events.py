"""Sides on the same events: what each side's statements say about one target in one time bin."""

from __future__ import annotations

import pandas as pd

from stance.compare import _base as B

#: columns of :func:`same_events`
EVENT_COLUMNS = ["event", "bin", "bin_end", "speaker_side", "statements", "articles",
                 "aggressors", "victim_sides", "denied", "speech_acts"]


def _counts(values: pd.Series) -> str:
    """``"armenia 3; azerbaijan 1"``: values by count, most frequent first, ties by name."""
    vc = values[values != ""].value_counts()
    vc = vc.sort_index().sort_values(ascending=False, kind="stable")
    return "; ".join(f"{k} {int(n)}" for k, n in vc.items())


def same_events(narratives: pd.DataFrame, statements: pd.DataFrame | None = None,
                freq: str | None = "W", *, violent_only: bool = True,
                min_sides: int = 2) -> pd.DataFrame:
    """What each side says about the same event, side by side.

    An event is the entity an act is done to (``patient_entity``: a place such as Ganja or
    Stepanakert, a group such as civilians) in one time bin of ``freq``. For every event that
    the statements of at least ``min_sides`` sides talk about, one row per speaking side: how
    many statements and articles, which sides it names as the aggressor (``agent_side`` counts,
    acts told as done), the victims' sides, how many acts it denies or negates, and (with
    ``statements`` carrying ``speech_act``) its speech acts.

    Examples
    --------
    >>> import pandas as pd
    >>> nar = pd.DataFrame({
    ...     "statement_id": ["s1", "s2"], "article_id": ["a1", "a2"],
    ...     "date": pd.to_datetime(["2020-10-11", "2020-10-11"]),
    ...     "speaker_side": ["azerbaijan", "armenia"], "agent_side": ["armenia", "armenia"],
    ...     "patient_entity": ["ganja", "ganja"], "patient_side": ["azerbaijan", "azerbaijan"],
    ...     "violent": [True, True], "negated": [False, True]})
    >>> same_events(nar)[["event", "speaker_side", "aggressors", "denied"]].to_dict("records")
    [{'event': 'ganja', 'speaker_side': 'armenia', 'aggressors': '', 'denied': 1}, {'event': 'ganja', 'speaker_side': 'azerbaijan', 'aggressors': 'armenia 1', 'denied': 0}]
    """
    where = "same_events"
    B.check_columns(narratives, ["statement_id", "article_id", "date", "speaker_side",
                                 "agent_side", "patient_entity", "patient_side", "violent",
                                 "negated"], where)
    nar = narratives[(narratives["patient_entity"] != "") & (narratives["speaker_side"] != "")]
    if violent_only:
        nar = nar[nar["violent"]]
    if not len(nar):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    bins = B.time_bins(nar, freq, where)
    nar = nar.assign(bin=bins["bin"], bin_end=bins["bin_end"])
    acts = None
    if statements is not None and "speech_act" in statements.columns:
        acts = statements.drop_duplicates("statement_id").set_index("statement_id")["speech_act"]
    rows = []
    for (event, b), ev in nar.groupby(["patient_entity", "bin"], sort=True):
        if ev["speaker_side"].nunique() < min_sides:
            continue
        for side, g in ev.groupby("speaker_side", sort=True):
            done = g[~g["negated"]]
            ids = pd.unique(g["statement_id"])
            rows.append({
                "event": event, "bin": b, "bin_end": g["bin_end"].iloc[0],
                "speaker_side": side, "statements": len(ids),
                "articles": int(g["article_id"].nunique()),
                "aggressors": _counts(done.drop_duplicates(["statement_id", "agent_side"])
                                      ["agent_side"]),
                "victim_sides": _counts(done.drop_duplicates(["statement_id", "patient_side"])
                                        ["patient_side"]),
                "denied": int(g["negated"].sum()),
                "speech_acts": _counts(acts.reindex(ids).fillna("")) if acts is not None else "",
            })
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)
