"""Figures 2 and 3: the share of each frame in a speaker's statements, and in each side's statements
over time.

Shares are normalised within each group (and time bin): a speaker with 40 statements and one with 4
are compared on the same 0-100 % scale, so the counts are printed beside every share. Intervals are
bootstrap intervals (resampling articles) from :func:`stance.compare.frame_shares`.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from stance.figures import _style as st
from stance.figures._base import (
    FigureSpec,
    Settings,
    choose_groups,
    frame_label,
    frame_labels,
    group_labels,
    group_side,
    over_time_notes,
    side_statements,
)

#: columns of the table behind figure 2
SPEAKER_SHARE_COLUMNS = ["group", "group_label", "side", "frame", "frame_label", "count", "n",
                         "share", "lo", "hi"]
#: columns of the table behind figure 3
TIME_SHARE_COLUMNS = ["group", "bin", "frame", "frame_label", "count", "n", "share", "lo", "hi",
                      "small_n"]


def _frame_order(table: pd.DataFrame) -> list[tuple[int, str]]:
    totals = table.groupby(["frame", "frame_label"], sort=True)["count"].sum().reset_index()
    totals = totals.sort_values(["count", "frame"], ascending=[False, True])
    return list(zip(totals["frame"].astype(int), totals["frame_label"].astype(str), strict=True))


def plot_frame_shares_by_speaker(shares: pd.DataFrame, registry: Any = None, *, max_groups: int = 12,
                            title: str | None = None, footnote: str | None = None) -> Figure:
    """Heatmap of frame shares (columns) for each speaker (rows), with the count in every cell.

    ``shares`` has :data:`SPEAKER_SHARE_COLUMNS`. Shade = share of the speaker's statements in the
    frame; the number = statements. Row labels carry the speaker's total and are coloured by side;
    rows are grouped by side. At most ``max_groups`` speakers (the ones with most statements) are
    drawn; a footnote says how many were left out.
    """
    if st.is_note(shares) or len(shares) == 0:
        msg = shares["note"].iloc[0] if st.is_note(shares) else "No statements with a speaker."
        return st.note_figure("Frame shares by speaker", msg, st.DOUBLE)
    groups = (shares.groupby(["group", "group_label", "side"], sort=True)["n"].max().reset_index()
              .sort_values(["n", "group"], ascending=[False, True]))
    dropped = groups.iloc[max_groups:]
    groups = groups.head(max_groups)
    side_rank = {s: i for i, s in enumerate(groups.groupby("side")["n"].sum()
                                            .sort_values(ascending=False).index)}
    groups = groups.assign(rank=groups["side"].map(side_rank)).sort_values(
        ["rank", "n", "group"], ascending=[True, False, True])
    frames = _frame_order(shares)
    share = np.zeros((len(groups), len(frames)))
    count = np.zeros_like(share, dtype=int)
    gi = {g: i for i, g in enumerate(groups["group"])}
    fi = {f: j for j, (f, _) in enumerate(frames)}
    for row in shares.itertuples(index=False):
        if row.group in gi and int(row.frame) in fi:
            share[gi[row.group], fi[int(row.frame)]] = row.share
            count[gi[row.group], fi[int(row.frame)]] = row.count
    with st.style():
        fig = st.new_figure(st.DOUBLE, min(9.0, 2.0 + 0.2 * len(groups)))
        ax = fig.add_subplot()
        im = ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto",
                       interpolation="nearest")
        for i in range(share.shape[0]):
            for j in range(share.shape[1]):
                if count[i, j]:
                    ax.text(j, i, str(count[i, j]), ha="center", va="center",
                            fontsize=st.SMALL, color="white" if share[i, j] > 0.55 else "black")
        ax.set_yticks(range(len(groups)))
        ax.set_yticklabels([f"{st.short(lab, 34)} ({n})" for lab, n in
                            zip(groups["group_label"], groups["n"], strict=True)])
        for tick, side in zip(ax.get_yticklabels(), groups["side"], strict=True):
            tick.set_color(st.side_colour(registry, side))
        ax.set_xticks(range(len(frames)))
        if len(frames) <= 7:       # room for the whole label, wrapped, under each column
            width = max(12, int(80 / len(frames)))
            ax.set_xticklabels([st.wrap(f"F{f}: {st.short(lab, 3 * width)}", width)
                                for f, lab in frames])
        else:
            ax.set_xticklabels([f"F{f}: {st.short(lab, 22)}" for f, lab in frames],
                               rotation=40, ha="right", rotation_mode="anchor")
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xticks(np.arange(-0.5, len(frames)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(groups)), minor=True)
        ax.grid(which="minor", color="white", lw=0.8)
        ax.tick_params(which="minor", length=0)
        bar = fig.colorbar(im, ax=ax, shrink=0.6, pad=0.01, aspect=25)
        bar.set_label("share")
        bar.ax.tick_params(labelsize=st.SMALL)
        ax.set_xlabel("frame (numbers in cells: statements)")
        ax.set_title(title or "Frame shares by speaker (row label: speaker (statements), "
                     "colour: side)", loc="left")
        foot = [footnote] if footnote else []
        if len(dropped):
            foot.append(f"Not shown: {len(dropped)} more speakers with "
                        f"{int(dropped['n'].sum())} statements in all (fewest statements).")
        if foot:
            st.footnote(fig, " ".join(foot))
    return fig


def _small(table: pd.DataFrame) -> pd.Series:
    """The rows resting on fewer than 5 articles (``small_n``; False when the column is absent)."""
    if "small_n" not in table.columns:
        return pd.Series(False, index=table.index)
    return table["small_n"].fillna(False).astype(bool)


def plot_frame_shares_over_time(shares: pd.DataFrame, registry: Any = None, *,
                           freq: str | None = "W", max_frames: int = 9,
                           title: str | None = None) -> Figure:
    """Small multiples, one panel per frame: each side's share of statements in that frame per time
    bin (lines) with bootstrap intervals (bands); a bottom panel shows how many statements each
    side has per bin, since a share of 1 statement is not a share of 50.

    ``shares`` has :data:`TIME_SHARE_COLUMNS` (``group`` = side). Shares are normalised within
    each side and bin. The ``max_frames`` largest frames are drawn.
    """
    note = st.time_plot_note(shares, "Frame shares over time", "a plot of frame shares over time",
                          freq)
    if note is not None:
        return note
    bins = st.full_bins(st.time_bins(shares))
    frames = _frame_order(shares)[:max_frames]
    sides = (shares.drop_duplicates(["group", "bin"]).groupby("group")["n"].sum()
             .sort_values(ascending=False))
    ncols = 3
    nrows = -(-len(frames) // ncols)
    with st.style():
        fig = st.new_figure(st.DOUBLE, 1.55 * nrows + 1.7)
        grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[1.0] * nrows + [0.8])
        axes = []
        for k, (frame, label) in enumerate(frames):
            ax = fig.add_subplot(grid[k // ncols, k % ncols],
                                 sharey=axes[0] if axes else None, sharex=axes[0] if axes else None)
            axes.append(ax)
            sub = shares[shares["frame"] == frame]
            for side in sides.index:
                s = sub[sub["group"] == side].sort_values("bin")
                if s.empty:
                    continue
                colour = st.side_colour(registry, side)
                s = st.on_bins(s, bins)        # weeks without statements are gaps
                x = s["bin"]
                ax.fill_between(x, s["lo"], s["hi"], color=colour, alpha=0.18, lw=0)
                ax.plot(x, s["share"], color=colour, lw=1.0)
                small = _small(s)
                size = 4 + 3 * s["n"].fillna(0).clip(upper=20)
                ax.scatter(x[~small], s["share"][~small], s=size[~small], color=colour, lw=0,
                           zorder=3)
                ax.scatter(x[small], s["share"][small], s=size[small] + 6, facecolors="white",
                           edgecolors=colour, lw=0.8, zorder=3)    # hollow: few articles
                for xi, yi, c, n in zip(x[small], s["share"][small], s["count"][small],
                                        s["n"][small], strict=True):
                    ax.annotate(f"{int(c)}/{int(n)}", (xi, yi), xytext=(0, 4),
                                textcoords="offset points", ha="center", fontsize=st.SMALL - 1,
                                color=colour)
            ax.set_title(st.wrap(f"F{frame}: {label}", 40), loc="left", fontsize=st.BASE)
            ax.set_ylim(-0.02, 1.02)
            ax.set_yticks([0, 0.5, 1])
            ax.set_yticklabels(["0", "50%", "100%"])
            st.date_axis(ax, bins, freq, max_ticks=4)
            if k % ncols == 0:
                ax.set_ylabel("share of side's\nstatements")
        ax_n = fig.add_subplot(grid[nrows, :])
        step = min(b - a for a, b in itertools.pairwise(bins))
        width = step / (len(sides) + 1)
        totals = shares.drop_duplicates(["group", "bin"])
        for i, side in enumerate(sides.index):
            t = totals[totals["group"] == side]
            ax_n.bar(pd.to_datetime(t["bin"]) + width * (i - (len(sides) - 1) / 2), t["n"],
                     width=width, color=st.side_colour(registry, side), lw=0)
        ax_n.set_ylabel(f"statements\nper {st.bin_description(freq)}")
        st.date_axis(ax_n, bins, freq, max_ticks=10)
        ax_n.set_xlabel(f"{st.bin_description(freq)} starting")
        handles = [Line2D([], [], color=st.side_colour(registry, s), marker="o", ms=3,
                          label=f"{st.side_label(registry, s)} ({int(n)})")
                   for s, n in sides.items()]
        fig.legend(handles=handles, title="side (statements)", loc="outside lower center",
                   ncols=min(4, len(handles)))
        unit = st.bin_description(freq)
        fig.suptitle(title or st.wrap(
            f"Frame shares over time by side (line: share of the side's statements per {unit}; "
            f"dot area: its statements that {unit}; hollow dot with k/n: fewer than 5 articles "
            f"behind it, k of n statements; band: 95% bootstrap interval; gap: a {unit} without "
            "statements from the side; no band: one article)", 105), x=0.01, ha="left")
    return fig


# ------------------------------------------------------------------ the table


def speaker_shares(statements: pd.DataFrame, frames: pd.DataFrame | None, registry: Any,
                   s: Settings) -> pd.DataFrame:
    """Figure 2's table: frame shares per speaker group over the whole corpus."""
    from stance.compare import frame_shares

    groups = choose_groups(statements, s)
    if not groups:
        return st.note_table(f"No speaker has at least {s.min_statements} attributed statements "
                          "(statements without a resolved speaker are left out).")
    sub = statements[statements["group"].isin(groups)]
    res = frame_shares(sub, by="group", freq=None, n_boot=s.n_boot, seed=s.seed, groups=groups)
    labels, names, sides = frame_labels(frames), group_labels(groups, registry, sub, s.level), \
        group_side(sub)
    return pd.DataFrame({
        "group": res["group"], "group_label": res["group"].map(names),
        "side": res["group"].map(sides), "frame": res["frame"].astype(int),
        "frame_label": [frame_label(f, labels) for f in res["frame"]], "count": res["n_frame"],
        "n": res["n"], "share": res["share"], "lo": res["ci_low"], "hi": res["ci_high"],
    })[SPEAKER_SHARE_COLUMNS]


def time_shares(statements: pd.DataFrame, frames: pd.DataFrame | None,
                s: Settings) -> pd.DataFrame:
    """Figure 3's table: frame shares per side and time bin."""
    from stance.compare import frame_shares

    sub, sides = side_statements(statements, s)
    if not sides:
        return st.note_table("No statement is attributed to a side, so there are no sides to "
                          "follow over time.")
    res = frame_shares(sub, by="side", freq=s.time_bin, n_boot=s.n_boot, seed=s.seed,
                       groups=sides)
    labels = frame_labels(frames)
    return pd.DataFrame({
        "group": res["side"], "bin": res["bin"], "frame": res["frame"].astype(int),
        "frame_label": [frame_label(f, labels) for f in res["frame"]], "count": res["n_frame"],
        "n": res["n"], "share": res["share"], "lo": res["ci_low"], "hi": res["ci_high"],
        "small_n": res["small_n"],
    })[TIME_SHARE_COLUMNS]


# ------------------------------------------------------------------ registry entries


def _plot_by_speaker(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_frame_shares_by_speaker(table, registry, footnote=figs.omitted)


def _plot_over_time(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_frame_shares_over_time(table, registry, freq=figs.time_bin)


SPECS = (
    FigureSpec("frame_shares_by_speaker",
               lambda inp: speaker_shares(inp.statements, inp.frames, inp.registry, inp.settings),
               _plot_by_speaker),
    FigureSpec("frame_shares_over_time",
               lambda inp: time_shares(inp.statements, inp.frames, inp.settings),
               _plot_over_time, over_time_notes),
)
