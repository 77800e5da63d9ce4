"""Deterministic writers: figures and tables whose bytes repeat from run to run.

Figures carry no timestamps or software strings (PNG ``Software``, PDF ``CreationDate``/``Producer``,
SVG ``Date`` are removed; SVG ids use a fixed salt). Tables are written as CSV (UTF-8, ``\\n`` line
ends, fixed float format) and Parquet (no pandas index, fixed compression).
"""

from __future__ import annotations

import hashlib
import os
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


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace`` (never half-written)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; outputs are meant to be shared
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
