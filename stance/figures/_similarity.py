"""Figures 4 and 5: how similar speakers are, and whether the sides converge or diverge over time.

Similarity is the *topic similarity* (:func:`stance.compare.topic_similarity`): the cosine
similarity of two groups' mean statement vectors (centroids) over all their statements, with 95%
bootstrap intervals (resampling articles) from :func:`stance.compare.similarity` and
:func:`stance.compare.drift`. Sentence embeddings of any two texts on one topic are already
similar, so read differences between cells, not the absolute level.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from stance.figures import _style as st
from stance.figures._base import (
    FigureSpec,
    Settings,
    choose_groups,
    choose_sides,
    group_labels,
    over_time_notes,
)

#: columns of the table behind figure 4 (one row per ordered or unordered pair)
SIMILARITY_COLUMNS = ["a", "b", "a_label", "b_label", "similarity", "lo", "hi", "n_a", "n_b",
                      "small_n"]
#: columns of the table behind figure 5
CONVERGENCE_COLUMNS = ["bin", "a", "b", "similarity", "lo", "hi", "n_a", "n_b", "small_n"]
#: optional columns of that table: the pair's trend over the bins (``stance.compare.drift``)
TREND = ["trend", "trend_slope", "trend_lo", "trend_hi", "trend_p"]


def plot_speaker_similarity(sim: pd.DataFrame, registry: Any = None, *, sides: dict | None = None,
                      max_groups: int = 8, title: str | None = None,
                      footnote: str | None = None) -> Figure:
    """Lower-triangle matrix of centroid similarities; each cell prints the similarity and its 95%
    interval (``*`` when ``small_n``: fewer than 5 articles behind a speaker). ``sim`` has :data:`SIMILARITY_COLUMNS`; ``sides`` maps a group to its side (label
    colours). The ``max_groups`` groups with most statements are drawn."""
    name = "Topic similarity of speakers"
    if st.is_note(sim) or len(sim) == 0:
        msg = sim["note"].iloc[0] if st.is_note(sim) else "Fewer than two speakers to compare."
        return st.note_figure(name, msg, st.DOUBLE)
    sizes = pd.concat([sim[["a", "a_label", "n_a"]].set_axis(["g", "label", "n"], axis=1),
                       sim[["b", "b_label", "n_b"]].set_axis(["g", "label", "n"], axis=1)])
    sizes_all = sizes.drop_duplicates("g").sort_values(["n", "g"], ascending=[False, True])
    sizes = sizes_all.head(max_groups)
    order = sizes["g"].tolist()
    idx = {g: i for i, g in enumerate(order)}
    k = len(order)
    if k < 2:
        return st.note_figure(name, "Fewer than two speakers to compare.", st.DOUBLE)
    # strictly lower triangle: rows = groups 2..k, columns = groups 1..k-1
    val = np.full((k - 1, k - 1), np.nan)
    lo = np.full_like(val, np.nan)
    hi = np.full_like(val, np.nan)
    weak = np.zeros(val.shape, dtype=bool)
    has_small = "small_n" in sim.columns
    for row in sim.itertuples(index=False):
        if row.a in idx and row.b in idx and row.a != row.b:
            i, j = sorted((idx[row.a], idx[row.b]), reverse=True)
            val[i - 1, j], lo[i - 1, j], hi[i - 1, j] = row.similarity, row.lo, row.hi
            weak[i - 1, j] = bool(row.small_n) if has_small else False
    with st.style():
        fig = st.new_figure(st.DOUBLE, min(7.5, 2.4 + 0.45 * (k - 1)))
        ax = fig.add_subplot()
        finite = val[np.isfinite(val)]
        vmin = float(np.floor(finite.min() * 10) / 10) if finite.size else 0.0
        vmax = float(np.ceil(finite.max() * 10) / 10) if finite.size else 1.0
        vmax = vmax if vmax > vmin else vmin + 0.1
        im = ax.imshow(np.ma.masked_invalid(val), cmap="viridis", vmin=vmin, vmax=vmax,
                       interpolation="nearest", aspect="auto")
        for i in range(k - 1):
            for j in range(k - 1):
                if np.isfinite(val[i, j]):
                    dark = (val[i, j] - vmin) / (vmax - vmin) < 0.6
                    star = "*" if weak[i, j] else ""
                    interval = (f"{lo[i, j]:.2f}\u2013{hi[i, j]:.2f}"
                                if np.isfinite(lo[i, j]) and np.isfinite(hi[i, j])
                                else "no interval")
                    ax.text(j, i, f"{val[i, j]:.2f}{star}\n{interval}",
                            ha="center", va="center", fontsize=st.SMALL,
                            color="white" if dark else "black", linespacing=1.1)
        labels = [f"{st.short(lab, st.NAME_WIDTH)} ({int(n)})" for lab, n in
                  zip(sizes["label"], sizes["n"], strict=True)]
        ax.set_xticks(range(k - 1))
        ax.set_xticklabels(labels[:-1], rotation=35, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(k - 1))
        ax.set_yticklabels(labels[1:])
        for ticks, groups in ((ax.get_xticklabels(), order[:-1]),
                              (ax.get_yticklabels(), order[1:])):
            for tick, g in zip(ticks, groups, strict=True):
                tick.set_color(st.side_colour(registry, (sides or {}).get(g, "")))
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01, aspect=30)
        bar.set_label("cosine similarity of centroids")
        ax.set_title(title or "Topic similarity of speakers (cell: cosine similarity of the "
                     "speakers' mean statement vectors,\nbelow it the 95% bootstrap interval)",
                     loc="left")
        foot = ("Label: speaker (statements); label colour: side. Topic similarity compares all "
                "statements: speakers who speak of the same events score high whatever they say "
                "of them (figure 'equal_topic' compares two sides within frames)."
                + (f" {footnote}" if footnote else ""))
        if weak.any():
            foot += (" *: fewer than 5 articles behind one of the two speakers: the interval "
                     "(resampling articles) is unreliable; with one article there is none.")
        if len(sizes_all) > k:
            foot += (f" Shown: the {k} speakers with most statements; all "
                     f"{len(sizes_all)} are in the table.")
        st.footnote(fig, foot)
    return fig


def plot_convergence(drift: pd.DataFrame, registry: Any = None, *, freq: str | None = "W",
                labels: dict | None = None, title: str | None = None) -> Figure:
    """One panel per pair of sides: cosine similarity of the two sides' centroids in each time bin
    (line) with its 95% bootstrap interval (band), and the number of statements behind each point.
    Rising = converging, falling = diverging. ``drift`` has :data:`CONVERGENCE_COLUMNS` and
    optionally :data:`TREND` (the verdict, slope per bin and permutation p-value in the title)."""
    note = st.time_plot_note(drift, "Convergence of sides over time",
                          "a plot of convergence over time", freq)
    if note is not None:
        return note
    bins = sorted(pd.to_datetime(drift["bin"]).unique())
    pairs = sorted({(a, b) for a, b in zip(drift["a"], drift["b"], strict=True)},
                   key=lambda p: -int(drift[(drift["a"] == p[0]) & (drift["b"] == p[1])]
                                      [["n_a", "n_b"]].sum().sum()))
    labels = labels or {}
    ncols = min(3, len(pairs))
    nrows = -(-len(pairs) // ncols)
    finite = drift[["lo", "similarity"]].to_numpy(dtype=float)
    ymin = float(np.floor(np.nanmin(finite) * 10) / 10) if np.isfinite(finite).any() else 0.0
    with st.style():
        fig = st.new_figure(st.DOUBLE, 1.9 * nrows + 0.6)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        for k, (a, b) in enumerate(pairs):
            ax = axes[k // ncols][k % ncols]
            d = st.on_bins(drift[(drift["a"] == a) & (drift["b"] == b)].sort_values("bin"),
                           st.full_bins(bins))
            x = d["bin"]
            ax.fill_between(x, d["lo"], d["hi"], color="0.6", alpha=0.35, lw=0)
            ax.plot(x, d["similarity"], color="black", lw=1.0)
            small = (d["small_n"].fillna(False).astype(bool) if "small_n" in d.columns
                     else pd.Series(False, index=d.index))
            ax.plot(x[~small], d["similarity"][~small], ls="", color="black", marker="o", ms=2.5)
            ax.plot(x[small], d["similarity"][small], ls="", marker="o", ms=3.5,
                    markerfacecolor="white", markeredgecolor="black", mew=0.8)  # few articles
            for xi, yi, na, nb in zip(x, d["similarity"], d["n_a"].fillna(0), d["n_b"].fillna(0),
                                      strict=True):
                if np.isfinite(yi):
                    ax.annotate(f"{int(na)}/{int(nb)}", (xi, yi), xytext=(0, 4),
                                textcoords="offset points", ha="center", fontsize=st.SMALL,
                                color="0.35")
            la = labels.get(a, st.side_label(registry, a))
            lb = labels.get(b, st.side_label(registry, b))
            pair = f"{la} vs {lb}"
            ax.set_title((pair if len(pair) <= 36 else f"{la} vs\n{lb}") + _trend_text(d, freq),
                         loc="left", fontsize=st.SMALL)
            ax.set_ylim(ymin, 1.0)
            st.date_axis(ax, bins, freq, max_ticks=4)
            if k % ncols == 0:
                ax.set_ylabel("cosine similarity")
            if k + ncols >= len(pairs):                # nothing drawn below this panel
                ax.set_xlabel(f"{st.bin_description(freq)} starting")
                ax.xaxis.set_tick_params(labelbottom=True)
        for k in range(len(pairs), nrows * ncols):
            axes[k // ncols][k % ncols].set_visible(False)
        if "trend" in drift.columns:
            st.footnote(fig, "Trend: least-squares slope of the similarity over the "
                        f"{st.bin_description(freq)}s where both sides speak, with a bootstrap "
                        "interval and a permutation test of the order of the bins; "
                        "'converging' or 'diverging' only when the interval excludes 0 and "
                        "p <= 0.05 ('too few bins' below 3).")
        fig.suptitle(title or "Convergence of sides (line: similarity of the two sides' mean "
                     f"statement vectors per {st.bin_description(freq)};\nband: 95% bootstrap "
                     "interval; numbers: statements of each side; hollow dot: fewer than 5 "
                     "articles behind a side; gap: a side without statements)",
                     x=0.01, ha="left")
    return fig


def _trend_text(d: pd.DataFrame, freq: str | None) -> str:
    """A second title line with the pair's trend, when the table has it."""
    if "trend" not in d.columns or d["trend"].dropna().empty:
        return ""
    row = d.dropna(subset=["trend"]).iloc[0]
    text = f"\ntrend: {row['trend']}"
    if np.isfinite(row["trend_slope"]):
        text += f", {row['trend_slope']:+.2f}/{st.bin_description(freq)}"
    if np.isfinite(row["trend_p"]):
        text += f", p = {row['trend_p']:.2f}"
    return text


def side_pairs(sides: list[str]) -> list[tuple[str, str]]:
    """All unordered pairs of ``sides`` in the given order."""
    return list(combinations(sides, 2))


# ------------------------------------------------------------------ the table


def speaker_similarity(statements: pd.DataFrame, vectors: np.ndarray, registry: Any,
                       s: Settings) -> pd.DataFrame:
    """Figure 4's table: centroid similarity of each pair of speaker groups (a <= b)."""
    from stance.compare import similarity

    groups = choose_groups(statements, s)
    if len(groups) < 2:
        return st.note_table(f"Fewer than two speakers with at least {s.min_statements} "
                          f"attributed statements ({len(groups)}): nothing to compare.")
    mask = statements["group"].isin(groups).to_numpy()
    sub = statements[mask]
    res = similarity(sub, vectors[mask], by="group", n_boot=s.n_boot, seed=s.seed, groups=groups)
    order = {g: i for i, g in enumerate(groups)}
    res = res[[order[a] <= order[b] for a, b in zip(res["group_a"], res["group_b"], strict=True)]]
    names = group_labels(groups, registry, sub, s.level)
    return pd.DataFrame({
        "a": res["group_a"], "b": res["group_b"], "a_label": res["group_a"].map(names),
        "b_label": res["group_b"].map(names), "similarity": res["similarity"],
        "lo": res["ci_low"], "hi": res["ci_high"], "n_a": res["n_a"], "n_b": res["n_b"],
        "small_n": res["small_n"],
    })[SIMILARITY_COLUMNS].reset_index(drop=True)


def side_convergence(statements: pd.DataFrame, vectors: np.ndarray,
                     s: Settings) -> pd.DataFrame:
    """Figure 5's table: similarity of each pair of sides per time bin."""
    from stance.compare import drift

    if not s.time_bin:
        return st.note_table("No time bin is set (time_bin: null), so there is no time axis.")
    mask = statements["side"].isin(choose_sides(statements, s)).to_numpy()
    sub = statements[mask]
    sides = choose_sides(statements, s)
    if len(sides) < 2:
        return st.note_table(f"Fewer than two sides have statements ({len(sides)}): no pair of "
                          "sides to follow over time.")
    result = drift(sub, vectors[mask], by="side", freq=s.time_bin, n_boot=s.n_boot,
                   seed=s.seed, groups=sides)
    res = result.pairs
    trend = result.trend.set_index(["side_a", "side_b"])
    key = list(zip(res["side_a"], res["side_b"], strict=True))
    return pd.DataFrame({
        "bin": res["bin"], "a": res["side_a"], "b": res["side_b"],
        "similarity": res["similarity"], "lo": res["ci_low"], "hi": res["ci_high"],
        "n_a": res["n_a"], "n_b": res["n_b"], "small_n": res["small_n"],
        "trend": [trend.at[k, "direction"] for k in key],
        "trend_slope": [trend.at[k, "slope"] for k in key],
        "trend_lo": [trend.at[k, "ci_low"] for k in key],
        "trend_hi": [trend.at[k, "ci_high"] for k in key],
        "trend_p": [trend.at[k, "p_value"] for k in key]})[CONVERGENCE_COLUMNS + TREND]


# ------------------------------------------------------------------ registry entries


def _plot_similarity(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_speaker_similarity(table, registry, sides=figs.group_sides, footnote=figs.omitted)


def _plot_convergence(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_convergence(table, registry, freq=figs.time_bin)


SPECS = (
    FigureSpec("speaker_similarity",
               lambda inp: speaker_similarity(inp.statements, inp.vectors, inp.registry,
                                              inp.settings),
               _plot_similarity),
    FigureSpec("convergence",
               lambda inp: side_convergence(inp.statements, inp.vectors, inp.settings),
               _plot_convergence, over_time_notes),
)
