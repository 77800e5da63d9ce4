"""Semantic frame axes from pole phrases, in the spirit of FrameAxis (Kwak et al. 2020)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B

EmbedFn = Callable[[list[str]], Any]


@dataclass(frozen=True)
class Pole:
    """One end of an axis: a label and the phrases that stand for it."""

    label: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Axis:
    """A semantic axis from the ``negative`` pole (-1) to the ``positive`` pole (+1)."""

    name: str
    description: str
    positive: Pole
    negative: Pole


@dataclass
class FrameAxes:
    """The tables of :func:`frame_axes`.

    Attributes:
        positions: one row per statement and axis: ``statement_id``/``article_id``/``date`` when
            the table has them, ``by``, ``axis``, ``position`` (cosine of the statement's vector
            with the axis, in [-1, 1]; > 0 leans to the positive pole) and ``relative``
            (``position`` minus the axis baseline).
        biases: one row per group, bin and axis: ``bias`` (mean position, the FrameAxis bias),
            ``ci_low``, ``ci_high`` (article bootstrap), ``baseline`` (mean position over the
            whole table), ``relative`` (``bias - baseline``: where the group leans compared with
            everyone), ``intensity`` (mean squared deviation from the baseline, the FrameAxis
            intensity), ``n``, ``n_articles``, ``small_n``.
        axes: one row per axis: ``axis``, ``description``, ``positive``, ``negative`` (pole
            labels), ``n_positive``, ``n_negative`` (phrases) and ``pole_similarity`` (cosine of
            the two poles' mean embeddings; near 1 means the poles barely differ and the axis
            carries little signal).
    """

    positions: pd.DataFrame
    biases: pd.DataFrame
    axes: pd.DataFrame


def _parse_pole(entry: Any, where: str) -> Pole:
    if not isinstance(entry, dict):
        msg = f"{where}: must be a mapping with 'label' and 'phrases'"
        raise ValueError(msg)  # noqa: TRY004 (bad content of a config file)
    phrases = entry.get("phrases")
    if isinstance(phrases, str):
        phrases = [phrases]
    if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise ValueError(f"{where}.phrases: must be a non-empty list of non-empty strings")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise ValueError(f"{where}.label: must be a non-empty string")
    return Pole(label.strip(), tuple(p.strip() for p in phrases))


def parse_axes(entries: Any, source: str = "axes") -> list[Axis]:
    """Axes from a list of mappings ``{name, description, positive: {label, phrases},
    negative: {label, phrases}}`` (the ``axes:`` section of a corpus.yaml). Errors name the source,
    the entry and the field."""
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{source}: 'axes' must be a non-empty list")
    axes: list[Axis] = []
    for i, entry in enumerate(entries):
        if isinstance(entry, Axis):
            axes.append(entry)
            continue
        where = f"{source}: axes[{i}]"
        if not isinstance(entry, dict):
            msg = f"{where}: must be a mapping, got {type(entry).__name__}"
            raise ValueError(msg)  # noqa: TRY004
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}.name: must be a non-empty string")
        for pole in ("positive", "negative"):
            if pole not in entry:
                raise ValueError(f"{where} ({name}): missing field '{pole}'")
        axes.append(Axis(name.strip(), str(entry.get("description") or "").strip(),
                         _parse_pole(entry["positive"], f"{where}.positive"),
                         _parse_pole(entry["negative"], f"{where}.negative")))
    names = [a.name for a in axes]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"{source}: duplicate axis name(s) {dupes}")
    return axes


def load_axes(corpus_config: Any = None) -> list[Axis]:
    """The frame axes of a corpus.

    Args:
        corpus_config: a parsed corpus.yaml (dict with an ``axes`` key), a
            :class:`stance.read.Corpus` (its ``config``), a path to a corpus.yaml or to a corpus
            folder, or ``None`` for the default corpus.

    Examples
    --------
    >>> from stance import compare
    >>> [axis.name for axis in compare.load_axes("corpora/nagorno-karabakh-2020")]
    ['harm', 'escalation', 'legitimacy', 'aggression']
    """
    source = "corpus config"
    if corpus_config is None:
        from stance.config import default_corpus_path

        corpus_config = default_corpus_path()
    if hasattr(corpus_config, "config"):
        corpus_config = corpus_config.config
    if isinstance(corpus_config, (str, Path)):
        from stance.read import corpus_yaml_path, read_corpus_yaml

        source = str(corpus_yaml_path(corpus_config))
        corpus_config = read_corpus_yaml(corpus_config)
    if not isinstance(corpus_config, dict):
        msg = f"{source}: expected a mapping, got {type(corpus_config).__name__}"
        raise ValueError(msg)  # noqa: TRY004
    if "axes" not in corpus_config:
        raise ValueError(f"{source}: has no 'axes' section")
    return parse_axes(corpus_config["axes"], source)


def _default_embed(model: Any) -> EmbedFn:
    def embed_fn(texts: list[str]) -> Any:
        from stance.embedding import embed

        return embed(list(texts), model=model)

    return embed_fn


def axis_vectors(axes: Sequence[Axis], embed_fn: EmbedFn) -> tuple[np.ndarray, np.ndarray]:
    """Unit axis vectors ``mean(embed(positive)) - mean(embed(negative))`` (one row per axis),
    and the cosine between each axis's two pole means."""
    rows, pole_sims = [], []
    for axis in axes:
        pos = B.unit_cosine(np.asarray(embed_fn(list(axis.positive.phrases)), dtype=np.float64))
        neg = B.unit_cosine(np.asarray(embed_fn(list(axis.negative.phrases)), dtype=np.float64))
        mp, mn = pos.mean(0), neg.mean(0)
        diff = mp - mn
        if np.linalg.norm(diff) == 0:
            raise ValueError(f"axis {axis.name!r}: its two poles embed identically")
        rows.append(diff / np.linalg.norm(diff))
        pole_sims.append(float(B.unit_cosine(mp) @ B.unit_cosine(mn)))
    return np.stack(rows), np.asarray(pole_sims)


def frame_axes(statements: pd.DataFrame, vectors: Any, axes: Any = None, by: str = "side",
               freq: str | None = None, *, embed_fn: EmbedFn | None = None, model: Any = None,
               unit: str = "article", n_boot: int = 1000, ci: float = 0.95,
               seed: int | np.random.Generator = 0, groups: Sequence[Any] | None = None,
               min_n: int = 5) -> FrameAxes:
    """Place statements and groups on semantic axes defined by pole phrases.

    Following FrameAxis (Kwak, An, Jing and Ahn 2020), an axis is the difference of the mean
    embeddings of its two poles' phrases, ``mean(embed(positive)) - mean(embed(negative))``
    (normalised); a statement's position is the cosine of its vector with the axis, and a group's
    bias is the mean position of its statements per time bin, with an article-level bootstrap
    interval (NaN for a cell with a single article). FrameAxis works with word vectors; here
    statements and pole phrases are embedded by the same sentence model, so positions compare
    statements with phrases.

    Raw positions share an offset from the geometry of the embedding space, so read ``relative``
    (the bias minus the mean position of all statements in the table) to say which group leans
    to which pole; ``intensity`` says how far a group's statements sit from the baseline in
    either direction.

    Args:
        statements: needs ``by``, ``article_id`` (``unit="article"``), ``date`` (with ``freq``).
        vectors: one row per statement row, from the same model as ``embed_fn``.
        axes: a list of :class:`Axis` or of corpus.yaml-style mappings, a corpus config or path
            (see :func:`load_axes`), or ``None`` for the default corpus's axes.
        embed_fn: maps a list of phrases to an ``(n, d)`` array; default
            :func:`stance.embed` with ``model`` (imported only when needed).
        by, freq, unit, n_boot, ci, seed, groups, min_n: as in :func:`frame_shares`.

    Returns:
        A :class:`FrameAxes` with tables ``positions``, ``biases`` and ``axes``.

    Examples
    --------
    >>> import stance
    >>> from stance import compare
    >>> corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    >>> statements = stance.extract_statements(corpus, progress=False)
    >>> vectors = stance.embed(statements)
    >>> fa = compare.frame_axes(statements, vectors, compare.load_axes(corpus), by="side")
    >>> fa.axes["axis"].tolist()
    ['harm', 'escalation', 'legitimacy', 'aggression']
    >>> len(fa.positions) == 4 * len(statements)     # one position per statement and axis
    True
    """
    where = f"frame_axes(by={by!r})"
    chosen = B.check_inputs(statements, by, where, unit=unit, n_boot=n_boot, groups=groups)
    vecs = B.check_vectors(statements, vectors, where)
    if axes is None or isinstance(axes, (str, Path, dict)) or hasattr(axes, "config"):
        axes = load_axes(axes)
    else:
        axes = parse_axes(list(axes), "frame_axes(axes=...)")
    axis_mat, pole_sims = axis_vectors(axes, embed_fn or _default_embed(model))
    if axis_mat.shape[1] != vecs.shape[1]:
        raise ValueError(f"{where}: pole phrases embed to {axis_mat.shape[1]} dimensions but the "
                         f"statement vectors have {vecs.shape[1]}; use the same model for both")
    names = [a.name for a in axes]
    pos = vecs @ axis_mat.T                      # (n statements, n axes)
    baseline = pos.mean(0) if len(pos) else np.full(len(axes), np.nan)

    keep = [c for c in ("statement_id", B.ARTICLE_COL, "date") if c in statements.columns]
    base = statements[keep + ([by] if by not in keep else [])].reset_index(drop=True)
    positions = pd.concat(
        [base.assign(axis=name, position=pos[:, j], relative=pos[:, j] - baseline[j])
         for j, name in enumerate(names)], ignore_index=True)

    rng = np.random.default_rng(seed)
    bins = B.time_bins(statements, freq, where)
    rows: list[dict[str, Any]] = []
    group_arr = statements[by].to_numpy()
    for group in chosen:
        in_group = group_arr == group
        for in_bin, bin_start, bin_end in B.iter_bins(bins, within=in_group):
            mask = in_group & in_bin
            cell = statements.loc[mask]
            cell_pos = pos[mask]
            units = B.unit_codes(cell, unit)
            n_units = len(np.unique(units))
            bias = cell_pos.mean(0)
            if n_boot > 0 and n_units > 1:
                _, _, boot_sum, boot_n = B.boot_centroids(cell_pos, units, rng, n_boot)
                lo, hi = B.percentile(boot_sum / boot_n[:, None], ci)
            else:
                lo = hi = np.full(len(names), np.nan)
            intensity = ((cell_pos - baseline) ** 2).mean(0)
            n_articles = (cell[B.ARTICLE_COL].nunique() if B.ARTICLE_COL in cell.columns
                          else pd.NA)
            for j, name in enumerate(names):
                rows.append({by: group, "bin": bin_start,
                             "bin_end": bin_end, "axis": name,
                             "bias": bias[j], "ci_low": lo[j], "ci_high": hi[j],
                             "baseline": baseline[j], "relative": bias[j] - baseline[j],
                             "intensity": intensity[j], "n": int(mask.sum()),
                             "n_articles": n_articles, "small_n": n_units < min_n})
    biases = pd.DataFrame(rows, columns=[by, "bin", "bin_end", "axis", "bias", "ci_low",
                                         "ci_high", "baseline", "relative", "intensity", "n",
                                         "n_articles", "small_n"])
    biases = biases.astype({"bin": "datetime64[ns]", "bin_end": "datetime64[ns]"})
    axes_df = pd.DataFrame({
        "axis": names, "description": [a.description for a in axes],
        "positive": [a.positive.label for a in axes], "negative": [a.negative.label for a in axes],
        "n_positive": [len(a.positive.phrases) for a in axes],
        "n_negative": [len(a.negative.phrases) for a in axes], "pole_similarity": pole_sims})
    return FrameAxes(positions, biases, axes_df)
