"""Cosine geometry with the same bits on any x86-64 CPU, BLAS kernel and thread count.

A BLAS matrix product of floats depends on the kernel (SSE, AVX2, AVX-512, FMA or not) and on
how the threads split the sums: the last bits differ between machines, and UMAP's optimisation
turns a last-bit difference in its neighbour distances or starting layout into another map. The
functions here give exact results instead:

* :func:`exact_cosine` puts the unit vectors on a grid of ``2**-26`` (integers in float64),
  multiplies them with BLAS and divides by the grid's norms. Every product and partial sum is an
  integer below ``2**53`` (by Cauchy-Schwarz, ``sum |q_i r_i| <= |q| |r|``, about ``2**52``), so float64
  adds them exactly, in any order, with or without FMA: the result is the same bits on every
  machine. The grid moves a cosine by less than ``1e-7``.
* :func:`exact_knn` takes the ``k`` nearest neighbours from those cosines, ties by row order.
* :func:`pca_init` is a starting layout for UMAP from an exact covariance; its eigenvectors come
  from LAPACK (last bits may differ), so it is rounded to 4 significant digits, far above that
  noise.
* :data:`UMAP_AB` holds UMAP's curve parameters for the ``min_dist`` values stance uses, so
  UMAP does not fit them with SciPy at run time (numpy's SIMD ``exp`` and ``power`` differ in the
  last bit between CPUs).

Examples
--------
>>> import numpy as np
>>> from stance._exact import exact_cosine
>>> x = np.array([[1.0, 0.0], [0.6, 0.8]])
>>> exact_cosine(x).round(6).tolist()
[[1.0, 0.6], [0.6, 1.0]]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: the grid of the exact products: unit vector components are multiples of 2**-GRID_BITS
GRID_BITS = 26
#: rows per block of the neighbour search (a block of cosines is ROWS x n float64)
ROWS = 1024
#: UMAP's ``(a, b)`` for ``spread=1`` and each ``min_dist`` used (``umap.umap_.find_ab_params``
#: on x86-64, rounded to 6 significant digits; tests/test_portability.py checks them)
UMAP_AB = {0.0: (1.93281, 0.790495), 0.1: (1.57694, 0.895061)}


def _grid(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit rows on the integer grid (float64) and the grid rows' norms."""
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {x.shape}")
    norms = np.sqrt((x * x).sum(axis=1, keepdims=True))
    unit = x / np.where(norms > 0, norms, 1.0)
    q = np.rint(np.ldexp(unit, GRID_BITS))
    # (q * q).sum: integers below 2**53, exact in any order
    qn = np.sqrt((q * q).sum(axis=1))
    return q, np.where(qn > 0, qn, 1.0)


def exact_cosine(vectors: np.ndarray, other: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarities of the rows of ``vectors`` (with ``other``'s rows, default itself),
    the same bits on any CPU and thread count.

    Parameters
    ----------
    vectors : (n, d) array
    other : (m, d) array or None

    Returns
    -------
    numpy.ndarray
        (n, m) float64 cosines in [-1, 1]; a zero vector has cosine 0 with everything.

    Examples
    --------
    >>> import numpy as np
    >>> c = exact_cosine(np.array([[3.0, 4.0], [4.0, 3.0]]))
    >>> round(float(c[0, 1]), 6)
    0.96
    """
    q, qn = _grid(vectors)
    r, rn = (q, qn) if other is None else _grid(other)
    dots = q @ r.T                      # exact: integer products and sums below 2**53
    return np.clip(dots / qn[:, None] / rn[None, :], -1.0, 1.0)


def exact_knn(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows of each row by cosine distance, itself first, exactly.

    Parameters
    ----------
    vectors : (n, d) array
    k : neighbours per row, counting the row itself (at most n)

    Returns
    -------
    (indices, distances)
        int64 ``(n, k)`` and float32 ``(n, k)`` cosine distances ``1 - cos`` in increasing order,
        ties by row number: what ``umap.UMAP(precomputed_knn=...)`` takes.

    Examples
    --------
    >>> import numpy as np
    >>> idx, dist = exact_knn(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]), 2)
    >>> idx.tolist()
    [[0, 1], [1, 0], [2, 1]]
    """
    q, qn = _grid(vectors)
    n = len(q)
    if not 1 <= k <= n:
        raise ValueError(f"exact_knn: k must be between 1 and the number of rows ({n}), got {k}")
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, ROWS):
        rows = np.arange(start, min(start + ROWS, n))
        d = 1.0 - np.clip((q[rows] @ q.T) / qn[rows, None] / qn[None, :], -1.0, 1.0)
        d[rows - start, rows] = -1.0                        # itself first, whatever the grid
        # a stable sort: ties in row order (the default quicksort's SIMD variants order ties
        # differently on different CPUs)
        idx[rows] = np.argsort(d, axis=1, kind="stable")[:, :k]
        dist[rows] = np.maximum(np.take_along_axis(d, idx[rows], axis=1), 0.0)
    return idx, dist


def pca_init(vectors: np.ndarray, n_components: int = 2) -> np.ndarray:
    """A starting layout for UMAP: the first principal components, rounded to 4 significant
    digits, scaled into [0, 10] as UMAP scales its own PCA start.

    The covariance is exact (integer grid, as in :func:`exact_cosine`); its eigenvectors come from
    LAPACK, whose last bits depend on the kernel, so each coordinate is rounded far above that
    noise. Signs are fixed (each component's largest coefficient is positive). Rows that would
    coincide are kept apart by their row order, never by random noise.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> pca_init(rng.normal(size=(6, 4))).shape
    (6, 2)
    """
    q, _ = _grid(vectors)
    n = len(q)
    q = np.rint(np.ldexp(q, 16 - GRID_BITS))   # a coarser grid (2**-16): q^T q stays exact
    sums = q.sum(axis=0)                                 # integers, exact
    cov = (q.T @ q) / n - np.outer(sums / n, sums / n)
    values, vecs = np.linalg.eigh(cov)
    top = vecs[:, np.argsort(-values, kind="stable")[:n_components]]
    top = top * np.where(top[np.abs(top).argmax(axis=0), np.arange(top.shape[1])] < 0, -1, 1)
    top = _round_significant(top, 4)
    xy = (q - sums / n) @ top
    xy = _round_significant(xy, 4)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    xy = np.round(10.0 * (xy - lo) / span, 4)
    # UMAP adds random noise to a start with repeated rows; stance spreads them by row order
    _, counts = np.unique(xy, axis=0, return_counts=True)
    if (counts > 1).any():
        seen: dict[tuple[float, ...], int] = {}
        for i, row in enumerate(xy):
            key = tuple(row)
            seen[key] = seen.get(key, -1) + 1
            xy[i, 0] += 1e-3 * seen[key]
    return xy.astype(np.float32)


def _round_significant(x: np.ndarray, digits: int) -> np.ndarray:
    """``x`` rounded to ``digits`` significant digits of its largest absolute value."""
    scale = float(np.abs(x).max()) if x.size else 0.0
    if scale == 0.0:
        return x
    decimals = digits - 1 - math.floor(math.log10(scale))
    return np.round(x, decimals)


def portable_umap(vectors: np.ndarray, *, n_components: int, n_neighbors: int, min_dist: float,
                  random_state: int) -> Any:
    """A ``umap.UMAP`` whose result depends only on the vectors' bits: exact cosine neighbours,
    :func:`pca_init` as its start, fixed ``a``/``b`` (:data:`UMAP_AB`), one thread.

    Call ``fit_transform(vectors)`` with the same vectors. Numba's kernels must be compiled for
    a generic CPU (``stance._runtime`` sets it when stance is imported).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(30, 8))
    >>> reducer = portable_umap(x, n_components=2, n_neighbors=10, min_dist=0.1,
    ...                         random_state=0)
    >>> reducer.fit_transform(x).shape  # doctest: +SKIP
    (30, 2)
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from umap import UMAP

    if min_dist not in UMAP_AB:
        raise ValueError(f"portable_umap: min_dist {min_dist} has no fixed a, b "
                         f"(known: {sorted(UMAP_AB)})")
    a, b = UMAP_AB[min_dist]
    knn = exact_knn(vectors, n_neighbors)
    return UMAP(n_components=n_components, n_neighbors=n_neighbors, min_dist=min_dist,
                metric="cosine", a=a, b=b, init=pca_init(vectors, n_components),
                precomputed_knn=(knn[0], knn[1], None), random_state=random_state, n_jobs=1)


class PortableUMAP:
    """UMAP with the fixed settings of :func:`portable_umap`, built when ``fit_transform`` sees
    the vectors (the exact neighbours and the start come from them).

    Examples
    --------
    >>> import numpy as np
    >>> r = PortableUMAP(n_components=5, n_neighbors=10, min_dist=0.0, random_state=0)
    >>> r.fit_transform(np.random.default_rng(0).normal(size=(30, 8))).shape  # doctest: +SKIP
    (30, 5)
    """

    metric = "cosine"

    def __init__(self, n_components: int, n_neighbors: int, min_dist: float,
                 random_state: int) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.random_state = random_state

    def fit_transform(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        """Fit UMAP on ``X`` (exact neighbours, exact start) and return the float32 layout."""
        import warnings

        reducer = portable_umap(X, n_components=self.n_components, n_neighbors=self.n_neighbors,
                                min_dist=self.min_dist, random_state=self.random_state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reducer.fit_transform(np.asarray(X, dtype=np.float32))

    def __repr__(self) -> str:
        return (f"UMAP(n_components={self.n_components}, n_neighbors={self.n_neighbors}, "
                f"min_dist={self.min_dist}, metric='cosine', random_state={self.random_state}, "
                "exact cosine neighbours, PCA start)")
