"""Stance toward targets: where each statement stands on the questions analysts ask.

A *target* is a question with two or more *positions* ("Does the speaker support a ceasefire?":
``supports`` / ``rejects_or_conditions``), declared in the ``targets:`` section of ``corpus.yaml``
(:func:`load_targets`). Three ways to place statements:

* :func:`zero_shot_stance` needs no labels: a statement's *relevance* to a target is its highest
  cosine similarity to any of the target's phrases; a relevant statement gets the position whose
  prototype (mean embedding of its phrases) is nearest, when it is nearer by at least ``margin``
  than the runner-up. Otherwise the statement gets no position: ``"none"`` (not relevant) or
  ``"unclear"`` (relevant, positions too close). A position is never forced.
* :class:`StanceClassifier` learns from a few dozen hand labels (``stance label``): logistic
  regression on the embeddings with calibrated probabilities (:mod:`stance.stance_model`).
* :func:`stance_by_group` aggregates either table into the share of each position among the
  relevant statements of each side (or speaker) and time bin, with bootstrap intervals that resample
  articles (it reuses :func:`stance.compare.frame_shares`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from stance.stance_model import (
    CVResult,
    StanceClassifier,
    cross_validate_stance,
    predict_stance,
    train_stance,
)

__all__ = [
    "NONE", "RESERVED", "STANCE_COLUMNS", "UNCLEAR", "CVResult", "StanceClassifier", "Target",
    "TargetError", "corpus_stance", "cross_validate_stance", "get_target", "load_targets",
    "predict_stance",
    "stance_by_group", "train_stance", "zero_shot_stance",
]

#: position of a statement that does not concern the target
NONE = "none"
#: position of a relevant statement whose nearest positions are too close to call
UNCLEAR = "unclear"
#: position ids a corpus.yaml may not use
RESERVED = (NONE, UNCLEAR)

#: columns of the zero-shot / predicted stance table (one row per statement and target)
STANCE_COLUMNS = ["statement_id", "target", "relevance", "relevant", "position", "score", "margin"]

#: relevance at or above which a statement concerns a target (chosen on written examples, see
#: ``tests/test_targets.py`` and README "Stance toward targets")
RELEVANCE_THRESHOLD = 0.6
#: least cosine difference between the nearest and the second position prototype
MARGIN = 0.03
#: softmax temperature turning prototype similarities into a score
TEMPERATURE = 0.05

_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_TARGET_KEYS = {"name", "question", "positions", "relevance", "description", "threshold"}


class TargetError(ValueError):
    """A target in corpus.yaml is malformed; the message names the target and the field."""


@dataclass(frozen=True)
class Target:
    """A question with two or more positions, each described by a few phrases."""

    name: str
    question: str
    positions: dict[str, tuple[str, ...]]
    relevance: tuple[str, ...] = ()
    description: str = ""
    #: this target's relevance threshold (None: the default of :func:`zero_shot_stance`)
    threshold: float | None = None

    @property
    def position_ids(self) -> list[str]:
        """The position ids in the order of corpus.yaml."""
        return list(self.positions)

    @property
    def labels(self) -> list[str]:
        """What a hand label may be: a position or ``"none"`` (no stance on this target)."""
        return [*self.positions, NONE]

    def phrases(self) -> list[str]:
        """All phrases of the target: relevance phrases, then each position's."""
        out = list(self.relevance)
        for phrases in self.positions.values():
            out.extend(phrases)
        return out


def _phrase_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise TargetError(f"{where}: must be a non-empty list of phrases")
    out = []
    for i, phrase in enumerate(value):
        if not isinstance(phrase, str) or not phrase.strip():
            raise TargetError(f"{where}[{i}]: must be a non-empty string, got {phrase!r}")
        out.append(phrase.strip())
    return tuple(out)


def _parse_target(entry: Any, i: int, source: str) -> Target:
    where = f"{source}: targets[{i}]"
    if not isinstance(entry, Mapping):
        raise TargetError(f"{where}: must be a mapping with name, question and positions")
    name = entry.get("name")
    if not isinstance(name, str) or not _ID.match(name):
        raise TargetError(f"{where}.name: must be a lower-case id (letters, digits, _ or -), "
                          f"got {name!r}")
    where = f"{source}: targets[{i}] ({name})"
    unknown = sorted(set(entry) - _TARGET_KEYS)
    if unknown:
        raise TargetError(f"{where}: unknown field(s) {unknown}; known: {sorted(_TARGET_KEYS)}")
    question = entry.get("question")
    if not isinstance(question, str) or not question.strip():
        raise TargetError(f"{where}.question: must be a non-empty string")
    positions = entry.get("positions")
    if not isinstance(positions, Mapping) or len(positions) < 2:
        raise TargetError(f"{where}.positions: must map two or more position ids to phrases")
    parsed: dict[str, tuple[str, ...]] = {}
    for pid, phrases in positions.items():
        if not isinstance(pid, str) or not _ID.match(pid):
            raise TargetError(f"{where}.positions: position id {pid!r} must be a lower-case id")
        if pid in RESERVED:
            raise TargetError(f"{where}.positions.{pid}: {list(RESERVED)} are reserved ids")
        parsed[pid] = _phrase_list(phrases, f"{where}.positions.{pid}")
    relevance = entry.get("relevance")
    rel = () if relevance is None else _phrase_list(relevance, f"{where}.relevance")
    description = entry.get("description") or ""
    if not isinstance(description, str):
        raise TargetError(f"{where}.description: must be a string")
    threshold = entry.get("threshold")
    if threshold is not None and (isinstance(threshold, bool)
                                  or not isinstance(threshold, (int, float))
                                  or not -1 <= threshold <= 1):
        raise TargetError(f"{where}.threshold: must be a number between -1 and 1 (a cosine "
                          f"similarity), got {threshold!r}")
    return Target(name=name, question=question.strip(), positions=parsed, relevance=rel,
                  description=description,
                  threshold=None if threshold is None else float(threshold))


def load_targets(config: Mapping[str, Any] | Sequence[Any] | None,
                 source: str = "corpus.yaml") -> list[Target]:
    """The targets of a corpus: ``config`` is the parsed corpus.yaml (``Corpus.config``), its
    ``targets`` list, or None (no targets). Raises :class:`TargetError` naming ``source``, the
    target and the field for malformed entries and duplicate names."""
    if config is None:
        return []
    if isinstance(config, Mapping):
        entries = config.get("targets")
        if entries is None:
            return []
    else:
        entries = config
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Sequence):
        raise TargetError(f"{source}: targets: must be a list of targets")
    targets = [_parse_target(entry, i, source) for i, entry in enumerate(entries)]
    seen: set[str] = set()
    for t in targets:
        if t.name in seen:
            raise TargetError(f"{source}: targets: name {t.name!r} is used twice")
        seen.add(t.name)
    return targets


def get_target(targets: Sequence[Target], name: str) -> Target:
    """The target called ``name``; ``ValueError`` listing the known names otherwise."""
    for t in targets:
        if t.name == name:
            return t
    known = [t.name for t in targets] or "none (add a targets: section to corpus.yaml)"
    raise ValueError(f"unknown target {name!r}; known targets: {known}")


# ----------------------------------------------------------------------------- zero-shot


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def _default_embed(texts: Sequence[str]) -> np.ndarray:
    from stance.embed import embed

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
        relevance = (x @ pv.T).max(axis=1) if len(x) else np.zeros(0)
        protos, start = [], len(target.relevance)
        for pid in target.positions:
            k = len(target.positions[pid])
            protos.append(pv[start:start + k].mean(axis=0))
            start += k
        sims = x @ _unit(np.vstack(protos)).T
        order = np.argsort(-sims, axis=1, kind="stable")
        best = order[:, 0] if len(x) else np.zeros(0, dtype=int)
        rows = np.arange(len(x))
        gap = sims[rows, best] - sims[rows, order[:, 1]] if len(x) else np.zeros(0)
        z = (sims - sims.max(axis=1, keepdims=True)) / temperature if len(x) else sims
        prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) if len(x) else sims
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
            STANCE_COLUMNS, ["str", "str", "float64", "bool", "str", "float64", "float64"],
            strict=True)})
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"relevance": "float64", "relevant": "bool", "score": "float64",
                       "margin": "float64"})


# ----------------------------------------------------------------------------- aggregation

#: columns of :func:`stance_by_group` (``by`` is the name of the group column)
AGGREGATE_COLUMNS = ["target", "BY", "bin", "bin_end", "position", "share", "ci_low", "ci_high",
                     "n_position", "n", "n_articles", "small_n"]


def stance_by_group(stance: pd.DataFrame, statements: pd.DataFrame, by: str = "side",
                    freq: str | None = None, *, targets: Sequence[Target] | None = None,
                    n_boot: int = 1000, seed: int | np.random.Generator = 0, ci: float = 0.95,
                    include_unclear: bool = True, min_n: int = 5) -> pd.DataFrame:
    """Share of each position among the statements of each group and time bin that concern a
    target, with bootstrap intervals resampling articles.

    ``stance`` is a table of :data:`STANCE_COLUMNS` (:func:`zero_shot_stance` or
    :func:`predict_stance`); ``statements`` gives each ``statement_id`` its ``by`` column,
    ``date`` and ``article_id``. Only relevant statements count (position not ``"none"``);
    ``"unclear"`` is a position of its own unless ``include_unclear=False`` drops those statements.
    Shares are normalised within each target, group and bin. The computation is
    :func:`stance.compare.frame_shares` with the position as the frame, so intervals are percentile
    intervals of an article-level (cluster) bootstrap and ``small_n`` marks cells with fewer than
    ``min_n`` articles. Groups with an empty ``by`` value are reported as ``""`` (unresolved).

    Returns one row per target, group, bin and position: ``target``, ``by``, ``bin``, ``bin_end``,
    ``position``, ``share``, ``ci_low``, ``ci_high``, ``n_position``, ``n``, ``n_articles``,
    ``small_n``. Every position of a target appears in every cell (share 0 when unused); positions
    follow the order of ``targets`` (or of first appearance), ``"unclear"`` last.
    """
    from stance.compare import frame_shares

    where = f"stance_by_group(by={by!r})"
    for col in ("statement_id", "target", "position"):
        if col not in stance.columns:
            raise ValueError(f"{where}: stance table is missing column {col!r}")
    needed = ["statement_id", by, "article_id"] + (["date"] if freq else [])
    missing = [c for c in dict.fromkeys(needed) if c not in statements.columns]
    if missing:
        raise ValueError(f"{where}: statements table is missing column(s) {missing}")
    meta = statements.loc[:, list(dict.fromkeys(needed + (["date"] if "date" in statements
                                                          else [])))]
    meta = meta.drop_duplicates("statement_id").assign(
        statement_id=lambda d: d["statement_id"].astype(str))
    keep = stance["position"] != NONE
    if not include_unclear:
        keep &= stance["position"] != UNCLEAR
    table = stance.loc[keep, ["statement_id", "target", "position"]].assign(
        statement_id=lambda d: d["statement_id"].astype(str))
    table = table.merge(meta, on="statement_id", how="left", validate="many_to_one")
    lost = table[by].isna()
    if lost.any():
        raise ValueError(f"{where}: {int(lost.sum())} stance row(s) have a statement_id not in "
                         f"the statements table (e.g. {table.loc[lost, 'statement_id'].iloc[0]!r})")
    by_name = {t.name: t for t in targets or ()}
    columns = [c if c != "BY" else by for c in AGGREGATE_COLUMNS]
    out = []
    for name in pd.unique(stance["target"]):
        sub = table[table["target"] == name]
        if sub.empty:
            continue
        if name in by_name:
            order = by_name[name].position_ids
        else:
            order = [p for p in pd.unique(stance.loc[stance["target"] == name, "position"])
                     if p not in RESERVED]
        seen = set(sub["position"])
        positions = order + [p for p in pd.unique(sub["position"])
                             if p not in order and p != UNCLEAR]
        if UNCLEAR in seen:
            positions.append(UNCLEAR)
        shares = frame_shares(sub, by=by, freq=freq, frame_col="position", n_boot=n_boot,
                              ci=ci, seed=seed, frames=positions, min_n=min_n)
        out.append(shares.rename(columns={"n_frame": "n_position"}).assign(target=name))
    if not out:
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True).loc[:, columns]


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
    from pathlib import Path

    from stance.labeling import label_path, match_labels, read_labels

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
