"""Few-shot stance with SetFit: contrastive fine-tuning of the sentence model, then a logistic head.

SetFit (Tunstall et al. 2022, "Efficient Few-Shot Learning Without Prompts") fine-tunes a
sentence-transformers model on pairs of labelled texts, same label -> cosine similarity 1,
different labels -> 0 (``CosineSimilarityLoss``), so that the embeddings of one position move
together and away from the others; a logistic regression is then fitted on the fine-tuned
embeddings. :class:`SetFitStance` wraps the ``setfit`` library (the optional extra
``stance[setfit]``) as a scikit-learn estimator on *texts* (not on precomputed embeddings: the
embeddings change with the fine-tuning), so :func:`~stance.targets.cross_validate_stance` and
``sklearn.base.clone`` work on it.

It starts from a fresh copy of the same offline model as :func:`stance.embed` (the bundled
all-MiniLM-L6-v2, never a hub download) and runs on the CPU with one seed for the pairs, the
weights and the head, so two fits on the same labels give the same predictions. The defaults are
small for a CPU: ``num_iterations=5`` (10 pairs per labelled text), one epoch, texts cut at 128
tokens; with 35 labels a fit is 22 optimiser steps of 16 pairs.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

__all__ = ["SETFIT_INSTALL", "SetFitStance", "setfit_available"]

#: how to install the optional dependency, quoted by the error when it is missing
SETFIT_INSTALL = "pip install 'stance[setfit]' (or: pip install setfit==1.2.0)"


def setfit_available() -> bool:
    """True when the optional ``setfit`` package can be imported.

    Examples
    --------
    >>> from stance.targets import setfit_available
    >>> isinstance(setfit_available(), bool)
    True
    """
    try:
        import setfit  # noqa: F401
    except ImportError:
        return False
    return True


def _require_setfit() -> Any:
    try:
        import setfit
    except ImportError as exc:
        raise ImportError(f"SetFitStance needs the optional package setfit: {SETFIT_INSTALL}"
                          ) from exc
    return setfit


@contextlib.contextmanager
def _quiet(progress: bool) -> Iterator[None]:
    """Silence the per-step logging of transformers/datasets unless ``progress``."""
    if progress:
        yield
        return
    names = ["setfit", "transformers", "sentence_transformers", "datasets", "accelerate"]
    sink = io.StringIO()  # the trainer prints its loss logs to stdout (PrinterCallback)
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    import datasets

    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        with contextlib.redirect_stdout(sink), warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pin_memory without an accelerator
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
        if bars:
            datasets.enable_progress_bars()


def _texts(X: Any, where: str) -> list[str]:
    texts = [x for x in np.asarray(X, dtype=object).ravel()] if not isinstance(X, list) else X
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise TypeError(f"SetFitStance.{where}: expects texts (one string per statement); item "
                        f"{bad[0]} is {type(texts[bad[0]]).__name__}. Pass statements['text'], "
                        "not embeddings")
    return list(texts)


class SetFitStance(ClassifierMixin, BaseEstimator):
    """Few-shot stance classifier: SetFit fine-tuning of the sentence model + logistic head.

    Parameters
    ----------
    model : str, Path, SentenceTransformer or None
        The sentence-transformers model to fine-tune: a local folder, a loaded model, or None
        (default) for the bundled all-MiniLM-L6-v2 (:func:`stance.embedding.default_model_path`).
        Each fit works on a fresh copy, so a model shared with :func:`stance.embed` is never
        changed.
    num_iterations : int
        SetFit's pair budget: ``2 * num_iterations`` pairs per labelled text (half of them of the
        same label, half of different labels).
    num_epochs : int
        Epochs of contrastive fine-tuning over the pairs.
    batch_size : int
        Pairs per optimiser step.
    body_learning_rate : float
        Learning rate of the sentence model (AdamW, linear warm-up over the first 10 %).
    max_length : int
        Texts are cut at this many tokens.
    C : float
        Inverse L2 regularisation of the logistic head.
    class_weight : str or None
        ``"balanced"`` (default, as :class:`~stance.targets.StanceClassifier`) or None.
    seed : int
        Seed of the pair sampling, the fine-tuning and the head.
    progress : bool
        Show the trainer's progress bar and logs.

    Attributes
    ----------
    classes_ : numpy.ndarray
        The labels, sorted.
    model_ : setfit.SetFitModel
        The fine-tuned model (``model_.model_body`` the sentence model, ``model_.model_head`` the
        logistic regression).

    Examples
    --------
    >>> from stance.targets import SetFitStance
    >>> texts = ["we back the truce", "no truce until they leave", "prices rose"] * 2
    >>> labels = ["supports", "rejects", "none"] * 2
    >>> model = SetFitStance(num_iterations=1).fit(texts, labels)  # doctest: +SKIP
    >>> model.predict(["we welcome the ceasefire"])  # doctest: +SKIP
    array(['supports'], dtype=object)
    """

    def __init__(self, model: str | Path | None = None, num_iterations: int = 5,
                 num_epochs: int = 1, batch_size: int = 16, body_learning_rate: float = 2e-5,
                 max_length: int = 128, C: float = 1.0, class_weight: str | None = "balanced",
                 seed: int = 0, progress: bool = False) -> None:
        self.model = model
        self.num_iterations = num_iterations
        self.num_epochs = num_epochs
        self.batch_size = batch_size
        self.body_learning_rate = body_learning_rate
        self.max_length = max_length
        self.C = C
        self.class_weight = class_weight
        self.seed = seed
        self.progress = progress

    def _body(self) -> Any:
        """A fresh copy of the sentence model to fine-tune (the given one is never changed)."""
        import copy

        from sentence_transformers import SentenceTransformer

        if isinstance(self.model, SentenceTransformer):
            body = copy.deepcopy(self.model).to("cpu")
        else:
            if self.model is None:
                from stance.embedding import default_model_path

                folder = default_model_path()
            else:
                folder = Path(self.model)
                if not folder.is_dir():
                    raise ValueError(f"SetFitStance: model must be a local model folder or a "
                                     f"loaded SentenceTransformer (no hub downloads), got "
                                     f"{str(self.model)!r}")
            body = SentenceTransformer(str(folder), device="cpu")
        body.max_seq_length = min(self.max_length, body.max_seq_length or self.max_length)
        return body

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> SetFitStance:
        """Fine-tune on texts ``X`` and their labels ``y``.

        Parameters
        ----------
        X : sequence of str
            The statements' texts.
        y : sequence
            One label per text (a target's positions and ``"none"``).

        Returns
        -------
        SetFitStance
            self, fitted.
        """
        texts = _texts(X, "fit")
        labels = np.asarray(y).astype(str)
        if len(texts) != len(labels):
            raise ValueError(f"SetFitStance.fit: {len(texts)} texts but {len(labels)} labels")
        classes = np.unique(labels)
        if len(classes) < 2:
            raise ValueError(f"SetFitStance.fit: needs at least two different labels, got "
                             f"{classes.tolist()}")
        setfit = _require_setfit()
        import torch
        from datasets import Dataset
        from sklearn.linear_model import LogisticRegression

        torch.manual_seed(self.seed)
        head = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000,
                                  random_state=self.seed)
        with _quiet(self.progress), tempfile.TemporaryDirectory(prefix="stance-setfit-") as tmp:
            model = setfit.SetFitModel(model_body=self._body(), model_head=head)
            args = setfit.TrainingArguments(
                output_dir=tmp, batch_size=self.batch_size, num_epochs=self.num_epochs,
                num_iterations=self.num_iterations, body_learning_rate=self.body_learning_rate,
                max_length=self.max_length, seed=self.seed, report_to="none",
                save_strategy="no", logging_strategy="steps" if self.progress else "no",
                logging_first_step=self.progress,
                show_progress_bar=self.progress)
            data = Dataset.from_dict({"text": texts, "label": labels.tolist()})
            setfit.Trainer(model=model, args=args, train_dataset=data).train()
        self.model_ = model
        self.classes_ = np.asarray(model.model_head.classes_).astype(str)
        return self

    def embed(self, X: Sequence[str]) -> np.ndarray:
        """Embeddings of texts by the fine-tuned sentence model (float32, one row per text)."""
        texts = _texts(X, "embed")
        if not texts:
            return np.zeros((0, self.model_.model_body.get_sentence_embedding_dimension()),
                            dtype=np.float32)
        return np.asarray(self.model_.encode(texts, show_progress_bar=False))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Probability of each class (columns in ``classes_`` order) for texts ``X``."""
        vectors = self.embed(X)
        if not len(vectors):
            return np.zeros((0, len(self.classes_)))
        return self.model_.model_head.predict_proba(vectors)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """The most probable label of each text."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)] if len(proba) else self.classes_[:0]
