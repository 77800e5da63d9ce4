"""What every figure shares: the run settings, the speaker and side choices, and the registry
entry (:class:`FigureSpec`) that ties a figure's table, drawing and notes together.

A comparison that cannot be made (too few statements, speakers, sides or time bins; no frame axes)
gives a note table (one column ``note``) saying why, and its figure becomes a note figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from stance.figures._style import plural, single_bin_message

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from stance.figures._registry import FigureTables

#: sides that are not a party of their own (left out of the side comparisons)
NON_SIDES = ("", "other", "unknown")


@dataclass
class Settings:
    """What the comparisons need from the run config."""

    seed: int = 0
    time_bin: str | None = "W"
    level: str = "speaker"
    n_boot: int = 1000
    sides: list[str] | None = None
    axes: Any = None
    targets: Any = None
    labels_dir: Any = None
    stance_method: str = "auto"
    max_groups: int = 12
    max_sides: int = 4
    min_statements: int = 2
    notes: list[str] = field(default_factory=list)


def group_column(statements: pd.DataFrame, registry: Any, level: str) -> pd.Series:
    """The speaker grouping of each statement at ``level`` (speaker | organisation | side);
    empty for statements without a resolved speaker."""
    if level not in ("speaker", "organisation", "person", "side"):
        raise ValueError(f"level must be speaker, organisation or side, got {level!r}")
    if level == "side":
        return statements["side"].where(statements["speaker"] != "", "")
    if level in ("speaker", "person") or registry is None:
        return statements["speaker"].astype(str)

    def up(sp: str) -> str:
        if not sp:
            return ""
        try:
            return registry.roll_up(sp, "organisation")
        except (KeyError, ValueError):
            return sp
    return statements["speaker"].map(up)


def group_labels(groups: list[str], registry: Any, statements: pd.DataFrame,
                 level: str) -> dict[str, str]:
    """Readable names of groups (registry names; side labels at side level)."""
    sides = getattr(registry, "sides", {}) or {}
    speakers = getattr(registry, "speakers", {}) or {}
    names = statements.drop_duplicates("speaker").set_index("speaker")["speaker_name"]
    out = {}
    for g in groups:
        if level == "side" and g in sides:
            out[g] = sides[g].label
        elif g in speakers:
            out[g] = speakers[g].name
        else:
            out[g] = str(names.get(g, g) or g)
    return out


def group_side(statements: pd.DataFrame) -> dict[str, str]:
    sides = statements.groupby("group")["side"].agg(lambda s: s.value_counts().index[0])
    return sides.to_dict()


def choose_sides(statements: pd.DataFrame, settings: Settings) -> list[str]:
    """The sides to compare: the configured ones first, then the sides with most statements (not
    other/unknown), at most ``max_sides``."""
    counts = statements.loc[~statements["side"].isin(NON_SIDES), "side"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    chosen = [s for s in (settings.sides or []) if s in counts.index]
    chosen += [s for s in counts.index if s not in chosen]
    return chosen[: max(settings.max_sides, len(settings.sides or []))]


def choose_groups(statements: pd.DataFrame, settings: Settings) -> list[str]:
    """The speaker groups with at least ``min_statements`` statements, most statements first
    (at most ``max_groups``)."""
    counts = statements.loc[statements["group"] != "", "group"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    return [g for g, n in counts.items() if n >= settings.min_statements][: settings.max_groups]


def omitted_note(statements: pd.DataFrame, s: Settings) -> str:
    """Which statements the speaker figures leave out, in words."""
    kept = set(choose_groups(statements, s))
    counts = statements.loc[statements["group"] != "", "group"].value_counts()
    few = counts[[g not in kept for g in counts.index]]
    unresolved = int((statements["group"] == "").sum())
    parts = []
    if len(few):
        parts.append(f"{len(few)} speakers with fewer statements ({int(few.sum())} statements)"
                     if len(kept) >= s.max_groups else
                     f"{len(few)} speakers with fewer than {s.min_statements} statements "
                     f"({int(few.sum())} statements)")
    if unresolved:
        parts.append(f"{plural(unresolved, 'statement')} without a resolved speaker")
    return f"Left out: {' and '.join(parts)}." if parts else ""


def frame_labels(frames: pd.DataFrame | None) -> dict[int, str]:
    if frames is None or len(frames) == 0 or "label" not in frames.columns:
        return {}
    return dict(zip(frames["frame"].astype(int), frames["label"].astype(str), strict=True))


def frame_label(frame: int, labels: dict[int, str]) -> str:
    return labels.get(int(frame), "outliers" if int(frame) < 0 else f"frame {frame}")


def side_statements(statements: pd.DataFrame, s: Settings) -> tuple[pd.DataFrame, list[str]]:
    sides = choose_sides(statements, s)
    return statements[statements["side"].isin(sides)], sides


def contrast_pair(statements: pd.DataFrame, s: Settings) -> tuple[str, str] | None:
    """The two sides to contrast: ``sides`` of the config, else the two with most statements."""
    sides = choose_sides(statements, s)
    return (sides[0], sides[1]) if len(sides) >= 2 else None


@dataclass
class FigureInput:
    """What a figure's ``compute`` gets: the statements (with ``frame`` and ``group`` columns),
    their vectors, the frames table, the registry, the settings and the narratives table
    (:func:`stance.narratives.extract_narratives`, None when not extracted). ``compute`` may also record
    what its drawing needs besides the table (``map_method``, ``targets``) and the
    per-statement stance table; ``cache`` holds work shared by several figures."""

    statements: pd.DataFrame
    vectors: np.ndarray
    frames: pd.DataFrame | None
    registry: Any
    settings: Settings
    embed_fn: Callable[[list[str]], np.ndarray]
    map_method: str = "UMAP"
    targets: list = field(default_factory=list)
    statement_stance: pd.DataFrame | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    narratives: pd.DataFrame | None = None


def over_time_notes(table: pd.DataFrame, figs: FigureTables) -> list[str]:
    """The run note of a plot over time drawn as a note (fewer than two time bins)."""
    msg = single_bin_message(table, "a plot over time", figs.time_bin)
    return [f"drawn as a note. {msg}"] if msg else []


def _no_notes(table: pd.DataFrame, figs: FigureTables) -> list[str]:
    return []


@dataclass(frozen=True)
class FigureSpec:
    """One figure of a run, as the registry (:data:`stance.figures.FIGURES`) lists it.

    Attributes
    ----------
    name : str
        The figure's name in the config's ``figures`` and its files (``<k>_<name>.csv/.png``).
    compute : callable
        ``compute(FigureInput) -> DataFrame``: the table behind the figure (or a note table).
    plot : callable
        ``plot(table, registry, figs) -> Figure``: draws it; ``figs`` is the
        :class:`~stance.figures.FigureTables` of the run (time bin, footnotes, sides, ...).
    notes : callable
        ``notes(table, figs) -> list[str]``: what the run's notes say about the figure beyond a
        note table (e.g. "drawn as a note" for a plot over time with one time bin).
    """

    name: str
    compute: Callable[[FigureInput], pd.DataFrame]
    plot: Callable[[pd.DataFrame, Any, FigureTables], Figure]
    notes: Callable[[pd.DataFrame, FigureTables], list[str]] = _no_notes

