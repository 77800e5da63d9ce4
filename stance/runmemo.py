"""A re-run that recomputes nothing when nothing changed: the run key and its record.

``stance run`` computes a *run key* before it reads anything else: sha256 over every file of the
corpus folder (path and bytes; dot-files left out), the default corpus's ``corpus.yaml`` and
``speakers.yaml`` (a bare corpus borrows them), the run config file, the resolved settings
(execution settings such as ``workers`` left out: they do not change the results), the embedding
model's fingerprint, the source of the ``stance`` package and the versions of the packages the
manifest lists. After a run it records ``{key, sha256 of manifest.json}`` in
``<cache>/runs/<sha256 of the output folder's path>.json``. The next run with the same key into
the same folder, whose ``manifest.json`` is unchanged and whose outputs all match the manifest
(``stance verify``), is done at once: it reads back the statements and frames tables and returns.
Anything else (a changed article, setting, package or line of code; a deleted or edited output)
runs the stages again, and those reuse what they can: extraction partitions
(``stance.partitions``) and vectors (the embedding cache) by content hash.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

#: settings that change how a run is executed, never what it writes
EXECUTION_KEYS = ("workers", "scheduler", "partition_size")

_VERSION = b"stance-run-key-v1\x00"


def results_config(cfg: dict) -> dict:
    """The settings that decide the outputs (``cfg`` without ``EXECUTION_KEYS``)."""
    return {k: v for k, v in cfg.items() if k not in EXECUTION_KEYS}


def _hash_file(h: Any, path: Path, name: str) -> None:
    h.update(name.encode("utf-8") + b"\x00")
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    h.update(b"\x00")


def run_key(corpus_path: str | Path, cfg: dict, *, model_fp: str,
            config_file: str | Path | None = None) -> str:
    """The sha256 (hex) of everything a run's outputs depend on (see the module docstring).

    Parameters
    ----------
    corpus_path : path
        The corpus folder or article file.
    cfg : dict
        The resolved settings.
    model_fp : str
        The embedding model's fingerprint.
    config_file : path, optional
        The run config file, if any.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> key = run_key("corpora/nagorno-karabakh-2020", {"seed": 0}, model_fp="abc")
    >>> len(key), key == run_key("corpora/nagorno-karabakh-2020", {"seed": 1}, model_fp="abc")
    (64, False)
    """
    from stance.config import default_corpus_path
    from stance.manifest import package_versions
    from stance.partitions import code_hash

    corpus_path = Path(corpus_path)
    h = hashlib.sha256(_VERSION)
    h.update(f"{code_hash()}\x00{model_fp}\x00".encode())
    h.update(json.dumps(package_versions(), sort_keys=True).encode())
    h.update(json.dumps(results_config(cfg), sort_keys=True, default=str).encode())
    if corpus_path.is_file():
        _hash_file(h, corpus_path, corpus_path.name)
        root = corpus_path.parent
        extra = [root / "corpus.yaml", root / "speakers.yaml"]
        files = [(p, f"./{p.name}") for p in extra if p.is_file()]
    else:
        files = []
        for path in sorted(corpus_path.rglob("*")):
            rel = path.relative_to(corpus_path)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts):
                files.append((path, rel.as_posix()))
    default = default_corpus_path()
    files += [(default / n, f"<default>/{n}") for n in ("corpus.yaml", "speakers.yaml")
              if (default / n).is_file()]
    for key in ("speakers", "axes", "targets"):  # settings that may name a file
        value = cfg.get(key)
        if isinstance(value, (str, Path)) and Path(value).is_file():
            files.append((Path(value), f"<{key}>"))
    if config_file:
        files.append((Path(config_file), "<config>"))
    for path, name in files:
        _hash_file(h, path, name)
    return h.hexdigest()


def _record_path(out_dir: Path, cache_dir: str | Path | None) -> Path:
    from stance.embedding import default_cache_dir

    base = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    name = hashlib.sha256(str(Path(out_dir).resolve()).encode("utf-8")).hexdigest()[:32]
    return base / "runs" / f"{name}.json"


def up_to_date(out_dir: str | Path, key: str, cache_dir: str | Path | None = None) -> bool:
    """True when the last run into ``out_dir`` had ``key`` and its outputs are intact."""
    from stance.manifest import MANIFEST_NAME, verify_outputs
    from stance.output import sha256_file

    out_dir = Path(out_dir)
    record = _record_path(out_dir, cache_dir)
    manifest = out_dir / MANIFEST_NAME
    if not record.is_file() or not manifest.is_file():
        return False
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    if data.get("key") != key or data.get("manifest_sha256") != sha256_file(manifest):
        return False
    return verify_outputs(out_dir).passed


def remember(out_dir: str | Path, key: str, cache_dir: str | Path | None = None) -> None:
    """Record that ``out_dir`` now holds the outputs of the run with ``key``."""
    from stance.manifest import MANIFEST_NAME
    from stance.output import atomic_write_bytes, sha256_file

    out_dir = Path(out_dir)
    data = {"key": key, "out": str(out_dir.resolve()),
            "manifest_sha256": sha256_file(out_dir / MANIFEST_NAME)}
    atomic_write_bytes(_record_path(out_dir, cache_dir),
                       (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))
