"""Stance toward targets by side: for each target (ceasefire, responsibility for attacks on
civilians, ...) the share of each position among a side's statements about that target, with 95%
bootstrap intervals resampling articles (:func:`stance.compare.stance_by_group`).

With one time bin (or ``freq=None``) each target is a panel of sides (rows) and positions (marker
shapes). With two or more bins each target is a panel over time: one line per side for the share of
the target's first position (e.g. ``supports``), bands for the intervals, hollow markers for cells
resting on fewer than ``min_n`` articles. Shares count only statements about the target (zero-shot
relevant, or predicted not ``none``); the number of such statements is printed beside each side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from stance.figures import _style as st
from stance.figures._base import FigureInput, FigureSpec, Settings

#: columns of the table behind the figure (``stance_by_group(..., by="side")``)
STANCE_TARGET_COLUMNS = ["target", "side", "bin", "bin_end", "position", "share", "ci_low",
                         "ci_high", "n_position", "n", "n_articles", "small_n"]

#: marker shape and shade of the 1st, 2nd, ... position (greyscale-safe); "unclear" is hollow
_POSITION_STYLE = [("o", "0.1"), ("s", "0.45"), ("^", "0.65"), ("D", "0.8")]
#: the same shapes as characters, for the key under each panel title
_SYMBOL = {"o": "\u25cf", "s": "\u25a0", "^": "\u25b2", "D": "\u25c6"}
_HOLLOW = {"o": "\u25cb", "s": "\u25a1", "^": "\u25b3", "D": "\u25c7"}


def _label(position: str) -> str:
    return str(position).replace("_", " ")


def _side_order(d: pd.DataFrame) -> pd.Series:
    n = d.drop_duplicates(["target", "side", "bin"]).groupby("side")["n"].sum()
    return n.sort_values(ascending=False, kind="stable")


def _one_bin_panel(ax: Any, d: pd.DataFrame, registry: Any) -> list[str]:
    sides = _side_order(d)
    positions = list(pd.unique(d["position"]))
    handles = []
    offsets = np.linspace(-0.22, 0.22, len(positions)) if len(positions) > 1 else [0.0]
    for k, position in enumerate(positions):
        marker, shade = _POSITION_STYLE[min(k, len(_POSITION_STYLE) - 1)]
        hollow = position == "unclear"
        for i, side in enumerate(sides.index):
            row = d[(d["side"] == side) & (d["position"] == position)]
            if row.empty:
                continue
            r = row.iloc[0]
            y = i + offsets[k]
            ax.plot([r["ci_low"], r["ci_high"]], [y, y], color=shade, lw=1.0,
                    solid_capstyle="butt")
            ax.plot([r["share"]], [y], marker=marker, ms=3.8, color=shade,
                    mfc="white" if hollow else shade, lw=0)
        # no-break spaces: the key wraps between entries, never inside one
        entry = f"{(_HOLLOW if hollow else _SYMBOL)[marker]} {_label(position)}"
        handles.append(entry.replace(" ", "\u00a0"))
    st.side_share_rows(ax, list(sides.index), [st.wrap(f"{st.side_label(registry, s)} "
                                                       f"({int(n)})", 20)
                                               for s, n in sides.items()], registry)
    return handles


def _time_panel(ax: Any, d: pd.DataFrame, registry: Any, freq: str | None,
                bins: list) -> str:
    position = str(d["position"].iloc[0])
    sub = d[d["position"] == position]
    for side in _side_order(d).index:
        g = sub[sub["side"] == side].sort_values("bin")
        colour = st.side_colour(registry, side)
        full = st.on_bins(g, st.full_bins(bins))
        ax.fill_between(full["bin"], full["ci_low"], full["ci_high"], color=colour, alpha=0.18,
                        lw=0)
        ax.plot(full["bin"], full["share"], color=colour, lw=1.1)
        small = g["small_n"].astype(bool).to_numpy()
        x = pd.to_datetime(g["bin"])
        ax.plot(x[~small], g["share"][~small], color=colour, marker="o", ms=3, lw=0)
        ax.plot(x[small], g["share"][small], color=colour, marker="o", ms=3, lw=0,
                mfc="white")
    ax.set_ylim(-0.02, 1.02)
    ax.set_yticks([0, 0.5, 1])
    ax.set_yticklabels(["0", "50%", "100%"])
    st.date_axis(ax, bins, freq, max_ticks=6)
    return position


def plot_stance_by_side(table: pd.DataFrame, registry: Any = None, *, freq: str | None = None,
                   targets: Any = None, max_targets: int = 6,
                   title: str | None = None) -> Figure:
    """Each target's stance by side (one time bin) or over time (two or more bins).

    ``table`` has :data:`STANCE_TARGET_COLUMNS` (:func:`stance.compare.stance_by_group` with
    ``by="side"``); ``registry`` gives the side colours and labels; ``targets`` (the
    :class:`stance.targets.Target` list) gives the panel titles their questions. A note figure says
    so when there is nothing to draw.
    """
    name = "Stance toward targets by side"
    if st.is_note(table):
        return st.note_figure(name, table["note"].iloc[0], st.DOUBLE)
    if len(table) == 0 or table["n"].sum() == 0:
        return st.note_figure(name, "No statement concerns any target (no relevant statements): "
                              "nothing to compare.", st.DOUBLE)
    missing = [c for c in ("target", "side", "bin", "position", "share", "ci_low", "ci_high", "n",
                           "small_n") if c not in table.columns]
    if missing:
        raise ValueError(f"stance_by_side: table is missing column(s) {missing}; pass "
                         "stance_by_group(..., by='side')")
    questions = {t.name: t.question for t in targets or ()}
    names = list(pd.unique(table["target"]))[:max_targets]
    bins = sorted(pd.to_datetime(table["bin"]).unique())
    over_time = freq is not None and len(bins) >= 2
    with st.style():
        ncols = 2 if len(names) > 1 else 1
        nrows = -(-len(names) // ncols)
        height = (1.9 if over_time else 0.5 + 0.28 * table["side"].nunique()) * nrows + 0.9
        fig = st.new_figure(st.DOUBLE, min(9.0, height))
        grid = fig.add_gridspec(nrows, ncols)
        for k, tname in enumerate(names):
            ax = fig.add_subplot(grid[k // ncols, k % ncols])
            d = table[table["target"] == tname]
            heading = st.wrap(questions.get(tname, tname), 38 if ncols > 1 else 100)
            if over_time:
                shown = _time_panel(ax, d, registry, freq, bins)
                ax.set_ylabel(st.wrap(f"share '{_label(shown)}'", 18))
            else:
                key = _one_bin_panel(ax, d, registry)
                heading += "\n" + st.wrap("   ".join(key), 44 if ncols > 1 else 120)
                if k // ncols == nrows - 1:
                    ax.set_xlabel("share of side's statements on the target")
            ax.set_title(heading, loc="left", fontsize=st.BASE)
        if over_time:
            sides = _side_order(table)
            handles = [Line2D([], [], color=st.side_colour(registry, s), marker="o", ms=3,
                              label=f"{st.side_label(registry, s)} ({int(n)})")
                       for s, n in sides.items()]
            fig.legend(handles=handles, title="side (statements about the targets)",
                       loc="outside lower center", ncols=min(4, len(handles)))
            default = (f"Stance toward targets by side per {st.bin_description(freq)} (line: "
                       "share of the first position; band: 95% bootstrap interval; hollow: "
                       "few articles)")
        else:
            default = ("Stance toward targets by side: share of each position among the side's "
                       "statements about the target (bar: 95% bootstrap interval; label: "
                       "statements)")
        fig.suptitle(st.wrap(title or default, 110), x=0.01, ha="left")
        if len(pd.unique(table["target"])) > max_targets:
            fig.text(0.01, 0.0, f"Not shown: {len(pd.unique(table['target'])) - max_targets} "
                     "targets.", fontsize=st.SMALL, ha="left", va="bottom")
    return fig


# ------------------------------------------------------------------ the table


def stance_tables(statements: pd.DataFrame, vectors: np.ndarray, s: Settings,
                  embed_fn: Callable[[list[str]], np.ndarray]) -> dict[str, Any]:
    """Stance toward the corpus's targets (:mod:`stance.targets`): the per-statement table and
    the tables of figures 8 (by side) and 9 (by side over time). A target with enough hand labels
    in ``labels_dir`` (``<target>.csv``) uses the model of ``s.stance_method`` (the run config's
    ``stance_method``; default the logistic classifier), the others zero-shot
    (:func:`stance.targets.corpus_stance`; column ``method``)."""
    from stance.compare import stance_by_group
    from stance.targets import corpus_stance, load_targets

    targets = load_targets(s.targets if s.targets is not None else None, "run config targets")
    if not targets:
        note = st.note_table("The corpus has no stance targets (targets: in corpus.yaml or the run "
                          "config).")
        return {"stance_by_side": note, "stance_over_time": note, "targets": []}
    zs = corpus_stance(statements, vectors, targets, embed_fn=embed_fn, labels_dir=s.labels_dir,
                       method=s.stance_method, seed=s.seed)
    st_in = statements.assign(side=statements["side"].replace("", "unknown"))
    kw = {"by": "side", "targets": targets, "n_boot": s.n_boot, "seed": s.seed}
    out = {"statement_stance": zs, "targets": targets,
           "stance_by_side": stance_by_group(zs, st_in, freq=None, **kw)}
    out["stance_over_time"] = (stance_by_group(zs, st_in, freq=s.time_bin, **kw) if s.time_bin
                               else st.note_table("No time bin is set (time_bin: null)."))
    return out


# ------------------------------------------------------------------ registry entries


def _stance_part(inp: FigureInput, name: str) -> pd.DataFrame:
    """One of the two stance tables; both come from one :func:`stance_tables` per run, which also
    records the targets and the per-statement stance table."""
    if "stance" not in inp.cache:
        try:
            parts = stance_tables(inp.statements, inp.vectors, inp.settings, inp.embed_fn)
        except ValueError as exc:
            note = st.note_table(f"Not computed: {exc}")
            parts = {"stance_by_side": note, "stance_over_time": note, "targets": []}
        inp.cache["stance"] = parts
        inp.targets = parts["targets"]
        inp.statement_stance = parts.get("statement_stance")
    return inp.cache["stance"][name]


def _plot_by_side(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_stance_by_side(table, registry, freq=None, targets=figs.targets)


def _plot_over_time(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    note = st.time_plot_note(table, "Stance toward targets over time",
                             "a plot of stance over time", figs.time_bin)
    return note if note is not None else plot_stance_by_side(table, registry, freq=figs.time_bin,
                                                             targets=figs.targets)


def _notes_over_time(table: pd.DataFrame, figs: Any) -> list[str]:
    if table["bin"].dropna().nunique() < 2:
        return [f"drawn as a note (fewer than two {st.bin_description(figs.time_bin)}s)."]
    return []


SPECS = (
    FigureSpec("stance_by_side", lambda inp: _stance_part(inp, "stance_by_side"), _plot_by_side),
    FigureSpec("stance_over_time", lambda inp: _stance_part(inp, "stance_over_time"),
               _plot_over_time, _notes_over_time),
)
