"""``stance verify --rerun``: run a manifest's analysis again and compare every output with it.

:func:`rerun` reads ``manifest.json`` of a run folder, finds the corpus it recorded (its path,
checked file by file against the recorded sha256 of every input), runs the pipeline again with
the recorded settings into a temporary folder (with an empty embedding cache unless told
otherwise, so that nothing computed before is reused), and compares each output the manifest
lists with the new one. :func:`compare_runs` does the comparison of two run folders: identical
files, or for each file that differs how much (tables: the largest relative difference of each
numeric column and the number of differing cells of the others; images: the share of pixels
that differ), whether statements, frame assignments and frame shares agree exactly, and what
differs between the two manifests' package versions, precision and machine (``runtime``) that
can explain it.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stance.manifest import MANIFEST_NAME, read_manifest
from stance.output import sha256_file

#: (what, files, columns or None for all) whose exact agreement the report states
_KEY_TABLES = (
    ("statements", "statements.csv", None),
    ("frame assignments", "statements.csv", ["statement_id", "frame"]),
    ("frames", "frames.csv", None),
    ("frame shares by speaker", "2_frame_shares_by_speaker.csv", None),
    ("frame shares over time", "3_frame_shares_over_time.csv", None),
)


@dataclass
class FileDiff:
    """How one output differs: ``kind`` is ``missing``, ``table``, ``image`` or ``bytes``."""

    path: str
    kind: str
    detail: str = ""
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class RerunResult:
    """The outcome of comparing a run folder with a re-run (see :func:`compare_runs`)."""

    identical: list[str] = field(default_factory=list)
    differ: list[FileDiff] = field(default_factory=list)
    agreement: dict[str, bool | None] = field(default_factory=dict)
    explanations: list[str] = field(default_factory=list)
    inputs_changed: list[str] = field(default_factory=list)
    rerun_dir: Path | None = None

    @property
    def passed(self) -> bool:
        """True when every output is byte-identical and no input changed."""
        return not self.differ and not self.inputs_changed

    def summary(self) -> str:
        """The report ``stance verify --rerun`` prints."""
        lines = []
        if self.inputs_changed:
            lines.append("inputs that are not what the manifest recorded (the re-run used them "
                         "as they are now):")
            lines += [f"  {p}" for p in self.inputs_changed]
        n = len(self.identical) + len(self.differ)
        lines.append(f"{len(self.identical)} of {n} outputs are byte-identical in the re-run")
        for d in self.differ:
            lines.append(f"differs: {d.path} ({d.kind}{': ' + d.detail if d.detail else ''})")
            lines += [f"    {col}: {what}" for col, what in d.columns.items()]
        if self.differ:
            for what, same in self.agreement.items():
                state = "not compared (file missing)" if same is None else (
                    "agree exactly" if same else "DIFFER")
                lines.append(f"{what}: {state}")
            if self.explanations:
                lines.append("what differs between the two runs' manifests:")
                lines += [f"  {e}" for e in self.explanations]
            else:
                lines.append("the manifests record the same package versions, precision and "
                             "machine settings")
        lines.append("OK: the outputs reproduce byte for byte" if self.passed else "DIFFERS")
        return "\n".join(lines)


# ------------------------------------------------------------------------------- comparing


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    both_nan = np.isnan(a) & np.isnan(b)
    diff = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    rel = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
    rel = np.where(both_nan, 0.0, np.where(np.isnan(a) != np.isnan(b), np.inf, rel))
    return float(np.nanmax(rel)) if rel.size else 0.0


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=str)


def table_differences(a: Path, b: Path) -> tuple[str, dict[str, str]]:
    """(overall note, {column: how it differs}) for two tables (CSV or Parquet).

    Numeric columns: the largest relative difference ``|x - y| / max(|x|, |y|)``; other columns:
    how many cells differ. Only differing columns are listed.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"x": [1.0, 2.0], "s": ["a", "b"]}).to_csv(d / "a.csv", index=False)
    >>> pd.DataFrame({"x": [1.0, 2.002], "s": ["a", "c"]}).to_csv(d / "b.csv", index=False)
    >>> table_differences(d / "a.csv", d / "b.csv")[1]
    {'x': 'largest relative difference 0.000999', 's': '1 of 2 cells differ'}
    """
    ta, tb = _read_table(a), _read_table(b)
    note = ""
    if list(ta.columns) != list(tb.columns):
        note = (f"columns differ: only in the manifest's run {sorted(set(ta) - set(tb))}, "
                f"only in the re-run {sorted(set(tb) - set(ta))}")
    if len(ta) != len(tb):
        return (f"{len(ta)} rows in the manifest's run, {len(tb)} in the re-run"
                + (f"; {note}" if note else "")), {}
    cols: dict[str, str] = {}
    for col in [c for c in ta.columns if c in tb.columns]:
        x, y = ta[col], tb[col]
        xn = pd.to_numeric(x, errors="coerce")
        yn = pd.to_numeric(y, errors="coerce")
        numeric = (xn.notna() | x.isna()).all() and (yn.notna() | y.isna()).all() \
            and xn.notna().any()
        if numeric:
            rel = _relative(xn.to_numpy(float), yn.to_numpy(float))
            if rel > 0:
                cols[col] = f"largest relative difference {rel:.3g}"
        else:
            same = (x.astype(str) == y.astype(str)) | (x.isna() & y.isna())
            if not same.all():
                cols[col] = f"{int((~same).sum())} of {len(same)} cells differ"
    if not cols and not note:
        note = "same values, different bytes"
    return note, cols


def _image_difference(a: Path, b: Path) -> str:
    if a.suffix != ".png":
        return ""
    from matplotlib.image import imread

    x, y = imread(a), imread(b)
    if x.shape != y.shape:
        return f"size {x.shape[1]}x{x.shape[0]} -> {y.shape[1]}x{y.shape[0]} pixels"
    changed = np.any(x != y, axis=-1) if x.ndim == 3 else x != y
    return f"{changed.mean():.2%} of pixels differ"


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(d, dict):
        return {prefix: d}
    out = {}
    for k, v in d.items():
        out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def explain(manifest_a: dict, manifest_b: dict) -> list[str]:
    """What differs between two manifests' package versions, precision, model and machine.

    Examples
    --------
    >>> explain({"packages": {"numpy": "2.4.6"}}, {"packages": {"numpy": "2.3.0"}})
    ['packages.numpy: 2.4.6 -> 2.3.0']
    """
    lines = []
    for key in ("packages", "precision", "model_fingerprint", "runtime", "config"):
        fa, fb = _flatten(manifest_a.get(key), key), _flatten(manifest_b.get(key), key)
        for name in sorted(set(fa) | set(fb)):
            va, vb = fa.get(name, "(not recorded)"), fb.get(name, "(not recorded)")
            if va != vb:
                lines.append(f"{name}: {va} -> {vb}")
    return lines


def compare_runs(original: str | Path, rerun_dir: str | Path) -> RerunResult:
    """Compare every output that ``original/manifest.json`` lists with ``rerun_dir``'s files.

    Parameters
    ----------
    original : folder of a ``stance run`` (its manifest decides which outputs are compared)
    rerun_dir : folder of the re-run

    Returns
    -------
    RerunResult
        identical files, differing files with their differences, exact agreement of statements,
        frames and shares, and the manifest differences that can explain them.

    Examples
    --------
    A folder compared with itself agrees in every output:

    >>> result = compare_runs("figures/nagorno-karabakh-2020", "figures/nagorno-karabakh-2020")
    >>> result.passed
    True
    """
    original, rerun_dir = Path(original), Path(rerun_dir)
    manifest = read_manifest(original)
    result = RerunResult(rerun_dir=rerun_dir)
    for rel, digest in sorted(manifest["outputs"].items()):
        new = rerun_dir / rel
        if not new.is_file():
            result.differ.append(FileDiff(rel, "missing", "not written by the re-run"))
        elif sha256_file(new) == digest:
            result.identical.append(rel)
        elif not (original / rel).is_file() or sha256_file(original / rel) != digest:
            result.differ.append(FileDiff(rel, "bytes", "the original file no longer matches "
                                                        "its manifest; cannot compare contents"))
        elif new.suffix in (".csv", ".parquet"):
            note, cols = table_differences(original / rel, new)
            result.differ.append(FileDiff(rel, "table", note, cols))
        elif new.suffix in (".png", ".pdf", ".svg"):
            result.differ.append(FileDiff(rel, "image", _image_difference(original / rel, new)))
        else:
            result.differ.append(FileDiff(rel, "bytes"))
    written = {p.relative_to(rerun_dir).as_posix() for p in rerun_dir.rglob("*")
               if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")}
    for rel in sorted(written - set(manifest["outputs"])):
        result.differ.append(FileDiff(rel, "bytes", "written by the re-run, not in the manifest"))
    differing = {d.path: d for d in result.differ}
    for what, rel, columns in _KEY_TABLES:
        if rel not in manifest["outputs"] or not (rerun_dir / rel).is_file():
            result.agreement[what] = None
        elif rel not in differing:
            result.agreement[what] = True
        elif columns is None:
            result.agreement[what] = False
        else:
            a, b = _read_table(original / rel), _read_table(rerun_dir / rel)
            present = [c for c in columns if c in a.columns and c in b.columns]
            result.agreement[what] = (len(a) == len(b) and len(present) == len(columns)
                                      and a[present].equals(b[present]))
    if (rerun_dir / MANIFEST_NAME).is_file():
        result.explanations = explain(manifest, read_manifest(rerun_dir))
    return result


# ---------------------------------------------------------------------------------- re-running


def _corpus_path(manifest: dict, original: Path, corpus: str | Path | None) -> Path:
    from stance.config import PROJECT_ROOT

    if corpus is not None:
        return Path(corpus)
    recorded = manifest.get("corpus_path")
    if recorded:
        for base in (PROJECT_ROOT, original, Path.cwd()):
            candidate = (base / recorded) if not Path(recorded).is_absolute() else Path(recorded)
            if candidate.exists():
                return candidate
        raise FileNotFoundError(f"{original / MANIFEST_NAME}: the corpus it records "
                                f"({recorded}) is not here; give it with --corpus PATH")
    raise ValueError(f"{original / MANIFEST_NAME}: records no corpus path (written by an older "
                     "stance); give the corpus with --corpus PATH")


def changed_inputs(manifest: dict, corpus: Path) -> list[str]:
    """Inputs whose sha256 differs from the manifest's (or that are gone), as ``path: why``."""
    root = corpus if corpus.is_dir() else corpus.parent
    out = []
    for rel, digest in sorted(manifest.get("inputs", {}).items()):
        path = root / rel
        if not path.is_file():
            out.append(f"{rel}: missing")
        elif sha256_file(path) != digest:
            out.append(f"{rel}: changed")
    return out


def rerun(out: str | Path, *, corpus: str | Path | None = None, keep: str | Path | None = None,
          use_cache: bool = False, progress: bool = False) -> RerunResult:
    """Re-run the analysis recorded in ``out/manifest.json`` and compare the outputs with it.

    Parameters
    ----------
    out : folder written by ``stance run``
    corpus : the corpus folder, if not where the manifest says
    keep : write the re-run here and keep it (default: a temporary folder, removed)
    use_cache : reuse the embedding cache (default: an empty temporary cache, so every vector is
        computed again)
    progress : show the pipeline's stage lines

    Returns
    -------
    RerunResult
        ``passed`` is True only when every output is byte-identical.

    Examples
    --------
    >>> from stance.reproduce import rerun
    >>> print(rerun("figures/nagorno-karabakh-2020").summary())  # doctest: +SKIP
    34 of 34 outputs are byte-identical in the re-run
    OK: the outputs reproduce byte for byte
    """
    from stance.pipeline import run

    out = Path(out)
    manifest = read_manifest(out)
    path = _corpus_path(manifest, out, corpus)
    inputs_changed = changed_inputs(manifest, path)
    config = manifest.get("config") or {}
    tmp = Path(tempfile.mkdtemp(prefix="stance-rerun-"))
    try:
        target = Path(keep) if keep is not None else tmp / "out"
        cache_dir = None if use_cache else tmp / "cache"
        run(path, out=target, overrides=config, progress=progress, cache_dir=cache_dir)
        result = compare_runs(out, target)
        result.inputs_changed = inputs_changed
        result.rerun_dir = target if keep is not None else None
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

