"""Deterministic writers: figures and tables whose bytes repeat from run to run.

Figures carry no timestamps or software strings (PNG ``Software``, PDF ``CreationDate``/``Producer``,
SVG ``Date`` are removed; SVG ids use a fixed salt). Tables are written as CSV (UTF-8, ``\\n`` line
ends, fixed float format) and Parquet (no pandas index, fixed compression).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

#: resolution of PNG figures
PNG_DPI = 300

_METADATA = {
    "png": {"Software": None},
    "pdf": {"Creator": None, "Producer": None, "CreationDate": None, "ModDate": None},
    "svg": {"Creator": None, "Date": None},
}


def sha256_file(path: str | Path) -> str:
    """The sha256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: the mode of every file stance writes (mkstemp alone would give 0600)
FILE_MODE = 0o644


def atomic_write_bytes(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, ``fsync`` and
    ``os.replace``, so the file is never half-written; the one file writer of the package (run
    outputs, the manifest, fetched and imported articles, reports).

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created.
    data : bytes or str
        The content; text is written as UTF-8 with the newlines as given.

    Returns
    -------
    Path
        ``path``, mode 0644 (:data:`FILE_MODE`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write_bytes(pathlib.Path(tempfile.mkdtemp()) / "a.txt", "one\\n")
    >>> p.read_text(), oct(p.stat().st_mode & 0o777)
    ('one\\n', '0o644')
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)  # mkstemp makes 0600 files; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_figure(fig, stem: str | Path, formats: Iterable[str] = ("png", "pdf")) -> list[Path]:
    """Save a matplotlib Figure as ``stem.<fmt>`` for each format, with metadata stripped so that
    the same figure gives the same bytes. Returns the paths written."""
    import io

    import matplotlib

    stem = Path(stem)
    paths = []
    with matplotlib.rc_context({"svg.hashsalt": "stance", "pdf.compression": 6,
                                "svg.fonttype": "path"}):
        for fmt in formats:
            fmt = fmt.lower()
            if fmt not in _METADATA:
                raise ValueError(f"unsupported figure format {fmt!r}; use png, pdf or svg")
            buf = io.BytesIO()
            kwargs = {"dpi": PNG_DPI} if fmt == "png" else {}
            fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], **kwargs)
            paths.append(atomic_write_bytes(stem.with_suffix(f".{fmt}"), buf.getvalue()))
    return paths


def _csv_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
    return out


def write_table(df: pd.DataFrame, stem: str | Path,
                formats: Iterable[str] = ("csv", "parquet")) -> list[Path]:
    """Write a table as ``stem.csv`` and/or ``stem.parquet`` deterministically. List-valued cells
    are stored as ``;``-joined strings in CSV. Returns the paths written."""
    stem = Path(stem)
    paths = []
    for fmt in formats:
        if fmt == "csv":
            data = _csv_ready(df).map(
                lambda v: ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            ).to_csv(index=False, lineterminator="\n", float_format="%.6g")
            paths.append(atomic_write_bytes(stem.with_suffix(".csv"), data.encode("utf-8")))
        elif fmt == "parquet":
            import io

            buf = io.BytesIO()
            df.reset_index(drop=True).to_parquet(buf, index=False, compression="zstd")
            paths.append(atomic_write_bytes(stem.with_suffix(".parquet"), buf.getvalue()))
        else:
            raise ValueError(f"unsupported table format {fmt!r}; use csv or parquet")
    return paths


# --- the run folder: safe names, writability, staged outputs, stale outputs ----------------------

#: names of the files ``stance run`` writes into its output folder (anything else is never removed)
RUN_OUTPUT_NAME = re.compile(
    r"(?:statements|frames|statement_stance)\.(?:csv|parquet)"
    r"|\d{1,2}_[a-z][a-z0-9_]*\.(?:png|pdf|svg|csv)")
#: prefix of the hidden folder a run writes into before its outputs are moved into place
STAGING_PREFIX = ".stance-partial-"
#: the file that marks an output folder whose outputs are being (or were half) replaced
INCOMPLETE_NAME = "INCOMPLETE-RUN.txt"


def safe_component(name: str, default: str = "corpus") -> str:
    """``name`` as one safe path component: letters, digits, ``.``, ``_`` and ``-`` only, no
    leading dot or dash, at most 100 characters (``"../../x"`` -> ``"x"``; ``""`` -> ``default``).

    Examples
    --------
    >>> safe_component("../../x")
    'x'
    >>> safe_component("Ukraine 2022 / war")
    'Ukraine-2022-war'
    >>> safe_component("..")
    'corpus'
    """
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", str(name))
    text = re.sub(r"-{2,}", "-", text).strip("-.")[:100].strip("-.")
    return text or default


def check_writable(folder: str | Path, what: str = "output folder") -> Path:
    """Make sure files can be created in ``folder`` (creating it if needed) before any work is done.

    Raises :class:`PermissionError` naming the folder (or the existing parent that refuses it).

    Examples
    --------
    >>> import tempfile
    >>> check_writable(tempfile.mkdtemp()).is_dir()
    True
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".stance-write-test-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise PermissionError(f"{what} {folder}: cannot write there ({exc.strerror or exc}); "
                              "choose another folder or fix its permissions") from None
    return folder


class StagedOutput:
    """A run's outputs, written into a hidden folder inside ``out_dir`` and moved into place by
    :meth:`commit` only once everything was written.

    A run killed before :meth:`commit` leaves ``out_dir`` as it was (the next run removes the
    hidden folder); during the few renames of :meth:`commit` the file ``INCOMPLETE-RUN.txt`` marks
    the folder, so a run killed even then is visible (and ``stance verify`` fails). Only outputs the
    previous run wrote (listed in its manifest, named like an output of ``stance run``, directly
    inside ``out_dir`` and unchanged since) are removed as stale; every other file stays.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> staged = StagedOutput(out)
    >>> _ = atomic_write_bytes(staged.dir / "statements.csv", b"a\\n")
    >>> [p.name for p in staged.commit()]
    ['statements.csv']
    >>> sorted(p.name for p in out.iterdir())
    ['statements.csv']
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out = check_writable(out_dir)
        self._clear_leftovers()
        self.dir = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.out))
        (self.dir / ".stance-staging").write_bytes(b"")
        #: what commit did: files kept although the last run listed them, with the reason
        self.kept: list[str] = []

    def _clear_leftovers(self) -> None:
        """Remove hidden folders left by runs that were killed (their process is gone)."""
        import shutil

        for folder in self.out.glob(f"{STAGING_PREFIX}*"):
            pid = folder.name[len(STAGING_PREFIX):].split("-")[0]
            if (folder / ".stance-staging").is_file() and not _alive(pid):
                shutil.rmtree(folder, ignore_errors=True)

    def commit(self, manifest_name: str = "manifest.json") -> list[Path]:
        """Move the staged files into ``out_dir`` (the manifest last), remove the previous run's
        stale outputs, and return the final paths."""
        import shutil

        staged = sorted((p for p in self.dir.iterdir()
                         if p.is_file() and not p.name.startswith(".")),
                        key=lambda p: (p.name == manifest_name, p.name))
        marker = self.out / INCOMPLETE_NAME
        atomic_write_bytes(marker, (
            b"stance run was moving its new outputs into this folder. If this file is still here, "
            b"the run was interrupted and the folder mixes old and new files: run it again.\n"
        ))
        self.kept = remove_stale_outputs(self.out, {p.name for p in staged}, manifest_name)
        final = []
        for p in staged:
            target = self.out / p.name
            os.replace(p, target)
            final.append(target)
        marker.unlink(missing_ok=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        return final

    def abort(self) -> None:
        """Remove the staged files; ``out_dir`` stays as it was."""
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_outputs(out_dir: str | Path, new_names: set[str],
                         manifest_name: str = "manifest.json") -> list[str]:
    """Delete the outputs the previous run in ``out_dir`` listed in its manifest that this run does
    not write again; return the listed entries kept, each with the reason.

    A listed file is removed only when all of these hold: its entry is a bare file name (no
    folder, no ``..``, not absolute), it is named like an output of ``stance run``, it is a regular
    file (not a link) directly inside ``out_dir``, and its sha256 is the one the manifest recorded
    (a file edited since is the user's now). Everything else stays where it is.

    Examples
    --------
    >>> import json, tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> _ = (out / "manifest.json").write_text(json.dumps({"outputs": {"../victim.txt": "0"}}))
    >>> remove_stale_outputs(out, set())
    ["../victim.txt: not a file of this folder's run outputs; kept"]
    """
    import json

    out_dir = Path(out_dir)
    manifest = out_dir / manifest_name
    if not manifest.is_file():
        return []
    try:
        old = json.loads(manifest.read_text(encoding="utf-8")).get("outputs", {})
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return [f"{manifest_name}: not a stance manifest; nothing removed"]
    if not isinstance(old, dict):
        return [f"{manifest_name}: not a stance manifest; nothing removed"]
    kept = []
    root = out_dir.resolve()
    for rel, digest in sorted(old.items()):
        if rel in new_names:
            continue
        path = out_dir / str(rel)
        if (not isinstance(rel, str) or "/" in rel or "\\" in rel or rel in (".", "..")
                or not RUN_OUTPUT_NAME.fullmatch(rel)):
            kept.append(f"{rel}: not a file of this folder's run outputs; kept")
        elif not path.exists():
            continue
        elif path.is_symlink() or not path.is_file() or path.resolve().parent != root:
            kept.append(f"{rel}: not a regular file inside the folder; kept")
        elif sha256_file(path) != digest:
            kept.append(f"{rel}: changed since the last run wrote it; kept")
        else:
            path.unlink()
    return kept
