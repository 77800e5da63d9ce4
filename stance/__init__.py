"""stance: compare how the parties to a conflict frame it.

A notebook uses the public API in a few lines::

    import stance
    corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    statements = stance.extract_statements(corpus)
    vectors = stance.embed(statements)
    frames = stance.FrameModel().fit(statements, vectors)
    stance.compare.frame_shares(frames.statements_, by="speaker", freq="W")

Names are imported lazily, so ``import stance`` stays fast and does not load torch or spaCy
until a stage that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it (modules are imported on first use)
_LAZY: dict[str, str] = {
    "read_corpus": "stance.corpus",
    "Corpus": "stance.corpus",
    "ReadReport": "stance.corpus",
    "CorpusError": "stance.corpus",
    "repair_text": "stance.repair",
    "load_registry": "stance.speakers",
    "Registry": "stance.speakers",
    "extract_statements": "stance.extract",
    "embed": "stance.embed",
    "EmbeddingCache": "stance.embed",
    "FrameModel": "stance.frames",
    "StanceClassifier": "stance.targets",
    "zero_shot_stance": "stance.targets",
    "run": "stance.pipeline",
    "verify": "stance.pipeline",
}

#: submodules reachable as attributes (``stance.compare.frame_shares``)
_SUBMODULES = {"compare", "figures", "tables", "corpus", "repair", "speakers", "extract",
               "embed", "frames", "pipeline", "targets", "fetch", "config"}

__all__ = list(_LAZY) + sorted(_SUBMODULES)  # noqa: PLE0605


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"stance.{name}")
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stance' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
