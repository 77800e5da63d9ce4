"""Comparisons of two sides at equal topic: within strata (frames, events, weeks), then pooled.

Two sides that talk about the same events look alike to :func:`stance.compare.similarity` (the
*topic similarity*: the cosine of the centroids of all their statements), whatever each says about
those events; and two sides that talk about different events look different even when they say
the same kind of thing about each. A **stratified comparison** removes the topic mix: it compares
the sides only inside each stratum (a topic or event cluster, such as the frames of
:class:`stance.FrameModel`, a place-and-week, or a week), then pools the strata with weights:

====================================  ===============================================================
``stratified_similarity``             within-stratum cosine of the two sides' centroids, per stratum
                                      and pooled, with a stratified bootstrap interval
``stratified_shares``                 within-stratum difference of the two sides' shares of each
                                      category (speech act, frame, blame ...), pooled
                                      (Mantel-Haenszel-style risk difference), with p-values and
                                      intervals from the within-strata permutation test
``stratified_test``                   permutation test with side labels permuted *within* strata:
                                      energy distance, centroid distance or share distance
====================================  ===============================================================

**Strata.** ``strata`` names one column or several (their combination is the stratum); ``None``
makes the whole table one stratum (the unconditioned comparison, for reference). A stratum where
one of the sides says nothing carries no information about how the sides differ at equal topic:
it is reported (``used`` False) and left out of the pooled value; the pooled row says how many
statements it rests on.

**Weights** (``weights``), over the strata both sides use, with ``n_a``, ``n_b`` the sides'
statements in the stratum:

* ``"harmonic"`` (default): ``n_a n_b / (n_a + n_b)``, the Cochran-Mantel-Haenszel weight. A
  stratum counts by how well *both* sides are represented in it; a stratum where one side has 40
  statements and the other 1 counts little (about 1), because the comparison there rests on one
  statement. This weight minimises the variance of the pooled difference when the strata share one
  difference, and it is the weight of the Szekely-Rizzo energy statistic.
* ``"size"``: ``n_a + n_b``, the stratum's share of the two sides' statements (the comparison as
  it would be on the pooled corpus with its topic mix).
* ``"equal"``: every used stratum the same.

Weights are normalised to sum to 1 over the used strata (column ``weight``).

**Resampling.** The similarity's bootstrap resamples articles (``unit="article"``) within each
stratum and side independently (strata and sides fixed). The share differences get their
intervals by inverting the permutation test (``stratified_shares``), because a bootstrap within a
stratum and side has no variance where a side has one article there. The permutation test permutes side labels between the
blocks of one stratum only: a block is the statements of one side in one article in one stratum
(``unit="article"``), or one statement (``unit="statement"``). Under the null that, inside each
stratum, the two sides' statements are exchangeable, the test keeps its level whatever the topic
mix of the sides; a topic-only difference (one side talks more of the ceasefire, the other more of
shelling, but each topic in the same words) is not detected, unlike the unstratified test
(``strata=None``, which is :func:`stance.compare.framing_test`). Caveat: an article whose statements
fall into several strata gives one block in each, treated as independent; the bootstrap likewise
ignores that dependence, so intervals may be somewhat narrow when articles span many strata.

References: Mantel and Haenszel (1959), "Statistical aspects of the analysis of data from
retrospective studies of disease", JNCI 22; Szekely and Rizzo (2004), "Testing for equal
distributions in high dimension", InterStat; Good (2005), *Permutation, Parametric and Bootstrap
Tests of Hypotheses*, sec. 3.6 (permutations within strata).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B
from stance.compare._permutation import METRICS, _energy_stat, distance_matrix
from stance.compare._similarity import cell_centroid, pair_similarity

WEIGHTS = ("harmonic", "size", "equal")
STATISTICS = ("energy", "centroid", "shares")
POOLED = "pooled"
_CHUNK = 128
ENERGY_MAX_N = 5_000  # statements per stratum above which the energy test subsamples articles

SIMILARITY_COLUMNS = ["stratum", "pooled", "a", "b", "by", "similarity", "ci_low", "ci_high",
                      "similarity_raw", "weight", "n_a", "n_b", "units_a", "units_b", "used",
                      "small_n", "null_low", "null_median", "null_high"]
SHARE_COLUMNS = ["category", "a", "b", "by", "difference", "ci_low", "ci_high", "p_value",
                 "difference_unstratified", "share_a", "share_b", "n_a", "n_b", "n_strata",
                 "small_n"]
TEST_COLUMNS = ["a", "b", "by", "strata", "method", "metric", "weights", "unit", "statistic",
                "p_value", "n_perm", "n_strata", "n_a", "n_b", "units_a", "units_b", "small_n",
                "subsampled"]


# ---------------------------------------------------------------------------------- helpers

def stratum_labels(statements: pd.DataFrame, strata: str | Sequence[str] | None,
                   where: str) -> pd.Series:
    """One string label per row naming its stratum (columns joined with ``" | "``); all ``"all"``
    when ``strata`` is None. Missing stratum values are refused (they would vanish silently)."""
    if strata is None:
        return pd.Series("all", index=statements.index, dtype=object)
    cols = [strata] if isinstance(strata, str) else list(strata)
    if not cols:
        raise ValueError(f"{where}: strata must name at least one column (or be None)")
    B.check_columns(statements, cols, where)
    for col in cols:
        n_missing = int(statements[col].isna().sum())
        if n_missing:
            raise ValueError(f"{where}: stratum column {col!r} has {n_missing} missing "
                             f"value(s); give every statement a stratum (e.g. frame -1)")
    parts = [statements[c].astype(str) for c in cols]
    label = parts[0]
    for part in parts[1:]:
        label = label + " | " + part
    return label.astype(object)


def _weight(n_a: np.ndarray, n_b: np.ndarray, weights: str) -> np.ndarray:
    n_a, n_b = np.asarray(n_a, dtype=np.float64), np.asarray(n_b, dtype=np.float64)
    if weights == "harmonic":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where((n_a > 0) & (n_b > 0), n_a * n_b / (n_a + n_b), 0.0)
    if weights == "size":
        return np.where((n_a > 0) & (n_b > 0), n_a + n_b, 0.0)
    return ((n_a > 0) & (n_b > 0)).astype(np.float64)


def _prepare(statements: pd.DataFrame, a: Any, b: Any, by: str,
             strata: str | Sequence[str] | None, weights: str, unit: str,
             where: str) -> tuple[pd.DataFrame, np.ndarray, pd.Series, list[str]]:
    """Checks; returns the rows of ``a`` and ``b``, their positions in ``statements``, their
    stratum labels and the sorted strata."""
    if weights not in WEIGHTS:
        raise ValueError(f"{where}: weights must be one of {WEIGHTS}, got {weights!r}")
    if a == b:
        raise ValueError(f"{where}: a and b must be different groups")
    B.check_inputs(statements, by, where, unit=unit, groups=[a, b])
    labels = stratum_labels(statements, strata, where)
    keep = statements[by].isin([a, b]).to_numpy()
    positions = np.flatnonzero(keep)
    table = statements.iloc[positions]
    lab = labels.iloc[positions]
    return table, positions, lab, B.sorted_unique(lab)


def _check_common(where: str, n_boot: int | None = None, n_perm: int | None = None) -> None:
    if n_boot is not None:
        B.check_positive("n_boot", n_boot, where, minimum=0)
    if n_perm is not None:
        B.check_positive("n_perm", n_perm, where)


def _n_units(cell: pd.DataFrame, unit: str) -> int:
    return len(np.unique(B.unit_codes(cell, unit))) if len(cell) else 0


def _blocks(cell: pd.DataFrame, label_row: np.ndarray, unit: str
            ) -> tuple[np.ndarray, np.ndarray]:
    """The permuted blocks of one stratum: its ``(k, n)`` 0/1 membership (block x statement,
    :class:`~stance.compare._base.Membership`) and each block's label (1 = side a). A block is one side's statements in one
    article (``unit="article"``) or one statement."""
    if unit == "article":
        keys = cell[B.ARTICLE_COL].astype(str).to_numpy() + "\x00" + label_row.astype(str)
        blocks, _ = pd.factorize(keys, sort=True)
    else:
        blocks = np.arange(len(cell))
    k = int(blocks.max()) + 1
    block_labels = np.zeros(k)
    block_labels[blocks] = label_row
    return B.Membership(blocks, k), block_labels


def _subsample_blocks(table: pd.DataFrame, in_s: np.ndarray, is_a: np.ndarray,
                      member: B.Membership, block_labels: np.ndarray, max_n: int, unit: str,
                      rng: np.random.Generator
                      ) -> tuple[np.ndarray, np.ndarray, B.Membership, np.ndarray]:
    """A random subset of a stratum's blocks holding at most ``max_n`` statements (whole
    blocks, in a random order; the first block of each side always kept, so both sides stay):
    the energy statistic's distance matrix is ``n x n``, 200 MB at 5,000 statements, 33 GB at
    64,000. Returns the stratum's tuple of :func:`_stratum_blocks` for the kept rows."""
    order = rng.permutation(len(block_labels))
    first = [np.flatnonzero(block_labels[order] == side)[0] for side in (1.0, 0.0)]
    order = np.concatenate([order[first], np.delete(order, first)])
    sizes = np.bincount(member.blocks, minlength=len(block_labels))[order]
    kept = order[:max(2, int(np.searchsorted(np.cumsum(sizes), max_n, side="right")))]
    rows = np.flatnonzero(in_s)[np.isin(member.blocks, kept)]
    sub = np.zeros_like(in_s)
    sub[rows] = True
    label_row = is_a[sub].astype(np.float64)
    return (sub, label_row, *_blocks(table.loc[sub], label_row, unit))


def _null_cosines(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_null: int,
                  weights: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Raw centroid cosines of the two sides with side labels permuted between the blocks of
    each stratum: per stratum ``(S, n_null)`` and pooled ``(n_null,)`` (weights recomputed from
    each permutation's counts). ``parts`` holds per stratum (vectors, membership, labels)."""
    per = np.zeros((len(parts), n_null))
    pooled_num = np.zeros(n_null)
    pooled_den = np.zeros(n_null)
    for start in range(0, n_null, _CHUNK):
        m = min(_CHUNK, n_null - start)
        for i, (x, member, labels) in enumerate(parts):
            z = rng.permuted(np.tile(labels, (m, 1)), axis=1) @ member
            sa = z @ x
            cos = np.einsum("ij,ij->i", B.unit_cosine(sa), B.unit_cosine(x.sum(0) - sa))
            per[i, start:start + m] = cos
            na = z.sum(1)
            w = _weight(na, member.shape[1] - na, weights)
            pooled_num[start:start + m] += w * cos
            pooled_den[start:start + m] += w
    return per, pooled_num / pooled_den


def _distinct_units(table: pd.DataFrame, lab: np.ndarray, side: np.ndarray, a: Any, b: Any,
                    used: set[str], unit: str) -> tuple[int, int]:
    """Distinct resampling units (an article counts once however many strata it spans) of
    ``a`` and ``b`` in the ``used`` strata."""
    in_used = np.isin(lab.astype(str), sorted(used))
    return (_n_units(table.loc[in_used & (side == a)], unit),
            _n_units(table.loc[in_used & (side == b)], unit))


# ------------------------------------------------------------------------------ similarity

def stratified_similarity(statements: pd.DataFrame, vectors: Any, a: Any, b: Any,
                          by: str = "side", strata: str | Sequence[str] | None = "frame", *,
                          weights: str = "harmonic", unit: str = "article", n_boot: int = 1000,
                          ci: float = 0.95, seed: int | np.random.Generator = 0,
                          min_n: int = 5, n_null: int = 0) -> pd.DataFrame:
    """Similarity of sides ``a`` and ``b`` at equal topic: within each stratum, then pooled.

    In each stratum both sides use, the similarity is the bootstrap bias-corrected cosine of the
    two sides' centroids there (as in :func:`stance.compare.similarity`); the pooled similarity is
    the weighted mean over those strata (``weights``, see the module docstring), bias-corrected
    with the weighted mean of the strata's paired bootstrap replicates. It answers "when the two
    sides speak of the same thing, how alike do they speak?"; the topic similarity
    (:func:`stance.compare.similarity` on all statements) answers "how alike are their
    statements overall?", which shared topics alone make high.

    Parameters
    ----------
    statements : DataFrame
        Needs ``by``, the ``strata`` column(s) and ``article_id`` (``unit="article"``).
    vectors : array-like
        One row per statement row, in table order (rows are L2-normalised first).
    a, b : Any
        The two groups (values of column ``by``) to compare.
    by : str
        Group column, ``"side"`` by default.
    strata : str, list of str or None
        Column(s) whose values are the topic/event strata (default ``"frame"``); None: one
        stratum (the unconditioned similarity of ``a`` and ``b``).
    weights : {"harmonic", "size", "equal"}
        How strata are pooled (module docstring); normalised to sum to 1.
    unit, n_boot, ci, seed, min_n
        As in :func:`stance.compare.similarity`; ``small_n`` when either side has fewer than
        ``min_n`` resampling units in the stratum (pooled row: in all used strata together).
    n_null : int
        With ``n_null > 0``, the raw similarity expected if the sides did not differ within the
        strata: side labels permuted ``n_null`` times between the blocks of each stratum (as in
        :func:`stratified_test`), giving ``null_low``, ``null_median``, ``null_high`` (central
        ``ci`` range) per stratum and pooled. Compare ``similarity_raw`` with them: both carry
        the same small-sample shrinkage, which the bias correction of ``similarity`` only
        estimates (poorly in strata of a few statements).

    Returns
    -------
    DataFrame
        One row per stratum (sorted; ``stratum`` as a string) and a last row with
        ``stratum == "pooled"`` and ``pooled`` True: ``a``, ``b``, ``by``, ``similarity``,
        ``ci_low``, ``ci_high``, ``similarity_raw``, ``weight`` (NaN for unused strata),
        ``n_a``, ``n_b``, ``units_a``, ``units_b``, ``used`` (both sides present), ``small_n``,
        ``null_low``, ``null_median``, ``null_high`` (NaN unless ``n_null``). The pooled row counts the statements and distinct units (an article spanning several
        strata once) of the used strata only; it gets no interval when a side has fewer than
        two distinct units there; compare its
        ``n_a + n_b`` with the sides' totals to see how much of them shares a topic.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> table = pd.DataFrame({"side": ["x", "y"] * 20, "frame": [0] * 20 + [1] * 20,
    ...                       "article_id": [f"n{i // 2}" for i in range(40)]})
    >>> vecs = rng.normal(size=(40, 8))
    >>> res = stratified_similarity(table, vecs, "x", "y", n_boot=200)
    >>> print(res[["stratum", "used", "weight"]].to_string(index=False))
    stratum  used  weight
          0  True     0.5
          1  True     0.5
     pooled  True     1.0
    """
    where = f"stratified_similarity(a={a!r}, b={b!r}, by={by!r}, strata={strata!r})"
    _check_common(where, n_boot=n_boot)
    B.check_positive("n_null", n_null, where, minimum=0)
    B.percentile(np.zeros(1), ci)                          # checks ci
    vecs = B.check_vectors(statements, vectors, where)
    table, positions, lab, names = _prepare(statements, a, b, by, strata, weights, unit, where)
    vecs = vecs[positions]
    rng = np.random.default_rng(seed)
    side = table[by].to_numpy()
    lab_arr = lab.to_numpy()
    rows: list[dict[str, Any]] = []
    raws, boots, ws, used_rows, parts = [], [], [], [], []
    for name in names:
        in_s = lab_arr == name
        ma, mb = in_s & (side == a), in_s & (side == b)
        ua, ub = _n_units(table.loc[ma], unit), _n_units(table.loc[mb], unit)
        row = {"stratum": str(name), "pooled": False, "a": a, "b": b, "by": by,
               "similarity": np.nan, "ci_low": np.nan, "ci_high": np.nan,
               "similarity_raw": np.nan, "weight": np.nan, "n_a": int(ma.sum()),
               "n_b": int(mb.sum()), "units_a": ua, "units_b": ub,
               "used": bool(ma.any() and mb.any()), "small_n": min(ua, ub) < min_n}
        if row["used"]:
            ca = cell_centroid(table.loc[ma], vecs[ma], unit, rng, n_boot)
            cb = cell_centroid(table.loc[mb], vecs[mb], unit, rng, n_boot)
            raw, sim, lo, hi = pair_similarity(ca, cb, ci)
            row.update(similarity=sim, ci_low=lo, ci_high=hi, similarity_raw=raw)
            raws.append(raw)
            ws.append(float(_weight(row["n_a"], row["n_b"], weights)))
            if n_boot > 0:
                boots.append(np.clip(np.einsum("ij,ij->i", ca.boot.astype(np.float64),
                                               cb.boot.astype(np.float64)), -1.0, 1.0))
            used_rows.append(len(rows))
            if n_null:
                parts.append((vecs[in_s], *_blocks(table.loc[in_s],
                                                   (side[in_s] == a).astype(np.float64), unit)))
        rows.append(row)
    pooled = {"stratum": POOLED, "pooled": True, "a": a, "b": b, "by": by,
              "similarity": np.nan, "ci_low": np.nan, "ci_high": np.nan,
              "similarity_raw": np.nan, "weight": np.nan, "n_a": 0, "n_b": 0, "units_a": 0,
              "units_b": 0, "used": bool(used_rows), "small_n": True}
    if used_rows:
        w = np.asarray(ws) / np.sum(ws)
        for i, wi in zip(used_rows, w):
            rows[i]["weight"] = float(wi)
        raw = float(w @ np.asarray(raws))
        used = [rows[i] for i in used_rows]
        ua, ub = _distinct_units(table, lab_arr, side, a, b, {r["stratum"] for r in used}, unit)
        pooled.update(similarity_raw=raw, weight=1.0, n_a=sum(r["n_a"] for r in used),
                      n_b=sum(r["n_b"] for r in used), units_a=ua, units_b=ub,
                      small_n=min(ua, ub) < min_n)
        if n_boot > 0 and min(ua, ub) >= 2:
            sim, lo, hi = B.bias_corrected(raw, w @ np.vstack(boots), ci)
            pooled.update(similarity=sim, ci_low=lo, ci_high=hi)
        else:
            pooled.update(similarity=raw)
    rows.append(pooled)
    if parts:
        per, pooled_null = _null_cosines(parts, n_null, weights, rng)
        for i, null in zip([*used_rows, len(rows) - 1], [*per, pooled_null]):
            lo, hi = B.percentile(null, ci)
            rows[i].update(null_low=float(lo), null_median=float(np.median(null)),
                           null_high=float(hi))
    out = pd.DataFrame(rows, columns=SIMILARITY_COLUMNS)
    return out.astype({"similarity": "float64", "ci_low": "float64", "ci_high": "float64",
                       "similarity_raw": "float64", "weight": "float64", "n_a": "int64",
                       "n_b": "int64", "units_a": "int64", "units_b": "int64", "used": "bool",
                       "small_n": "bool", "pooled": "bool", "null_low": "float64",
                       "null_median": "float64", "null_high": "float64"})


# ---------------------------------------------------------------------------------- shares

def _stratum_blocks(table: pd.DataFrame, is_a: np.ndarray, lab_arr: np.ndarray,
                    names: list[str], unit: str
                    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """The strata both sides use, each as ``(rows, labels, member, block_labels)``: its rows
    (boolean mask), their 0/1 side labels (1 = side a) and its permuted blocks (:func:`_blocks`)."""
    out = []
    for name in names:
        in_s = lab_arr == name
        if not (is_a[in_s].any() and (~is_a[in_s]).any()):
            continue
        label_row = is_a[in_s].astype(np.float64)
        out.append((in_s, label_row, *_blocks(table.loc[in_s], label_row, unit)))
    return out


def _permuted_differences(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                          n_perm: int, weights: str, rng: np.random.Generator
                          ) -> tuple[np.ndarray, np.ndarray]:
    """The pooled share difference of every category, with side labels permuted between the
    blocks of each stratum: ``(n_perm, k)``; and the same of the observed side-a indicator,
    ``(n_perm,)`` (how a shift of side a's statements by ``delta`` moves each permuted value).
    ``parts`` holds per stratum (one-hot categories, observed labels, membership, block labels).
    """
    k = parts[0][0].shape[1]
    num = np.zeros((n_perm, k))
    num_shift = np.zeros(n_perm)
    den = np.zeros(n_perm)
    for start in range(0, n_perm, _CHUNK):
        m = min(_CHUNK, n_perm - start)
        rows = slice(start, start + m)
        for onehot, labels, member, block_labels in parts:
            z = rng.permuted(np.tile(block_labels, (m, 1)), axis=1) @ member
            na = z.sum(1)
            nb = member.shape[1] - na
            w = _weight(na, nb, weights)
            sa, za = z @ onehot, z @ labels
            num[rows] += w[:, None] * (sa / na[:, None] - (onehot.sum(0) - sa) / nb[:, None])
            num_shift[rows] += w * (za / na - (labels.sum() - za) / nb)
            den[rows] += w
    return num / den[:, None], num_shift / den


def _inverted_interval(observed: float, permuted: np.ndarray, shift: np.ndarray,
                       ci: float) -> tuple[float, float, float]:
    """Invert the two-sided permutation test of "the pooled difference is ``delta``" (side a's
    statements shifted by ``-delta``, then labels permuted): the interval of the ``delta`` it
    does not reject at ``1 - ci`` that holds the observed difference (within [-1, 1]), and the
    p-value of ``delta = 0``.

    Under the shift the observed statistic is ``observed - delta`` and a permuted one
    ``permuted - delta * shift``; the p-value only changes where the two have equal size, at
    ``(observed - permuted) / (1 - shift)`` and ``(observed + permuted) / (1 + shift)``, so
    evaluating it at those points and between them gives the interval exactly (for these
    permutations)."""
    n_perm = len(permuted)
    if np.all(np.abs(shift) < 1 - 1e-9):
        return _concave_interval(observed, permuted, shift, ci)
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = np.concatenate([(observed - permuted) / (1 - shift),
                                (observed + permuted) / (1 + shift)])
    roots = roots[np.isfinite(roots) & (np.abs(roots) <= 1)]
    knots = np.unique(np.concatenate([roots, [-1.0, 1.0, observed]]))
    grid = np.unique(np.concatenate([knots, (knots[1:] + knots[:-1]) / 2]))

    def p_value(delta: np.ndarray) -> np.ndarray:
        size = np.abs(permuted[:, None] - delta[None, :] * shift[:, None])
        obs = np.abs(observed - delta)
        hits = (size >= obs[None, :] - 1e-9 * np.maximum(1.0, obs[None, :])).sum(0)
        return (1 + hits) / (1 + n_perm)

    at = int(np.searchsorted(grid, observed))

    def last_kept(order: np.ndarray) -> int:
        """Walking from the observed value along ``order`` (grid positions), the last one
        not rejected; evaluated a chunk at a time, as the ends lie near the observed value."""
        for start in range(0, len(order), _CHUNK):
            chunk = order[start:start + _CHUNK]
            rejected = np.flatnonzero(p_value(grid[chunk]) <= 1 - ci)
            if len(rejected):
                first = start + int(rejected[0])
                return int(order[first - 1]) if first else at
        return int(order[-1]) if len(order) else at

    lo = last_kept(np.arange(at - 1, -1, -1))
    hi = last_kept(np.arange(at + 1, len(grid)))
    return float(grid[lo]), float(grid[hi]), float(p_value(np.zeros(1))[0])


def _concave_interval(observed: float, permuted: np.ndarray, shift: np.ndarray,
                      ci: float) -> tuple[float, float, float]:
    """:func:`_inverted_interval` when every ``|shift| < 1`` (the usual case): a permutation
    then counts as extreme on one interval of ``delta`` around the observed value, between its
    two crossing points, so the p-value falls by one count at each crossing walked past and
    the ends are order statistics of the crossings (the same result, without a grid)."""
    n_perm = len(permuted)
    one = (observed - permuted) / (1 - shift)
    two = (observed + permuted) / (1 + shift)
    # after walking past k crossings, (1 + n - k) / (1 + n); the first k where it is <= 1 - ci
    passed = np.arange(1, n_perm + 1)
    rejected = np.flatnonzero((1 + n_perm - passed) / (1 + n_perm) <= 1 - ci)
    if len(rejected):
        k = int(rejected[0])
        hi = min(float(np.sort(np.maximum(one, two))[k]), 1.0)
        lo = max(float(-np.sort(-np.minimum(one, two))[k]), -1.0)
    else:
        lo, hi = -1.0, 1.0
    size = np.abs(permuted)
    hits = int((size >= abs(observed) - 1e-9 * max(1.0, abs(observed))).sum())
    return lo, hi, (1 + hits) / (1 + n_perm)


def stratified_shares(statements: pd.DataFrame, a: Any, b: Any, by: str = "side",
                      column: str = "frame", strata: str | Sequence[str] | None = None, *,
                      weights: str = "harmonic", unit: str = "article", n_perm: int = 999,
                      ci: float = 0.95, seed: int | np.random.Generator = 0,
                      min_n: int = 5) -> pd.DataFrame:
    """Difference of the shares of each category between ``a`` and ``b`` at equal topic.

    In each stratum both sides use, each side's statements are split into the categories of
    ``column`` (a speech act, a frame, the side blamed ...), shares normalised within side and
    stratum; the pooled difference of category ``c`` is ``sum_s w_s (p_a,s,c - p_b,s,c) / sum_s
    w_s`` (with ``weights="harmonic"`` the Mantel-Haenszel risk difference). It says how much
    more often ``a`` than ``b`` uses category ``c`` *when both speak of the same stratum*.
    ``difference_unstratified`` is the plain difference of the sides' overall shares, for
    comparison: the two differ when the sides' topic mix explains part of it.

    The interval and ``p_value`` come from the permutation test of :func:`stratified_test`
    (side labels permuted between the article blocks of each stratum, weights recomputed for
    each permutation), on this pooled difference, one category at a time: ``p_value`` tests
    "no difference at equal topic" (two-sided), and the interval holds the differences
    ``delta`` that the same test does not reject once side a's statements are shifted by
    ``-delta`` (the inverted test; Lehmann and Romano 2005, sec. 5.9). Under no difference
    its level holds however few articles a side has in a stratum; a bootstrap within
    stratum and side does not (a side with one article in a stratum has no bootstrap
    variance there), which made the earlier intervals too narrow.

    Parameters
    ----------
    statements : DataFrame
        Needs ``by``, ``column``, the ``strata`` column(s), ``article_id`` (``unit="article"``).
    a, b : Any
        The two groups of column ``by``.
    column : str
        The categorical column whose shares are compared (must differ from the strata).
    strata : str, list of str or None
        The stratum column(s); None: the whole table is one stratum.
    weights, unit, ci, seed, min_n
        As in :func:`stratified_similarity`; ``unit`` is the permuted block, as in
        :func:`stratified_test`.
    n_perm : int
        Random permutations (0: no interval, no p-value).

    Returns
    -------
    DataFrame
        One row per category (sorted): ``category``, ``a``, ``b``, ``by``, ``difference``,
        ``ci_low``, ``ci_high`` (within [-1, 1]), ``p_value``, ``difference_unstratified``,
        ``share_a``, ``share_b`` (the pooled within-stratum shares: the weighted means),
        ``n_a``, ``n_b`` (statements in used strata), ``n_strata`` (used), ``small_n``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"side": list("xxyy") * 5, "act": list("dcdd") * 5,
    ...                       "frame": [0, 0, 0, 0, 1] * 4, "article_id": list("pqrst") * 4})
    >>> res = stratified_shares(table, "x", "y", column="act", strata="frame", n_perm=0)
    >>> print(res[["category", "difference"]].round(2).to_string(index=False))
    category  difference
           c         0.5
           d        -0.5
    """
    where = f"stratified_shares(a={a!r}, b={b!r}, by={by!r}, column={column!r})"
    B.check_positive("n_perm", n_perm, where, minimum=0)
    B.percentile(np.zeros(1), ci)
    B.check_columns(statements, [column], where)
    cols = [] if strata is None else ([strata] if isinstance(strata, str) else list(strata))
    if column in cols:
        raise ValueError(f"{where}: column {column!r} is also a stratum; within a stratum of "
                         f"its own values every share is 0 or 1")
    if statements[column].isna().any():
        raise ValueError(f"{where}: column {column!r} has {int(statements[column].isna().sum())}"
                         f" missing value(s); give every statement a category")
    table, _, lab, names = _prepare(statements, a, b, by, strata, weights, unit, where)
    categories = B.sorted_unique(table[column])
    codes = table[column].map({c: i for i, c in enumerate(categories)}).to_numpy()
    k = len(categories)
    onehot = np.eye(k)[codes]
    side = table[by].to_numpy()
    lab_arr = lab.to_numpy()
    diffs, ws, sa_list, sb_list, parts = [], [], [], [], []
    n_a = n_b = 0
    used_strata: set[str] = set()
    for in_s, labels, member, block_labels in _stratum_blocks(table, side == a, lab_arr,
                                                               names, unit):
        ma, mb = in_s & (side == a), in_s & (side == b)
        pa, pb = onehot[ma].mean(0), onehot[mb].mean(0)
        diffs.append(pa - pb)
        sa_list.append(pa)
        sb_list.append(pb)
        ws.append(float(_weight(ma.sum(), mb.sum(), weights)))
        parts.append((onehot[in_s], labels, member, block_labels))
        n_a, n_b = n_a + int(ma.sum()), n_b + int(mb.sum())
        used_strata.add(str(lab_arr[in_s][0]))
    units_a, units_b = _distinct_units(table, lab_arr, side, a, b, used_strata, unit)
    overall_a = np.bincount(codes[side == a], minlength=k) / max(1, int((side == a).sum()))
    overall_b = np.bincount(codes[side == b], minlength=k) / max(1, int((side == b).sum()))
    lo, hi, p = (np.full(k, np.nan) for _ in range(3))
    if ws:
        w = np.asarray(ws) / np.sum(ws)
        diff = w @ np.vstack(diffs)
        share_a, share_b = w @ np.vstack(sa_list), w @ np.vstack(sb_list)
        if n_perm:
            permuted, shift = _permuted_differences(parts, n_perm, weights,
                                                    np.random.default_rng(seed))
            for c in range(k):
                lo[c], hi[c], p[c] = _inverted_interval(float(diff[c]), permuted[:, c], shift,
                                                        ci)
    else:
        diff = share_a = share_b = np.full(k, np.nan)
    out = pd.DataFrame({"category": categories, "a": a, "b": b, "by": by, "difference": diff,
                        "ci_low": lo, "ci_high": hi, "p_value": p,
                        "difference_unstratified": overall_a - overall_b,
                        "share_a": share_a, "share_b": share_b, "n_a": n_a, "n_b": n_b,
                        "n_strata": len(ws), "small_n": min(units_a, units_b) < min_n},
                       columns=SHARE_COLUMNS)
    return out.astype({"difference": "float64", "ci_low": "float64", "ci_high": "float64",
                       "p_value": "float64", "n_a": "int64", "n_b": "int64",
                       "n_strata": "int64", "small_n": "bool"})


# ------------------------------------------------------------------------------------ test

def _distance_fn(x: np.ndarray, statistic: str, metric: str
                 ) -> Callable[[np.ndarray], np.ndarray]:
    """Within one stratum: for 0/1 label rows ``z`` (``(p, n)``, 1 = side a) the distance of
    the two sides: energy distance (V-statistic), centroid cosine distance or total-variation
    distance of category shares (``x`` one-hot)."""
    n = len(x)
    if statistic == "energy":
        energy = _energy_stat(distance_matrix(x, metric))
        return lambda z: energy(z)[0]
    total_x = x.sum(0)
    if statistic == "centroid":
        def centroid(z: np.ndarray) -> np.ndarray:
            sa = z @ x
            return 1.0 - np.einsum("ij,ij->i", B.unit_cosine(sa), B.unit_cosine(total_x - sa))
        return centroid

    def shares(z: np.ndarray) -> np.ndarray:
        na = z.sum(1, keepdims=True)
        sa = z @ x
        with np.errstate(invalid="ignore", divide="ignore"):
            return 0.5 * np.abs(sa / na - (total_x - sa) / (n - na)).sum(1)
    return shares


def stratified_test(statements: pd.DataFrame, vectors: Any, a: Any, b: Any, by: str = "side",
                    strata: str | Sequence[str] | None = "frame", *, statistic: str = "energy",
                    column: str | None = None, metric: str = "euclidean",
                    weights: str = "harmonic", unit: str = "article", n_perm: int = 999,
                    seed: int | np.random.Generator = 0, min_n: int = 5,
                    max_n: int = ENERGY_MAX_N) -> pd.DataFrame:
    """Permutation test: do ``a`` and ``b`` differ *within* the strata (at equal topic)?

    The statistic is the weighted mean, over the strata both sides use, of a within-stratum
    distance between the two sides: the energy distance of their statement vectors
    (``statistic="energy"``, any difference in distribution; ``metric`` as in
    :func:`stance.compare.framing_test`), the cosine distance of their centroids
    (``"centroid"``) or the total-variation distance of their shares of the categories of
    ``column`` (``"shares"``; ``vectors`` may then be None). Side labels are permuted between the
    blocks of each stratum separately (module docstring), so the null distribution keeps every
    stratum's mix of the two sides; ``p = (1 + #{T_perm >= T_obs}) / (1 + n_perm)``. Weights are
    recomputed from each permutation's counts (the statistic is a function of the labels alone).
    With ``strata=None`` this is the unstratified test.

    Parameters
    ----------
    statements : DataFrame
        Needs ``by``, the ``strata`` column(s), ``article_id`` (``unit="article"``) and
        ``column`` for ``statistic="shares"``.
    vectors : array-like or None
        One row per statement row (not needed for ``"shares"``).
    a, b : Any
        The two groups of column ``by``.
    strata : str, list of str or None
        Stratum column(s) (default ``"frame"``); None: one stratum.
    statistic : {"energy", "centroid", "shares"}
    column : str, optional
        The categorical column for ``statistic="shares"``.
    metric : {"euclidean", "cosine"}
        Distance of the energy statistic.
    weights : {"harmonic", "size", "equal"}
        Pooling weights (module docstring).
    unit : {"article", "statement"}
        The permuted block.
    n_perm : int
        Random permutations.
    seed : int or numpy.random.Generator
    min_n : int
        ``small_n`` when either side has fewer blocks in the used strata.
    max_n : int
        Most statements per stratum for ``statistic="energy"``, whose distance matrix is
        ``n x n`` (200 MB at 5,000 statements, 33 GB at 64,000): a larger stratum is tested on
        a seeded random subset of its blocks (whole articles) holding at most ``max_n``
        statements, and ``subsampled`` says so. The test stays valid (the subset is drawn
        without looking at the vectors); it loses some power, which at that size is rarely
        short. ``"centroid"`` and ``"shares"`` cost ``O(n)`` and are never subsampled.

    Returns
    -------
    DataFrame
        One row: ``a``, ``b``, ``by``, ``strata`` (the column names, or ``"none"``), ``method``,
        ``metric``, ``weights``, ``unit``, ``statistic`` (observed), ``p_value``, ``n_perm``,
        ``n_strata`` (strata both sides use), ``n_a``, ``n_b`` (statements in them),
        ``units_a``, ``units_b`` (blocks, both counted in the tested rows), ``small_n``,
        ``subsampled`` (a stratum was above ``max_n``). No stratum shared: NaN p-value.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> table = pd.DataFrame({"side": ["x", "y"] * 30, "frame": [0, 0, 1, 1] * 15,
    ...                       "article_id": [f"n{i}" for i in range(60)]})
    >>> vecs = rng.normal(size=(60, 8)) + (table.side == "x").to_numpy()[:, None]
    >>> float(stratified_test(table, vecs, "x", "y", n_perm=199).p_value.iloc[0])
    0.005
    """
    where = f"stratified_test(a={a!r}, b={b!r}, by={by!r}, strata={strata!r})"
    if statistic not in STATISTICS:
        raise ValueError(f"{where}: statistic must be one of {STATISTICS}, got {statistic!r}")
    if metric not in METRICS:
        raise ValueError(f"{where}: metric must be one of {METRICS}, got {metric!r}")
    _check_common(where, n_perm=n_perm)
    B.check_positive("max_n", max_n, where, minimum=2)
    if statistic == "shares":
        if column is None:
            raise ValueError(f"{where}: statistic='shares' needs column= (the categories)")
        B.check_columns(statements, [column], where)
        if statements[column].isna().any():
            raise ValueError(f"{where}: column {column!r} has missing values")
        cats, _ = pd.factorize(statements[column], sort=True)
        x_all = np.eye(int(cats.max()) + 1 if len(cats) else 0)[cats]
    else:
        x_all = B.check_vectors(statements, vectors, where)
    table, positions, lab, names = _prepare(statements, a, b, by, strata, weights, unit, where)
    x_all = x_all[positions]
    rng = np.random.default_rng(seed)
    is_a = (table[by] == a).to_numpy()
    lab_arr = lab.to_numpy()
    parts = []                       # (distance fn, member matrix, block labels) per stratum
    n_a = n_b = units_a = units_b = 0
    subsampled = False
    for in_s, label_row, member, block_labels in _stratum_blocks(table, is_a, lab_arr, names,
                                                                 unit):
        if statistic == "energy" and in_s.sum() > max_n:
            in_s, label_row, member, block_labels = _subsample_blocks(
                table, in_s, is_a, member, block_labels, max_n, unit, rng)
            subsampled = True
        k = len(block_labels)
        parts.append((_distance_fn(x_all[in_s], statistic, metric), member, block_labels))
        n_a, n_b = n_a + int(label_row.sum()), n_b + int(len(label_row) - label_row.sum())
        units_a += int(block_labels.sum())
        units_b += int(k - block_labels.sum())
    row = {"a": a, "b": b, "by": by,
           "strata": "none" if strata is None else (strata if isinstance(strata, str)
                                                    else " | ".join(strata)),
           "method": statistic, "metric": metric if statistic == "energy" else
           ("cosine" if statistic == "centroid" else "total variation"),
           "weights": weights, "unit": unit, "statistic": np.nan, "p_value": np.nan,
           "n_perm": 0, "n_strata": len(parts), "n_a": n_a, "n_b": n_b, "units_a": units_a,
           "units_b": units_b, "small_n": min(units_a, units_b) < min_n,
           "subsampled": subsampled}
    if parts:
        def pooled(label_rows: list[np.ndarray]) -> np.ndarray:
            num = np.zeros(len(label_rows[0]))
            den = np.zeros(len(label_rows[0]))
            for (dist_fn, member, _), z_blocks in zip(parts, label_rows):
                z = z_blocks @ member
                na = z.sum(1)
                w = _weight(na, member.shape[1] - na, weights)
                num += w * dist_fn(z)
                den += w
            return num / den

        observed = float(pooled([p[2][None, :] for p in parts])[0])
        tol = 1e-9 * max(1.0, abs(observed))
        hits = 0
        for start in range(0, n_perm, _CHUNK):
            m = min(_CHUNK, n_perm - start)
            rows = [rng.permuted(np.tile(p[2], (m, 1)), axis=1) for p in parts]
            hits += int((pooled(rows) >= observed - tol).sum())
        row.update(statistic=observed, p_value=(1 + hits) / (1 + n_perm), n_perm=n_perm)
    out = pd.DataFrame([row], columns=TEST_COLUMNS)
    return out.astype({"statistic": "float64", "p_value": "float64", "n_perm": "int64",
                       "subsampled": "bool"})
