"""Stance toward targets: where each statement stands on the questions analysts ask.

A *target* is a question with two or more *positions* ("Does the speaker support a ceasefire?":
``supports`` / ``rejects_or_conditions``), declared in the ``targets:`` section of ``corpus.yaml``
(:func:`load_targets`). Two ways to place statements:

* :func:`zero_shot_stance` needs no labels: a statement's *relevance* to a target is its highest
  cosine similarity to any of the target's phrases; a relevant statement gets the position whose
  prototype (mean embedding of its phrases) is nearest, when it is nearer by at least ``margin``
  than the runner-up. Otherwise the statement gets no position: ``"none"`` (not relevant) or
  ``"unclear"`` (relevant, positions too close). A position is never forced.
* :class:`StanceClassifier` learns from a few dozen hand labels (``stance label``): logistic
  regression on the embeddings with calibrated probabilities.
* :class:`SetFitStance` learns from the same labels by SetFit: contrastive fine-tuning of the
  sentence model on pairs of labelled texts, then a logistic head (optional extra
  ``stance[setfit]``).
* A statement that *denies* its content (``statements.polarity``) stands against the position its
  content takes: :func:`apply_polarity` gives it the target's ``opposites`` of that position, else
  ``"unclear"``; ``content_position`` keeps the content's (``_polarity``). The trained models
  learn the contents' positions.

:func:`compare_stance_methods` scores the three on a target's labels (cross-validated, folds by
article, bootstrap intervals) and names the best.

:func:`corpus_stance` picks, per target, the supervised model when there are enough labels, else
zero-shot. The share of each position per side and time bin is
:func:`stance.compare.stance_by_group`.

Insides, each importing only those above it: ``_spec`` (targets) -> ``_polarity`` (denials)
-> ``_zero_shot`` -> ``_classifier`` (the estimator) -> ``_setfit`` (the few-shot estimator) ->
``_labels`` (the labelling loop and label files) -> ``_methods`` (the methods compared) ->
``_dispatch`` (corpus level).
"""

from __future__ import annotations

from stance.tables import NONE, STANCE_COLUMNS, UNCLEAR
from stance.targets._classifier import (
    CVResult,
    StanceClassifier,
    bootstrap_agreement,
    cross_validate_stance,
)
from stance.targets._dispatch import STANCE_METHODS, corpus_stance, predict_stance, train_stance
from stance.targets._labels import (
    LABEL_COLUMNS,
    SHEET_COLUMNS,
    LabelError,
    StoreReport,
    agreement,
    format_agreement,
    label_path,
    match_labels,
    read_label_sheet,
    read_labels,
    select_for_labelling,
    store_labels,
    write_label_sheet,
    zero_shot_uncertainty,
)
from stance.targets._methods import METHODS, compare_stance_methods
from stance.targets._polarity import apply_polarity
from stance.targets._setfit import SetFitStance, setfit_available
from stance.targets._spec import RESERVED, Target, TargetError, get_target, load_targets
from stance.targets._zero_shot import MARGIN, RELEVANCE_THRESHOLD, TEMPERATURE, zero_shot_stance

__all__ = [
    "LABEL_COLUMNS", "MARGIN", "METHODS", "NONE", "RELEVANCE_THRESHOLD", "RESERVED",
    "SHEET_COLUMNS", "STANCE_COLUMNS", "STANCE_METHODS", "TEMPERATURE", "UNCLEAR", "CVResult",
    "LabelError", "SetFitStance", "StanceClassifier", "StoreReport", "Target", "TargetError",
    "agreement", "apply_polarity", "bootstrap_agreement", "compare_stance_methods",
    "corpus_stance",
    "cross_validate_stance", "format_agreement", "get_target", "label_path", "load_targets",
    "match_labels", "predict_stance", "read_label_sheet", "read_labels", "select_for_labelling",
    "setfit_available", "store_labels", "train_stance", "write_label_sheet", "zero_shot_stance",
    "zero_shot_uncertainty",
]
