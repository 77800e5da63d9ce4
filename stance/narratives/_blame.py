"""Blame and victimhood: whom each side's statements present as the aggressor and the victim."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: the two roles of :func:`blame_shares`
ROLES = ("aggressor", "victim")
BLAME_COLUMNS = ["role", "speaker_side", "bin", "bin_end", "side", "share", "ci_low", "ci_high",
                 "n_side", "n", "n_articles", "small_n"]


def blame_mentions(narratives: pd.DataFrame) -> pd.DataFrame:
    """One row per statement, role and side: the acts of violence a statement presents as done
    (violent, not negated), their agents' sides as aggressors and their patients' sides as
    victims. A statement names a side in a role once, however many of its narratives do.

    Returns columns ``statement_id``, ``article_id``, ``date``, ``speaker_side``, ``role``,
    ``side``.
    """
    needed = ["statement_id", "article_id", "date", "speaker_side", "violent", "negated",
              "agent_side", "patient_side"]
    missing = [c for c in needed if c not in narratives.columns]
    if missing:
        raise ValueError(f"blame_mentions: narratives table is missing column(s) {missing}")
    acts = narratives[narratives["violent"] & ~narratives["negated"]]
    parts = []
    for role, col in zip(ROLES, ("agent_side", "patient_side"), strict=True):
        part = acts.loc[acts[col] != "", ["statement_id", "article_id", "date",
                                          "speaker_side", col]]
        parts.append(part.rename(columns={col: "side"}).assign(role=role))
    cols = ["statement_id", "article_id", "date", "speaker_side", "role", "side"]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    return out.drop_duplicates(["statement_id", "role", "side"]).reset_index(drop=True)


def blame_shares(narratives: pd.DataFrame, freq: str | None = None, *,
                 speaker_sides: Sequence[str] | None = None,
                 sides: Sequence[str] | None = None, n_boot: int = 1000, ci: float = 0.95,
                 seed: int | np.random.Generator = 0, min_n: int = 5) -> pd.DataFrame:
    """Share of each side among the aggressors and among the victims that each side's
    statements name, per time bin, with article-bootstrap intervals.

    Built on :func:`blame_mentions` and :func:`stance.compare.frame_shares` (shares normalised
    within each speaker side, role and bin; percentile intervals from resampling articles).

    Parameters
    ----------
    narratives
        A narratives table (``tables.NARRATIVE_COLUMNS``).
    freq
        Time bins (a pandas frequency); ``None`` for one bin over all.
    speaker_sides
        The sides whose statements are compared (default: all with a mention).
    sides
        The sides reported as aggressor or victim (default: all named).

    Returns
    -------
    pandas.DataFrame
        ``BLAME_COLUMNS``: ``role`` (aggressor | victim), ``speaker_side``, ``bin``,
        ``bin_end``, ``side``, ``share``, ``ci_low``, ``ci_high``, ``n_side`` (statements naming
        that side in that role), ``n`` (mentions in the cell), ``n_articles``, ``small_n``.

    Examples
    --------
    >>> import pandas as pd
    >>> nar = pd.DataFrame({"statement_id": ["s1", "s2"], "article_id": ["a1", "a2"],
    ...                     "date": pd.to_datetime(["2020-10-01", "2020-10-02"]),
    ...                     "speaker_side": ["azerbaijan"] * 2, "violent": [True, True],
    ...                     "negated": [False, False], "agent_side": ["armenia", "armenia"],
    ...                     "patient_side": ["azerbaijan", ""]})
    >>> out = blame_shares(nar, n_boot=10)
    >>> out[["role", "side", "share"]].to_dict("records")
    [{'role': 'aggressor', 'side': 'armenia', 'share': 1.0}, {'role': 'aggressor', 'side': 'azerbaijan', 'share': 0.0}, {'role': 'victim', 'side': 'armenia', 'share': 0.0}, {'role': 'victim', 'side': 'azerbaijan', 'share': 1.0}]
    """
    from stance.compare import frame_shares

    mentions = blame_mentions(narratives)
    mentions = mentions[mentions["speaker_side"] != ""]
    if speaker_sides is not None:
        mentions = mentions[mentions["speaker_side"].isin(list(speaker_sides))]
    side_list = list(sides) if sides is not None else sorted(set(mentions["side"]))
    mentions = mentions[mentions["side"].isin(side_list)]
    rng = np.random.default_rng(seed)
    tables = []
    for role in ROLES:
        part = mentions[mentions["role"] == role]
        if not len(part):
            continue
        groups = [g for g in (speaker_sides or sorted(set(part["speaker_side"])))
                  if g in set(part["speaker_side"])]
        shares = frame_shares(part, by="speaker_side", freq=freq, frame_col="side",
                              n_boot=n_boot, ci=ci, seed=rng, groups=groups, frames=side_list,
                              min_n=min_n)
        tables.append(shares.rename(columns={"n_frame": "n_side"}).assign(role=role))
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in BLAME_COLUMNS})
    return pd.concat(tables, ignore_index=True)[BLAME_COLUMNS]


def _dtype(col: str) -> Any:
    if col in ("share", "ci_low", "ci_high"):
        return "float64"
    if col in ("n_side", "n", "n_articles"):
        return "int64"
    if col in ("bin", "bin_end"):
        return "datetime64[ns]"
    return "bool" if col == "small_n" else "object"
