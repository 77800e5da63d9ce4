"""Frame shares per group and time bin, with article-level bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B


def frame_shares(statements: pd.DataFrame, by: str = "speaker", freq: str | None = None,
                 frame_col: str = "frame", *, unit: str = "article", n_boot: int = 1000,
                 ci: float = 0.95, seed: int | np.random.Generator = 0,
                 groups: Sequence[Any] | None = None, frames: Sequence[Any] | None = None,
                 min_n: int = 5) -> pd.DataFrame:
    """Share of each frame within each group and time bin.

    Shares are normalised within each group and bin (they sum to 1 there), so a speaker quoted
    ten times as often as another is compared on the mix of its frames, not its volume. Every
    frame seen anywhere in the table (or listed in ``frames``) appears in every group and bin, with
    share 0 where unused. Outliers (frame ``-1`` from :class:`stance.FrameModel`) count as a frame
    of their own; drop them first to leave them out.

    Intervals are percentile bootstrap intervals (``n_boot`` replicates, level ``ci``) that
    resample *articles* within each group and bin (a cluster bootstrap: the statements of one
    article move together, because they report the same event and are not independent).
    ``unit="statement"`` resamples single statements instead. A cell with a single article has
    no interval (NaN): one article says nothing about how much another would differ.

    Args:
        statements: needs columns ``by``, ``frame_col``, ``article_id`` (``unit="article"``) and
            ``date`` (when ``freq`` is set).
        by: group column (``"speaker"``, ``"side"``, ``"speaker_name"``, ...).
        freq: pandas frequency of the time bins on ``date``; ``None`` = one bin over all.
        frame_col: the column holding each statement's frame.
        groups: restrict to (and order) these groups; unknown ones raise ``ValueError``.
        frames: the frames to report (default: all frames in the table).
        seed: seed or ``numpy.random.Generator``; same seed, same table.
        min_n: cells with fewer resampling units (articles) than this get ``small_n=True``.

    Returns:
        One row per group, bin and frame: ``by``, ``bin``, ``bin_end``, ``frame_col``, ``share``,
        ``ci_low``, ``ci_high``, ``n_frame`` (statements in the frame), ``n`` (statements in the
        group and bin), ``n_articles``, ``small_n``.

    Examples
    --------
    >>> from stance import compare
    >>> statements, vectors = compare.example_statements()
    >>> shares = compare.frame_shares(statements, by="side", n_boot=200, seed=0)
    >>> shares[["side", "frame", "share", "n_frame", "n"]]
             side  frame  share  n_frame  n
    0     armenia      0   0.75        3  4
    1     armenia      1   0.25        1  4
    2  azerbaijan      0   0.25        1  4
    3  azerbaijan      1   0.75        3  4
    """
    where = f"frame_shares(by={by!r}, frame_col={frame_col!r})"
    chosen = B.check_inputs(statements, by, where, unit=unit, columns=[frame_col],
                            n_boot=n_boot, groups=groups)
    if statements[frame_col].isna().any():
        raise ValueError(f"{where}: column {frame_col!r} has missing values; assign a frame "
                         f"(or -1) to every statement")
    frame_list = list(frames) if frames is not None else B.sorted_unique(statements[frame_col])
    stray = set(pd.unique(statements[frame_col])) - set(frame_list)
    if frames is not None and stray:
        raise ValueError(f"{where}: statements use frame(s) {B.sorted_unique(list(stray))} "
                         f"not in frames={frame_list}")
    columns = [by, "bin", "bin_end", frame_col, "share", "ci_low", "ci_high", "n_frame", "n",
               "n_articles", "small_n"]
    rng = np.random.default_rng(seed)
    table = statements.loc[statements[by].isin(chosen)]
    bins = B.time_bins(table, freq, where)
    frame_index = {f: i for i, f in enumerate(frame_list)}
    k = len(frame_list)
    rows: list[dict[str, Any]] = []
    group_values = table[by].to_numpy()
    cells = []
    for group in chosen:
        in_group = group_values == group
        for in_bin, bin_start, bin_end in B.iter_bins(bins, within=in_group):
            cells.append((group, bin_start, bin_end, table.loc[in_group & in_bin]))
    for group, bin_start, bin_end, cell in cells:
        codes = cell[frame_col].map(frame_index).to_numpy()
        units = B.unit_codes(cell, unit)
        uniq, inv = np.unique(units, return_inverse=True)
        per_unit = np.zeros((len(uniq), k))
        np.add.at(per_unit, (inv, codes), 1.0)
        counts = per_unit.sum(0)
        n = counts.sum()
        share = counts / n
        if n_boot > 0 and len(uniq) > 1:
            w = B.boot_weights(rng, len(uniq), n_boot).astype(np.float64)
            boot = w @ per_unit
            boot /= boot.sum(1, keepdims=True)
            lo, hi = B.percentile(boot, ci)
        else:
            lo = hi = np.full(k, np.nan)
        n_articles = (cell[B.ARTICLE_COL].nunique() if B.ARTICLE_COL in cell.columns
                      else pd.NA)
        for j, frame in enumerate(frame_list):
            rows.append({by: group, "bin": bin_start, "bin_end": bin_end,
                         frame_col: frame, "share": share[j], "ci_low": lo[j], "ci_high": hi[j],
                         "n_frame": int(counts[j]), "n": int(n), "n_articles": n_articles,
                         "small_n": len(uniq) < min_n})
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"share": "float64", "ci_low": "float64", "ci_high": "float64",
                       "n_frame": "int64", "n": "int64", "small_n": "bool",
                       "bin": "datetime64[ns]", "bin_end": "datetime64[ns]"})
