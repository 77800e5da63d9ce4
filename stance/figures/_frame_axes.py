"""Figure 7, positions on the frame axes: where each speaker's statements lie between the two poles
of each axis (for example civilian harm vs military action), and, when the corpus spans more than
one time bin, how each side moves along the axis over time.

A statement's position is its cosine similarity to one pole minus its similarity to the other
(FrameAxis, Kwak et al. 2020); a group's position is the mean over its statements with a 95%
bootstrap interval (resampling articles) from :func:`stance.compare.frame_axes`. Positive values
lean to the first pole. The scale is in units of cosine similarity.
"""

from __future__ import annotations

from collections.abc import Callable
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
    group_side,
)

#: columns of the table behind figure 7; ``bin`` is empty (NaT) for positions over the whole corpus
AXIS_COLUMNS = ["axis", "pole_a", "pole_b", "level", "group", "group_label", "side", "bin",
                "position", "lo", "hi", "n"]


def _overall_panel(ax: Any, d: pd.DataFrame, registry: Any, max_groups: int) -> None:
    d = d.sort_values(["n", "group"], ascending=[False, True]).head(max_groups)
    d = d.sort_values(["position", "group"]).reset_index(drop=True)
    for i, row in d.iterrows():
        colour = st.side_colour(registry, row["side"])
        ax.plot([row["lo"], row["hi"]], [i, i], color=colour, lw=1.2, solid_capstyle="butt")
        ax.plot([row["position"]], [i], marker="o", ms=3.5, color=colour)
    ax.set_yticks(range(len(d)))
    ax.set_yticklabels([f"{st.short(lab, st.NAME_WIDTH)} ({int(n)})" for lab, n in
                        zip(d["group_label"], d["n"], strict=True)])
    for tick, side in zip(ax.get_yticklabels(), d["side"], strict=True):
        tick.set_color(st.side_colour(registry, side))
    ax.set_ylim(-0.7, len(d) - 0.3)
    ax.axvline(0, color="0.6", lw=0.5, zorder=0)
    ax.tick_params(axis="y", length=0)


def _time_panel(ax: Any, d: pd.DataFrame, registry: Any, freq: str | None,
                bins: list) -> None:
    for side, g in d.groupby("group", sort=True):
        colour = st.side_colour(registry, g["side"].iloc[0])
        g = st.on_bins(g.sort_values("bin"), st.full_bins(bins))
        x = g["bin"]
        ax.fill_between(x, g["lo"], g["hi"], color=colour, alpha=0.18, lw=0)
        ax.plot(x, g["position"], color=colour, marker="o", ms=2.5,
                label=st.side_label(registry, side))
    ax.axhline(0, color="0.6", lw=0.5, zorder=0)
    st.date_axis(ax, bins, freq, max_ticks=6)


def plot_frame_axes(positions: pd.DataFrame, registry: Any = None, *, freq: str | None = "W",
               max_groups: int = 12, title: str | None = None,
               footnote: str | None = None) -> Figure:
    """One row per axis: left, each speaker's mean position over the whole corpus with its 95%
    interval (label: statements); right, each side's position per time bin (line) with its
    interval (band), or a note when the corpus has a single time bin.

    ``positions`` has :data:`AXIS_COLUMNS`; rows with an empty ``bin`` are whole-corpus positions
    of speakers (``level`` = speaker level), rows with a ``bin`` are per-bin positions of sides.
    """
    name = "Positions on the frame axes"
    if st.is_note(positions) or len(positions) == 0:
        msg = positions["note"].iloc[0] if st.is_note(positions) else "No frame axes."
        return st.note_figure(name, msg, st.DOUBLE)
    overall = positions[positions["bin"].isna()]
    timed = positions[positions["bin"].notna()]
    bins = sorted(pd.to_datetime(timed["bin"]).unique()) if len(timed) else []
    axes_names = list(dict.fromkeys(positions["axis"]))
    n_rows_max = min(max_groups, int(overall.groupby("axis").size().max()) if len(overall) else 1)
    timed_ok = len(bins) >= 2
    # one scale for every panel of a column: a 0.01 lean must not look like opposite poles
    left_lim = _padded(axis_range(overall))
    right_lim = _padded(axis_range(timed)) if timed_ok else None
    with st.style():
        row_h = max(1.4, 0.13 * n_rows_max + 0.85)
        fig = st.new_figure(st.DOUBLE, min(9.6, row_h * len(axes_names) + 0.9))
        top = 1 if timed_ok else 0           # a row for the legend of the sides' lines
        grid = fig.add_gridspec(len(axes_names) + top, 2,
                                width_ratios=[1.0, 1.0 if timed_ok else 0.6],
                                height_ratios=[0.12] * top + [1.0] * len(axes_names))
        for r, axis in enumerate(axes_names):
            d = positions[positions["axis"] == axis]
            pa, pb = str(d["pole_a"].iloc[0]), str(d["pole_b"].iloc[0])
            unit = f"\u2190 {st.short(pb, 24)}   |   {st.short(pa, 24)} \u2192"
            ax = fig.add_subplot(grid[r + top, 0])
            _overall_panel(ax, d[d["bin"].isna()], registry, max_groups)
            ax.set_xlim(*left_lim)
            ax.set_title(f"{axis}: speakers, whole corpus", loc="left", fontsize=st.BASE)
            ax.set_xlabel(f"position relative to all statements (cosine)\n{unit}")
            if timed_ok:
                ax2 = fig.add_subplot(grid[r + top, 1])
                _time_panel(ax2, d[d["bin"].notna()], registry, freq, bins)
                ax2.set_ylim(*right_lim)
                ax2.set_title(f"{axis}: sides per {st.bin_description(freq)}", loc="left",
                              fontsize=st.BASE)
                ax2.set_ylabel(f"position\n{unit}", fontsize=st.SMALL)
                if r == 0:
                    key = fig.add_subplot(grid[0, :])
                    key.set_axis_off()
                    key.legend(*ax2.get_legend_handles_labels(), loc="center", ncols=4,
                               title="side (right-hand panels)")
        if not timed_ok:
            ax2 = fig.add_subplot(grid[:, 1])
            ax2.set_axis_off()
            when = (f"one {st.bin_description(freq)} (starting {st.format_bin(bins[0])} "
                    f"{pd.Timestamp(bins[0]).year})" if bins
                    else f"one {st.bin_description(freq)}")
            ax2.text(0.0, 0.5, st.wrap(f"Over time: not drawn. All statements fall in {when}; "
                                       "a plot of the sides' positions over time needs at least "
                                       "two.", 34),
                     transform=ax2.transAxes, fontsize=st.BASE, va="center")
        width = (overall["hi"] - overall["lo"]).abs()
        flat = overall[width.isna() | (width < 1e-12)]
        foot = ("Positions: mean cosine of a group's statements with the axis, minus that of all "
                "statements (0 = the corpus average). Label: speaker (statements). The panels "
                f"of a column share one scale ({left_lim[0]:+.2f} to {left_lim[1]:+.2f}"
                + (f"; over time {right_lim[0]:+.2f} to {right_lim[1]:+.2f}" if right_lim
                   else "") + "), so lengths compare across axes."
                + (f" {footnote}" if footnote else ""))
        if len(flat):
            foot += (f" {len(flat)} of the {len(overall)} positions have no interval: the "
                     "bootstrap resamples articles, and those speakers are quoted in one "
                     "article only.")
        st.footnote(fig, foot)
        fig.suptitle(title or "Positions on the frame axes (dot: mean position; bar/band: 95% "
                     "bootstrap interval)", x=0.01, ha="left")
    return fig


def _padded(lim: tuple[float, float], pad: float = 0.08) -> tuple[float, float]:
    m = max(abs(lim[0]), abs(lim[1])) or 1.0
    return -m * (1 + pad), m * (1 + pad)


def axis_range(positions: pd.DataFrame) -> tuple[float, float]:
    """The symmetric x range that holds every interval (for comparable panels)."""
    vals = positions[["position", "lo", "hi"]].to_numpy(dtype=float)
    m = float(np.nanmax(np.abs(vals))) if np.isfinite(vals).any() else 1.0
    return -m, m


# ------------------------------------------------------------------ the table


def axis_positions(statements: pd.DataFrame, vectors: np.ndarray, registry: Any, s: Settings,
                   embed_fn: Callable[[list[str]], np.ndarray]) -> pd.DataFrame:
    """Figure 7's table: speakers' positions on each axis over the whole corpus, and sides'
    positions per time bin. Positions are relative to the mean of all statements (FrameAxis
    positions share an offset from the embedding space, so only differences are read)."""
    from stance.compare import frame_axes

    if not s.axes:
        return st.note_table("The corpus has no frame axes (axes: in corpus.yaml or the run "
                          "config), so there are no positions to draw.")
    groups = choose_groups(statements, s)
    if not groups:
        return st.note_table(f"No speaker has at least {s.min_statements} attributed statements.")
    # baseline = all statements, so that relative positions of the two panels agree
    parts = []
    gstat = statements.assign(g=statements["group"].where(statements["group"].isin(groups),
                                                          "~rest"))
    res = frame_axes(gstat, vectors, s.axes, by="g", n_boot=s.n_boot, seed=s.seed,
                     embed_fn=embed_fn)
    names = group_labels(groups, registry, statements, s.level)
    sides = group_side(statements[statements["group"].isin(groups)])
    b = res.biases[res.biases["g"] != "~rest"]
    parts.append(pd.DataFrame({"axis": b["axis"], "level": s.level, "group": b["g"],
                               "group_label": b["g"].map(names), "side": b["g"].map(sides),
                               "bin": pd.NaT, "position": b["relative"],
                               "lo": b["ci_low"] - b["baseline"],
                               "hi": b["ci_high"] - b["baseline"], "n": b["n"]}))
    side_list = choose_sides(statements, s)
    if s.time_bin and side_list:
        sstat = statements.assign(g=statements["side"].where(statements["side"].isin(side_list),
                                                             "~rest"))
        res_t = frame_axes(sstat, vectors, s.axes, by="g", freq=s.time_bin, n_boot=s.n_boot,
                           seed=s.seed, embed_fn=embed_fn)
        bt = res_t.biases[res_t.biases["g"] != "~rest"]
        parts.append(pd.DataFrame({"axis": bt["axis"], "level": "side", "group": bt["g"],
                                   "group_label": bt["g"], "side": bt["g"], "bin": bt["bin"],
                                   "position": bt["relative"], "lo": bt["ci_low"] - bt["baseline"],
                                   "hi": bt["ci_high"] - bt["baseline"], "n": bt["n"]}))
    poles = res.axes.set_index("axis")
    out = pd.concat(parts, ignore_index=True)
    out["pole_a"] = out["axis"].map(poles["positive"])
    out["pole_b"] = out["axis"].map(poles["negative"])
    out["bin"] = pd.to_datetime(out["bin"])
    return out[AXIS_COLUMNS]


# ------------------------------------------------------------------ registry entries


def _plot(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_frame_axes(table, registry, freq=figs.time_bin, footnote=figs.omitted)


def _notes(table: pd.DataFrame, figs: Any) -> list[str]:
    if table["bin"].dropna().nunique() < 2:
        return [("the panels over time are not drawn (fewer than two "
                 f"{st.bin_description(figs.time_bin)}s).")]
    return []


SPECS = (FigureSpec("frame_axes",
                    lambda inp: axis_positions(inp.statements, inp.vectors, inp.registry,
                                               inp.settings, inp.embed_fn),
                    _plot, _notes),)
