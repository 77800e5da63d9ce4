"""``FrameModel``: group statement embeddings into frames and describe each frame.

In scikit-learn style: parameters in ``__init__``, ``fit(statements, vectors)``, results in
attributes ending in ``_``. The stages are pluggable as in BERTopic: a reducer (anything with
``fit_transform``) and a clusterer (anything with ``fit_predict`` or ``fit`` + ``labels_``; label
-1 means outlier). With ``"auto"`` (the default) the method depends on the input size:

* fewer than ``small_threshold`` (50) statements: no reducer; average-linkage agglomerative
  clustering on cosine distance, cut by the best silhouette (``SilhouetteAgglomerative``).
  UMAP's neighbour graph and HDBSCAN's density estimates are unreliable on a handful of points.
* otherwise: UMAP (5 dimensions, cosine, ``random_state``) then scikit-learn's HDBSCAN with
  ``min_cluster_size = max(5, round(sqrt(n) / 2))``.

Frames are numbered 0, 1, ... by decreasing size (ties: first statement), so ids do not depend on
the clusterer's own numbering. Each frame gets class-based TF-IDF keywords (``stance.frames._ctfidf``), a
label made of its top three keywords, and its most representative statements (closest to the
frame centroid). With ``mask_terms`` (a registry, or a list of names) the keywords are computed
on the texts with the parties' names and aliases masked (``stance.frames.party_terms`` and
``mask_terms``), so a frame is never called after a side or a speaker ("azerbaijan / forces /
azerbaijani"); ``stance run`` passes the corpus's registry. ``method_`` says which reducer and
clusterer ran and why.

The scikit-learn contract it follows is that of a clusterer with a transform (``KMeans``):
``fit`` returns the model; ``fit_predict`` returns the frame of each training statement
(``labels_``); ``predict`` assigns new statements to the nearest frame centroid (cosine, in
embedding space), or -1 when it lies farther from that centroid than any training member of the
frame (``assign_threshold="auto"``; a float sets one minimum cosine similarity for all frames;
None always assigns); ``transform`` gives the cosine similarity of each statement to each frame
centroid (one column per frame id); a model that is not fitted raises scikit-learn's
``NotFittedError``. Unlike scikit-learn, every method takes ``(statements, vectors)``, as
BERTopic's ``fit(documents, embeddings)`` does: the texts are needed for the keywords, and
``statements`` may be None after fitting. ``save(dir)`` / ``FrameModel.load(dir)`` use JSON and
``.npy`` only (no pickle).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from stance.frames._cluster import (
    SilhouetteAgglomerative,
    default_min_cluster_size,
    hdbscan_clusterer,
    umap_reducer,
)
from stance.frames._ctfidf import class_tfidf, mask_terms, party_terms

FORMAT = "stance.FrameModel"
FORMAT_VERSION = 1
FRAME_COLUMNS = ["frame", "label", "keywords", "size", "representatives", "representative_rows"]


class FrameModel(BaseEstimator):
    """Find frames in statement embeddings.

    Parameters
    ----------
    reducer: ``"auto"``, ``"umap"``, ``None``/``"none"`` (cluster the embeddings themselves) or an
        object with ``fit_transform``.
    clusterer: ``"auto"``, ``"hdbscan"``, ``"agglomerative"`` or an object with ``fit_predict``
        (or ``fit`` and ``labels_``); -1 marks outliers.
    small_threshold: below this many statements ``"auto"`` means agglomerative, no reducer.
    min_frame_size: smallest frame (HDBSCAN ``min_cluster_size``; agglomerative clusters below it
        become outliers). None: 2 for agglomerative, ``max(5, round(sqrt(n) / 2))`` for HDBSCAN.
    distance_threshold: agglomerative cut (cosine distance); None chooses it by silhouette.
    reassign_outliers: give every outlier the frame of its nearest centroid.
    n_keywords, n_representatives: per frame.
    assign_threshold: for ``transform``; see the module docstring.
    random_state: seed of the reducer (UMAP) and of the fitting sample.
    text_column: column of ``statements`` holding the text.
    max_fit: above this many statements, the reducer and clusterer are fitted on a random sample
        of ``max_fit`` statements (seeded by ``random_state``) and every other statement joins the
        frame of its nearest centroid (cosine; -1 when farther than the frame's farthest sampled
        member, unless ``reassign_outliers``), so the cost grows linearly beyond it. None: fit
        on all.
    mask_terms: names left out of the keywords: a :class:`stance.speakers.Registry` (its sides',
        speakers' names and aliases, :func:`stance.frames.party_terms`) or a list of terms;
        None keeps every word. The representatives keep the original text.

    Examples
    --------
    >>> import numpy as np
    >>> from stance import FrameModel
    >>> rng = np.random.default_rng(0)
    >>> centres = rng.normal(size=(2, 32))
    >>> vectors = np.vstack([c + 0.1 * rng.normal(size=(6, 32)) for c in centres])
    >>> texts = ["the army shelled the city"] * 6 + ["talks on a ceasefire began"] * 6
    >>> model = FrameModel().fit(texts, vectors)
    >>> model.frames_["size"].tolist()
    [6, 6]
    >>> model.statements_["frame"].tolist()
    [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    """

    def __init__(self, reducer: Any = "auto", clusterer: Any = "auto", *,
                 small_threshold: int = 50, min_frame_size: int | None = None,
                 distance_threshold: float | None = None, reassign_outliers: bool = False,
                 n_keywords: int = 8, n_representatives: int = 3,
                 assign_threshold: float | str | None = "auto", random_state: int = 0,
                 text_column: str = "text", max_fit: int | None = 20_000,
                 mask_terms: Any = None) -> None:
        self.reducer = reducer
        self.clusterer = clusterer
        self.small_threshold = small_threshold
        self.min_frame_size = min_frame_size
        self.distance_threshold = distance_threshold
        self.reassign_outliers = reassign_outliers
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.assign_threshold = assign_threshold
        self.random_state = random_state
        self.text_column = text_column
        self.max_fit = max_fit
        self.mask_terms = mask_terms

    # ------------------------------------------------------------------------------------ fit

    def fit(self, statements: pd.DataFrame | list[str], vectors: np.ndarray) -> FrameModel:
        """Cluster ``vectors`` (one row per statement) into frames and describe them."""
        table = self._table(statements)
        X = _check_vectors(vectors, len(table), "fit")
        n = len(table)
        sample = _fit_sample(n, self.max_fit, self.random_state)
        Xs = X if sample is None else X[sample]
        reducer, clusterer, why = self._components(len(Xs))
        reduced = Xs
        if reducer is not None:
            reduced = np.asarray(reducer.fit_transform(Xs), dtype=np.float64)
        raw = _cluster(clusterer, reduced, len(Xs))
        labels = _canonical(raw)
        if sample is not None:
            labels = _canonical(_extend(X, sample, labels))
            why += (f"; fitted on a random sample of {len(sample)} statements (max_fit), the "
                    "others assigned to the nearest frame centroid")
        n_outliers_found = int((labels < 0).sum())
        centroids = _centroids(X, labels)
        if self.reassign_outliers and len(centroids) and n_outliers_found:
            out = labels < 0
            labels[out] = np.argmax(X[out] @ centroids.T, axis=1)
            centroids = _centroids(X, labels)

        centroids = centroids.astype(np.float32).astype(np.float64)  # as saved and used later
        self.labels_ = labels
        self.centroids_ = centroids.astype(np.float32)
        self.radius_ = _radii(X, labels, centroids)
        self.n_features_in_ = X.shape[1]
        self.reduced_ = reduced if reducer is not None else None
        self.statements_ = table.assign(frame=labels.astype("int64"))
        self.frames_ = self._describe(table, X, labels, centroids)
        detail = getattr(clusterer, "description_", "")
        self.method_ = (
            f"{n} statements; {why}. Reducer: {_name(reducer)}. Clusterer: {_name(clusterer)}"
            + (f" ({detail})" if detail else "")
            + f". {len(centroids)} frames, {n_outliers_found} outliers"
            + (" (reassigned to the nearest frame centroid)" if self.reassign_outliers
               and n_outliers_found and len(centroids) else "")
            + ". Keywords: class-based TF-IDF (CountVectorizer, English stop words, 1-2-grams"
            + (f"; {len(self._mask_list())} party names and aliases masked"
               if self._mask_list() else "") + ");"
            f" representatives: the {self.n_representatives} statements closest to the centroid."
        )
        return self

    def _table(self, statements: pd.DataFrame | list[str]) -> pd.DataFrame:
        if isinstance(statements, pd.DataFrame):
            if self.text_column not in statements.columns:
                raise ValueError(f"FrameModel: the statements table has no {self.text_column!r} "
                                 f"column (columns: {list(statements.columns)})")
            table = statements.reset_index(drop=True).copy()
        else:
            table = pd.DataFrame({self.text_column: list(statements)})
        if "frame" in table.columns:
            table = table.drop(columns="frame")
        table[self.text_column] = table[self.text_column].fillna("").astype(str)
        return table

    def _components(self, n: int) -> tuple[Any, Any, str]:
        reducer, clusterer = self.reducer, self.clusterer
        small = n < self.small_threshold
        if small:
            why = (f"fewer than small_threshold={self.small_threshold}, where UMAP and HDBSCAN "
                   "are unreliable")
        else:
            why = f"at least small_threshold={self.small_threshold}"
        if isinstance(reducer, str) and reducer.startswith("custom:"):
            raise ValueError(f"FrameModel was loaded with a custom reducer ({reducer[7:]}); pass "
                             "the reducer object again to refit")
        if isinstance(clusterer, str) and clusterer.startswith("custom:"):
            raise ValueError(f"FrameModel was loaded with a custom clusterer ({clusterer[7:]}); "
                             "pass the clusterer object again to refit")
        if reducer == "auto":
            reducer = None if small else "umap"
        if clusterer == "auto":
            clusterer = "agglomerative" if small else "hdbscan"
        if reducer == "umap":
            if n < 10:
                raise ValueError(f"FrameModel: UMAP needs at least 10 statements, got {n}; use "
                                 "reducer='auto' or None")
            reducer = umap_reducer(n, self.random_state)
        elif reducer is None or reducer == "none":
            reducer = None
        elif isinstance(reducer, str):
            raise ValueError(f"FrameModel: unknown reducer {reducer!r}; use 'auto', 'umap', None "
                             "or an object with fit_transform")
        elif not hasattr(reducer, "fit_transform"):
            raise TypeError(f"FrameModel: reducer {reducer!r} has no fit_transform method")
        if clusterer == "agglomerative":
            clusterer = SilhouetteAgglomerative(self.distance_threshold,
                                                min_cluster_size=self.min_frame_size or 2)
        elif clusterer == "hdbscan":
            clusterer = hdbscan_clusterer(self.min_frame_size or default_min_cluster_size(n))
        elif isinstance(clusterer, str):
            raise ValueError(f"FrameModel: unknown clusterer {clusterer!r}; use 'auto', "
                             "'hdbscan', 'agglomerative' or an object with fit_predict")
        elif not (hasattr(clusterer, "fit_predict") or hasattr(clusterer, "fit")):
            raise TypeError(f"FrameModel: clusterer {clusterer!r} has neither fit_predict nor fit")
        return reducer, clusterer, why

    def _mask_list(self) -> list[str]:
        """The terms ``mask_terms`` stands for (a registry's party names, or the list given)."""
        mask = self.mask_terms
        if mask is None:
            return []
        if hasattr(mask, "speakers") and hasattr(mask, "sides"):
            return party_terms(mask)
        if isinstance(mask, str):
            raise TypeError("FrameModel: mask_terms must be a registry or a list of terms, "
                            f"not the string {mask!r}")
        return [str(t) for t in mask]

    def _describe(self, table: pd.DataFrame, X: np.ndarray, labels: np.ndarray,
                  centroids: np.ndarray) -> pd.DataFrame:
        texts = table[self.text_column].tolist()
        masked = mask_terms(texts, self._mask_list())
        # ties between keywords go to the words of the frame's most central statements
        centrality = np.array([float(X[i] @ centroids[f]) if 0 <= f < len(centroids) else 0.0
                               for i, f in enumerate(labels)])
        keywords = (class_tfidf(masked, labels, n_keywords=self.n_keywords,
                                centrality=centrality) if texts else {})
        rows = []
        for frame in range(len(centroids)):
            members = np.flatnonzero(labels == frame)
            sims = X[members] @ centroids[frame]
            order = sorted(range(len(members)), key=lambda i: (-round(float(sims[i]), 6),
                                                               members[i]))
            reps = [int(members[i]) for i in order[:self.n_representatives]]
            words = [w for w, _ in keywords.get(frame, [])]
            rows.append({
                "frame": frame,
                "label": " / ".join(words[:3]) if words else f"frame {frame}",
                "keywords": words,
                "size": len(members),
                "representatives": [texts[i] for i in reps],
                "representative_rows": reps,
            })
        frames = pd.DataFrame(rows, columns=FRAME_COLUMNS)
        return frames.astype({"frame": "int64", "size": "int64"})

    # ------------------------------------------------------------------------------ transform

    def fit_predict(self, statements: pd.DataFrame | list[str],
                    vectors: np.ndarray) -> np.ndarray:
        """Fit, then the frame id of each training statement (``labels_``; -1: outlier).

        Examples
        --------
        >>> import numpy as np
        >>> v = np.repeat(np.eye(3)[:2], 3, axis=0) + 0.01
        >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
        >>> FrameModel().fit_predict(["a"] * 6, v).tolist()
        [0, 0, 0, 1, 1, 1]
        """
        return self.fit(statements, vectors).labels_.astype(np.int64, copy=True)

    def predict(self, statements: pd.DataFrame | list[str] | None,
                vectors: np.ndarray) -> np.ndarray:
        """Frame id of each new statement (int64; -1: farther than the threshold from all frames).

        ``statements`` is accepted for symmetry with ``fit`` (its length is checked) and may be
        None; only ``vectors`` decide.

        Examples
        --------
        >>> import numpy as np
        >>> v = np.repeat(np.eye(3)[:2], 3, axis=0) + 0.01
        >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
        >>> model = FrameModel().fit(["a"] * 6, v)
        >>> model.predict(None, v[[0, 5]]).tolist(), model.predict(None, np.eye(3)[2:]).tolist()
        ([0, 1], [-1])
        """
        sims = self.transform(statements, vectors)
        if not sims.shape[1]:
            return np.full(len(sims), -1, dtype=np.int64)
        best = np.argmax(sims, axis=1)
        top = sims[np.arange(len(sims)), best]
        if self.assign_threshold is None:
            return best.astype(np.int64)
        if self.assign_threshold == "auto":
            limit = self.radius_[best] - 1e-6
        else:
            limit = np.full(len(sims), float(self.assign_threshold))
        return np.where(top >= limit, best, -1).astype(np.int64)

    def transform(self, statements: pd.DataFrame | list[str] | None,
                  vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of each statement to each frame centroid: shape
        ``(n_statements, n_frames)``, column k for frame k (float64).

        Examples
        --------
        >>> import numpy as np
        >>> v = np.repeat(np.eye(3)[:2], 3, axis=0) + 0.01
        >>> v /= np.linalg.norm(v, axis=1, keepdims=True)
        >>> FrameModel().fit(["a"] * 6, v).transform(None, v[:1]).round(2).tolist()
        [[1.0, 0.02]]
        """
        self._check_fitted()
        n = len(vectors) if statements is None else len(statements)
        X = _check_vectors(vectors, n, "transform", self.n_features_in_)
        centroids = self.centroids_.astype(np.float64)
        if not len(X):
            return np.zeros((0, len(centroids)))
        return X @ centroids.T

    def _check_fitted(self) -> None:
        if not hasattr(self, "centroids_"):
            raise NotFittedError("this FrameModel is not fitted yet; call fit(statements, vectors) "
                                 "or FrameModel.load(dir)")

    # ---------------------------------------------------------------------------- save / load

    def save(self, directory: str | Path) -> Path:
        """Write the fitted model to ``directory``: ``model.json`` (parameters, method, frames,
        radii), ``centroids.npy``, ``labels.npy`` and ``statements.json`` (pandas table schema).
        No pickle anywhere; ``FrameModel.load`` reads it back."""
        self._check_fitted()
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        params = {k: (v if v is None or isinstance(v, (str, int, float, bool))
                      else f"custom:{v!r}")
                  for k, v in self.get_params(deep=False).items()}
        params["mask_terms"] = self._mask_list() or None     # the terms, not the registry
        meta = {
            "format": FORMAT, "version": FORMAT_VERSION, "params": params,
            "method": self.method_, "n_features_in": int(self.n_features_in_),
            "radius": [float(r) for r in self.radius_],
            "frames": self.frames_.to_dict(orient="records"),
        }
        (out / "model.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False,
                                                   default=_json_default) + "\n",
                                        encoding="utf-8")
        np.save(out / "centroids.npy", self.centroids_, allow_pickle=False)
        np.save(out / "labels.npy", self.labels_, allow_pickle=False)
        self.statements_.to_json(out / "statements.json", orient="table", index=False,
                                 date_format="iso", force_ascii=False)
        return out

    @classmethod
    def load(cls, directory: str | Path) -> FrameModel:
        """Read a model written by ``save``; it assigns new statements exactly as the saved one."""
        src = Path(directory)
        path = src / "model.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: no saved FrameModel here") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
        if meta.get("format") != FORMAT or meta.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path}: not a {FORMAT} version {FORMAT_VERSION} file")
        model = cls(**meta["params"])
        model.method_ = meta["method"]
        model.n_features_in_ = int(meta["n_features_in"])
        model.radius_ = np.asarray(meta["radius"], dtype=np.float64)
        model.centroids_ = np.load(src / "centroids.npy", allow_pickle=False)
        model.labels_ = np.load(src / "labels.npy", allow_pickle=False)
        model.reduced_ = None
        frames = pd.DataFrame(meta["frames"], columns=FRAME_COLUMNS)
        model.frames_ = frames.astype({"frame": "int64", "size": "int64"})
        model.statements_ = pd.read_json(src / "statements.json", orient="table")
        if model.centroids_.shape != (len(frames), model.n_features_in_):
            raise ValueError(f"{src / 'centroids.npy'}: shape {model.centroids_.shape} does not "
                             f"match {len(frames)} frames of dimension {model.n_features_in_}")
        return model


# ------------------------------------------------------------------------------------ helpers


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _check_vectors(vectors: np.ndarray, n: int, where: str, dim: int | None = None) -> np.ndarray:
    X = np.asarray(vectors, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError(f"FrameModel.{where}: vectors must have one row per statement: got shape "
                         f"{X.shape} for {n} statements")
    if dim is not None and X.shape[1] != dim:
        raise ValueError(f"FrameModel.{where}: vectors have dimension {X.shape[1]}, the model "
                         f"was fitted on {dim}")
    if not np.isfinite(X).all():
        bad = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"FrameModel.{where}: vector of statement {bad} is not finite")
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return X / norms


def _cluster(clusterer: Any, X: np.ndarray, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if hasattr(clusterer, "fit_predict"):
        labels = clusterer.fit_predict(X)
    else:
        labels = clusterer.fit(X).labels_
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"FrameModel: clusterer {_name(clusterer)} returned labels of shape "
                         f"{labels.shape} for {n} statements")
    return labels.astype(np.int64)


def _fit_sample(n: int, max_fit: int | None, seed: int) -> np.ndarray | None:
    """Sorted row numbers of the fitting sample, or None to fit on all ``n`` rows."""
    if max_fit is None or n <= max_fit:
        return None
    if max_fit < 2:
        raise ValueError(f"FrameModel: max_fit must be at least 2 (or None), got {max_fit}")
    return np.sort(np.random.default_rng(seed).choice(n, size=max_fit, replace=False))


def _extend(X: np.ndarray, sample: np.ndarray, labels: np.ndarray,
            chunk: int = 50_000) -> np.ndarray:
    """Labels of all rows: the sample's own, the rest by nearest sample centroid (cosine), -1
    beyond the frame's farthest sampled member (as ``transform`` with ``"auto"``)."""
    full = np.full(len(X), -1, dtype=np.int64)
    full[sample] = labels
    centroids = _centroids(X[sample], labels)
    if not len(centroids):
        return full
    radius = _radii(X[sample], labels, centroids)
    rest = np.setdiff1d(np.arange(len(X)), sample)
    for start in range(0, len(rest), chunk):
        rows = rest[start:start + chunk]
        sims = X[rows] @ centroids.T
        best = np.argmax(sims, axis=1)
        top = sims[np.arange(len(rows)), best]
        full[rows] = np.where(top >= radius[best] - 1e-6, best, -1)
    return full


def _canonical(raw: np.ndarray) -> np.ndarray:
    """Renumber clusters 0..k-1 by decreasing size, ties by first member; negatives -> -1."""
    labels = np.full(len(raw), -1, dtype=np.int64)
    ids = [c for c in dict.fromkeys(raw.tolist()) if c >= 0]
    sizes = {c: int((raw == c).sum()) for c in ids}
    first = {c: int(np.argmax(raw == c)) for c in ids}
    for new, c in enumerate(sorted(ids, key=lambda c: (-sizes[c], first[c]))):
        labels[raw == c] = new
    return labels


def _centroids(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    k = int(labels.max()) + 1 if len(labels) and labels.max() >= 0 else 0
    out = np.zeros((k, X.shape[1]), dtype=np.float64)
    for c in range(k):
        mean = X[labels == c].mean(axis=0)
        norm = np.linalg.norm(mean)
        out[c] = mean / norm if norm > 0 else mean
    return out


def _radii(X: np.ndarray, labels: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Per frame: the lowest cosine similarity of a member to its centroid."""
    return np.array([float((X[labels == c] @ centroids[c]).min()) for c in range(len(centroids))],
                    dtype=np.float64)


def _name(component: Any) -> str:
    if component is None:
        return "none (clustering the embeddings themselves)"
    if type(component).__name__ == "UMAP":
        c = component
        return (f"UMAP(n_components={c.n_components}, n_neighbors={c.n_neighbors}, "
                f"min_dist={c.min_dist}, metric={c.metric!r}, random_state={c.random_state})")
    if type(component).__name__ == "HDBSCAN":
        return f"HDBSCAN(min_cluster_size={component.min_cluster_size})"
    text = repr(component)
    return text if len(text) <= 300 else text[:297] + "..."
