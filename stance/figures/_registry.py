"""The figure registry: every figure of a run, in drawing order, and the loop that computes their
tables.

Adding a figure: write a module ``_<name>.py`` with the table computation, a ``plot_<name>``
drawing function and ``SPECS = (FigureSpec(name, compute, plot, notes),)``, and add its ``SPECS``
to :data:`FIGURES` below. The pipeline, the figure tests and ``stance run --config`` (``figures:``)
take it from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from stance.figures import (
    _equal_topic,
    _frame_axes,
    _narratives,
    _shares,
    _similarity,
    _stance_targets,
    _statement_map,
    _terms,
)
from stance.figures._base import (
    FigureInput,
    FigureSpec,
    Settings,
    contrast_pair,
    group_column,
    group_side,
    omitted_note,
)
from stance.figures._style import is_note, note_table

#: figure name -> its :class:`FigureSpec`, in drawing order (files are ``<k>_<name>``, k = 1, 2, ...)
FIGURES: dict[str, FigureSpec] = {spec.name: spec for spec in (
    *_statement_map.SPECS,      # 1
    *_shares.SPECS,             # 2, 3
    *_similarity.SPECS,         # 4, 5
    *_terms.SPECS,              # 6
    *_frame_axes.SPECS,         # 7
    *_stance_targets.SPECS,     # 8, 9
    *_narratives.SPECS,         # 10, 11
    *_equal_topic.SPECS,        # 12
)}


@dataclass(eq=False)
class FigureTables(Mapping[str, pd.DataFrame]):
    """The tables behind the figures of one run (a mapping: figure name -> table or note table)
    and what their drawings need besides.

    Attributes
    ----------
    tables : dict
        Figure name -> the table written next to the figure (``<k>_<name>.csv``).
    time_bin : str or None
        The pandas frequency of the plots over time.
    map_method : str
        How figure 1 was projected (``"UMAP"`` or ``"PCA"``).
    contrast : tuple of str or None
        The two sides figure 6 contrasts.
    omitted : str
        Footnote of the speaker figures: which statements they leave out.
    group_sides : dict
        Speaker group -> its side (label colours of figure 4).
    targets : list
        The :class:`stance.targets.Target` list of figures 8 and 9.
    statement_stance : DataFrame or None
        The per-statement stance table (``statement_stance.csv``), when there are targets.

    Examples
    --------
    >>> import pandas as pd
    >>> figs = FigureTables(tables={"frame_shares": pd.DataFrame({"share": [0.5]})},
    ...                     contrast=("armenia", "azerbaijan"))
    >>> list(figs), len(figs), figs.contrast
    (['frame_shares'], 1, ('armenia', 'azerbaijan'))
    >>> figs["frame_shares"]["share"].tolist()
    [0.5]

    ``stance.figures.figure_tables(statements, vectors, frames, registry)`` computes every
    figure's table; ``figs.plot(name, registry)`` then draws one of them.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    time_bin: str | None = "W"
    map_method: str = "UMAP"
    contrast: tuple[str, str] | None = None
    omitted: str = ""
    group_sides: dict[str, str] = field(default_factory=dict)
    targets: list = field(default_factory=list)
    statement_stance: pd.DataFrame | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def plot(self, name: str, registry: Any = None) -> Figure:
        """Draw figure ``name`` from its table the way ``stance run`` does."""
        return FIGURES[name].plot(self[name], registry, self)

    def notes(self, name: str) -> list[str]:
        """What the run notes say about figure ``name`` (a note table's message, or the
        figure's own notes)."""
        table = self[name]
        if is_note(table):
            return [str(table["note"].iloc[0])]
        return FIGURES[name].notes(table, self)


def figure_tables(statements: pd.DataFrame, vectors: np.ndarray, frames: pd.DataFrame | None,
                  registry: Any, settings: Settings | None = None, *,
                  embed_fn: Callable[[list[str]], np.ndarray] | None = None,
                  names: list[str] | None = None,
                  progress: Callable[[str], None] | None = None,
                  narratives: pd.DataFrame | None = None) -> FigureTables:
    """Every figure's table (or note table), computed by the registry's ``compute`` functions.

    Parameters
    ----------
    statements : DataFrame
        The statements table with a ``frame`` column (``FrameModel.statements_``).
    vectors : ndarray
        One row per statement.
    frames : DataFrame or None
        ``FrameModel.frames_`` (frame labels).
    registry : Registry or None
        The speaker registry (groups, sides, colours).
    settings : Settings, optional
        Default: :class:`Settings` (seed 0, weekly bins).
    embed_fn : callable, optional
        Embeds axis and target phrases; default :func:`stance.embed` with the default model.
    names : list of str, optional
        Compute only these figures.
    progress : callable, optional
        Called with each figure name before its table is computed.
    narratives : DataFrame, optional
        :func:`stance.narratives.extract_narratives` of the statements, for the speech-act and
        blame figures (without it they are note figures).

    Returns
    -------
    FigureTables
        A comparison that raises ``ValueError`` (too little data) becomes a note table with its
        message.

    Examples
    --------
    Two synthetic sides, their events standing in for frames, and two of the figures:

    >>> import pandas as pd
    >>> from stance.synthetic import synthetic_sides
    >>> world = synthetic_sides("framing", seed=0)
    >>> framed = world.statements.assign(
    ...     frame=pd.factorize(world.statements["event"], sort=True)[0])
    >>> figs = figure_tables(framed, world.vectors, None, None,
    ...                      names=["frame_shares_by_speaker", "equal_topic"])
    >>> sorted(figs)
    ['equal_topic', 'frame_shares_by_speaker']
    >>> type(figs.plot("equal_topic")).__name__
    'Figure'

    Without ``names``, every figure of :data:`FIGURES` gets its table.
    """
    if settings is None:
        settings = Settings()
    if embed_fn is None:
        def embed_fn(texts: list[str]) -> np.ndarray:
            from stance.embedding import embed

            return embed(list(texts), progress=False)
    st = statements.reset_index(drop=True).copy()
    st["group"] = group_column(st, registry, settings.level)
    inp = FigureInput(statements=st, vectors=np.asarray(vectors), frames=frames,
                      registry=registry, settings=settings, embed_fn=embed_fn,
                      narratives=narratives)
    tables: dict[str, pd.DataFrame] = {}
    for name, spec in FIGURES.items():
        if names is not None and name not in names:
            continue
        if progress:
            progress(name)
        if len(st) == 0:
            tables[name] = note_table("The corpus gave no statements.")
            continue
        try:
            tables[name] = spec.compute(inp)
        except ValueError as exc:
            tables[name] = note_table(f"Not computed: {exc}")
    return FigureTables(
        tables=tables, time_bin=settings.time_bin, map_method=inp.map_method,
        contrast=contrast_pair(st, settings) if len(st) else None,
        omitted=omitted_note(st, settings), group_sides=group_side(st) if len(st) else {},
        targets=inp.targets, statement_stance=inp.statement_stance)
