"""Project-wide defaults: where the default corpus lives, environment variables."""

from __future__ import annotations

import os
from pathlib import Path

#: the checkout this package lives in (the package is installed in editable mode)
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_CORPUS_NAME = "nagorno-karabakh-2020"


def default_corpus_path() -> Path:
    """The default corpus: ``$STANCE_CORPUS`` if set, else ``corpora/nagorno-karabakh-2020`` of the
    checkout (or of the current directory when the package is installed elsewhere)."""
    env = os.environ.get("STANCE_CORPUS")
    if env:
        return Path(env)
    for root in (PROJECT_ROOT, Path.cwd()):
        candidate = root / "corpora" / DEFAULT_CORPUS_NAME
        if candidate.is_dir():
            return candidate
    return PROJECT_ROOT / "corpora" / DEFAULT_CORPUS_NAME
