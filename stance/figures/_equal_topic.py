"""Figure ``equal_topic``: how alike two sides speak *at equal topic*, beside their topic
similarity.

For the two contrasted sides (those of figure 6), one row per frame that both sides use: the
cosine similarity of the two sides' centroids inside that frame, the dot's area proportional to
the frame's weight in the pooled value, against a grey range: the 95% range of that similarity
when side labels are permuted between the articles of the frame (what the two sides' numbers of
statements alone give, small cells pulling any cosine down). Then the pooled within-frame
similarity (weighted mean, Cochran-Mantel-Haenszel weights ``n_a n_b / (n_a + n_b)``) against its
within-frame permutation range, and the topic similarity (all statements of the two sides,
whatever the topic: :func:`stance.compare.topic_similarity`) against a permutation over all
statements. The footnote gives the permutation tests (energy distance; articles as blocks) and
the bias-corrected pooled similarity with its bootstrap interval. See
:mod:`stance.compare._stratified`.

Frames here are the run's frames (topic and event clusters of the same embeddings), so within a
frame the two sides already say similar things; a pooled dot left of its range, or a small
within-frame p-value, says that they speak of the same things differently. Raw cosines are
drawn, not bias-corrected ones: observed value and permutation range carry the same shrinkage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from stance.figures import _style as st
from stance.figures._base import FigureSpec, contrast_pair

#: columns of the table behind figure 12: one row per frame, then a ``pooled`` and a ``topic`` row
EQUAL_TOPIC_COLUMNS = ["a", "b", "kind", "frame", "label", "similarity_raw", "null_low",
                       "null_median", "null_high", "similarity", "lo", "hi", "weight", "n_a",
                       "n_b", "used", "small_n", "p_value", "test"]
KINDS = ("frame", "pooled", "topic")


def equal_topic_table(statements: pd.DataFrame, vectors: np.ndarray,
                      frames: pd.DataFrame | None, pair: tuple[str, str] | None, *,
                      n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Figure 12's table for the sides ``pair`` (``a``, ``b``) of ``statements`` (column
    ``side``, ``frame``, ``article_id``): within-frame similarity per frame, pooled, and the
    topic similarity, with the two permutation tests' p-values on the pooled and topic rows.
    Outlier statements (frame -1) are left out of the frames. A note table when there is no pair.

    Examples
    --------
    Two synthetic sides that report the same 8 events, the events standing in for frames:

    >>> import pandas as pd
    >>> from stance.synthetic import synthetic_sides
    >>> world = synthetic_sides("topic", seed=0)
    >>> framed = world.statements.assign(
    ...     frame=pd.factorize(world.statements["event"], sort=True)[0])
    >>> tab = equal_topic_table(framed, world.vectors, None, ("a", "b"), n_boot=50)
    >>> tab["kind"].value_counts().to_dict()
    {'frame': 8, 'pooled': 1, 'topic': 1}
    >>> equal_topic_table(framed, world.vectors, None, None)["note"].iloc[0]
    'Fewer than two sides have statements: no pair to compare at equal topic.'
    """
    from stance.compare import stratified_similarity, stratified_test

    if pair is None:
        return st.note_table("Fewer than two sides have statements: no pair to compare at "
                             "equal topic.")
    a, b = pair
    keep = statements["side"].isin([a, b]).to_numpy()
    sub, vecs = statements[keep], np.asarray(vectors)[keep]
    n_perm = max(99, n_boot - 1)
    in_frame = (sub["frame"] >= 0).to_numpy()
    strat = stratified_similarity(sub[in_frame], vecs[in_frame], a, b, by="side",
                                  strata="frame", n_boot=n_boot, seed=seed, n_null=n_perm)
    topic = stratified_similarity(sub, vecs, a, b, by="side", strata=None, n_boot=n_boot,
                                  seed=seed, n_null=n_perm)
    test_in = stratified_test(sub[in_frame], vecs[in_frame], a, b, by="side", strata="frame",
                              n_perm=n_perm, seed=seed)
    test_all = stratified_test(sub, vecs, a, b, by="side", strata=None, n_perm=n_perm,
                               seed=seed)
    labels = ({} if frames is None or "label" not in frames.columns
              else dict(zip(frames["frame"].astype(str), frames["label"], strict=True)))
    rows = []
    for r in strat.itertuples(index=False):
        kind = "pooled" if r.pooled else "frame"
        rows.append({"a": a, "b": b, "kind": kind,
                     "frame": pd.NA if r.pooled else int(r.stratum),
                     "label": ("pooled within frames" if r.pooled
                               else labels.get(r.stratum, f"frame {r.stratum}")),
                     "similarity_raw": r.similarity_raw, "null_low": r.null_low,
                     "null_median": r.null_median, "null_high": r.null_high,
                     "similarity": r.similarity, "lo": r.ci_low, "hi": r.ci_high,
                     "weight": r.weight, "n_a": r.n_a, "n_b": r.n_b, "used": r.used,
                     "small_n": r.small_n,
                     "p_value": test_in.p_value.iloc[0] if r.pooled else np.nan,
                     "test": ("energy distance, side labels permuted within frames, "
                              f"{n_perm} permutations, articles as blocks"
                              + _subsampled(test_in)) if r.pooled else ""})
    t = topic.iloc[-1]
    rows.append({"a": a, "b": b, "kind": "topic", "frame": pd.NA,
                 "label": "topic similarity (all statements)",
                 "similarity_raw": t.similarity_raw, "null_low": t.null_low,
                 "null_median": t.null_median, "null_high": t.null_high,
                 "similarity": t.similarity,
                 "lo": t.ci_low, "hi": t.ci_high, "weight": np.nan, "n_a": t.n_a, "n_b": t.n_b,
                 "used": t.used, "small_n": t.small_n, "p_value": test_all.p_value.iloc[0],
                 "test": (f"energy distance, side labels permuted over all statements, "
                          f"{n_perm} permutations, articles as blocks" + _subsampled(test_all))})
    out = pd.DataFrame(rows, columns=EQUAL_TOPIC_COLUMNS)
    return out.astype({"frame": "Int64", "similarity_raw": "float64", "null_low": "float64",
                       "null_median": "float64", "null_high": "float64",
                       "similarity": "float64", "lo": "float64",
                       "hi": "float64", "weight": "float64", "p_value": "float64"})


def _subsampled(test: pd.DataFrame) -> str:
    """The note a test row's ``subsampled`` flag adds to the ``test`` column (none if unset)."""
    from stance.compare import ENERGY_MAX_N

    return (", on a random subset of whole articles where a frame holds more than "
            f"{ENERGY_MAX_N:,} statements" if bool(test.subsampled.iloc[0]) else "")


def _p(value: float) -> str:
    return "n/a" if not np.isfinite(value) else (f"{value:.3f}" if value >= 0.001 else "< 0.001")


def plot_equal_topic(table: pd.DataFrame, registry: Any = None, *, max_frames: int = 12,
                     title: str | None = None) -> Figure:
    """Draw the equal-topic figure from :func:`equal_topic_table`'s table
    (:data:`EQUAL_TOPIC_COLUMNS`).

    Examples
    --------
    >>> import pandas as pd
    >>> from stance.synthetic import synthetic_sides
    >>> world = synthetic_sides("topic", seed=0)
    >>> framed = world.statements.assign(
    ...     frame=pd.factorize(world.statements["event"], sort=True)[0])
    >>> fig = plot_equal_topic(equal_topic_table(framed, world.vectors, None, ("a", "b"),
    ...                                          n_boot=50))
    >>> len(fig.axes) >= 1
    True
    """
    name = "Similarity at equal topic"
    if st.is_note(table) or len(table) == 0:
        msg = table["note"].iloc[0] if st.is_note(table) else "Nothing to compare."
        return st.note_figure(name, msg, st.DOUBLE)
    a, b = str(table["a"].iloc[0]), str(table["b"].iloc[0])
    la, lb = st.side_label(registry, a), st.side_label(registry, b)
    frames = table[(table.kind == "frame") & table.used].sort_values(
        ["weight", "frame"], ascending=[False, True])
    unused = table[(table.kind == "frame") & ~table.used]
    shown = frames.head(max_frames)
    summary = table[table.kind != "frame"].set_index("kind")
    rows = [*shown.itertuples(index=False)]
    with st.style():
        fig = st.new_figure(st.DOUBLE, 1.7 + 0.24 * (len(rows) + 2))
        ax = fig.add_subplot()
        ys, labels = [], []
        y = 0.0

        def row(r: Any, y: float, colour: str, marker: str, size: float) -> None:
            if np.isfinite(r.null_low) and np.isfinite(r.null_high):
                ax.plot([r.null_low, r.null_high], [y, y], color="#DDDDDD", lw=5,
                        solid_capstyle="butt", zorder=1)
                ax.plot([r.null_median] * 2, [y - 0.25, y + 0.25], color=st.GREY, lw=0.8,
                        zorder=2)
            if np.isfinite(r.similarity_raw):
                ax.scatter([r.similarity_raw], [y], s=size, marker=marker, color=colour,
                           facecolor="white" if r.small_n else colour, zorder=3)

        for r in rows:
            row(r, y, "#333333", "o", 12 + 140 * (r.weight if np.isfinite(r.weight) else 0.0))
            ys.append(y)
            labels.append(f"{st.short(str(r.label), st.NAME_WIDTH)} ({r.n_a}/{r.n_b})")
            y += 1
        y += 0.5
        for kind, marker, colour in (("pooled", "D", "#0072B2"), ("topic", "s", "#D55E00")):
            if kind not in summary.index:
                continue
            r = summary.loc[kind]
            row(r, y, colour, marker, 40)
            ys.append(y)
            labels.append(f"{r.label} ({int(r.n_a)}/{int(r.n_b)})")
            y += 1
        ax.set_yticks(ys)
        ax.set_yticklabels(labels)
        for tick in ax.get_yticklabels()[len(rows):]:
            tick.set_fontweight("bold")
        ax.invert_yaxis()
        ax.set_xlabel("cosine similarity of the two sides' centroids")
        ax.set_title(title or f"{la} and {lb} at equal topic: similarity within each frame "
                     "both use,\npooled, and over all their statements (topic similarity)",
                     loc="left")
        p_in = summary.loc["pooled", "p_value"] if "pooled" in summary.index else np.nan
        p_all = summary.loc["topic", "p_value"] if "topic" in summary.index else np.nan
        pooled = summary.loc["pooled"] if "pooled" in summary.index else None
        corrected = ("" if pooled is None or not np.isfinite(pooled.lo) else
                     f" Bias-corrected pooled similarity {pooled.similarity:.2f} "
                     f"[{pooled.lo:.2f}, {pooled.hi:.2f}] (table).")
        foot = (f"Rows: frames both sides use, by weight (dot area; weight n_a n_b / (n_a + "
                f"n_b), normalised), with statements ({la}/{lb}); hollow: fewer than 5 articles "
                "of one side. Grey bar: the 95% range of the similarity with side labels permuted "
                "between articles within the frame (last row: over all statements), tick: its "
                "median; a dot left of its bar: the sides speak of that frame less alike than "
                "their numbers of statements alone would make them. Permutation "
                f"tests (energy distance, articles as blocks): within frames p = {_p(p_in)}; "
                f"over all statements p = {_p(p_all)}.{corrected}")
        if len(unused):
            foot += (f" {st.plural(len(unused), 'frame')} used by one side only: left out "
                     "(no comparison at equal topic there).")
        if len(frames) > len(shown):
            foot += f" Shown: the {len(shown)} heaviest of {len(frames)} frames (all in the table)."
        st.footnote(fig, foot)
    return fig


SPECS = (
    FigureSpec("equal_topic",
               lambda inp: equal_topic_table(inp.statements, inp.vectors, inp.frames,
                                             contrast_pair(inp.statements, inp.settings),
                                             n_boot=inp.settings.n_boot,
                                             seed=inp.settings.seed),
               lambda table, registry, figs: plot_equal_topic(table, registry)),
)
