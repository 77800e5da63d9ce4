"""Compare speakers and sides: frame shares, similarity, drift, tests, terms and frame axes.

Every function takes the statements table (any table with the columns it names) and, where it
needs them, the statement vectors (one row per table row, in table order), and returns tidy
DataFrames with counts, intervals and a ``small_n`` flag. Shared conventions (``by``, ``freq``,
``unit``, ``seed``, ``small_n``) are described in :mod:`stance.compare._base`:

* ``by``: any column (``"speaker"``, ``"side"``, ``"speaker_name"``, ...);
* ``freq``: a pandas frequency on ``date`` (``None`` = one bin over all);
* ``unit="article"``: bootstraps and permutations move all statements of one article together;
* ``seed``: an int or a ``numpy.random.Generator``; same inputs and seed, identical output.

=========================  ========================================================================
``frame_shares``           share of each frame per group and bin, article bootstrap intervals
``topic_similarity``       cosine similarity of group centroids, all pairs, bootstrap intervals
                           (alias ``similarity``), high when groups talk of the same topics
``framing_test``           permutation test (energy distance) between two groups, calibrated
``drift``                  centroids over time, between-group similarity per bin, trend (``Drift``)
``distinctive_terms``      log-odds ratio with informative Dirichlet prior (Monroe et al. 2008)
``frame_axes``             FrameAxis-style positions and biases on pole-phrase axes (``FrameAxes``)
``load_axes``              the ``axes:`` section of a corpus.yaml
``stance_by_group``        share of each position on a stance target per group and bin, intervals
``stratified_similarity``  similarity of two sides *within* topic/event strata, pooled
``stratified_shares``      share differences (speech acts, frames ...) within strata, pooled
``stratified_test``        permutation test with side labels permuted within strata
=========================  ========================================================================
"""

from __future__ import annotations

from stance.compare._axes import Axis, FrameAxes, Pole, frame_axes, load_axes, parse_axes
from stance.compare._base import example_statements
from stance.compare._drift import Drift, drift
from stance.compare._permutation import distance_matrix, framing_test, permutation_pvalue
from stance.compare._positions import AGGREGATE_COLUMNS, stance_by_group
from stance.compare._shares import frame_shares
from stance.compare._similarity import similarity, topic_similarity
from stance.compare._stratified import (
    ENERGY_MAX_N,
    stratified_shares,
    stratified_similarity,
    stratified_test,
    stratum_labels,
)
from stance.compare._terms import distinctive_terms, tokenize

__all__ = [
    "AGGREGATE_COLUMNS", "ENERGY_MAX_N", "Axis", "Drift", "FrameAxes", "Pole", "distance_matrix",
    "distinctive_terms", "drift", "example_statements", "frame_axes", "frame_shares",
    "framing_test", "load_axes", "parse_axes", "permutation_pvalue", "similarity",
    "stance_by_group", "stratified_shares", "stratified_similarity", "stratified_test", "stratum_labels", "tokenize", "topic_similarity",
]
