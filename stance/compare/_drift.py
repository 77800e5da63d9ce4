"""Drift: how each group's centroid moves over time, and whether groups converge or diverge."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, permutations
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B


@dataclass
class Drift:
    """The three tables of :func:`drift`.

    Attributes:
        groups: per group and bin: ``to_overall`` (cosine of the bin's centroid with the group's
            centroid over all bins) and ``to_previous`` (with the group's previous non-empty bin,
            named in ``previous_bin``), each with ``*_low``/``*_high`` intervals; ``n``,
            ``n_articles``, ``small_n``.
        pairs: per unordered pair of groups and bin where both speak: ``similarity`` of their
            centroids with ``ci_low``/``ci_high``, ``similarity_raw``; ``n_a``, ``n_b``,
            ``small_n``.
        trend: per pair: least-squares ``slope`` of the similarity per bin (x = ``bin_index``,
            so one unit is one bin) over the bins where both speak, its bootstrap interval
            (``ci_low``, ``ci_high``), ``p_value`` of a two-sided permutation test that shuffles
            the order of the bins (exact for up to 7 bins), ``slope_raw``, ``first``/``last``
            similarity, ``n_bins``, ``thin_bins`` (bins where a group has a single article: the
            bootstrap cannot see their noise, which the permutation test still does) and
            ``direction``: ``"converging"`` or ``"diverging"`` when the interval excludes 0
            *and* ``p_value <= alpha``, else ``"no clear trend"`` (``"too few bins"`` below 3).
    """

    groups: pd.DataFrame
    pairs: pd.DataFrame
    trend: pd.DataFrame


def _cos(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.clip(np.einsum("...j,...j->...", B.unit_cosine(x), B.unit_cosine(y)), -1.0, 1.0)


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slope of each row of ``y`` (``(r, t)``) on ``x`` (``(t,)``)."""
    xc = x - x.mean()
    return (y - y.mean(axis=-1, keepdims=True)) @ xc / (xc @ xc)


TREND_COLUMNS = ["n_bins", "thin_bins", "slope", "ci_low", "ci_high", "p_value", "slope_raw",
                 "first", "last", "direction"]


def _bin_order_pvalue(x: np.ndarray, y: np.ndarray, n_perm: int,
                      rng: np.random.Generator) -> float:
    """Two-sided permutation p-value of the slope of ``y`` on ``x`` when the bins' order is
    shuffled: all orders when there are at most ``n_perm`` of them, else ``n_perm`` random ones."""
    observed = abs(float(_slopes(x, y)))
    tol = 1e-9 * max(1.0, observed)
    if math.factorial(len(y)) <= n_perm:
        orders = np.array(list(permutations(range(len(y)))))
        return float((np.abs(_slopes(x, y[orders])) >= observed - tol).mean())
    orders = rng.permuted(np.tile(np.arange(len(y)), (n_perm, 1)), axis=1)
    hits = int((np.abs(_slopes(x, y[orders])) >= observed - tol).sum())
    return (1 + hits) / (1 + n_perm)


def _trend(x: np.ndarray, raw: np.ndarray, boots: list[np.ndarray], thin: int, *, ci: float,
           alpha: float, n_perm: int, rng: np.random.Generator) -> dict[str, Any]:
    """Slope of the between-group similarity over bins: bias-corrected estimate, bootstrap
    interval, bin-order permutation p-value and a verdict."""
    out: dict[str, Any] = dict.fromkeys(TREND_COLUMNS, np.nan)
    out.update(n_bins=len(raw), thin_bins=thin, direction="too few bins")
    if len(raw) < 2:
        return out
    boot = np.stack(boots, axis=1)                         # (n_boot, bins)
    raw_slope = float(_slopes(x, raw))
    slope, lo, hi = B.bias_corrected(raw_slope, _slopes(x, boot), ci, bounds=None)
    corrected = 2 * raw - boot.mean(0)                     # per-bin bias-corrected similarity
    out.update(slope=slope, ci_low=lo, ci_high=hi, slope_raw=raw_slope,
               first=float(np.clip(corrected[0], -1, 1)),
               last=float(np.clip(corrected[-1], -1, 1)))
    if len(raw) < 3:
        return out
    p = _bin_order_pvalue(x, corrected, n_perm, rng)
    clear = p <= alpha and (lo > 0 or hi < 0)
    out.update(p_value=p, direction=("converging" if clear and slope > 0 else
                                     "diverging" if clear else "no clear trend"))
    return out


def drift(statements: pd.DataFrame, vectors: Any, by: str = "side", freq: str = "W", *,
          unit: str = "article", n_boot: int = 1000, ci: float = 0.95,
          seed: int | np.random.Generator = 0, groups: Sequence[Any] | None = None,
          min_n: int = 5, n_perm: int = 9999, alpha: float = 0.05) -> Drift:
    """Each group's centroid over time and the similarity between groups per time bin.

    All intervals come from one stratified bootstrap: within every group and bin the articles
    (``unit="article"``) or statements are resampled; a replicate's overall centroid is built
    from its resampled bins, so every quantity (self-similarity, between-group similarity per bin,
    trend slope) is computed on the same replicates. Cosines of estimated centroids are biased
    towards 0, more so in thin bins, so every similarity and the slope are reported
    bias-corrected with basic bootstrap intervals, as in :func:`similarity`
    (``similarity_raw`` and ``slope_raw`` keep the plain values). A cell with a single article
    gets no interval (NaN). The trend is judged by its bootstrap interval and by a permutation
    test of the bins' order, which also sees the noise of bins the bootstrap treats as fixed.

    Args:
        statements: needs ``by``, ``date``, ``article_id`` (``unit="article"``).
        vectors: one row per statement row (rows are L2-normalised first).
        freq: pandas frequency of the bins (default weekly, Monday to Sunday).
        by, unit, n_boot, ci, seed, groups, min_n: as in :func:`frame_shares`.
        n_perm: bin-order permutations of the trend test (all orders when fewer).
        alpha: level at which a trend is called converging or diverging.

    Returns:
        A :class:`Drift` with tables ``groups``, ``pairs`` and ``trend``.

    Examples
    --------
    >>> from stance import compare
    >>> statements, vectors = compare.example_statements()
    >>> d = compare.drift(statements, vectors, by="side", freq="W", n_boot=200, seed=0)
    >>> d.pairs[["side_a", "side_b", "bin_index"]].values.tolist()
    [['armenia', 'azerbaijan', 0], ['armenia', 'azerbaijan', 1], ['armenia', 'azerbaijan', 2]]
    >>> d.trend.columns[:4].tolist()
    ['side_a', 'side_b', 'n_bins', 'thin_bins']
    """
    where = f"drift(by={by!r}, freq={freq!r})"
    if freq is None:
        raise ValueError(f"{where}: drift needs a time bin frequency such as 'W' or 'D'")
    chosen = B.check_inputs(statements, by, where, unit=unit, columns=["date"], n_boot=n_boot,
                            min_boot=1, groups=groups)
    vecs = B.check_vectors(statements, vectors, where)
    rng = np.random.default_rng(seed)
    bins = B.time_bins(statements, freq, where)
    bin_info = bins.drop_duplicates("bin").set_index("bin").sort_index()

    # per group: bin -> (sum, n, boot sums (n_boot, d), cell stats)
    cells: dict[Any, dict[Any, dict[str, Any]]] = {}
    for group in chosen:
        gmask = (statements[by] == group).to_numpy()
        cells[group] = {}
        for bin_start in bin_info.index:
            mask = gmask & (bins["bin"] == bin_start).to_numpy()
            if not mask.any():
                continue
            cell = statements.loc[mask]
            units = B.unit_codes(cell, unit)
            total, n, boot_sum, _ = B.boot_centroids(vecs[mask], units, rng, n_boot)
            cells[group][bin_start] = {
                "sum": total, "n": int(n), "boot": boot_sum.astype(np.float32),
                "n_articles": (cell[B.ARTICLE_COL].nunique()
                               if B.ARTICLE_COL in cell.columns else pd.NA),
                "n_units": len(np.unique(units))}

    group_rows: list[dict[str, Any]] = []
    for group in chosen:
        gcells = cells[group]
        overall = sum(c["sum"] for c in gcells.values())
        overall_boot = sum(c["boot"].astype(np.float64) for c in gcells.values())
        previous = None
        for bin_start, c in gcells.items():
            boot = c["boot"].astype(np.float64)
            to_overall, lo_o, hi_o = B.bias_corrected(float(_cos(c["sum"], overall)),
                                                      _cos(boot, overall_boot), ci)
            row = {by: group, "bin": bin_start, "bin_end": bin_info.at[bin_start, "bin_end"],
                   "bin_index": int(bin_info.at[bin_start, "bin_index"]),
                   "to_overall": to_overall, "to_overall_low": lo_o,
                   "to_overall_high": hi_o, "previous_bin": pd.NaT,
                   "to_previous": np.nan, "to_previous_low": np.nan, "to_previous_high": np.nan,
                   "n": c["n"], "n_articles": c["n_articles"], "small_n": c["n_units"] < min_n}
            if c["n_units"] < 2:
                row.update(to_overall_low=np.nan, to_overall_high=np.nan)
            if previous is not None:
                pbin, pc = previous
                to_prev, lo_p, hi_p = B.bias_corrected(
                    float(_cos(c["sum"], pc["sum"])), _cos(boot, pc["boot"].astype(np.float64)),
                    ci)
                if min(c["n_units"], pc["n_units"]) < 2:
                    lo_p = hi_p = np.nan
                row.update(previous_bin=pbin, to_previous=to_prev, to_previous_low=lo_p,
                           to_previous_high=hi_p)
            group_rows.append(row)
            previous = (bin_start, c)

    a_col, b_col = f"{by}_a", f"{by}_b"
    pair_rows: list[dict[str, Any]] = []
    trend_rows: list[dict[str, Any]] = []
    for ga, gb in combinations(chosen, 2):
        shared = [b for b in cells[ga] if b in cells[gb]]
        sims, boots, idx, thin = [], [], [], 0
        for bin_start in shared:
            ca, cb = cells[ga][bin_start], cells[gb][bin_start]
            boot = _cos(ca["boot"].astype(np.float64), cb["boot"].astype(np.float64))
            raw = float(_cos(ca["sum"], cb["sum"]))
            sim, lo, hi = B.bias_corrected(raw, boot, ci)
            if min(ca["n_units"], cb["n_units"]) < 2:
                lo = hi = np.nan
            pair_rows.append({a_col: ga, b_col: gb, "bin": bin_start,
                              "bin_end": bin_info.at[bin_start, "bin_end"],
                              "bin_index": int(bin_info.at[bin_start, "bin_index"]),
                              "similarity": sim, "ci_low": lo, "ci_high": hi,
                              "similarity_raw": raw, "n_a": ca["n"], "n_b": cb["n"],
                              "small_n": min(ca["n_units"], cb["n_units"]) < min_n})
            sims.append(raw)
            boots.append(boot)
            thin += int(min(ca["n_units"], cb["n_units"]) < 2)
            idx.append(float(bin_info.at[bin_start, "bin_index"]))
        trend = {a_col: ga, b_col: gb, **_trend(np.asarray(idx), np.asarray(sims), boots,
                                                 thin, ci=ci, alpha=alpha, n_perm=n_perm,
                                                 rng=rng)}
        trend_rows.append(trend)

    groups_df = pd.DataFrame(group_rows, columns=[
        by, "bin", "bin_end", "bin_index", "to_overall", "to_overall_low", "to_overall_high",
        "previous_bin", "to_previous", "to_previous_low", "to_previous_high", "n", "n_articles",
        "small_n"])
    pairs_df = pd.DataFrame(pair_rows, columns=[
        a_col, b_col, "bin", "bin_end", "bin_index", "similarity", "ci_low", "ci_high",
        "similarity_raw", "n_a", "n_b", "small_n"])
    trend_df = pd.DataFrame(trend_rows, columns=[a_col, b_col, *TREND_COLUMNS])
    for df in (groups_df, pairs_df):
        for col in ("bin", "bin_end", "previous_bin"):
            if col in df.columns:
                df[col] = df[col].astype("datetime64[ns]")
    return Drift(groups_df, pairs_df, trend_df)
