"""Positions on stance targets per side (or speaker) and time bin: :func:`stance_by_group`.

It aggregates a stance table (:data:`stance.tables.STANCE_COLUMNS`, from :mod:`stance.targets`)
into the share of each position among the relevant statements, with bootstrap intervals that
resample articles (it reuses :func:`stance.compare.frame_shares`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from stance.compare._shares import frame_shares
from stance.tables import NONE, UNCLEAR

__all__ = ["AGGREGATE_COLUMNS", "stance_by_group"]

#: columns of :func:`stance_by_group` (``by`` is the name of the group column)
AGGREGATE_COLUMNS = ["target", "BY", "bin", "bin_end", "position", "share", "ci_low", "ci_high",
                     "n_position", "n", "n_articles", "small_n"]


def stance_by_group(stance: pd.DataFrame, statements: pd.DataFrame, by: str = "side",
                    freq: str | None = None, *, targets: Sequence[Any] | None = None,
                    n_boot: int = 1000, seed: int | np.random.Generator = 0, ci: float = 0.95,
                    include_unclear: bool = True, min_n: int = 5) -> pd.DataFrame:
    """Share of each position among the statements of each group and time bin that concern a
    target, with bootstrap intervals resampling articles.

    ``stance`` is a table of :data:`stance.tables.STANCE_COLUMNS` (:func:`stance.targets.zero_shot_stance` or
    :func:`stance.targets.predict_stance`); ``statements`` gives each ``statement_id`` its ``by`` column,
    ``date`` and ``article_id``. Only relevant statements count (position not ``"none"``);
    ``"unclear"`` is a position of its own unless ``include_unclear=False`` drops those statements.
    Shares are normalised within each target, group and bin. The computation is
    :func:`stance.compare.frame_shares` with the position as the frame, so intervals are percentile
    intervals of an article-level (cluster) bootstrap and ``small_n`` marks cells with fewer than
    ``min_n`` articles. Groups with an empty ``by`` value are reported as ``""`` (unresolved).

    Returns one row per target, group, bin and position: ``target``, ``by``, ``bin``, ``bin_end``,
    ``position``, ``share``, ``ci_low``, ``ci_high``, ``n_position``, ``n``, ``n_articles``,
    ``small_n``. Every position of a target appears in every cell (share 0 when unused); positions
    follow the order of ``targets`` (or of first appearance), ``"unclear"`` last.
    """
    where = f"stance_by_group(by={by!r})"
    for col in ("statement_id", "target", "position"):
        if col not in stance.columns:
            raise ValueError(f"{where}: stance table is missing column {col!r}")
    needed = ["statement_id", by, "article_id"] + (["date"] if freq else [])
    missing = [c for c in dict.fromkeys(needed) if c not in statements.columns]
    if missing:
        raise ValueError(f"{where}: statements table is missing column(s) {missing}")
    meta = statements.loc[:, list(dict.fromkeys(needed + (["date"] if "date" in statements
                                                          else [])))]
    meta = meta.drop_duplicates("statement_id").assign(
        statement_id=lambda d: d["statement_id"].astype(str))
    keep = stance["position"] != NONE
    if not include_unclear:
        keep &= stance["position"] != UNCLEAR
    table = stance.loc[keep, ["statement_id", "target", "position"]].assign(
        statement_id=lambda d: d["statement_id"].astype(str))
    table = table.merge(meta, on="statement_id", how="left", validate="many_to_one")
    lost = table[by].isna()
    if lost.any():
        raise ValueError(f"{where}: {int(lost.sum())} stance row(s) have a statement_id not in "
                         f"the statements table (e.g. {table.loc[lost, 'statement_id'].iloc[0]!r})")
    by_name = {t.name: t for t in targets or ()}
    columns = [c if c != "BY" else by for c in AGGREGATE_COLUMNS]
    out = []
    for name in pd.unique(stance["target"]):
        sub = table[table["target"] == name]
        if sub.empty:
            continue
        if name in by_name:
            order = by_name[name].position_ids
        else:
            order = [p for p in pd.unique(stance.loc[stance["target"] == name, "position"])
                     if p not in (NONE, UNCLEAR)]
        seen = set(sub["position"])
        positions = order + [p for p in pd.unique(sub["position"])
                             if p not in order and p != UNCLEAR]
        if UNCLEAR in seen:
            positions.append(UNCLEAR)
        shares = frame_shares(sub, by=by, freq=freq, frame_col="position", n_boot=n_boot,
                              ci=ci, seed=seed, frames=positions, min_n=min_n)
        out.append(shares.rename(columns={"n_frame": "n_position"}).assign(target=name))
    if not out:
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True).loc[:, columns]
