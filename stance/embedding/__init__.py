"""Sentence embeddings of statements, cached on disk by model fingerprint and text.

:func:`embed` turns a statements table (its ``text``) or a list of texts into L2-normalised float32
vectors with a sentence-transformers model (default: the bundled all-MiniLM-L6-v2, loaded offline);
:class:`EmbeddingCache` is the SQLite cache behind it. ``stance.embed`` is :func:`embed`.

Model names ``minilm-int8`` and ``minilm-onnx`` select ONNX Runtime exports of the bundled
MiniLM, exported once into the cache folder (``_backends``; ``docs/scale.md``).

Insides: ``_cache`` (the cache) -> ``_backends`` (ONNX exports) -> ``_embed`` (models,
fingerprints, batching).
"""

from __future__ import annotations

from stance.embedding._cache import CACHE_FILE, EmbeddingCache, default_cache_dir, text_key
from stance.embedding._embed import (
    DEFAULT_MODEL_NAMES,
    DEFAULT_PRECISION,
    PRECISIONS,
    cache_model_key,
    check_precision,
    default_model_path,
    embed,
    load_model,
    model_fingerprint,
    prepare_model,
)

__all__ = [
    "CACHE_FILE",
    "DEFAULT_MODEL_NAMES",
    "DEFAULT_PRECISION",
    "PRECISIONS",
    "EmbeddingCache",
    "cache_model_key",
    "check_precision",
    "default_cache_dir",
    "default_model_path",
    "embed",
    "load_model",
    "model_fingerprint",
    "prepare_model",
    "text_key",
]
