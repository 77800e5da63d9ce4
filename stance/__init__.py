"""stance: compare how the parties to a conflict frame it.

A notebook uses the public API in a few lines::

    import stance
    corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    statements = stance.extract_statements(corpus)
    vectors = stance.embed(statements)
    frames = stance.FrameModel().fit(statements, vectors)
    stance.compare.frame_shares(frames.statements_, by="speaker", freq="W")

Names are imported lazily, so ``import stance`` stays fast and does not load torch or spaCy
until a stage that needs them is used. The stages, in flow order, are the packages
:mod:`stance.read`, :mod:`stance.extract`, :mod:`stance.embedding`, :mod:`stance.frames`,
:mod:`stance.targets`, :mod:`stance.compare` and :mod:`stance.figures`.
Importing it sets the process-wide defaults that make a run's numbers the
same on any x86-64 CPU (``stance._runtime``).
"""

from __future__ import annotations

# first of all: the process-wide settings that make results portable (numba's target CPU),
# before anything loads numba, UMAP or pynndescent
from stance import _runtime

_runtime.apply()

import importlib
import warnings
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it (modules are imported on first use)
_LAZY: dict[str, str] = {
    "read_corpus": "stance.read",
    "Corpus": "stance.read",
    "ReadReport": "stance.read",
    "CorpusError": "stance.read",
    "repair_text": "stance.read",
    "load_registry": "stance.speakers",
    "Registry": "stance.speakers",
    "extract_statements": "stance.extract",
    "embed": "stance.embedding",
    "EmbeddingCache": "stance.embedding",
    "FrameModel": "stance.frames",
    "StanceClassifier": "stance.targets",
    "zero_shot_stance": "stance.targets",
    "run": "stance.pipeline",
    "verify": "stance.pipeline",
}

#: submodules reachable as attributes (``stance.compare.frame_shares``)
_SUBMODULES = {"read", "extract", "embedding", "frames", "targets", "compare", "figures",
               "tables", "speakers", "pipeline", "fetch", "config"}

#: attributes of the old flat layout, kept for one release: name -> the package it moved into
_MOVED = {"corpus": "stance.read", "repair": "stance.read"}

__all__ = list(_LAZY) + sorted(_SUBMODULES)  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"stance.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _MOVED:
        warnings.warn(f"stance.{name} moved to {_MOVED[name]}; stance.{name} goes in the next "
                      "release", DeprecationWarning, stacklevel=2)
        return importlib.import_module(_MOVED[name])
    raise AttributeError(f"module 'stance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
