"""Figure 6, distinctive terms between two sides: a "Fightin' Words" plot (Monroe, Colaresi and
Quinn 2008).

Each word is a point: x = how often it occurs in both sides' statements (log scale), y = the z-score
of its log-odds ratio with an informative Dirichlet prior (positive: used more by side a). Words
beyond |z| = 1.96 are coloured with the side that uses them more; the most distinctive are labelled.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from stance.figures import _style as st
from stance.figures._base import FigureSpec, Settings, contrast_pair

#: columns of the table behind figure 6
TERM_COLUMNS = ["term", "count_a", "count_b", "count", "z"]

#: the z beyond which a term is called distinctive (two-sided 5%)
Z_CRIT = 1.96


def _stack(values: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights for ``values`` (descending): each at its value or ``gap`` below the label
    above it, all within ``[low, high]`` (the stack is moved up when it would end below ``low``)."""
    out: list[float] = []
    for v in values:
        out.append(min(v, high) if not out else min(v, out[-1] - gap))
    if out and out[-1] < low:
        out = [y + (low - out[-1]) for y in out]
    return out


def plot_distinctive_terms(terms: pd.DataFrame, registry: Any = None, *, a: str = "", b: str = "",
                      n_labels: int = 10, title: str | None = None) -> Figure:
    """Fightin' Words plot of ``terms`` (:data:`TERM_COLUMNS`) between sides ``a`` and ``b``."""
    name = "Distinctive terms"
    la, lb = st.side_label(registry, a), st.side_label(registry, b)
    if st.is_note(terms) or len(terms) == 0:
        msg = terms["note"].iloc[0] if st.is_note(terms) else "No terms to compare."
        return st.note_figure(name, msg, st.SINGLE, 1.8)
    ca, cb = st.side_colour(registry, a), st.side_colour(registry, b)
    t = terms.assign(count=terms["count"].clip(lower=1))
    colours = np.where(t["z"] >= Z_CRIT, ca, np.where(t["z"] <= -Z_CRIT, cb, "#BBBBBB"))
    with st.style():
        fig = st.new_figure(st.DOUBLE, 4.0)
        ax = fig.add_subplot()
        ax.scatter(t["count"], t["z"], s=6, c=colours, lw=0, alpha=0.8, zorder=2)
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        for z in (Z_CRIT, -Z_CRIT):
            ax.axhline(z, color="0.5", lw=0.5, ls="--", zorder=1)
        ax.axhline(0, color="0.7", lw=0.5, zorder=1)
        zmax = max(float(t["z"].abs().max()), Z_CRIT * 1.3)
        ax.set_ylim(-zmax * 1.15, zmax * 1.15)
        xmin, xmax = float(t["count"].min()), float(t["count"].max())
        ax.set_xlim(xmin / 1.3, xmax * 4.0)
        top_y = zmax * 1.1
        for sign, colour in ((1, ca), (-1, cb)):
            top = t[t["z"] * sign > 0].assign(key=lambda d, s=sign: d["z"] * s)
            top = top.sort_values(["key", "term"], ascending=[False, True]).head(n_labels)
            if top.empty:
                continue
            # labels in a column beside the points, each as close to its point's z as the
            # labels above it allow, inside the axes and on the point's side of 0
            gap = min(top_y / 12, (top_y - 0.15) / max(1, len(top) - 1))
            ys = _stack([float(k) for k in top["key"]], gap, low=0.15, high=top_y)
            for (_, row), y in zip(top.iterrows(), ys, strict=True):
                strong = abs(row["z"]) >= Z_CRIT
                ax.annotate(row["term"], (row["count"], row["z"]), xytext=(xmax * 1.6, sign * y),
                            textcoords="data", fontsize=st.SMALL, va="center",
                            color=colour if strong else "0.45",
                            arrowprops={"arrowstyle": "-", "color": "0.75", "lw": 0.4})
        ax.set_xlabel("frequency of the word in both sides' statements (count, log scale)")
        ax.set_ylabel(f"z-score of log-odds ratio\n\u2190 more {st.short(lb, 30)}   |   more "
                      f"{st.short(la, 30)} \u2192")
        sig_a = int((t["z"] >= Z_CRIT).sum())
        sig_b = int((t["z"] <= -Z_CRIT).sum())
        ax.set_title(title or f"Distinctive words: {la} vs {lb}", loc="left")
        st.footnote(fig, f"Dashed: |z| = 1.96; {sig_a} words beyond it for {la}, {sig_b} for "
                    f"{lb}, of {len(t)} words used at least twice. Labelled: the {n_labels} "
                    "words with the largest |z| on each side (in colour when beyond 1.96, grey "
                    "otherwise). Log-odds ratio with an informative Dirichlet prior (Monroe et "
                    "al. 2008).")
    return fig


# ------------------------------------------------------------------ the table


def side_terms(statements: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """Figure 6's table: distinctive terms between the two contrasted sides."""
    from stance.compare import distinctive_terms

    pair = contrast_pair(statements, s)
    if pair is None:
        return st.note_table("Fewer than two sides have statements: no pair of sides to contrast.")
    res = distinctive_terms(statements, pair[0], pair[1], by="side")
    if len(res) == 0:
        return st.note_table(f"No word is used at least twice by {pair[0]} and {pair[1]} together.")
    return pd.DataFrame({"term": res["term"], "count_a": res["count_a"],
                         "count_b": res["count_b"], "count": res["freq"],
                         "z": res["z"]})[TERM_COLUMNS]


# ------------------------------------------------------------------ registry entries


def _plot(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    a, b = figs.contrast or ("", "")
    return plot_distinctive_terms(table, registry, a=a, b=b)


SPECS = (FigureSpec("distinctive_terms", lambda inp: side_terms(inp.statements, inp.settings),
                    _plot),)
