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

from stance.tables import ASSERTED, NONE
from stance.targets._classifier import StanceClassifier
from stance.targets._labels import label_path, match_labels, read_labels
from stance.targets._methods import compare_stance_methods
from stance.targets._polarity import apply_polarity, content_positions
from stance.targets._setfit import SetFitStance
from stance.targets._spec import Target
from stance.targets._zero_shot import zero_shot_stance

__all__ = ["STANCE_METHODS", "corpus_stance", "predict_stance", "train_stance"]


def _aligned(labels: pd.DataFrame, statements: pd.DataFrame, target: Any) -> pd.DataFrame:
    """The labels of ``target`` (a name or a :class:`stance.targets.Target`) with their row in
    ``statements``, as positions of the content: a denied statement's label becomes the
    target's opposite of it (the content of "denied that X" is X), or goes when the target
    declares none; a negated statement's label goes (its content has no position of its
    own)."""
    name = getattr(target, "name", target)
    lab = labels.loc[labels["target"] == name, ["statement_id", "position"]].astype(str)
    pol = statements["polarity"].astype(str).to_numpy() if "polarity" in statements.columns \
        else np.full(len(statements), ASSERTED)
    rows = pd.DataFrame({"statement_id": statements["statement_id"].astype(str).to_numpy(),
                         "_row": np.arange(len(statements)), "_polarity": pol}
                        ).drop_duplicates("statement_id")
    out = lab.merge(rows, on="statement_id", how="inner")
    content = content_positions(out["position"], out["_polarity"],
                                target if hasattr(target, "opposite") else None)
    out = out.assign(position=content).dropna(subset=["position"])
    return out.drop(columns="_polarity").reset_index(drop=True)


def train_stance(labels: pd.DataFrame | str | Path, statements: pd.DataFrame, vectors: Any,
                 target: Any, **params: Any) -> StanceClassifier:
    """A :class:`StanceClassifier` for ``target`` fitted on the labelled statements.

    ``target`` is a target name or a :class:`stance.targets.Target`. The model learns the
    position of a statement's *content* (what its embedding holds): a label of a denied
    statement is turned into the target's opposite (``opposites:``), or left out without one;
    labels of negated statements are left out. :func:`predict_stance` turns the predictions
    back into the speakers' positions.

    ``labels`` has ``statement_id, target, position``, or is the path of such a CSV (read with
    :func:`stance.targets.read_labels`, which names bad rows);
    labels of statements not in ``statements`` are ignored (count them with
    :func:`stance.targets.match_labels`). ``params`` go to :class:`StanceClassifier`.
    """
    if isinstance(labels, (str, Path)):
        labels = read_labels(labels)
    aligned = _aligned(labels, statements, target)
    if aligned.empty:
        raise ValueError(f"train_stance: no labels of target "
                         f"{getattr(target, 'name', target)!r} match the statements")
    X = np.asarray(vectors, dtype=np.float64)[aligned["_row"].to_numpy()]
    return StanceClassifier(**params).fit(X, aligned["position"].to_numpy())


def predict_stance(model: StanceClassifier | SetFitStance, statements: pd.DataFrame,
                   vectors: Any, target: Any) -> pd.DataFrame:
    """The stance table (columns of :data:`stance.targets.STANCE_COLUMNS`) of a fitted model
    (``vectors`` are what the model predicts from: the embeddings for a
    :class:`StanceClassifier`, the statements' texts for a :class:`SetFitStance`):
    ``content_position`` = the most probable label, ``score`` its probability, ``relevance`` =
    1 - P(none) (1 when the model has no ``"none"`` class), ``margin`` = top minus second
    probability; ``position`` = the speaker's (:func:`stance.targets.apply_polarity`: a denied
    statement takes the opposite when ``target`` is a :class:`stance.targets.Target` that
    declares one, else ``"unclear"``)."""
    proba = model.predict_proba(vectors) if len(statements) else np.zeros((0, len(model.classes_)))
    classes = list(model.classes_)
    order = np.argsort(-proba, axis=1, kind="stable")
    rows = np.arange(len(proba))
    top = proba[rows, order[:, 0]] if len(proba) else np.zeros(0)
    second = proba[rows, order[:, 1]] if len(proba) else np.zeros(0)
    position = np.asarray(classes, dtype=object)[order[:, 0]] if len(proba) else []
    relevance = 1 - proba[:, classes.index(NONE)] if NONE in classes else np.ones(len(proba))
    position = np.asarray(position, dtype=object).astype(str)
    table = pd.DataFrame({
        "statement_id": statements["statement_id"].astype(str).to_numpy(),
        "target": getattr(target, "name", target),
        "relevance": relevance.astype(np.float64), "relevant": position != NONE,
        "position": position, "score": np.where(position != NONE, top, np.nan),
        "margin": (top - second).astype(np.float64),
    })
    return apply_polarity(table, statements, [target] if hasattr(target, "opposite") else [])


#: values of ``corpus_stance(method=...)``
STANCE_METHODS = ("auto", "cv", "zero-shot", "logistic", "setfit")


def _fitted(method: str, labels: pd.DataFrame, statements: pd.DataFrame, vectors: Any,
            target: Target, seed: int, setfit_params: dict[str, Any] | None) -> pd.DataFrame:
    """The stance table of ``target`` from a model of ``method`` fitted on all its labels."""
    if method == "setfit":
        rows = _aligned(labels, statements, target)  # positions of the contents
        texts = statements["text"].astype(str).to_numpy()
        model = SetFitStance(seed=seed, **(setfit_params or {})).fit(
            texts[rows["_row"].to_numpy()], rows["position"].to_numpy())
        return predict_stance(model, statements, texts, target).assign(method="setfit")
    model = train_stance(labels, statements, vectors, target)
    return predict_stance(model, statements, vectors, target).assign(method="supervised")


def corpus_stance(statements: pd.DataFrame, vectors: Any, targets: Sequence[Target],
                  embed_fn: Callable[[Sequence[str]], np.ndarray] | None = None, *,
                  labels_dir: Any = None, min_labels: int = 20, method: str = "auto",
                  seed: int = 0, setfit_params: dict[str, Any] | None = None,
                  **zero_shot_params: Any) -> pd.DataFrame:
    """The stance table of a corpus: per target, a model trained on its hand labels when
    ``labels_dir`` holds enough of them (``<labels_dir>/<target>.csv`` with at least
    ``min_labels`` labels of these statements, two labels with two examples each), else the
    zero-shot model.

    Parameters
    ----------
    statements : pandas.DataFrame
        The statements table (``statement_id``, ``text``).
    vectors : array-like
        Their embeddings, one row per statement.
    targets : sequence of Target
        The targets (:func:`~stance.targets.load_targets`).
    embed_fn : callable, optional
        Embeds the targets' phrases for the zero-shot model.
    labels_dir : str or Path, optional
        Folder of the stored labels (``stance label import``).
    min_labels : int
        Least matched labels for a trained model.
    method : str
        Which model a target with enough labels gets: ``"auto"`` (default) the logistic
        :class:`StanceClassifier`; ``"logistic"`` the same; ``"setfit"``
        :class:`~stance.targets.SetFitStance` (needs the ``setfit`` extra); ``"zero-shot"``
        never a trained one; ``"cv"`` the method of highest cross-validated accuracy on the
        target's labels, folds by article (:func:`~stance.targets.compare_stance_methods`).
    seed : int
        Seed of the cross-validation folds and of SetFit.
    setfit_params : dict, optional
        Parameters of :class:`~stance.targets.SetFitStance`.
    **zero_shot_params
        Parameters of :func:`~stance.targets.zero_shot_stance`.

    Returns
    -------
    pandas.DataFrame
        :data:`STANCE_COLUMNS` plus ``method`` (``"supervised"`` for the logistic classifier,
        ``"setfit"`` or ``"zero-shot"``), targets in order. A trained model is fitted on all
        stored labels of the target; its agreement with them is measured by
        ``stance label import`` or ``method="cv"`` (cross-validated), not here.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from stance.targets import Target, corpus_stance
    >>> t = Target("truce", "Truce?", {"supports": ["we back the truce"], "rejects": ["no truce"]})
    >>> st = pd.DataFrame({"statement_id": ["a"], "text": ["we back the truce"]})
    >>> out = corpus_stance(st, np.array([[1.0, 0.0]]), [t],
    ...                     lambda x: np.array([[1.0, 0.0] if "back" in s else [0.0, 1.0]
    ...                                         for s in x]))
    >>> out[["position", "method"]].values.tolist()
    [['supports', 'zero-shot']]
    """
    if method not in STANCE_METHODS:
        raise ValueError(f"corpus_stance: method must be one of {list(STANCE_METHODS)}, got "
                         f"{method!r}")
    parts = []
    for target in targets:
        path = label_path(labels_dir, target.name) if labels_dir is not None else None
        if method != "zero-shot" and path is not None and Path(path).is_file():
            labels = read_labels(path, targets)
            rows = match_labels(labels[labels["target"] == target.name], statements)
            counts = rows["position"].value_counts()
            if len(rows) >= min_labels and len(counts) >= 2 and counts.min() >= 2:
                chosen = {"auto": "logistic"}.get(method, method)
                if method == "cv":
                    chosen = compare_stance_methods(
                        labels, statements, vectors, target, embed_fn, seed=seed, n_boot=0,
                        setfit_params=setfit_params, zero_shot_params=zero_shot_params
                    )["chosen"]
                if chosen != "zero-shot":
                    parts.append(_fitted(chosen, labels, statements, vectors, target, seed,
                                         setfit_params))
                    continue
        parts.append(zero_shot_stance(statements, vectors, [target], embed_fn,
                                      **zero_shot_params).assign(method="zero-shot"))
    if not parts:
        return zero_shot_stance(statements, vectors, [], embed_fn).assign(method="")
    return pd.concat(parts, ignore_index=True)
