"""Frames: groups of statements that say similar things, found in their embeddings.

:class:`FrameModel` reduces (UMAP, on 50 statements or more), clusters (HDBSCAN, or
silhouette-cut agglomerative clustering on small inputs), numbers frames by size and describes each
with class-based TF-IDF keywords and its most representative statements. :func:`party_terms` and
:func:`mask_terms` keep the registry's party names out of the keywords
(``FrameModel(mask_terms=registry)``).

Insides: ``_ctfidf`` (keywords), ``_cluster`` (reducer and clusterer choices) -> ``_model``.
"""

from __future__ import annotations

from stance.frames._cluster import SilhouetteAgglomerative, default_min_cluster_size
from stance.frames._ctfidf import class_tfidf, mask_terms, party_terms
from stance.frames._model import FORMAT, FORMAT_VERSION, FRAME_COLUMNS, FrameModel

__all__ = ["FORMAT", "FORMAT_VERSION", "FRAME_COLUMNS", "FrameModel", "SilhouetteAgglomerative",
           "class_tfidf", "default_min_cluster_size", "mask_terms", "party_terms"]
