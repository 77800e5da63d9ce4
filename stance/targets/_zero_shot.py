"""Zero-shot stance: place statements on targets from their embeddings and the targets' phrases
(no labels needed; see :func:`zero_shot_stance`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from stance._exact import exact_cosine
from stance.tables import NONE, STANCE_COLUMNS, UNCLEAR
from stance.targets._polarity import apply_polarity
from stance.targets._spec import Target

__all__ = ["MARGIN", "RELEVANCE_THRESHOLD", "TEMPERATURE", "zero_shot_stance"]

#: relevance at or above which a statement concerns a target (chosen on written examples, see
#: ``tests/test_targets.py`` and README "Stance toward targets")
RELEVANCE_THRESHOLD = 0.6
#: least cosine difference between the nearest and the second position prototype
MARGIN = 0.03
#: softmax temperature turning prototype similarities into a score
TEMPERATURE = 0.05


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _default_embed(texts: Sequence[str]) -> np.ndarray:
    from stance.embedding import embed

    return embed(list(texts), progress=False)


def zero_shot_stance(statements: pd.DataFrame, vectors: Any, targets: Sequence[Target],
                     embed_fn: Callable[[Sequence[str]], np.ndarray] | None = None, *,
                     relevance_threshold: float | None = None, margin: float = MARGIN,
                     temperature: float = TEMPERATURE) -> pd.DataFrame:
    """Place every statement on every target from its embedding and the targets' phrases.

    Method (prototype nearest-neighbour, as in zero-shot classification with sentence embeddings):

    * ``relevance`` = the highest cosine similarity between the statement and any phrase of the
      target (relevance phrases and all position phrases). ``relevant`` = relevance >=
      ``relevance_threshold`` (None: the target's own ``threshold`` from corpus.yaml if it has
      one, else :data:`RELEVANCE_THRESHOLD`; a number applies to every target).
    * each position's prototype is the normalised mean embedding of its phrases; ``margin`` = the
      cosine to the nearest prototype minus the cosine to the second; ``score`` = the softmax
      (temperature ``temperature``) of the prototype cosines at the nearest position.
    * ``position`` = the nearest position when relevant and its margin >= ``margin``; ``"unclear"``
      when relevant but closer; ``"none"`` when not relevant (score NaN). Never forced.

    ``vectors`` are the statements' embeddings (one row per statement, in table order) from the
    same model as ``embed_fn`` (default: :func:`stance.embed` with the default model).

    Returns a table of :data:`STANCE_COLUMNS`, one row per statement and target (targets in order,
    statements in table order).

    Examples
    --------
    >>> import stance
    >>> from stance.targets import load_targets
    >>> corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    >>> statements = stance.extract_statements(corpus, progress=False)
    >>> vectors = stance.embed(statements)
    >>> placed = stance.zero_shot_stance(statements, vectors, load_targets(corpus.config))
    >>> placed.columns.tolist()[:5]
    ['statement_id', 'target', 'relevance', 'relevant', 'position']
    >>> len(placed) == 4 * len(statements)     # one row per statement and target
    True
    """
    if "statement_id" not in statements.columns:
        raise ValueError("zero_shot_stance: statements table needs a 'statement_id' column")
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != len(statements):
        raise ValueError(f"zero_shot_stance: vectors has shape {x.shape}; expected one row per "
                         f"statement ({len(statements)} rows)")
    x = _unit(x)
    embed_fn = embed_fn or _default_embed
    ids = statements["statement_id"].astype(str).to_numpy()
    frames = []
    for target in targets:
        phrases = target.phrases()
        pv = _unit(np.asarray(embed_fn(phrases), dtype=np.float64))
        if pv.shape != (len(phrases), x.shape[1]):
            raise ValueError(f"zero_shot_stance: embed_fn gave shape {pv.shape} for "
                             f"{len(phrases)} phrases of target {target.name!r}; statements "
                             f"have dimension {x.shape[1]} (use the same model)")
        # exact cosines (stance._exact): the same bits on any CPU and thread count, so the
        # per-statement table's full-precision Parquet is portable too
        relevance = exact_cosine(x, pv).max(axis=1) if len(x) else np.zeros(0)
        protos, start = [], len(target.relevance)
        for pid in target.positions:
            k = len(target.positions[pid])
            protos.append(pv[start:start + k].mean(axis=0))
            start += k
        sims = exact_cosine(x, np.vstack(protos)) if len(x) else np.zeros((0, len(protos)))
        order = np.argsort(-sims, axis=1, kind="stable")
        best = order[:, 0] if len(x) else np.zeros(0, dtype=int)
        rows = np.arange(len(x))
        gap = sims[rows, best] - sims[rows, order[:, 1]] if len(x) else np.zeros(0)
        z = (sims - sims.max(axis=1, keepdims=True)) / temperature if len(x) else sims
        # numpy's SIMD exp differs in the last bit between CPUs: 9 decimals are far above that
        prob = (np.round(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True), 9) if len(x)
                else sims)
        threshold = (relevance_threshold if relevance_threshold is not None
                     else target.threshold if target.threshold is not None
                     else RELEVANCE_THRESHOLD)
        relevant = relevance >= threshold
        names = np.array(target.position_ids, dtype=object)
        position = np.where(~relevant, NONE,
                            np.where(gap >= margin, names[best] if len(x) else [], UNCLEAR))
        score = np.where(relevant, prob[rows, best] if len(x) else [], np.nan)
        frames.append(pd.DataFrame({
            "statement_id": ids, "target": target.name, "relevance": relevance,
            "relevant": relevant, "position": position.astype(str), "score": score,
            "margin": gap,
        }))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            STANCE_COLUMNS, ["str", "str", "float64", "bool", "str", "float64", "float64",
                             "str", "str"],
            strict=True)})
    out = pd.concat(frames, ignore_index=True)
    out = out.astype({"relevance": "float64", "relevant": "bool", "score": "float64",
                      "margin": "float64"})
    return apply_polarity(out, statements, targets)
