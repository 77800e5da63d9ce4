"""Publication figures: one registry entry per figure, each with the computation of its table, its
drawing function (``plot_*``, taking the tidy table and the speaker registry for side colours and
returning a matplotlib :class:`~matplotlib.figure.Figure`) and its run notes.

:func:`figure_tables` computes every table of a run (a :class:`FigureTables`);
``FigureTables.plot(name, registry)`` draws one the way ``stance run`` does. Save figures with
:func:`stance.output.save_figure` (PNG at 300 dpi and PDF/SVG with metadata stripped, so the bytes
repeat). The tables are the ones ``stance run`` writes next to each figure; their columns are
listed in each module (``POINT_COLUMNS``, ``SPEAKER_SHARE_COLUMNS``, ...).

==  ===========================  ================================  =================================
k   name (:data:`FIGURES`)       drawing function                  figure
==  ===========================  ================================  =================================
1   ``statement_map``            ``plot_statement_map``            statements in 2-D (UMAP), colour
                                                                   = side, marker = speaker
2   ``frame_shares_by_speaker``  ``plot_frame_shares_by_speaker``  heatmap of frame shares per
                                                                   speaker, counts in the cells
3   ``frame_shares_over_time``   ``plot_frame_shares_over_time``   frame shares per side and time
                                                                   bin, bootstrap bands, counts
4   ``speaker_similarity``       ``plot_speaker_similarity``       centroid similarity of speakers
                                                                   with intervals
5   ``convergence``              ``plot_convergence``              similarity of sides per time bin
6   ``distinctive_terms``        ``plot_distinctive_terms``        Fightin' Words: z-score against
                                                                   frequency
7   ``frame_axes``               ``plot_frame_axes``               positions on the frame axes, per
                                                                   speaker and over time
8   ``stance_by_side``           ``plot_stance_by_side``           stance toward targets by side
9   ``stance_over_time``         ``plot_stance_by_side``           stance toward targets by side
                                 (with ``freq``)                   over time
10  ``speech_acts``              ``plot_speech_acts``              speech-act profile of each side
                                                                   with intervals
11  ``blame_victim``             ``plot_blame``                    whom each side names as aggressor
                                                                   and as victim, overall and per bin
12  ``equal_topic``              ``plot_equal_topic``              two sides' similarity within
                                                                   frames, pooled, and topic
                                                                   similarity, permutation ranges
==  ===========================  ================================  =================================

A new figure is one module ``_<name>.py`` (compute, ``plot_<name>``, ``SPECS``) and one line in
``_registry.py``.
"""

from __future__ import annotations

from stance.figures._base import FigureInput, FigureSpec, Settings, choose_sides, group_column
from stance.figures._equal_topic import EQUAL_TOPIC_COLUMNS, equal_topic_table, plot_equal_topic
from stance.figures._frame_axes import AXIS_COLUMNS, plot_frame_axes
from stance.figures._narratives import (
    BLAME_FIGURE_COLUMNS,
    SPEECH_ACT_COLUMNS,
    blame_table,
    plot_blame,
    plot_speech_acts,
    speech_act_table,
)
from stance.figures._registry import FIGURES, FigureTables, figure_tables
from stance.figures._shares import (
    SPEAKER_SHARE_COLUMNS,
    TIME_SHARE_COLUMNS,
    plot_frame_shares_by_speaker,
    plot_frame_shares_over_time,
)
from stance.figures._similarity import (
    CONVERGENCE_COLUMNS,
    SIMILARITY_COLUMNS,
    plot_convergence,
    plot_speaker_similarity,
)
from stance.figures._stance_targets import STANCE_TARGET_COLUMNS, plot_stance_by_side
from stance.figures._statement_map import POINT_COLUMNS, plot_statement_map, project_statements
from stance.figures._style import DOUBLE, SINGLE, note_figure, note_table
from stance.figures._terms import TERM_COLUMNS, plot_distinctive_terms

__all__ = [
    "AXIS_COLUMNS", "BLAME_FIGURE_COLUMNS", "CONVERGENCE_COLUMNS", "DOUBLE", "EQUAL_TOPIC_COLUMNS", "FIGURES",
    "POINT_COLUMNS", "SIMILARITY_COLUMNS", "SINGLE", "SPEAKER_SHARE_COLUMNS",
    "SPEECH_ACT_COLUMNS", "STANCE_TARGET_COLUMNS", "TERM_COLUMNS", "TIME_SHARE_COLUMNS",
    "FigureInput", "FigureSpec", "FigureTables", "Settings", "blame_table", "choose_sides",
    "equal_topic_table", "figure_tables", "group_column", "note_figure", "note_table", "plot_blame",
    "plot_convergence", "plot_distinctive_terms", "plot_equal_topic", "plot_frame_axes",
    "plot_frame_shares_by_speaker", "plot_frame_shares_over_time", "plot_speaker_similarity",
    "plot_speech_acts", "plot_stance_by_side", "plot_statement_map", "project_statements",
    "speech_act_table",
]
