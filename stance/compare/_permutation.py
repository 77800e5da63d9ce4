"""Permutation test of a difference between two groups' statements (``framing_test``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B

STATISTICS = ("energy", "centroid")
METRICS = ("euclidean", "cosine")
_CHUNK = 128  # permutations evaluated per matrix product


def distance_matrix(x: np.ndarray, metric: str = "euclidean") -> np.ndarray:
    """Pairwise distances of unit vectors: ``"euclidean"`` (``sqrt(2 - 2 cos)``, a metric, so the
    energy distance detects any difference in distribution) or ``"cosine"`` (``1 - cos``; the
    energy distance on it reduces to the squared distance between the two centroids)."""
    gram = np.clip(x @ x.T, -1.0, 1.0)
    if metric == "euclidean":
        return np.sqrt(np.maximum(0.0, 2.0 - 2.0 * gram))
    if metric == "cosine":
        return 1.0 - gram
    raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")


def _energy_stat(dist: np.ndarray) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """For 0/1 label rows ``z`` (``(p, n)``, 1 = group a): the energy distance
    ``E = 2 mean(d_ab) - mean(d_aa) - mean(d_bb)`` (V-statistic) and the test statistic
    ``T = n_a n_b / (n_a + n_b) * E`` of Szekely and Rizzo (2004)."""
    row = dist.sum(0)
    total = row.sum()
    n = dist.shape[0]

    def stat(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        na = z.sum(1)
        nb = n - na
        s_aa = np.einsum("ij,ij->i", z @ dist, z)
        s_ab = z @ row - s_aa
        s_bb = total - 2 * s_ab - s_aa
        with np.errstate(invalid="ignore", divide="ignore"):
            e = 2 * s_ab / (na * nb) - s_aa / na**2 - s_bb / nb**2
        return e, e * na * nb / n

    return stat


def _centroid_stat(x: np.ndarray) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Cosine distance between the two groups' centroids (``1 - cos(c_a, c_b)``)."""
    total = x.sum(0)

    def stat(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sa = z @ x
        ca, cb = B.unit_cosine(sa), B.unit_cosine(total - sa)
        d = 1.0 - np.einsum("ij,ij->i", ca, cb)
        return d, d

    return stat


def _label_rows(labels: np.ndarray, n_perm: int, rng: np.random.Generator
                ) -> tuple[np.ndarray, bool]:
    """Permuted block labels: every distinct assignment when there are at most ``n_perm`` of
    them (an exact test, identity included), else ``n_perm`` random permutations."""
    k, ka = len(labels), int(labels.sum())
    if math.comb(k, ka) <= n_perm:
        rows = np.zeros((math.comb(k, ka), k))
        for i, chosen in enumerate(combinations(range(k), ka)):
            rows[i, list(chosen)] = 1.0
        return rows, True
    return rng.permuted(np.tile(labels.astype(np.float64), (n_perm, 1)), axis=1), False


def permutation_pvalue(x: np.ndarray, labels: np.ndarray, blocks: np.ndarray, *,
                       statistic: str = "energy", metric: str = "euclidean", n_perm: int = 999,
                       rng: np.random.Generator) -> tuple[float, float, int, bool]:
    """The core of :func:`framing_test` on arrays.

    Args:
        x: unit vectors ``(n, d)`` of the statements of both groups.
        labels: 1 for group a, 0 for group b, per block.
        blocks: block index (``0..k-1``) of each row of ``x``; labels are permuted between blocks.

    Returns:
        ``(statistic, p_value, n_permutations, exact)``. With random permutations
        ``p = (1 + #{T_perm >= T_obs}) / (1 + n_perm)``; with all assignments enumerated
        ``p = #{T_perm >= T_obs} / #assignments``.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {STATISTICS}, got {statistic!r}")
    stat = (_energy_stat(distance_matrix(x, metric)) if statistic == "energy"
            else _centroid_stat(x))
    member = B.Membership(blocks, len(labels))
    observed_value, observed = stat(labels[None, :] @ member)
    rows, exact = _label_rows(labels, n_perm, rng)
    tol = 1e-9 * max(1.0, abs(float(observed[0])))
    hits = 0
    for start in range(0, len(rows), _CHUNK):
        _, t = stat(rows[start:start + _CHUNK] @ member)
        hits += int((t >= observed[0] - tol).sum())
    p = hits / len(rows) if exact else (1 + hits) / (1 + len(rows))
    return float(observed_value[0]), float(p), len(rows), exact


def framing_test(statements: pd.DataFrame, vectors: Any, a: Any, b: Any, by: str = "side", *,
                 statistic: str = "energy", metric: str = "euclidean", unit: str = "article",
                 n_perm: int = 999, freq: str | None = None,
                 seed: int | np.random.Generator = 0, min_n: int = 5) -> pd.DataFrame:
    """Permutation test: do groups ``a`` and ``b`` differ in what their statements say?

    The statistic is the energy distance (Szekely and Rizzo 2004) between the two groups' sets of
    statement vectors (``metric="euclidean"`` on unit vectors detects any difference in
    distribution; ``"cosine"`` only a shift of the mean), or with ``statistic="centroid"`` the
    cosine distance between their centroids. Its null distribution comes from permuting group
    labels; ``p = (1 + #{perm >= observed}) / (1 + n_perm)``, or the exact proportion when the
    labels have at most ``n_perm`` distinct assignments (all are then enumerated).

    **What is permuted** (``unit``). Statements from one article are not exchangeable: they report
    the same event in the same words, so shuffling them one by one treats an article with twenty
    statements as twenty independent pieces of evidence and rejects too often when articles
    differ (see ``benchmarks/calibration.py``). With ``unit="article"`` (default) the blocks that
    are permuted are the (article, group) pairs: all statements of group a in one article keep a
    common label; an article that quotes both groups contributes one block to each. This is valid
    whenever blocks are exchangeable under the null, at the price of power when there are few
    articles (one article quoting both sides gives only two blocks: p cannot go below 0.5).
    ``unit="statement"`` permutes single statements; use it only when statements are independent
    (for example one statement per article).

    Cost: the energy statistic holds the ``n x n`` distance matrix of the two groups' statements
    (``n = n_a + n_b``; 200 MB at n = 5,000) and evaluates permutations in batches of matrix
    products; per bin when ``freq`` is set.

    Args:
        statements: needs ``by``, ``article_id`` (``unit="article"``), ``date`` (with ``freq``).
        vectors: one row per statement row (rows are L2-normalised first).
        a, b: the two groups (values of column ``by``).
        n_perm: number of random permutations.
        freq: test separately in each time bin (one row per bin); ``None`` = one test.
        seed: seed or ``numpy.random.Generator``.
        min_n: ``small_n`` is True when either group has fewer resampling units.

    Returns:
        One row per bin: ``a``, ``b``, ``by``, ``bin``, ``bin_end``, ``method``
        (``statistic`` requested), ``metric``, ``unit``, ``statistic`` (observed energy distance,
        or centroid distance), ``p_value``, ``n_perm`` (permutations used), ``exact``, ``n_a``,
        ``n_b``, ``units_a``, ``units_b``, ``small_n``. Bins where a group is absent get NaN.

    Examples
    --------
    >>> from stance import compare
    >>> statements, vectors = compare.example_statements()
    >>> test = compare.framing_test(statements, vectors, "armenia", "azerbaijan", seed=0)
    >>> test[["a", "b", "unit", "units_a", "units_b"]].values.tolist()
    [['armenia', 'azerbaijan', 'article', 4, 4]]
    >>> bool(0 < test.loc[0, "p_value"] <= 1)
    True
    """
    where = f"framing_test(a={a!r}, b={b!r}, by={by!r})"
    if statistic not in STATISTICS:
        raise ValueError(f"{where}: statistic must be one of {STATISTICS}, got {statistic!r}")
    if metric not in METRICS:
        raise ValueError(f"{where}: metric must be one of {METRICS}, got {metric!r}")
    B.check_positive("n_perm", n_perm, where)
    if a == b:
        raise ValueError(f"{where}: a and b must be different groups")
    B.check_inputs(statements, by, where, unit=unit, groups=[a, b])
    vecs = B.check_vectors(statements, vectors, where)
    rng = np.random.default_rng(seed)
    bins = B.time_bins(statements, freq, where)
    rows: list[dict[str, Any]] = []
    for in_bin, bin_start, bin_end in B.iter_bins(bins):
        is_a = in_bin & (statements[by] == a).to_numpy()
        is_b = in_bin & (statements[by] == b).to_numpy()
        mask = is_a | is_b
        cell = statements.loc[mask]
        label_row = is_a[mask].astype(np.float64)
        if unit == "article":
            keys = cell[B.ARTICLE_COL].astype(str) + "\x00" + pd.Series(label_row,
                                                                       index=cell.index).astype(str)
            blocks, _ = pd.factorize(keys, sort=True)
        else:
            blocks = np.arange(int(mask.sum()))
        k = int(blocks.max()) + 1 if len(blocks) else 0
        block_labels = np.zeros(k)
        block_labels[blocks] = label_row
        units_a = int(block_labels.sum())
        units_b = k - units_a
        row = {"a": a, "b": b, "by": by, "bin": bin_start,
               "bin_end": bin_end, "method": statistic,
               "metric": metric if statistic == "energy" else "cosine", "unit": unit,
               "statistic": np.nan, "p_value": np.nan, "n_perm": 0, "exact": False,
               "n_a": int(is_a.sum()), "n_b": int(is_b.sum()), "units_a": units_a,
               "units_b": units_b, "small_n": min(units_a, units_b) < min_n}
        if units_a and units_b:
            value, p, used, exact = permutation_pvalue(
                vecs[mask], block_labels, blocks, statistic=statistic, metric=metric,
                n_perm=n_perm, rng=rng)
            row.update(statistic=value, p_value=p, n_perm=used, exact=exact)
        rows.append(row)
    out = pd.DataFrame(rows)
    return out.astype({"bin": "datetime64[ns]", "bin_end": "datetime64[ns]",
                       "statistic": "float64", "p_value": "float64"})
