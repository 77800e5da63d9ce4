"""Cosine similarity of group centroids, with article-level bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B


@dataclass
class CellCentroid:
    """A group's centroid in one bin and its bootstrap replicates (unit vectors)."""

    centroid: np.ndarray        # (d,) unit vector of the mean of the cell's statement vectors
    boot: np.ndarray | None     # (n_boot, d) float32 unit vectors, or None when n_boot == 0
    n: int                      # statements
    n_articles: Any             # distinct articles (NA without an article_id column)
    n_units: int                # resampling units (articles, or statements)


def cell_centroid(cell: pd.DataFrame, vectors: np.ndarray, unit: str,
                  rng: np.random.Generator, n_boot: int) -> CellCentroid:
    """Centroid of the rows of ``cell`` (``vectors`` aligned with it) and its bootstrap."""
    units = B.unit_codes(cell, unit)
    n_articles = cell[B.ARTICLE_COL].nunique() if B.ARTICLE_COL in cell.columns else pd.NA
    n_units = len(np.unique(units))
    if n_boot > 0:
        total, n, boot_sum, _ = B.boot_centroids(vectors, units, rng, n_boot)
        boot = B.unit_cosine(boot_sum).astype(np.float32)
    else:
        total, n, boot = vectors.sum(0), float(len(vectors)), None
    return CellCentroid(B.unit_cosine(total), boot, int(n), n_articles, n_units)


def pair_similarity(x: CellCentroid, y: CellCentroid,
                    ci: float) -> tuple[float, float, float, float]:
    """Cosine of two cell centroids: ``(raw, bias_corrected, ci_low, ci_high)``.

    The interval and corrected value come from paired bootstrap replicates
    (:func:`stance.compare._base.bias_corrected`); without replicates they are the raw value
    and NaN."""
    raw = float(np.clip(x.centroid @ y.centroid, -1.0, 1.0))
    if x is y:
        return 1.0, 1.0, 1.0, 1.0
    if x.boot is None or y.boot is None or min(x.n_units, y.n_units) < 2:
        return raw, raw, np.nan, np.nan
    boot = np.einsum("ij,ij->i", x.boot.astype(np.float64), y.boot.astype(np.float64))
    return (raw, *B.bias_corrected(raw, np.clip(boot, -1.0, 1.0), ci))


def similarity(statements: pd.DataFrame, vectors: Any, by: str = "speaker",
               freq: str | None = None, *, unit: str = "article", n_boot: int = 1000,
               ci: float = 0.95, seed: int | np.random.Generator = 0,
               groups: Sequence[Any] | None = None, min_n: int = 5) -> pd.DataFrame:
    """Topic similarity: cosine similarity of the groups' centroids, all ordered pairs, per bin.

    Also available as :func:`topic_similarity`. It compares everything the groups say, so two
    enemies who speak of the same events score high for that alone (on a Ukraine corpus Zelensky
    and Peskov were the closest pair); it measures shared topic as much as shared framing. To
    compare how two sides speak *at equal topic*, use
    :func:`stance.compare.stratified_similarity` (within frames or event strata, pooled) and
    :func:`stance.compare.stratified_test`; ``docs/compare.md`` says which to use for what.

    A group's centroid is the mean of its statements' unit vectors; the similarity of two groups
    is the cosine of their centroids (1 on the diagonal). Within each group the articles
    (``unit="article"``) or statements are resampled with replacement, independently per group.

    The raw cosine of estimated centroids is biased towards 0 (noise shortens a centroid built
    from few statements), and more so for small groups; two groups drawn from the same
    distribution score below 1. ``similarity`` is therefore the bootstrap bias-corrected cosine
    (``2 raw - mean(replicates)``) with the matching basic bootstrap interval; ``similarity_raw``
    keeps the plain cosine. Compare groups of similar size, and read ``n_a``/``n_b``. A group with
    a single article (resampling unit) gets no interval (NaN).

    Args:
        statements: needs ``by``, ``article_id`` (``unit="article"``), ``date`` (with ``freq``).
        vectors: one row per statement row (any scale; rows are L2-normalised first).
        by, freq, unit, n_boot, ci, seed, groups, min_n: as in :func:`frame_shares`.

    Returns:
        One row per bin and ordered pair of groups: ``{by}_a``, ``{by}_b``, ``bin``, ``bin_end``,
        ``similarity``, ``ci_low``, ``ci_high``, ``similarity_raw``, ``n_a``, ``n_b``,
        ``n_articles_a``, ``n_articles_b``, ``small_n`` (either group has fewer than ``min_n``
        units). For a matrix:
        ``table.pivot(index=f"{by}_a", columns=f"{by}_b", values="similarity")``.

    Examples
    --------
    >>> from stance import compare
    >>> statements, vectors = compare.example_statements()
    >>> pairs = compare.similarity(statements, vectors, by="side", n_boot=200, seed=0)
    >>> pairs[["side_a", "side_b"]].values.tolist()
    [['armenia', 'armenia'], ['armenia', 'azerbaijan'], ['azerbaijan', 'armenia'], ['azerbaijan', 'azerbaijan']]
    >>> pairs.columns[4:8].tolist()
    ['similarity', 'ci_low', 'ci_high', 'similarity_raw']
    """
    where = f"similarity(by={by!r})"
    chosen = B.check_inputs(statements, by, where, unit=unit, n_boot=n_boot, groups=groups)
    vecs = B.check_vectors(statements, vectors, where)
    rng = np.random.default_rng(seed)
    bins = B.time_bins(statements, freq, where)
    a_col, b_col = f"{by}_a", f"{by}_b"
    columns = [a_col, b_col, "bin", "bin_end", "similarity", "ci_low", "ci_high",
               "similarity_raw", "n_a", "n_b",
               "n_articles_a", "n_articles_b", "small_n"]
    rows: list[dict[str, Any]] = []
    for in_bin, bin_start, bin_end in B.iter_bins(bins):
        cells: dict[Any, CellCentroid] = {}
        for group in chosen:
            mask = in_bin & (statements[by] == group).to_numpy()
            if mask.any():
                cells[group] = cell_centroid(statements.loc[mask], vecs[mask], unit, rng, n_boot)
        for ga, ca in cells.items():
            for gb, cb in cells.items():
                raw, sim, lo, hi = pair_similarity(ca, cb, ci)
                rows.append({a_col: ga, b_col: gb, "bin": bin_start, "bin_end": bin_end,
                             "similarity": sim, "ci_low": lo, "ci_high": hi,
                             "similarity_raw": raw, "n_a": ca.n,
                             "n_b": cb.n, "n_articles_a": ca.n_articles,
                             "n_articles_b": cb.n_articles,
                             "small_n": min(ca.n_units, cb.n_units) < min_n})
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"similarity": "float64", "ci_low": "float64", "ci_high": "float64",
                       "similarity_raw": "float64",
                       "n_a": "int64", "n_b": "int64", "small_n": "bool",
                       "bin": "datetime64[ns]", "bin_end": "datetime64[ns]"})


#: the documented name of :func:`similarity`: the unconditioned centroid similarity, which two
#: sides speaking of the same topics share whatever they say about them
topic_similarity = similarity
