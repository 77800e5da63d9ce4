"""The embedding cache: (model fingerprint, sha256 of text) -> vector, in one SQLite file.

See ``EmbeddingCache`` for the storage choice and its guarantees; ``stance.embed`` uses it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger("stance.embed")

#: file name of the cache database inside the cache folder
CACHE_FILE = "embeddings.sqlite3"


def default_cache_dir() -> Path:
    """``$STANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/stance/embeddings``, else
    ``~/.cache/stance/embeddings``."""
    env = os.environ.get("STANCE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "stance" / "embeddings"


def text_key(text: str) -> bytes:
    """The cache key of a text: sha256 of its exact UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).digest()


def _checksum(model_fp: str, key: bytes, dim: int, blob: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    h.update(model_fp.encode("ascii") + b"\x00" + key + dim.to_bytes(4, "little"))
    h.update(blob)
    return h.digest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,      -- model fingerprint (sha256 hex)
    key BLOB NOT NULL,        -- sha256 of the exact text
    dim INTEGER NOT NULL,
    vec BLOB NOT NULL,        -- float32, little-endian, L2-normalised
    checksum BLOB NOT NULL,   -- blake2b-128 over model, key, dim and vec
    PRIMARY KEY (model, key)
);
CREATE TABLE IF NOT EXISTS models (
    model TEXT PRIMARY KEY, name TEXT NOT NULL, dim INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    folder TEXT PRIMARY KEY, signature TEXT NOT NULL, model TEXT NOT NULL
);
"""

class CacheError(OSError):
    """The embedding cache cannot be opened or written; the message names its file."""


_SQL_CHUNK = 500  # keys per SELECT ... IN (...) (below SQLite's variable limit)


class EmbeddingCache:
    """A content-addressed store of embeddings: (model fingerprint, sha256 of text) -> vector.

    Storage: one SQLite database, ``embeddings.sqlite3``, in write-ahead-log mode. Why SQLite rather
    than one ``.npy`` file per text or per shard: 10^5 statements would be 10^5 tiny files (slow to
    create, list and delete) or shards that must be rewritten on every append, whereas SQLite
    gives cheap indexed lookups in batches, and atomic, durable transactions for free. A process
    killed mid-write leaves its transaction uncommitted (the WAL frames carry checksums and are
    ignored), so readers see either the whole batch or none of it; concurrent processes serialise
    their writes through SQLite's lock (``busy_timeout`` 60 s) while readers proceed.

    Every row also carries its own checksum (blake2b over key, shape and bytes). A row whose
    vector has the wrong length or a bad checksum is never returned: it is deleted and recomputed
    by ``embed``. A database file that is not a valid SQLite file is moved aside
    (``embeddings.sqlite3.damaged-<time>``) with a warning and a fresh cache starts.

    The folder must be on a local file system (SQLite's WAL needs shared memory; network file
    systems are not supported).

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from stance import EmbeddingCache
    >>> from stance.embedding import text_key
    >>> cache = EmbeddingCache(tempfile.mkdtemp())
    >>> key = text_key("a ceasefire now")
    >>> cache.put_many("model-fingerprint", [(key, np.ones(4, dtype=np.float32))])
    >>> len(cache), cache.get_many("model-fingerprint", [key])[key].tolist()
    (1, [1.0, 1.0, 1.0, 1.0])
    """

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self.dir = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
        self.path = self.dir / CACHE_FILE
        #: rows found damaged (and deleted) by this object since it was created
        self.damaged = 0

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.dir)!r})"

    # -- connection ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"embedding cache folder {self.dir}: cannot create it "
                             f"({exc.strerror}); set STANCE_CACHE_DIR to a writable folder"
                             ) from None
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout = 60000")
            if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                con.execute("PRAGMA journal_mode = WAL")
            con.execute("PRAGMA synchronous = NORMAL")
            con.executescript(_SCHEMA)
        except BaseException:
            con.close()
            raise
        return con

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            con = self._open()
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:
            self._quarantine(exc)
            con = self._open()
        try:
            yield con
        finally:
            con.close()

    def _quarantine(self, exc: Exception) -> None:
        target = self.path.with_name(f"{CACHE_FILE}.damaged-{time.time_ns()}")
        log.warning("embedding cache %s is damaged (%s); moved to %s, starting a new one",
                    self.path, exc, target.name)
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            try:
                os.replace(src, f"{target}{suffix}")
            except FileNotFoundError:
                pass

    def _run(self, fn):
        """Run ``fn(connection)``; a damaged database file is moved aside and ``fn`` retried. A
        cache that cannot be opened or written raises :class:`CacheError` naming its file."""
        try:
            with self._connect() as con:
                return fn(con)
        except sqlite3.OperationalError as exc:
            raise CacheError(f"embedding cache {self.path}: {exc} (is the folder read-only? set "
                             "STANCE_CACHE_DIR to a writable folder, or fix its permissions)"
                             ) from None
        except sqlite3.DatabaseError as exc:
            self._quarantine(exc)
            with self._connect() as con:
                return fn(con)

    # -- vectors -------------------------------------------------------------------------------

    def get_many(self, model_fp: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The valid cached vectors among ``keys`` for model ``model_fp`` (missing keys absent).

        Damaged rows (wrong length, wrong dimension for the model, bad checksum) are deleted and
        left out, so the caller recomputes them."""

        def fn(con: sqlite3.Connection) -> dict[bytes, np.ndarray]:
            row = con.execute("SELECT dim FROM models WHERE model = ?", (model_fp,)).fetchone()
            model_dim = row[0] if row else None
            found: dict[bytes, np.ndarray] = {}
            bad: list[bytes] = []
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), _SQL_CHUNK):
                part = unique[i:i + _SQL_CHUNK]
                marks = ",".join("?" * len(part))
                rows = con.execute(
                    f"SELECT key, dim, vec, checksum FROM vectors WHERE model = ? AND key IN ({marks})",
                    (model_fp, *part))
                for key, dim, blob, checksum in rows:
                    ok = (isinstance(blob, bytes) and isinstance(key, bytes) and dim > 0
                          and len(blob) == 4 * dim and (model_dim is None or dim == model_dim)
                          and checksum == _checksum(model_fp, key, dim, blob))
                    if ok:
                        found[key] = np.frombuffer(blob, dtype="<f4")
                    else:
                        bad.append(key)
            if bad:
                self.damaged += len(bad)
                log.warning("embedding cache %s: %d damaged entries dropped, recomputing",
                            self.path, len(bad))
                con.execute("BEGIN IMMEDIATE")
                con.executemany("DELETE FROM vectors WHERE model = ? AND key = ?",
                                [(model_fp, k) for k in bad])
                con.execute("COMMIT")
            return found

        return self._run(fn)

    def put_many(self, model_fp: str, items: Sequence[tuple[bytes, np.ndarray]],
                 name: str = "") -> None:
        """Store vectors (one transaction: all or nothing)."""
        if not items:
            return
        rows = []
        for key, vec in items:
            arr = np.ascontiguousarray(vec, dtype="<f4").reshape(-1)
            blob = arr.tobytes()
            rows.append((model_fp, key, arr.size, blob, _checksum(model_fp, key, arr.size, blob)))
        dim = rows[0][2]

        def fn(con: sqlite3.Connection) -> None:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("INSERT INTO models (model, name, dim) VALUES (?, ?, ?) "
                            "ON CONFLICT(model) DO UPDATE SET dim = excluded.dim, "
                            "name = CASE WHEN excluded.name = '' THEN name ELSE excluded.name END",
                            (model_fp, name, dim))
                con.executemany("INSERT OR REPLACE INTO vectors (model, key, dim, vec, checksum) "
                                "VALUES (?, ?, ?, ?, ?)", rows)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

        self._run(fn)

    # -- fingerprints --------------------------------------------------------------------------

    def stored_fingerprint(self, folder: Path, signature: str) -> str | None:
        """The fingerprint stored for ``folder`` if its file signature is unchanged."""
        row = self._run(lambda con: con.execute(
            "SELECT signature, model FROM fingerprints WHERE folder = ?", (str(folder),)).fetchone())
        return row[1] if row and row[0] == signature else None

    def store_fingerprint(self, folder: Path, signature: str, fp: str) -> None:
        self._run(lambda con: con.execute(
            "INSERT OR REPLACE INTO fingerprints (folder, signature, model) VALUES (?, ?, ?)",
            (str(folder), signature, fp)))

    # -- housekeeping --------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of cached vectors (all models)."""
        if not self.path.exists():
            return 0
        return self._run(lambda con: con.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def size(self) -> int:
        """Bytes on disk (database plus its write-ahead log); ``len(cache)`` counts entries."""
        return sum(Path(f"{self.path}{s}").stat().st_size
                   for s in ("", "-wal", "-shm") if Path(f"{self.path}{s}").exists())

    def info(self) -> dict[str, Any]:
        """Folder, file, bytes on disk, entries, and per model: name, dimension, entries."""
        models: list[dict[str, Any]] = []
        if self.path.exists():
            rows = self._run(lambda con: con.execute(
                "SELECT v.model, COALESCE(m.name, ''), COALESCE(m.dim, 0), COUNT(*) "
                "FROM vectors v LEFT JOIN models m ON m.model = v.model "
                "GROUP BY v.model ORDER BY v.model").fetchall())
            models = [{"fingerprint": fp, "name": name, "dim": dim, "entries": n}
                      for fp, name, dim, n in rows]
        return {"dir": str(self.dir), "file": str(self.path), "bytes": self.size(),
                "entries": sum(m["entries"] for m in models), "models": models}

    def clear(self, model_fp: str | None = None) -> int:
        """Delete all entries (or only those of one model fingerprint) and reclaim the space;
        returns the number of entries deleted. Safe while other processes use the cache."""
        if not self.path.exists():
            return 0

        def fn(con: sqlite3.Connection) -> int:
            con.execute("BEGIN IMMEDIATE")
            if model_fp is None:
                n = con.execute("DELETE FROM vectors").rowcount
                con.execute("DELETE FROM models")
                con.execute("DELETE FROM fingerprints")
            else:
                n = con.execute("DELETE FROM vectors WHERE model = ?", (model_fp,)).rowcount
                con.execute("DELETE FROM models WHERE model = ?", (model_fp,))
                con.execute("DELETE FROM fingerprints WHERE model = ?", (model_fp,))
            con.execute("COMMIT")
            con.execute("VACUUM")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return n

        return self._run(fn)
