"""The three stance methods side by side on hand labels, and the one chosen by cross-validation.

:func:`compare_stance_methods` scores, on the labelled statements of one target,

* ``zero-shot`` (:func:`~stance.targets.zero_shot_stance`, no training: its positions on the
  labelled statements, ``unclear`` counting as wrong),
* ``logistic`` (:class:`~stance.targets.StanceClassifier` on the statements' embeddings) and
* ``setfit`` (:class:`~stance.targets.SetFitStance` on their texts),

each scored as the pipeline uses it: the trained ones learn the positions of the statements'
contents (a denied statement's label becomes the target's ``opposites:`` of it; negated ones
and denials without an opposite are not learnt from) and their predictions are turned back into
the speakers' positions by :func:`~stance.targets.apply_polarity`, as zero-shot's are;

the two trained ones by out-of-fold predictions of the same folds (stratified group k-fold:
an article's statements stay in one fold, so near-duplicates of one article never sit on both
sides of a split). Accuracy and macro-F1 come with 95 % percentile bootstrap intervals resampling
articles, and each method's accuracy minus the zero-shot one's with a paired interval (the same
resampled articles for both). The chosen method has the highest cross-validated accuracy; a tie
goes to the simpler (the order of :data:`METHODS`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stance.tables import ASSERTED
from stance.targets._classifier import bootstrap_agreement, cross_validate_stance
from stance.targets._labels import match_labels
from stance.targets._polarity import apply_polarity, content_positions
from stance.targets._setfit import SetFitStance, setfit_available
from stance.targets._spec import Target
from stance.targets._zero_shot import zero_shot_stance

__all__ = ["METHODS", "compare_stance_methods"]

#: the stance methods, simplest first (a tie in cross-validated accuracy goes to the earlier)
METHODS = ("zero-shot", "logistic", "setfit")


def _paired_difference(y: np.ndarray, a: np.ndarray, b: np.ndarray, groups: Sequence[Any],
                       n_boot: int, seed: int) -> tuple[float, float]:
    """95 % bootstrap interval (resampling groups) of accuracy(a) - accuracy(b)."""
    codes = pd.factorize(pd.Series(groups).astype(str), sort=True)[0]
    members = [np.flatnonzero(codes == g) for g in range(codes.max() + 1)]
    diff = (a == y).astype(float) - (b == y).astype(float)
    rng = np.random.default_rng(seed)
    boots = [diff[np.concatenate([members[i] for i in rng.integers(0, len(members),
                                                                   len(members))])].mean()
             for _ in range(n_boot)]
    if not boots:
        return (float("nan"), float("nan"))
    return (float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975)))


def compare_stance_methods(labels: pd.DataFrame, statements: pd.DataFrame, vectors: Any,
                           target: Target,
                           embed_fn: Callable[[Sequence[str]], np.ndarray] | None = None, *,
                           methods: Sequence[str] = METHODS, cv: int = 5, n_boot: int = 1000,
                           seed: int = 0, setfit_params: dict[str, Any] | None = None,
                           zero_shot_params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Cross-validated agreement of each stance method with the hand labels of ``target``.

    Parameters
    ----------
    labels : pandas.DataFrame
        Hand labels (``statement_id, target, position``); rows of other targets are ignored,
        labels of statements not in ``statements`` are counted in ``not_found``.
    statements : pandas.DataFrame
        The statements table (``statement_id``, ``article_id``, ``text``).
    vectors : array-like
        Their embeddings, one row per statement.
    target : Target
        The target to score.
    embed_fn : callable, optional
        Embeds the target's phrases for the zero-shot model (default: :func:`stance.embed`).
    methods : sequence of str
        Which of :data:`METHODS` to score. ``setfit`` is skipped, with a message, when the
        optional ``setfit`` package is not installed.
    cv : int
        Folds (fewer when the rarest label or the articles are fewer).
    n_boot : int
        Bootstrap resamples of articles for the intervals.
    seed : int
        Seed of the folds, the bootstrap and the SetFit fine-tuning.
    setfit_params, zero_shot_params : dict, optional
        Parameters of :class:`SetFitStance` and of :func:`zero_shot_stance`.

    Returns
    -------
    dict
        JSON-ready: ``target, labels, matched, not_found, articles, folds, label_counts,
        majority_baseline``, ``methods`` (per method: ``accuracy, accuracy_ci, macro_f1,
        macro_f1_ci``, for the trained ones ``folds``, and ``minus_zero_shot_ci``),
        ``chosen`` and ``rule``.

    Examples
    --------
    >>> import pandas as pd
    >>> from stance.targets import Target, compare_stance_methods
    >>> t = Target("truce", "Truce?", {"supports": ["we back the truce"],
    ...                                 "rejects": ["no truce"]})
    >>> st = pd.DataFrame({"statement_id": list("abcdefgh"), "article_id": list("aabbccdd"),
    ...                    "text": ["we back the truce", "no truce"] * 4})
    >>> labels = pd.DataFrame({"statement_id": list("abcdefgh"), "target": "truce",
    ...                        "position": ["supports", "rejects"] * 4})
    >>> vectors = [[1.0, 0.0], [0.0, 1.0]] * 4
    >>> out = compare_stance_methods(labels, st, vectors, t, lambda x: [[1.0, 0.0]
    ...     if "back" in s else [0.0, 1.0] for s in x], methods=["zero-shot", "logistic"],
    ...     n_boot=10)
    >>> out["methods"]["logistic"]["accuracy"], out["chosen"]
    (1.0, 'zero-shot')
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"compare_stance_methods: unknown method(s) {unknown}; choose from "
                         f"{list(METHODS)}")
    lab = labels[labels["target"] == target.name]
    rows = match_labels(lab, statements)
    if len(rows) == 0:
        raise ValueError(f"compare_stance_methods: no labels of target {target.name!r} match "
                         "the statements")
    y = rows["position"].to_numpy().astype(str)
    groups = rows["article_id"].to_numpy().astype(str)
    idx = rows["_row"].to_numpy()
    present = [c for c in target.labels if c in set(y)] or sorted(set(y))
    # as in the pipeline: the trained models learn the positions of the contents (a denied
    # statement's label turned into the target's opposite; negated ones not learnt from) and
    # their predictions are turned back into the speakers' positions (apply_polarity)
    polarity = (statements["polarity"].fillna("").astype(str).to_numpy()[idx]
                if "polarity" in statements.columns else np.full(len(idx), ASSERTED))
    content = content_positions(y, polarity, target)
    ids = rows["statement_id"].astype(str).to_numpy()

    def speaker(test: np.ndarray, pred: np.ndarray) -> np.ndarray:
        fold = pd.DataFrame({"statement_id": ids[test], "target": target.name,
                             "position": pred})
        return apply_polarity(fold, statements, [target])["position"].to_numpy().astype(str)

    out: dict[str, Any] = {
        "target": target.name, "labels": len(lab), "matched": len(rows),
        "not_found": int(len(lab) - len(rows)), "articles": len(set(groups)),
        "label_counts": {c: int((y == c).sum()) for c in present}}
    majority = pd.Series(y).value_counts().index[0]
    out["majority_baseline"] = {"label": str(majority), "accuracy": round(float(
        (y == majority).mean()), 4)}
    preds: dict[str, np.ndarray] = {}
    scores: dict[str, Any] = {}
    for method in methods:
        if method == "zero-shot":
            sub = statements.iloc[idx].reset_index(drop=True)
            z = zero_shot_stance(sub, np.asarray(vectors)[idx], [target], embed_fn,
                                 **(zero_shot_params or {}))
            preds[method] = z["position"].to_numpy().astype(str)
            stats = bootstrap_agreement(y, preds[method], groups, labels=present,
                                        n_boot=n_boot, seed=seed)
        else:
            if method == "setfit":
                if not setfit_available():
                    scores[method] = ("not computed: the optional package setfit is not "
                                      "installed (pip install 'stance[setfit]')")
                    continue
                X: Any = statements["text"].astype(str).to_numpy()[idx]
                estimator: Any = SetFitStance(seed=seed, **(setfit_params or {}))
            else:
                X, estimator = np.asarray(vectors, dtype=np.float64)[idx], None
            try:
                res = cross_validate_stance(X, y, groups=groups, estimator=estimator, cv=cv,
                                            n_boot=n_boot, seed=seed, fit_y=content,
                                            scored=speaker)
            except ValueError as exc:
                scores[method] = f"not computed: {exc}"
                continue
            preds[method] = res.y_pred
            stats = bootstrap_agreement(y, res.y_pred, groups, labels=present, n_boot=n_boot,
                                        seed=seed)
            stats["folds"] = res.folds
            out["folds"] = res.folds
        scores[method] = {k: stats[k] for k in ("accuracy", "accuracy_ci", "macro_f1",
                                                "macro_f1_ci") + (("folds",) if "folds" in stats
                                                                  else ())}
    if "zero-shot" in preds:
        for method, p in preds.items():
            if method != "zero-shot":
                scores[method]["minus_zero_shot_ci"] = _paired_difference(
                    y, p, preds["zero-shot"], groups, n_boot, seed)
    out["methods"] = {m: _rounded(s) for m, s in scores.items()}
    scored = [m for m in METHODS if m in preds]
    out["chosen"] = max(scored, key=lambda m: (round(float((preds[m] == y).mean()), 10),
                                               -METHODS.index(m))) if scored else None
    out["rule"] = ("highest cross-validated accuracy (folds by article); a tie goes to the "
                   "simpler method, in the order " + ", ".join(METHODS))
    return out


def _rounded(s: Any) -> Any:
    if isinstance(s, dict):
        return {k: _rounded(v) for k, v in s.items()}
    if isinstance(s, (tuple, list)):
        return [_rounded(v) for v in s]
    if isinstance(s, float):
        return round(s, 4)
    return s
