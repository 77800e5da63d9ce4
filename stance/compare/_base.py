"""Shared plumbing of :mod:`stance.compare`: input checks, time bins, groups and the
article-level (cluster) bootstrap.

Conventions used by every comparison:

* ``by`` names any column of the statements table (``"speaker"``, ``"side"``, ``"speaker_name"``,
  ``"frame"``, ...); output tables carry that column under the same name.
* ``freq`` is a pandas frequency applied to the ``date`` column (``"D"``, ``"W"``, ``"2W"``,
  ``"MS"``, ...). ``None`` puts all statements in one bin. Output tables carry ``bin`` (first day of
  the bin) and ``bin_end`` (last day); with ``freq=None`` these are the first and last date seen.
* ``unit`` is the resampling unit of bootstraps and permutations: ``"article"`` (statements of one
  article move together, the default) or ``"statement"`` (statements treated as independent).
* ``small_n`` is True when a cell has fewer than ``min_n`` units (articles, or statements when
  ``unit="statement"``): its interval rests on too few independent observations to trust.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

ARTICLE_COL = "article_id"
UNITS = ("article", "statement")

#: pandas "start" frequencies that have no Period equivalent, mapped to the Period alias
_PERIOD_ALIASES = {"MS": "M", "QS": "Q", "QS-JAN": "Q", "YS": "Y", "YS-JAN": "Y", "AS": "Y",
                   "AS-JAN": "Y"}


def check_columns(statements: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    """Raise ``ValueError`` naming the missing columns (and the call that needs them)."""
    if not isinstance(statements, pd.DataFrame):
        raise TypeError(f"{where}: statements must be a pandas DataFrame, "
                        f"got {type(statements).__name__}")
    missing = [c for c in dict.fromkeys(columns) if c not in statements.columns]
    if missing:
        raise ValueError(f"{where}: statements table is missing column(s) {missing}; "
                         f"it has {list(statements.columns)}")


def check_unit(unit: str, where: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"{where}: unit must be one of {UNITS}, got {unit!r}")


def check_group_values(statements: pd.DataFrame, by: str, where: str) -> None:
    """Missing group values would be dropped silently by ``groupby``: refuse them."""
    n_missing = int(statements[by].isna().sum())
    if n_missing:
        raise ValueError(f"{where}: column {by!r} has {n_missing} missing value(s); fill them "
                         f"(for example with 'unknown') or drop those rows first")


def check_vectors(statements: pd.DataFrame, vectors: Any, where: str) -> np.ndarray:
    """Return the vectors as float64 rows of unit length, one per statement row.

    Raises ``ValueError`` when the shape does not match the table or a row is zero or not finite.
    """
    arr = np.asarray(vectors, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{where}: vectors must be a 2-D array (one row per statement), "
                         f"got shape {arr.shape}")
    if arr.shape[0] != len(statements):
        raise ValueError(f"{where}: vectors has {arr.shape[0]} rows but statements has "
                         f"{len(statements)}; pass one vector per statement row, in table order")
    if not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=1))
        raise ValueError(f"{where}: vectors has non-finite values in row(s) {bad[:10].tolist()}")
    norms = np.linalg.norm(arr, axis=1)
    if (norms == 0).any():
        bad = np.flatnonzero(norms == 0)
        raise ValueError(f"{where}: vectors has all-zero row(s) {bad[:10].tolist()}")
    return arr / norms[:, None]


def sorted_unique(values: pd.Series | Sequence[Any]) -> list[Any]:
    """Distinct values in a deterministic order (sorted; by ``str`` when types are mixed)."""
    uniq = list(pd.unique(pd.Series(values)))
    try:
        return sorted(uniq)
    except TypeError:
        return sorted(uniq, key=str)


def select_groups(statements: pd.DataFrame, by: str, groups: Sequence[Any] | None,
                  where: str) -> list[Any]:
    """The groups to report: all of column ``by`` (sorted) or the given ones, checked to exist."""
    present = sorted_unique(statements[by])
    if groups is None:
        return present
    known = set(present)
    unknown = [g for g in groups if g not in known]
    if unknown:
        raise ValueError(f"{where}: group(s) {unknown} not found in column {by!r}; "
                         f"known groups: {present}")
    return list(dict.fromkeys(groups))


def check_group(statements: pd.DataFrame, by: str, group: Any, where: str) -> None:
    select_groups(statements, by, [group], where)


def _period_freq(freq: str) -> tuple[str, int]:
    """The Period alias and multiple of a pandas frequency string (``"2W"`` -> ``("W-SUN", 2)``)."""
    try:
        offset = to_offset(freq)
    except ValueError as err:
        raise ValueError(f"freq {freq!r} is not a pandas frequency (try 'D', 'W', 'MS')") from err
    base = offset.base.freqstr
    base = _PERIOD_ALIASES.get(base, base)
    try:
        pd.Period("2020-01-01", freq=base)
    except (ValueError, TypeError) as err:
        raise ValueError(f"freq {freq!r} cannot be used as a time bin; use a calendar frequency "
                         f"such as 'D', '3D', 'W', 'W-MON', '2W', 'MS', 'QS'") from err
    return base, int(offset.n)


def time_bins(statements: pd.DataFrame, freq: str | None, where: str) -> pd.DataFrame:
    """Per row: ``bin`` (first day), ``bin_end`` (last day) and ``bin_index`` (0, 1, ... counted
    in bins from the first bin, so gaps show as jumps) of each statement's ``date``."""
    n = len(statements)
    if freq is None:
        if "date" in statements.columns and n:
            dates = pd.to_datetime(statements["date"])
            start, end = dates.min(), dates.max()
        else:
            start = end = pd.NaT
        return pd.DataFrame({"bin": pd.DatetimeIndex([start] * n, dtype="datetime64[ns]"),
                             "bin_end": pd.DatetimeIndex([end] * n, dtype="datetime64[ns]"),
                             "bin_index": np.zeros(n, dtype=np.int64)},
                            index=statements.index)
    check_columns(statements, ["date"], where)
    dates = pd.to_datetime(statements["date"])
    if dates.isna().any():
        raise ValueError(f"{where}: {int(dates.isna().sum())} statement(s) have no date; "
                         f"time bins (freq={freq!r}) need a date on every row")
    base, mult = _period_freq(freq)
    ordinals = np.asarray(dates.dt.to_period(base).array.asi8, dtype=np.int64)
    first = np.floor_divide(ordinals, mult) * mult
    start = pd.PeriodIndex.from_ordinals(first, freq=base).start_time
    end = pd.PeriodIndex.from_ordinals(first + mult - 1, freq=base).end_time
    out = pd.DataFrame({"bin": np.asarray(start.normalize(), dtype="datetime64[ns]"),
                        "bin_end": np.asarray(end.normalize(), dtype="datetime64[ns]"),
                        "bin_index": (first - (first.min() if n else 0)) // mult},
                       index=statements.index)
    return out


def unit_codes(statements: pd.DataFrame, unit: str) -> np.ndarray:
    """Integer code of each row's resampling unit (its article, or the row itself)."""
    if unit == "statement":
        return np.arange(len(statements))
    codes, _ = pd.factorize(statements[ARTICLE_COL].astype(str), sort=True)
    return codes


def boot_weights(rng: np.random.Generator, m: int, n_boot: int) -> np.ndarray:
    """Bootstrap weights for ``m`` units: how often each unit is drawn, ``(n_boot, m)``."""
    return rng.multinomial(m, np.full(m, 1.0 / m), size=n_boot)


def percentile(samples: np.ndarray, ci: float, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval at level ``ci`` (NaN-aware)."""
    if not 0 < ci < 1:
        raise ValueError(f"ci must lie strictly between 0 and 1, got {ci}")
    tail = (1 - ci) / 2
    lo = np.nanquantile(samples, tail, axis=axis)
    hi = np.nanquantile(samples, 1 - tail, axis=axis)
    return lo, hi


def check_positive(name: str, value: int, where: str, minimum: int = 1) -> None:
    if not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}, got {value!r}")


def unit_cosine(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norms > 0, x / np.where(norms > 0, norms, 1), 0.0)


def cell_sums(vectors: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per unit (article) the sum of its vectors and its number of statements."""
    uniq, inv = np.unique(units, return_inverse=True)
    sums = np.zeros((len(uniq), vectors.shape[1]))
    np.add.at(sums, inv, vectors)
    counts = np.bincount(inv, minlength=len(uniq)).astype(np.float64)
    return sums, counts


def boot_centroids(vectors: np.ndarray, units: np.ndarray, rng: np.random.Generator,
                   n_boot: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit-level bootstrap of the mean vector of one cell.

    Returns ``(sums, counts, boot_sums, boot_counts)``: the cell's vector sum and size, and those
    of each bootstrap replicate (units drawn with replacement; shapes ``(n_boot, d)`` and
    ``(n_boot,)``).
    """
    per_sum, per_n = cell_sums(vectors, units)
    w = boot_weights(rng, len(per_n), n_boot).astype(np.float64)
    return per_sum.sum(0), per_n.sum(), w @ per_sum, w @ per_n


def bias_corrected(estimate: float, samples: np.ndarray, ci: float,
                   bounds: tuple[float, float] | None = (-1.0, 1.0)
                   ) -> tuple[float, float, float]:
    """Bootstrap bias-corrected estimate and basic (reverse percentile) interval.

    For statistics with a sizeable small-sample bias, such as the cosine of two estimated
    centroids (noise shortens centroids and pulls their cosine towards 0), the percentile
    interval can miss its own estimate. Here ``corrected = 2 * estimate - mean(samples)`` and the
    interval is ``[2 * estimate - q_high, 2 * estimate - q_low]`` (Davison and Hinkley 1997,
    sec. 5.2), both clipped to ``bounds``; the interval contains ``corrected`` whenever the mean of
    the replicates lies within their central ``ci`` range.
    """
    samples = np.asarray(samples, dtype=np.float64)
    q_lo, q_hi = percentile(samples, ci)
    corrected = 2 * estimate - float(np.nanmean(samples))
    lo, hi = 2 * estimate - float(q_hi), 2 * estimate - float(q_lo)
    if bounds is not None:
        corrected, lo, hi = (float(np.clip(v, *bounds)) for v in (corrected, lo, hi))
    return corrected, lo, hi


def check_inputs(statements: pd.DataFrame, by: str, where: str, *, unit: str = "article",
                 columns: Sequence[str] = (), n_boot: int | None = None, min_boot: int = 0,
                 groups: Sequence[Any] | None = None) -> list[Any]:
    """The checks every comparison starts with; returns the groups to report.

    Checks ``unit``, that ``by``, ``columns`` and (``unit="article"``) ``article_id`` exist, that
    ``n_boot`` is an integer ``>= min_boot`` and that ``by`` has no missing values."""
    check_unit(unit, where)
    check_columns(statements, [by, *columns] + ([ARTICLE_COL] if unit == "article" else []),
                  where)
    if n_boot is not None:
        check_positive("n_boot", n_boot, where, minimum=min_boot)
    check_group_values(statements, by, where)
    return select_groups(statements, by, groups, where)


def iter_bins(bins: pd.DataFrame, within: np.ndarray | None = None):
    """Yield ``(mask, bin, bin_end)`` per time bin in order (rows of ``bins`` from
    :func:`time_bins`; with ``within``, only bins that hold some of those rows). Bins are told
    apart by ``bin_index``, so a table without dates (``bin`` NaT) still has its one bin."""
    index = bins["bin_index"].to_numpy()
    present = index if within is None else index[within]
    for value in np.unique(present):
        mask = index == value
        first = int(np.flatnonzero(mask)[0])
        yield mask, bins["bin"].iloc[first], bins["bin_end"].iloc[first]


def example_statements() -> tuple[pd.DataFrame, np.ndarray]:
    """A tiny statements table and unit vectors for trying the comparisons (the docstring
    examples of :mod:`stance.compare` use it): 8 statements of two sides in 4 articles over two
    weeks, with ``article_id``, ``side``, ``frame``, ``date`` and ``text``, and seeded random
    16-dimensional vectors.

    Examples
    --------
    >>> statements, vectors = example_statements()
    >>> statements.shape, vectors.shape
    ((8, 5), (8, 16))
    >>> sorted(statements["side"].unique())
    ['armenia', 'azerbaijan']
    """
    statements = pd.DataFrame({
        "article_id": ["a1", "a1", "a2", "a2", "a3", "a3", "a4", "a4"],
        "side": ["armenia", "azerbaijan"] * 4,
        "frame": [0, 1, 0, 1, 0, 0, 1, 1],
        "date": pd.to_datetime(["2020-10-01"] * 2 + ["2020-10-03"] * 2
                               + ["2020-10-09"] * 2 + ["2020-10-12"] * 2),
        "text": ["civilians were killed in the shelling", "military targets were destroyed",
                 "the shelling of civilians must stop", "our army destroyed enemy positions",
                 "civilians fled the city", "the city was shelled again",
                 "the army advanced and took positions", "military positions were taken"]})
    vectors = np.random.default_rng(0).normal(size=(8, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return statements, vectors


class Membership:
    """Which block each statement belongs to, behaving as the ``(k, n)`` 0/1 membership matrix
    in ``z @ member`` (``z`` of shape ``(p, k)``: each block's value given to its statements)
    without holding it: ``z[:, blocks]``, the same numbers as the dense product (one 1 per
    column), in ``O(p n)`` memory instead of ``O(k n)`` (10 GB at 20,000 blocks and 64,000
    statements).

    Examples
    --------
    >>> import numpy as np
    >>> member = Membership(np.array([0, 0, 1]), 2)
    >>> np.array([[1.0, 0.0]]) @ member
    array([[1., 1., 0.]])
    >>> member.shape
    (2, 3)
    """

    __array_ufunc__ = None  # numpy defers ``ndarray @ Membership`` to ``__rmatmul__``

    def __init__(self, blocks: np.ndarray, k: int) -> None:
        self.blocks = np.asarray(blocks, dtype=np.intp)
        self.shape = (int(k), len(self.blocks))

    def __rmatmul__(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z)[..., self.blocks]

