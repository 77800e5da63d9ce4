"""The one style of every stance figure: journal column widths, fonts, side colours, notes.

Widths follow common journal columns: :data:`SINGLE` (3.5 in) and :data:`DOUBLE` (7.2 in). Text is
never smaller than 7 pt. Side colours come from the corpus's speaker registry (the default one uses
the colour-blind-safe Okabe-Ito palette); speakers are told apart by marker shape, not by colour.
Figures are drawn inside :func:`style` so that global matplotlib settings are never changed.
"""

from __future__ import annotations

import contextlib
import itertools
import textwrap
from collections.abc import Iterator
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

#: single-column width, inches
SINGLE = 3.5
#: double-column (full page) width, inches
DOUBLE = 7.2
#: smallest font size used anywhere, points
SMALL = 7
#: axis labels and legend text, points
BASE = 7.5
#: panel titles, points
TITLE = 8.5
#: grey for unresolved / unknown speakers when no registry is given
GREY = "#999999"
#: characters of a speaker name kept in tick labels ("Nagorno-Karabakh Foreign Ministry" fits)
NAME_WIDTH = 36
#: marker shapes for speakers (filled, distinguishable in greyscale)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "p", "h", "*")

RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": BASE,
    "axes.titlesize": TITLE,
    "axes.labelsize": BASE,
    "xtick.labelsize": SMALL,
    "ytick.labelsize": SMALL,
    "legend.fontsize": SMALL,
    "legend.title_fontsize": SMALL,
    "figure.titlesize": TITLE + 0.5,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "lines.linewidth": 1.2,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "image.cmap": "Greys",
    "path.simplify": False,
    "axes.unicode_minus": True,
}


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context in which every stance figure is drawn (rc settings, no global change)."""
    with matplotlib.rc_context(RC):
        yield


def new_figure(width: float = SINGLE, height: float = 2.6, **kwargs: Any) -> Figure:
    """A Figure of the given size in inches that is not registered with pyplot (no leaks)."""
    kwargs.setdefault("layout", "constrained")
    return Figure(figsize=(width, height), **kwargs)


def side_colour(registry: Any, side: str) -> str:
    """The colour of a side from the registry (grey without a registry or for an unknown side)."""
    if registry is None or not side:
        return GREY
    return registry.colour(side)


def side_label(registry: Any, side: str) -> str:
    """The label of a side ("Armenia"), or its id when the registry does not know it."""
    if not side:
        return "unresolved"
    sides = getattr(registry, "sides", None) or {}
    return sides[side].label if side in sides else side


def wrap(text: str, width: int) -> str:
    """Wrap a label onto lines of at most ``width`` characters."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def short(text: str, width: int) -> str:
    """Shorten a label to ``width`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= width else text[: max(1, width - 1)].rstrip() + "\u2026"


def note_figure(title: str, message: str, width: float = SINGLE, height: float = 1.6) -> Figure:
    """A figure that says, in words, why a plot cannot be drawn (e.g. a corpus with one date)."""
    with style():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_title(title, loc="left", fontsize=TITLE)
        ax.text(0.0, 0.85, wrap(message, int(width * 13)), ha="left", va="top",
                fontsize=BASE, transform=ax.transAxes)
    return fig


def is_note(table: pd.DataFrame) -> bool:
    """True for a note table (written in place of a comparison that could not be made)."""
    return list(table.columns) == ["note"]


def note_table(message: str) -> pd.DataFrame:
    """A one-row table holding a note instead of numbers."""
    return pd.DataFrame({"note": [message]})


def format_bin(value: Any, freq: str | None = None) -> str:
    """A time bin as a short date label ("5 Oct")."""
    ts = pd.Timestamp(value)
    if freq and freq.upper().startswith(("M", "Q", "Y", "A")):
        return ts.strftime("%b %Y")
    return f"{ts.day} {ts.strftime('%b')}"


def date_axis(ax: Any, bins: list, freq: str | None = None, max_ticks: int = 8) -> None:
    """Ticks at the time bins (thinned to at most ``max_ticks``), labelled as dates."""
    bins = full_bins(bins)
    step = max(1, -(-len(bins) // max_ticks))
    ticks = bins[::step]
    ax.set_xticks(ticks)
    ax.set_xticklabels([format_bin(t, freq) for t in ticks])
    if len(bins) > 1:
        pad = min(b - a for a, b in itertools.pairwise(bins)) * 0.5
        ax.set_xlim(bins[0] - pad, bins[-1] + pad)


def full_bins(bins: list) -> list[pd.Timestamp]:
    """Every bin from the first to the last at the smallest step between observed bins, so that a
    week without statements shows as a gap (not a straight line across it)."""
    bins = sorted({pd.Timestamp(b) for b in bins})
    if len(bins) < 2:
        return bins
    step = min(b - a for a, b in itertools.pairwise(bins))
    out, t = [], bins[0]
    while t <= bins[-1]:
        out.append(t)
        t = t + step
    return sorted(set(out) | set(bins))


def on_bins(table: pd.DataFrame, bins: list, column: str = "bin") -> pd.DataFrame:
    """``table`` (one row per observed bin) with a NaN row for every bin of ``bins`` it lacks."""
    t = table.assign(**{column: pd.to_datetime(table[column])}).set_index(column)
    return t.reindex(pd.DatetimeIndex(bins, name=column)).reset_index()


def bin_description(freq: str | None) -> str:
    """Words for a pandas frequency ("week")."""
    if not freq:
        return "time bin"
    key = freq.upper().split("-")[0]
    return {"D": "day", "W": "week", "M": "month", "MS": "month", "ME": "month", "Q": "quarter",
            "QS": "quarter", "Y": "year", "YS": "year", "A": "year"}.get(key, f"{freq} bin")


def time_bins(table: pd.DataFrame) -> list[pd.Timestamp]:
    """The distinct time bins of a table's ``bin`` column, in order."""
    return sorted(pd.to_datetime(table["bin"]).unique())


def single_bin_message(table: pd.DataFrame, what: str, freq: str | None) -> str | None:
    """Why a plot over time cannot be drawn (fewer than two time bins), or None when it can."""
    bins = time_bins(table) if "bin" in table.columns and len(table) else []
    if len(bins) >= 2:
        return None
    unit = bin_description(freq)
    if not bins:
        return f"No dated statements: {what} needs statements in at least two {unit}s."
    return (f"All statements fall in one {unit} (starting {format_bin(bins[0])} "
            f"{pd.Timestamp(bins[0]).year}): {what} needs at least two {unit}s. The same numbers "
            "without time are in the figures by speaker and in the tables.")


def time_plot_note(table: pd.DataFrame, name: str, what: str, freq: str | None) -> Figure | None:
    """The note figure that replaces a plot over time (a note table, or fewer than two bins),
    or None when the plot can be drawn."""
    if is_note(table):
        return note_figure(name, table["note"].iloc[0], DOUBLE)
    msg = single_bin_message(table, what, freq)
    return note_figure(name, msg, DOUBLE) if msg else None


def footnote(fig: Figure, text: str, width: int = 125) -> None:
    """A footnote under the figure (as the figure's x label, so the layout makes room for it)."""
    if text:
        fig.supxlabel(wrap(text, int(width * fig.get_size_inches()[0] / DOUBLE)), x=0.01, ha="left", fontsize=SMALL, linespacing=1.2)


def plural(n: int, word: str) -> str:
    """``"1 statement"``, ``"2 statements"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def close(fig: Figure) -> None:
    """Release a figure (figures made by :func:`new_figure` are not held by pyplot)."""
    plt.close(fig)


def side_share_rows(ax: Any, sides: list[str], labels: list[str], registry: Any) -> None:
    """Rows of a share chart: one y tick per side (label in the side's colour, first side on
    top) and a 0-100% x axis."""
    ax.set_yticks(range(len(sides)))
    ax.set_yticklabels(labels)
    for tick, side in zip(ax.get_yticklabels(), sides, strict=True):
        tick.set_color(side_colour(registry, side))
    ax.set_ylim(len(sides) - 0.5, -0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xticklabels(["0", "50%", "100%"])
    ax.tick_params(axis="y", length=0)
