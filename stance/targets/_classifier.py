"""The supervised stance model: logistic regression on statement embeddings, calibrated.

:class:`StanceClassifier` is a scikit-learn classifier (parameters in ``__init__``, ``fit(X, y)``,
``predict``, ``predict_proba``, ``classes_``, ``NotFittedError`` before fitting) and passes
``sklearn.utils.estimator_checks.check_estimator`` (tests/test_targets.py), so ``clone``,
``cross_val_predict`` and pipelines work on it. Labels keep their type (strings, integers). Labels are a target's positions plus ``"none"`` (no stance on the
target), so one model both finds the statements about a target and places them.

Calibration: with ``calibration="auto"`` the probabilities come from
``CalibratedClassifierCV(method="sigmoid", cv=3)`` (Platt scaling on internal folds) when every
class has at least ``min_per_class`` labels (default 10: with fewer, three folds leave a class with
two or three labels per fold and Platt's two parameters are fitted on noise); otherwise they are the
logistic regression's own probabilities, which with L2 regularisation and balanced class weights
are reasonably calibrated on small sets. ``calibrated_`` tells which was used. ``class_weight`` holds
in both: calibrated, each label weighs ``class_weight`` in the logistic regression of every fold and
in the fit of the calibration map (Platt scaling fitted without the weights would undo them and
return the training set's class frequencies).

:func:`cross_validate_stance` gives accuracy and macro-F1 of out-of-fold predictions with
percentile bootstrap intervals over those predictions (resampling articles when ``groups`` is
given, since statements from one article are not independent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from stance.tables import UNCLEAR

__all__ = ["CVResult", "StanceClassifier", "bootstrap_agreement", "cross_validate_stance"]



class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on embeddings with calibrated probabilities.

    Args:
        C: inverse L2 regularisation strength of the logistic regression.
        class_weight: ``"balanced"`` (default: rare positions weigh as much as common ones), a
            ``{label: weight}`` mapping or None; honoured by the calibration too.
        calibration: ``"auto"`` (sigmoid calibration when every class has ``min_per_class``
            labels), ``"sigmoid"``, ``"isotonic"`` or ``None`` (plain logistic probabilities).
        min_per_class: least labels per class for ``calibration="auto"`` to calibrate.
        cv: internal folds of the calibration.
        random_state: seed of the calibration folds.

    Attributes:
        classes_: the labels, sorted.
        calibrated_: True when probabilities come from ``CalibratedClassifierCV``.
        model_: the fitted scikit-learn estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from stance import StanceClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(1.0, 0.3, (12, 8)), rng.normal(-1.0, 0.3, (12, 8))])
    >>> y = ["supports"] * 12 + ["none"] * 12
    >>> clf = StanceClassifier().fit(X, y)
    >>> [str(label) for label in clf.predict(X[[0, -1]])]
    ['supports', 'none']
    """

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced",
                 calibration: str | None = "auto", min_per_class: int = 10, cv: int = 3,
                 random_state: int = 0) -> None:
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.min_per_class = min_per_class
        self.cv = cv
        self.random_state = random_state

    def _lr(self, class_weight: Any = None) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=class_weight, max_iter=2000)

    def fit(self, X: Any, y: Sequence[Any]) -> StanceClassifier:
        """Fit on embeddings ``X`` (n, d) and labels ``y`` (n,).

        Examples
        --------
        >>> import numpy as np
        >>> X = np.r_[np.zeros((12, 2)), np.ones((12, 2))] + np.arange(24)[:, None] % 3 * 0.1
        >>> y = ["none"] * 12 + ["supports"] * 12
        >>> clf = StanceClassifier().fit(X, y)
        >>> clf.calibrated_, clf.predict([[0, 0], [1, 1]]).tolist()
        (True, ['none', 'supports'])
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        classes, counts = np.unique(y, return_counts=True)
        if len(classes) < 2:
            raise ValueError(f"StanceClassifier.fit: needs at least two classes, got one class: "
                             f"{classes.tolist()}")
        if self.calibration not in ("auto", "sigmoid", "isotonic", None):
            raise ValueError(f"StanceClassifier: calibration must be 'auto', 'sigmoid', "
                             f"'isotonic' or None, got {self.calibration!r}")
        method = self.calibration
        if method == "auto":
            method = "sigmoid" if counts.min() >= self.min_per_class else None
        if method is not None and counts.min() < self.cv:
            raise ValueError(f"StanceClassifier.fit: calibration with cv={self.cv} needs at least "
                             f"{self.cv} labels per class; the rarest class has {counts.min()}")
        if method is None:
            self.model_ = self._lr(self.class_weight).fit(X, y)
        else:
            # the class weights as sample weights, so that they hold in the calibration map too
            weights = compute_sample_weight(self.class_weight, y)
            folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
            self.model_ = CalibratedClassifierCV(self._lr(), method=method, cv=folds).fit(
                X, y, sample_weight=weights)
        self.calibrated_ = method is not None
        self.classes_ = np.asarray(self.model_.classes_)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class (columns in ``classes_`` order)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.model_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


@dataclass
class CVResult:
    """Cross-validated agreement of a stance model with hand labels."""

    n: int
    folds: int
    accuracy: float
    accuracy_ci: tuple[float, float]
    macro_f1: float
    macro_f1_ci: tuple[float, float]
    labels: list[str]
    y_true: np.ndarray = field(repr=False)
    y_pred: np.ndarray = field(repr=False)

    def summary(self) -> str:
        """One line: accuracy and macro-F1 with their intervals."""
        a, f = self.accuracy_ci, self.macro_f1_ci
        return (f"{self.folds}-fold cross-validated on {self.n} labels: accuracy "
                f"{self.accuracy:.2f} [{a[0]:.2f}, {a[1]:.2f}], macro-F1 {self.macro_f1:.2f} "
                f"[{f[0]:.2f}, {f[1]:.2f}]")


def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: list[str]) -> float:
    return float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))


def bootstrap_agreement(y_true: Sequence[Any], y_pred: Sequence[Any],
                        groups: Sequence[Any] | None = None, *, labels: Sequence[str] | None = None,
                        n_boot: int = 1000, ci: float = 0.95,
                        seed: int = 0) -> dict[str, Any]:
    """Accuracy and macro-F1 of predictions against labels with percentile bootstrap intervals
    (resampling ``groups``, e.g. articles, when given; else single predictions)."""
    y_true = np.asarray(y_true).astype(str)
    y_pred = np.asarray(y_pred).astype(str)
    labels = list(labels) if labels is not None else sorted(set(y_true))
    acc = float(accuracy_score(y_true, y_pred)) if len(y_true) else float("nan")
    f1 = _macro_f1(y_true, y_pred, labels) if len(y_true) else float("nan")
    codes = (pd.factorize(pd.Series(groups).astype(str), sort=True)[0] if groups is not None
             else np.arange(len(y_true)))
    members = [np.flatnonzero(codes == g) for g in range(codes.max() + 1)] if len(codes) else []
    rng = np.random.default_rng(seed)
    accs, f1s = [], []
    for _ in range(n_boot if members else 0):
        idx = np.concatenate([members[i] for i in rng.integers(0, len(members), len(members))])
        accs.append(accuracy_score(y_true[idx], y_pred[idx]))
        f1s.append(_macro_f1(y_true[idx], y_pred[idx], labels))
    tail = (1 - ci) / 2
    def interval(v: list[float]) -> tuple[float, float]:
        if not v:
            return (float("nan"), float("nan"))
        return (float(np.quantile(v, tail)), float(np.quantile(v, 1 - tail)))
    return {"n": len(y_true), "accuracy": acc, "accuracy_ci": interval(accs), "macro_f1": f1,
            "macro_f1_ci": interval(f1s), "labels": labels}


def cross_validate_stance(X: Any, y: Sequence[Any], *, groups: Sequence[Any] | None = None,
                          estimator: Any = None, cv: int = 5, n_boot: int = 1000,
                          ci: float = 0.95, seed: int = 0,
                          fit_y: Sequence[Any] | None = None,
                          scored: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
                          ) -> CVResult:
    """Out-of-fold predictions of ``estimator`` (default :class:`StanceClassifier`) and their
    accuracy and macro-F1 with bootstrap intervals.

    Folds are stratified by label and, when ``groups`` (e.g. article ids) are given, keep a group's
    statements in one fold (``StratifiedGroupKFold``), so near-duplicate statements of one article
    never sit on both sides. The number of folds is ``cv`` or fewer when the rarest label has fewer
    examples (at least 2). Intervals resample the out-of-fold predictions (by group when given).
    ``X`` is whatever ``estimator`` fits on: embeddings (numbers, as for the default) or texts
    (for :class:`~stance.targets.SetFitStance`); the folds depend only on ``y`` and ``groups``,
    so two estimators cross-validated with the same ``seed`` see the same folds.

    ``fit_y`` (default ``y``) are the labels the model learns, one per row, None for a row it
    is not fitted on (folds still split by ``y``); ``scored(rows, predictions)`` turns a test
    fold's predictions into what is compared with ``y`` (default: as they are). Stance uses
    both for denials: the model learns the positions of the statements' contents and its
    predictions are turned back into the speakers' (:func:`stance.targets.apply_polarity`).
    """
    X = np.asarray(X)
    X = X.astype(np.float64) if X.dtype.kind in "biuf" else X.astype(object)
    y = np.asarray(y).astype(str)
    _, counts = np.unique(y, return_counts=True)
    if len(counts) < 2 or counts.min() < 2:
        raise ValueError(f"cross_validate_stance: needs at least two labels with two examples "
                         f"each; got counts {dict(zip(*np.unique(y, return_counts=True)))}")
    folds = int(min(cv, counts.min()))
    if groups is not None:
        g = pd.factorize(pd.Series(groups).astype(str), sort=True)[0]
        folds = int(min(folds, len(np.unique(g))))
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(X, y, g))
    else:
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y))
    base = estimator if estimator is not None else StanceClassifier(random_state=seed)
    target = y.astype(object) if fit_y is None else np.asarray(list(fit_y), dtype=object)
    if len(target) != len(y):
        raise ValueError(f"cross_validate_stance: fit_y has {len(target)} labels for {len(y)} "
                         f"rows")
    pred = np.empty(len(y), dtype=object)
    for train, test in splits:
        train = train[pd.notna(target[train])]
        fit = target[train].astype(str)
        if len(np.unique(fit)) < 2:
            pred[test] = fit[0] if len(fit) else UNCLEAR   # nothing to learn from
        else:
            model = clone(base)
            # a fold may leave a class with too few labels to calibrate: fall back to plain LR
            if getattr(model, "calibration", None) not in (None, "auto"):
                _, tc = np.unique(fit, return_counts=True)
                if tc.min() < getattr(model, "cv", 3):
                    model.set_params(calibration=None)
            pred[test] = model.fit(X[train], fit).predict(X[test])
        if scored is not None:
            pred[test] = np.asarray(scored(test, np.asarray(pred[test]).astype(str)),
                                    dtype=object)
    labels = sorted(set(y))
    stats = bootstrap_agreement(y, pred.astype(str), groups, labels=labels, n_boot=n_boot,
                                ci=ci, seed=seed)
    return CVResult(n=len(y), folds=folds, accuracy=stats["accuracy"],
                    accuracy_ci=stats["accuracy_ci"], macro_f1=stats["macro_f1"],
                    macro_f1_ci=stats["macro_f1_ci"], labels=labels, y_true=y,
                    y_pred=pred.astype(str))
