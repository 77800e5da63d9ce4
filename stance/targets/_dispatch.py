"""Stance of a corpus: the supervised model where there are enough hand labels, else zero-shot.

:func:`train_stance` fits a :class:`~stance.targets.StanceClassifier` on stored labels,
:func:`predict_stance` turns it into a stance table and :func:`corpus_stance` chooses, per
target, between it and :func:`~stance.targets.zero_shot_stance`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stance.tables import NONE
from stance.targets._classifier import StanceClassifier
from stance.targets._labels import label_path, match_labels, read_labels
from stance.targets._spec import Target
from stance.targets._zero_shot import zero_shot_stance

__all__ = ["corpus_stance", "predict_stance", "train_stance"]


def _aligned(labels: pd.DataFrame, statements: pd.DataFrame, target: str) -> pd.DataFrame:
    lab = labels.loc[labels["target"] == target, ["statement_id", "position"]].astype(str)
    rows = pd.DataFrame({"statement_id": statements["statement_id"].astype(str).to_numpy(),
                         "_row": np.arange(len(statements))}).drop_duplicates("statement_id")
    return lab.merge(rows, on="statement_id", how="inner")


def train_stance(labels: pd.DataFrame | str | Path, statements: pd.DataFrame, vectors: Any,
                 target: str, **params: Any) -> StanceClassifier:
    """A :class:`StanceClassifier` for ``target`` fitted on the labelled statements.

    ``labels`` has ``statement_id, target, position``, or is the path of such a CSV (read with
    :func:`stance.targets.read_labels`, which names bad rows);
    labels of statements not in ``statements`` are ignored (count them with
    :func:`stance.targets.match_labels`). ``params`` go to :class:`StanceClassifier`.
    """
    if isinstance(labels, (str, Path)):
        labels = read_labels(labels)
    aligned = _aligned(labels, statements, target)
    if aligned.empty:
        raise ValueError(f"train_stance: no labels of target {target!r} match the statements")
    X = np.asarray(vectors, dtype=np.float64)[aligned["_row"].to_numpy()]
    return StanceClassifier(**params).fit(X, aligned["position"].to_numpy())


def predict_stance(model: StanceClassifier, statements: pd.DataFrame, vectors: Any,
                   target: str) -> pd.DataFrame:
    """The stance table (columns of :data:`stance.targets.STANCE_COLUMNS`) of a fitted model:
    ``position`` = the most probable label, ``score`` its probability, ``relevance`` = 1 -
    P(none) (1 when the model has no ``"none"`` class), ``margin`` = top minus second
    probability."""
    proba = model.predict_proba(vectors) if len(statements) else np.zeros((0, len(model.classes_)))
    classes = list(model.classes_)
    order = np.argsort(-proba, axis=1, kind="stable")
    rows = np.arange(len(proba))
    top = proba[rows, order[:, 0]] if len(proba) else np.zeros(0)
    second = proba[rows, order[:, 1]] if len(proba) else np.zeros(0)
    position = np.asarray(classes, dtype=object)[order[:, 0]] if len(proba) else []
    relevance = 1 - proba[:, classes.index(NONE)] if NONE in classes else np.ones(len(proba))
    position = np.asarray(position, dtype=object).astype(str)
    return pd.DataFrame({
        "statement_id": statements["statement_id"].astype(str).to_numpy(), "target": target,
        "relevance": relevance.astype(np.float64), "relevant": position != NONE,
        "position": position, "score": np.where(position != NONE, top, np.nan),
        "margin": (top - second).astype(np.float64),
    })


def corpus_stance(statements: pd.DataFrame, vectors: Any, targets: Sequence[Target],
                  embed_fn: Callable[[Sequence[str]], np.ndarray] | None = None, *,
                  labels_dir: Any = None, min_labels: int = 20,
                  **zero_shot_params: Any) -> pd.DataFrame:
    """The stance table of a corpus: per target, the supervised model when ``labels_dir`` holds
    enough hand labels for it (``<labels_dir>/<target>.csv`` with at least ``min_labels`` labels
    of these statements, two labels with two examples each), else the zero-shot model.

    Returns :data:`STANCE_COLUMNS` plus ``method`` (``"supervised"`` or ``"zero-shot"``), targets
    in order. The supervised model is fitted on all stored labels of the target; its agreement
    with them is measured by ``stance label import`` (cross-validated), not here.
    """
    parts = []
    for target in targets:
        method = "zero-shot"
        path = label_path(labels_dir, target.name) if labels_dir is not None else None
        if path is not None and Path(path).is_file():
            labels = read_labels(path, targets)
            rows = match_labels(labels[labels["target"] == target.name], statements)
            counts = rows["position"].value_counts()
            if len(rows) >= min_labels and len(counts) >= 2 and counts.min() >= 2:
                model = train_stance(labels, statements, vectors, target.name)
                parts.append(predict_stance(model, statements, vectors, target.name)
                             .assign(method="supervised"))
                continue
        parts.append(zero_shot_stance(statements, vectors, [target], embed_fn,
                                      **zero_shot_params).assign(method=method))
    if not parts:
        return zero_shot_stance(statements, vectors, [], embed_fn).assign(method="")
    return pd.concat(parts, ignore_index=True)
