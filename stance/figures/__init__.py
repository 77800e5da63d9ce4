"""Publication figures: one function per figure, each taking tidy tables (and the speaker registry
for side colours) and returning a matplotlib :class:`~matplotlib.figure.Figure`.

Save them with :func:`stance.output.save_figure` (PNG at 300 dpi and PDF/SVG with metadata stripped,
so the bytes repeat). The tables are the ones ``stance run`` writes next to each figure; their
columns are listed in each module (``POINT_COLUMNS``, ``SPEAKER_SHARE_COLUMNS``, ...).

==========================  =====================================================================
function                    figure
==========================  =====================================================================
``statement_map``           1. statements in 2-D (UMAP), colour = side, marker = speaker, frames
``frame_shares_by_speaker`` 2. heatmap of frame shares per speaker, counts in the cells
``frame_shares_over_time``  3. frame shares per side and time bin, bootstrap bands, counts
``similarity_matrix``       4. centroid similarity of speakers with intervals
``convergence``             5. similarity of sides per time bin (converging / diverging)
``distinctive_terms``       6. Fightin' Words: z-score against frequency
``frame_axes``              7. positions on the frame axes, per speaker and over time
==========================  =====================================================================
"""

from __future__ import annotations

from stance.figures.frame_axes import AXIS_COLUMNS, frame_axes
from stance.figures.shares import (
    SPEAKER_SHARE_COLUMNS,
    TIME_SHARE_COLUMNS,
    frame_shares_by_speaker,
    frame_shares_over_time,
)
from stance.figures.similarity import (
    CONVERGENCE_COLUMNS,
    SIMILARITY_COLUMNS,
    convergence,
    similarity_matrix,
)
from stance.figures.statement_map import POINT_COLUMNS, project_statements, statement_map
from stance.figures.style import DOUBLE, SINGLE, note_figure, note_table
from stance.figures.terms import TERM_COLUMNS, distinctive_terms

#: figure name (as in config ``figures`` and file names) -> drawing function
FIGURES = {
    "statement_map": statement_map,
    "frame_shares_by_speaker": frame_shares_by_speaker,
    "frame_shares_over_time": frame_shares_over_time,
    "speaker_similarity": similarity_matrix,
    "convergence": convergence,
    "distinctive_terms": distinctive_terms,
    "frame_axes": frame_axes,
}

__all__ = [
    "AXIS_COLUMNS", "CONVERGENCE_COLUMNS", "DOUBLE", "FIGURES", "POINT_COLUMNS", "SIMILARITY_COLUMNS",
    "SINGLE", "SPEAKER_SHARE_COLUMNS", "TERM_COLUMNS", "TIME_SHARE_COLUMNS", "convergence",
    "distinctive_terms", "frame_axes", "frame_shares_by_speaker", "frame_shares_over_time",
    "note_figure", "note_table", "project_statements", "similarity_matrix", "statement_map",
]
