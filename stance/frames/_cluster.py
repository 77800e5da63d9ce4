"""The reducers and clusterers ``FrameModel`` chooses from, and the small-input clusterer.

``SilhouetteAgglomerative`` is the clusterer for small inputs (the default corpus gives about
fifteen statements): UMAP needs a neighbour graph and HDBSCAN density estimates that a handful of
points cannot support, while average-linkage agglomerative clustering on cosine distance is
well defined for any number of points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.metrics import silhouette_score

#: cosine distance used to decide whether two or fewer statements form one frame, and below which
#: the whole input is one frame (calibrated on all-MiniLM-L6-v2: sentences on one topic lie at
#: ~0.67 on average, sentences on unrelated topics at ~0.94)
FALLBACK_DISTANCE = 0.75
#: if every statement lies within this average cosine distance of the others: one frame
ONE_FRAME_DISTANCE = 0.5
#: a member whose average cosine similarity to the rest of its cluster is below this is nearly
#: unrelated to it (unrelated topics average ~0.06 with all-MiniLM-L6-v2, one topic ~0.33) and
#: becomes an outlier: a silhouette cut otherwise absorbs stray statements into some cluster
MIN_MEMBER_SIMILARITY = 0.125
#: the most statements ``SilhouetteAgglomerative`` takes (it holds all pairwise distances)
MAX_POINTS = 20_000


class SilhouetteAgglomerative:
    """Average-linkage agglomerative clustering on cosine distance (scipy), cut automatically.

    ``distance_threshold`` given: cut the dendrogram there. Otherwise: among the cuts into
    2 .. ``max_clusters`` (default ``min(n - 1, 100)``) clusters, take the fewest clusters whose mean
    silhouette (cosine; Rousseeuw 1987) is within ``tolerance`` of the best -- on short, loosely
    related statements the silhouette curve is flat, and its exact maximum can fall on a cut into
    many singletons -- and one cluster when the root merge lies below
    ``ONE_FRAME_DISTANCE``; with fewer than three points, ``FALLBACK_DISTANCE`` is the cut.
    Then a member whose average cosine similarity to the rest of its cluster is below
    ``min_member_similarity`` is an outlier (-1), as are clusters smaller than
    ``min_cluster_size``, like HDBSCAN's noise.
    After ``fit_predict``: ``labels_``, ``n_clusters_``, ``silhouette_`` (None if not used),
    ``description_``.
    """

    def __init__(self, distance_threshold: float | None = None, max_clusters: int | None = None,
                 min_cluster_size: int = 2,
                 min_member_similarity: float = MIN_MEMBER_SIMILARITY,
                 tolerance: float = 0.01) -> None:
        self.distance_threshold = distance_threshold
        self.max_clusters = max_clusters
        self.min_cluster_size = min_cluster_size
        self.min_member_similarity = min_member_similarity
        self.tolerance = tolerance

    def __repr__(self) -> str:
        return (f"SilhouetteAgglomerative(distance_threshold={self.distance_threshold}, "
                f"max_clusters={self.max_clusters}, min_cluster_size={self.min_cluster_size}, "
                f"min_member_similarity={self.min_member_similarity}, "
                f"tolerance={self.tolerance})")

    def fit_predict(self, X: np.ndarray, y: Any = None) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        self.silhouette_: float | None = None
        if n == 0:
            labels = np.zeros(0, dtype=np.int64)
            how = "no statements"
        elif n == 1:
            labels = np.zeros(1, dtype=np.int64)
            how = "one statement"
        elif n > MAX_POINTS:
            raise ValueError(f"agglomerative clustering of {n} statements needs {n * n // 2:,} "
                             f"distances; it is meant for small inputs (at most {MAX_POINTS:,}). "
                             "Use clusterer='hdbscan' (the default from 50 statements)")
        else:
            dist = np.clip(pdist(X, metric="cosine"), 0.0, 2.0)
            tree = linkage(dist, method="average")
            root = float(tree[-1, 2])
            if self.distance_threshold is not None:
                labels = fcluster(tree, t=self.distance_threshold, criterion="distance")
                how = f"cut at cosine distance {self.distance_threshold}"
            elif n < 3:
                labels = fcluster(tree, t=FALLBACK_DISTANCE, criterion="distance")
                how = f"{n} statements: cut at cosine distance {FALLBACK_DISTANCE}"
            elif root < ONE_FRAME_DISTANCE:
                labels = np.ones(n, dtype=np.int64)
                how = (f"all statements within average cosine distance {root:.2f} "
                       f"< {ONE_FRAME_DISTANCE}: one cluster")
            else:
                labels, how = self._best_cut(tree, dist, n)
            labels = np.asarray(labels, dtype=np.int64) - 1
            labels = _drop_strays(X, labels, self.min_member_similarity)
        labels = _drop_small(labels, self.min_cluster_size)
        self.labels_ = labels
        self.n_clusters_ = len(set(labels.tolist()) - {-1})
        self.description_ = how
        return labels

    def _best_cut(self, tree: np.ndarray, dist: np.ndarray, n: int) -> tuple[np.ndarray, str]:
        from scipy.spatial.distance import squareform

        square = squareform(dist)
        k_max = min(n - 1, self.max_clusters or 100)
        scores: list[tuple[int, float, np.ndarray]] = []
        for k in range(2, k_max + 1):
            labels = fcluster(tree, t=k, criterion="maxclust")
            if len(set(labels.tolist())) < 2:
                continue
            scores.append((k, float(silhouette_score(square, labels, metric="precomputed")),
                           labels))
        if not scores:  # pragma: no cover - identical points; fcluster cannot split them
            return np.ones(n, dtype=np.int64), "identical statements: one cluster"
        best = max(score for _, score, _ in scores)
        k, score, labels = next(item for item in scores if item[1] >= best - self.tolerance)
        self.silhouette_ = score
        return labels, (f"cut into {k} clusters, the fewest with a mean silhouette ({score:.3f}) "
                        f"within {self.tolerance} of the best ({best:.3f}) among 2..{k_max}")


def _drop_strays(X: np.ndarray, labels: np.ndarray, min_similarity: float) -> np.ndarray:
    """Members whose mean cosine similarity to the other members of their cluster is too low."""
    unit = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    out = labels.copy()
    for c in np.unique(labels[labels >= 0]):
        idx = np.flatnonzero(labels == c)
        if len(idx) < 2:
            continue
        sims = unit[idx] @ unit[idx].T
        mean_to_rest = (sims.sum(axis=1) - np.diag(sims)) / (len(idx) - 1)
        out[idx[mean_to_rest < min_similarity]] = -1
    return out


def _drop_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    out = labels.copy()
    if min_size > 1 and len(out):
        ids, counts = np.unique(out[out >= 0], return_counts=True)
        for i, c in zip(ids, counts, strict=True):
            if c < min_size:
                out[out == i] = -1
    return out


def umap_reducer(n: int, random_state: int) -> Any:
    """UMAP to 5 dimensions on cosine distance, as BERTopic does, with a fixed seed, made
    portable (:class:`stance._exact.PortableUMAP`: exact cosine neighbours, a rounded PCA start,
    fixed curve parameters), so the frames are the same on any x86-64 CPU."""
    from stance._exact import PortableUMAP

    return PortableUMAP(n_components=5, n_neighbors=min(15, n - 1), min_dist=0.0,
                        random_state=random_state)


def hdbscan_clusterer(min_cluster_size: int) -> Any:
    """scikit-learn's HDBSCAN (excess of mass) on the reduced vectors."""
    from sklearn.cluster import HDBSCAN

    return HDBSCAN(min_cluster_size=min_cluster_size, copy=True)


def default_min_cluster_size(n: int) -> int:
    """HDBSCAN's smallest frame for ``n`` statements: ``max(5, round(sqrt(n) / 2))``
    (5 for up to 100 statements, 16 for 1,000, 50 for 10,000)."""
    return max(5, round(float(np.sqrt(n)) / 2))
