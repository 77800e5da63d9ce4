"""Two framing figures from the narratives stage (:mod:`stance.narratives`), each with its table.

``speech_acts``: the speech-act profile of each side (accuses, denies, demands, threatens,
condemns, claims, promises, agrees): the share of each act among the side's statements over the
whole period, with 95% bootstrap intervals resampling articles
(:func:`stance.narratives.speech_act_profile`).

``blame_victim``: whom each side's statements present as the aggressor (agents of violent acts
told as having happened) and as the victim (their patients), as shares per time bin with 95%
bootstrap intervals over articles (:func:`stance.narratives.blame_shares`); one panel per
speaking side and role, one line per side named.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from stance.figures import _style as st
from stance.figures._base import FigureInput, FigureSpec, choose_sides

#: columns of the table behind the speech-act figure
SPEECH_ACT_COLUMNS = ["side", "bin", "bin_end", "speech_act", "share", "ci_low", "ci_high",
                      "n_act", "n", "n_articles", "small_n"]
#: columns of the table behind the blame figure (``stance.narratives.BLAME_COLUMNS``)
BLAME_FIGURE_COLUMNS = ["period", "role", "speaker_side", "bin", "bin_end", "side", "share",
                        "ci_low", "ci_high", "n_side", "n", "n_articles", "small_n"]
#: speaking sides drawn over time (most mentions first)
MAX_TIME_ROWS = 3

_NAME_ACTS = "Speech acts by side"
_NAME_BLAME = "Aggressor and victim by side"


def speech_act_table(statements: pd.DataFrame, sides: list[str], *, n_boot: int = 1000,
                     seed: int = 0) -> pd.DataFrame:
    """The table of the speech-act figure: :func:`stance.narratives.speech_act_profile` by side
    over the whole period, for ``sides`` (a note table when none of them has a statement).

    Examples
    --------
    >>> import pandas as pd
    >>> st = pd.DataFrame({"side": ["a", "b"], "article_id": ["x", "y"],
    ...                    "date": pd.to_datetime(["2020-10-01"] * 2), "cue": ["denied", "said"],
    ...                    "kind": ["indirect"] * 2, "text": ["the claim", "talks resume"]})
    >>> speech_act_table(st, ["a", "b"], n_boot=10).groupby("side")["share"].max().tolist()
    [1.0, 1.0]
    """
    from stance.narratives import speech_act_profile

    chosen = [s for s in sides if s in set(statements["side"])]
    if not chosen:
        return st.note_table("No statement of a side to profile.")
    prof = speech_act_profile(statements, by="side", freq=None, n_boot=n_boot, seed=seed,
                              groups=chosen)
    return prof.rename(columns={"n_frame": "n_act"})[SPEECH_ACT_COLUMNS]


def blame_table(narratives: pd.DataFrame, sides: list[str], freq: str | None, *,
                n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The table of the blame figure: :func:`stance.narratives.blame_shares` over the whole
    period (``period == "all"``) and per ``freq`` bin (``period == "bin"``) for the statements
    of ``sides`` (a note table when they tell no violent act with a side)."""
    from stance.narratives import blame_shares

    parts = [blame_shares(narratives, None, speaker_sides=sides, n_boot=n_boot, seed=seed)
             .assign(period="all")]
    if freq is not None:
        parts.append(blame_shares(narratives, freq, speaker_sides=sides, n_boot=n_boot,
                                  seed=seed).assign(period="bin"))
    out = pd.concat(parts, ignore_index=True)
    if not len(out):
        return st.note_table("No statement of these sides tells an act of violence whose agent "
                             "or victim resolves to a side.")
    return out[BLAME_FIGURE_COLUMNS]


def _sides_in_order(table: pd.DataFrame, col: str, weight: str) -> list[str]:
    n = table.drop_duplicates([col, "bin"] + (["role"] if "role" in table else []))
    n = n.groupby(col)[weight].sum().sort_index()
    return list(n.sort_values(ascending=False, kind="stable").index)


def plot_speech_acts(table: pd.DataFrame, registry: Any = None,
                     title: str | None = None) -> Figure:
    """Dot-and-interval chart: rows are speech acts, one dot per side (side colour).

    ``table`` has :data:`SPEECH_ACT_COLUMNS` (:func:`speech_act_table`).
    """
    if st.is_note(table):
        return st.note_figure(_NAME_ACTS, table["note"].iloc[0], st.DOUBLE)
    missing = [c for c in SPEECH_ACT_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"plot_speech_acts: table is missing column(s) {missing}")
    from stance.narratives import SPEECH_ACTS

    acts = [a for a in SPEECH_ACTS if a in set(table["speech_act"])]
    sides = _sides_in_order(table, "side", "n")
    totals = table.drop_duplicates("side").set_index("side")
    offsets = np.linspace(-0.3, 0.3, len(sides)) if len(sides) > 1 else np.zeros(1)
    with st.style():
        fig = st.new_figure(st.DOUBLE, 0.9 + 0.36 * len(acts))
        ax = fig.add_subplot()
        handles = []
        for k, side in enumerate(sides):
            colour = st.side_colour(registry, side)
            d = table[table["side"] == side].set_index("speech_act")
            for i, act in enumerate(acts):
                if act not in d.index:
                    continue
                r = d.loc[act]
                y = i + offsets[k]
                if np.isfinite(r["ci_low"]):
                    ax.plot([r["ci_low"], r["ci_high"]], [y, y], color=colour, lw=1.0,
                            solid_capstyle="butt")
                ax.plot([r["share"]], [y], marker=st.MARKERS[k % len(st.MARKERS)], ms=3.6,
                        color=colour, mfc="white" if bool(r["small_n"]) else colour, lw=0)
            row = totals.loc[side]
            handles.append(Line2D([], [], color=colour, marker=st.MARKERS[k % len(st.MARKERS)],
                                  ms=3.6, lw=1.0,
                                  label=f"{st.side_label(registry, side)} ({int(row['n'])} "
                                        f"statements, {int(row['n_articles'])} articles)"))
        ax.set_yticks(range(len(acts)))
        ax.set_yticklabels(acts)
        ax.set_ylim(len(acts) - 0.5, -0.5)
        ax.set_xlim(-0.02, 1.02)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_xticklabels(["0", "25%", "50%", "75%", "100%"])
        ax.set_xlabel("share of the side's statements")
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", lw=0.3, color="0.85")
        fig.legend(handles=handles, loc="outside lower center", ncols=min(2, len(handles)))
        fig.suptitle(st.wrap(title or (
            "Speech acts by side: share of each act among the side's statements (bar: 95% "
            "bootstrap interval over articles; hollow: fewer than 5 articles). Act from the cue "
            "verb, else from patterns in the content, else 'claims'."), 100), x=0.01, ha="left")
    return fig


def _overall_panel(ax: Any, d: pd.DataFrame, speakers: list[str], named: list[str],
                   registry: Any) -> None:
    offsets = np.linspace(-0.25, 0.25, len(named)) if len(named) > 1 else np.zeros(1)
    for i, speaker in enumerate(speakers):
        for k, side in enumerate(named):
            row = d[(d["speaker_side"] == speaker) & (d["side"] == side)]
            if row.empty:
                continue
            r = row.iloc[0]
            colour, y = st.side_colour(registry, side), i + offsets[k]
            if np.isfinite(r["ci_low"]):
                ax.plot([r["ci_low"], r["ci_high"]], [y, y], color=colour, lw=1.0,
                        solid_capstyle="butt")
            ax.plot([r["share"]], [y], marker="o", ms=3.4, color=colour, lw=0,
                    mfc="white" if bool(r["small_n"]) else colour)
    n = d.drop_duplicates("speaker_side").set_index("speaker_side")["n"]
    st.side_share_rows(ax, speakers, [st.wrap(f"{st.side_label(registry, s)} "
                                              f"({int(n.get(s, 0))})", 22) for s in speakers],
                       registry)


def _time_panel(ax: Any, d: pd.DataFrame, named: list[str], registry: Any, freq: str | None,
                bins: list) -> None:
    full = st.full_bins(bins)
    for side in named:
        g = d[d["side"] == side].sort_values("bin")
        if g.empty:
            continue
        colour = st.side_colour(registry, side)
        line = st.on_bins(g, full)                 # a bin without mentions breaks the line
        ax.plot(line["bin"], line["share"], color=colour, lw=0.9)
        x = pd.to_datetime(g["bin"]).to_numpy()
        ok = np.isfinite(g["ci_low"].to_numpy())
        ax.vlines(x[ok], g["ci_low"].to_numpy()[ok], g["ci_high"].to_numpy()[ok],
                  color=colour, lw=0.8, alpha=0.7)
        small = g["small_n"].astype(bool).to_numpy()
        ax.plot(x, g["share"], color=colour, marker="o", ms=3, lw=0)
        ax.plot(x[small], g["share"].to_numpy()[small], color=colour, marker="o", ms=3, lw=0,
                mfc="white")
    ax.set_ylim(-0.03, 1.03)
    ax.set_yticks([0, 0.5, 1])
    ax.set_yticklabels(["0", "50%", "100%"])
    st.date_axis(ax, bins, freq, max_ticks=6)


def plot_blame(table: pd.DataFrame, registry: Any = None, *, freq: str | None = None,
               title: str | None = None) -> Figure:
    """Whom each side's statements name as aggressor and as victim.

    Top row: the whole period, one row per speaking side, one dot per side named (95% interval).
    Below, for the speaking sides with most mentions and two or more time bins: the same shares
    per bin (a bin without mentions breaks the line). ``table`` has
    :data:`BLAME_FIGURE_COLUMNS` (:func:`blame_table`).
    """
    if st.is_note(table):
        return st.note_figure(_NAME_BLAME, table["note"].iloc[0], st.DOUBLE)
    missing = [c for c in BLAME_FIGURE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"plot_blame: table is missing column(s) {missing}")
    from stance.narratives import ROLES

    overall = table[table["period"] == "all"]
    per_bin = table[table["period"] == "bin"]
    speakers = _sides_in_order(overall, "speaker_side", "n")
    named = sorted(set(overall.loc[overall["n_side"] > 0, "side"]))
    bins = sorted(pd.to_datetime(per_bin["bin"]).dropna().unique())
    timed = [s for s in speakers if per_bin.loc[per_bin["speaker_side"] == s, "bin"].nunique()
             >= 2][:MAX_TIME_ROWS] if len(bins) >= 2 else []
    top = 0.5 + 0.3 * len(speakers)
    with st.style():
        fig = st.new_figure(st.DOUBLE, 1.2 + top + 1.35 * len(timed))
        grid = fig.add_gridspec(1 + len(timed), len(ROLES),
                                height_ratios=[top] + [1.35] * len(timed))
        for j, role in enumerate(ROLES):
            ax = fig.add_subplot(grid[0, j])
            _overall_panel(ax, overall[overall["role"] == role], speakers, named, registry)
            ax.set_title(f"{role}s named, whole period", loc="left",
                         fontsize=st.BASE)
            for i, speaker in enumerate(timed, start=1):
                ax = fig.add_subplot(grid[i, j])
                d = per_bin[(per_bin["speaker_side"] == speaker) & (per_bin["role"] == role)]
                _time_panel(ax, d, named, registry, freq, bins)
                ax.set_title(st.wrap(f"{st.side_label(registry, speaker)}'s statements: "
                                     f"{role}s per {st.bin_description(freq)}", 60),
                             loc="left", fontsize=st.BASE)
        handles = [Line2D([], [], color=st.side_colour(registry, s), marker="o", ms=3,
                          label=st.side_label(registry, s)) for s in named]
        fig.legend(handles=handles, title="side named as aggressor / victim",
                   loc="outside lower center", ncols=min(4, len(handles)))
        fig.suptitle(st.wrap(title or (
            "Whom each side's statements present as aggressor and as victim: share of each "
            "side among the agents (aggressor) and patients (victim) of violent acts told as "
            "having happened (bar: 95% bootstrap interval over articles; hollow: fewer than 5 "
            "articles)"), 100), x=0.01, ha="left")
    return fig


def _narrative_tables(inp: FigureInput) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables of both figures for the sides :func:`choose_sides` picks (computed once per
    run: the speech acts come from the same narratives)."""
    if "narratives" not in inp.cache:
        if inp.narratives is None:
            note = st.note_table("No narratives were extracted "
                                 "(stance.narratives.extract_narratives).")
            inp.cache["narratives"] = (note, note)
        else:
            from stance.narratives import speech_acts

            s = inp.settings
            sides = choose_sides(inp.statements, s)
            acts = speech_acts(inp.statements, inp.narratives)
            inp.cache["narratives"] = (
                speech_act_table(acts, sides, n_boot=s.n_boot, seed=s.seed),
                blame_table(inp.narratives, sides, s.time_bin, n_boot=s.n_boot, seed=s.seed))
    return inp.cache["narratives"]


SPECS = (
    FigureSpec("speech_acts", lambda inp: _narrative_tables(inp)[0],
               lambda table, registry, figs: plot_speech_acts(table, registry)),
    FigureSpec("blame_victim", lambda inp: _narrative_tables(inp)[1],
               lambda table, registry, figs: plot_blame(table, registry, freq=figs.time_bin)),
)
