"""Hand labels for stance targets: choose statements worth labelling, read the labels back, store
them, and measure how far the models agree with them.

The loop (``stance label export`` / ``stance label import``):

1. :func:`select_for_labelling` picks the statements a person should label next: those the current
   model is least sure about (uncertainty sampling by *margin*: the smallest gap between the two
   most probable labels; Settles 2009, "Active learning literature survey", sec. 3.1), taken in
   turn from each speaker (round-robin), so that one talkative speaker does not fill the sheet.
   The model is the supervised :class:`~stance.StanceClassifier` once the stored labels have two
   labels with two examples each, else the zero-shot model.
2. :func:`write_label_sheet` writes them as a CSV (:data:`SHEET_COLUMNS`) with an empty
   ``position`` column to fill with one of the target's positions or ``none``.
3. :func:`read_label_sheet` reads it back, checks every filled row and names the bad ones
   (:class:`LabelError`); :func:`store_labels` merges the labels into ``labels/<target>.csv``
   (:data:`LABEL_COLUMNS`), keeping earlier labels (a new label for the same statement replaces
   the old one and is counted as changed).
4. :func:`agreement` compares the labels with the zero-shot model and with the cross-validated
   supervised model.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stance.tables import NONE, UNCLEAR
from stance.targets._classifier import (
    StanceClassifier,
    bootstrap_agreement,
    cross_validate_stance,
)
from stance.targets._spec import Target
from stance.targets._zero_shot import RELEVANCE_THRESHOLD

__all__ = ["LABEL_COLUMNS", "SHEET_COLUMNS", "LabelError", "agreement", "label_path",
           "match_labels", "read_label_sheet", "read_labels", "select_for_labelling",
           "store_labels", "write_label_sheet", "zero_shot_uncertainty"]

#: columns of a stored label file (``labels/<target>.csv``) and of the benchmark labels
LABEL_COLUMNS = ["statement_id", "target", "position"]
#: columns of the sheet ``stance label export`` writes
SHEET_COLUMNS = ["statement_id", "target", "speaker", "side", "text", "sentence", "suggested",
                 "suggested_score", "position"]


class LabelError(ValueError):
    """A label file has bad rows; the message names the file and each bad row's line."""


def label_path(folder: str | Path, target: str) -> Path:
    """Where the labels of ``target`` are stored: ``<folder>/<target>.csv``."""
    return Path(folder) / f"{target}.csv"


# ------------------------------------------------------------------------------- selection


def zero_shot_uncertainty(zero_shot: pd.DataFrame,
                          relevance_threshold: float = RELEVANCE_THRESHOLD,
                          scale: float = 0.05) -> np.ndarray:
    """How unsure the zero-shot model is about each row, in (0, 1]: the larger of
    ``exp(-|relevance - threshold| / scale)`` (is the statement about the target?) and, for rows
    at or above ``threshold - scale``, ``exp(-margin / scale)`` (which position?)."""
    rel = zero_shot["relevance"].to_numpy(dtype=np.float64)
    margin = zero_shot["margin"].to_numpy(dtype=np.float64)
    u_rel = np.exp(-np.abs(rel - relevance_threshold) / scale)
    u_pos = np.where(rel >= relevance_threshold - scale, np.exp(-margin / scale), 0.0)
    return np.maximum(u_rel, u_pos)


def _margin_uncertainty(proba: np.ndarray) -> np.ndarray:
    top2 = -np.sort(-proba, axis=1)[:, :2]
    return 1 - (top2[:, 0] - top2[:, 1])


def select_for_labelling(statements: pd.DataFrame, vectors: Any, target: Target, *,
                         zero_shot: pd.DataFrame, labels: pd.DataFrame | None = None,
                         n: int = 40, relevance_threshold: float | None = None,
                         seed: int = 0) -> pd.DataFrame:
    """The ``n`` statements most worth labelling next for ``target`` (see the module docstring),
    as a sheet of :data:`SHEET_COLUMNS` (all strings; ``suggested_score`` with three decimals,
    empty for ``none``) with ``position`` empty.

    ``zero_shot`` is :func:`stance.targets.zero_shot_stance` for these statements; ``labels``
    (``statement_id, target, position``) are left out of the sheet and, when there are enough,
    train the model whose uncertainty decides. Statements with the same text as one already
    chosen are skipped. Ties break by ``statement_id`` (``seed`` breaks them by a shuffle).
    """
    zs = zero_shot[zero_shot["target"] == target.name].drop_duplicates("statement_id")
    zs = zs.set_index("statement_id").reindex(statements["statement_id"].astype(str))
    if zs["relevance"].isna().any():
        raise ValueError(f"select_for_labelling: zero_shot has no rows of target "
                         f"{target.name!r} for some statements; compute it on these statements")
    zs = zs.reset_index()
    if relevance_threshold is None:  # the one zero_shot_stance used by default
        relevance_threshold = (target.threshold if target.threshold is not None
                               else RELEVANCE_THRESHOLD)
    unc = zero_shot_uncertainty(zs, relevance_threshold)
    suggested = zs["position"].to_numpy().astype(object)
    score = zs["score"].to_numpy(dtype=np.float64)
    done = set()
    if labels is not None and len(labels):
        lab = labels[labels["target"] == target.name]
        done = set(lab["statement_id"].astype(str))
        model = _fit_on_labels(lab, statements, vectors)
        if model is not None:
            proba = model.predict_proba(np.asarray(vectors, dtype=np.float64))
            suggested = model.classes_[np.argmax(proba, axis=1)].astype(object)
            score = proba.max(axis=1)
            unc = _margin_uncertainty(proba)
    rng = np.random.default_rng(seed)
    tiebreak = rng.permutation(len(statements)) if seed else np.arange(len(statements))
    who = statements["speaker"].astype(str).where(statements["speaker"].astype(str) != "",
                                                  "?" + statements["mention"].astype(str))
    cand = pd.DataFrame({"row": np.arange(len(statements)), "who": who.to_numpy(),
                         "unc": unc, "tie": tiebreak,
                         "sid": statements["statement_id"].astype(str).to_numpy(),
                         "text": statements["text"].astype(str).to_numpy()})
    cand = cand[~cand["sid"].isin(done)].drop_duplicates("text")
    cand = cand.sort_values(["unc", "tie", "sid"], ascending=[False, True, True], kind="stable")
    queues = {w: list(g["row"]) for w, g in cand.groupby("who", sort=False)}
    chosen: list[int] = []
    while len(chosen) < n and queues:
        for w in list(queues):  # speakers in order of their most uncertain statement
            chosen.append(queues[w].pop(0))
            if not queues[w]:
                del queues[w]
            if len(chosen) >= n:
                break
    sel = statements.iloc[chosen]
    return pd.DataFrame({
        "statement_id": sel["statement_id"].astype(str).to_numpy(), "target": target.name,
        "speaker": sel["speaker_name"].astype(str).where(sel["speaker_name"].astype(str) != "",
                                                         sel["mention"].astype(str)).to_numpy(),
        "side": sel["side"].astype(str).to_numpy(), "text": sel["text"].astype(str).to_numpy(),
        "sentence": sel["sentence"].astype(str).to_numpy(),
        "suggested": np.asarray(suggested, dtype=object)[chosen].astype(str),
        "suggested_score": [f"{v:.3f}" if np.isfinite(v) else "" for v in
                            np.asarray(score, dtype=np.float64)[chosen]],
        "position": "",
    }, columns=SHEET_COLUMNS)


def _fit_on_labels(labels: pd.DataFrame, statements: pd.DataFrame,
                   vectors: Any) -> StanceClassifier | None:
    rows = match_labels(labels, statements)
    counts = rows["position"].value_counts()
    if len(counts) < 2 or counts.min() < 2:
        return None
    X = np.asarray(vectors, dtype=np.float64)[rows["_row"].to_numpy()]
    return StanceClassifier().fit(X, rows["position"].to_numpy())


# --------------------------------------------------------------------------------- files


def write_label_sheet(sheet: pd.DataFrame, path: str | Path) -> Path:
    """Write a sheet (:data:`SHEET_COLUMNS`) as UTF-8 CSV, every field quoted."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.loc[:, SHEET_COLUMNS].to_csv(path, index=False, quoting=csv.QUOTE_ALL,
                                       lineterminator="\n")
    return path


def _read_rows(path: Path, required: Sequence[str]) -> tuple[list[dict[str, str]], list[int]]:
    """Rows of a CSV as dicts of strings, and the line each row starts on."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise FileNotFoundError(f"{path}: cannot read label file: {exc}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise LabelError(f"{path}: missing column(s) {missing}; a label file needs "
                             f"{list(required)} (it has {header})")
        rows, lines, start = [], [], reader.line_num + 1
        for row in reader:
            if None in row:
                raise LabelError(f"{path} line {start}: more fields than the header has")
            rows.append({k: (v if v is not None else "") for k, v in row.items()})
            lines.append(start)
            start = reader.line_num + 1
    return rows, lines


def read_label_sheet(path: str | Path, targets: Sequence[Target], *,
                     require: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a filled sheet (or any CSV with ``statement_id, target, position``).

    Positions are matched case-insensitively after trimming spaces; an empty ``position`` means
    "not labelled" (``require=True`` makes it an error). Every other row must name a known target
    and one of its positions or ``none``; all bad rows are listed in one :class:`LabelError`
    (file and line). Returns ``(labels, sheet)``: the labelled rows as :data:`LABEL_COLUMNS` and the
    whole file as read (all columns, strings, nothing dropped)."""
    path = Path(path)
    rows, lines = _read_rows(path, LABEL_COLUMNS)
    sheet = pd.DataFrame(rows, dtype=str) if rows else pd.DataFrame(columns=LABEL_COLUMNS,
                                                                    dtype=str)
    by_name = {t.name: t for t in targets}
    problems, out, seen = [], [], {}
    for row, line in zip(rows, lines, strict=True):
        sid, tname = row["statement_id"].strip(), row["target"].strip()
        pos = row["position"].strip().lower()
        if not pos and not require:
            continue
        where = f"{path} line {line}"
        if not sid:
            problems.append(f"{where}: empty statement_id")
        elif not pos:
            problems.append(f"{where}: empty position (every stored label needs one)")
        elif tname not in by_name:
            problems.append(f"{where}: unknown target {tname!r} (known: {sorted(by_name)})")
        elif pos not in by_name[tname].labels:
            problems.append(f"{where}: position {row['position']!r} is not one of target "
                            f"{tname!r}'s: {by_name[tname].labels}")
        elif (sid, tname) in seen and seen[(sid, tname)][0] != pos:
            problems.append(f"{where}: statement {sid} has position {pos!r} here but "
                            f"{seen[(sid, tname)][0]!r} on line {seen[(sid, tname)][1]}")
        else:
            seen[(sid, tname)] = (pos, line)
            out.append((sid, tname, pos))
    if problems:
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise LabelError(f"{len(problems)} bad row(s) in {path}:\n" + "\n".join(problems[:20])
                         + more)
    labels = pd.DataFrame(out, columns=LABEL_COLUMNS).drop_duplicates(ignore_index=True)
    return labels, sheet


def read_labels(path: str | Path, targets: Sequence[Target] | None = None) -> pd.DataFrame:
    """Stored labels (:data:`LABEL_COLUMNS`); checked against ``targets`` when given."""
    path = Path(path)
    if targets is None:
        rows, _ = _read_rows(path, LABEL_COLUMNS)
        return pd.DataFrame(rows, columns=None if rows else LABEL_COLUMNS,
                            dtype=str).loc[:, LABEL_COLUMNS]
    labels, _ = read_label_sheet(path, targets, require=True)
    return labels


@dataclass
class StoreReport:
    """What :func:`store_labels` did."""

    path: Path
    added: int
    changed: int
    unchanged: int
    total: int
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (id, old, new)


def store_labels(labels: pd.DataFrame, folder: str | Path, target: Target) -> StoreReport:
    """Merge ``labels`` of ``target`` into ``<folder>/<target>.csv`` without losing earlier
    labels; rows are sorted by ``statement_id`` so the file is deterministic."""
    path = label_path(folder, target.name)
    new = labels[labels["target"] == target.name].loc[:, LABEL_COLUMNS]
    old = read_labels(path, [target]) if path.exists() else pd.DataFrame(columns=LABEL_COLUMNS)
    old_pos = dict(zip(old["statement_id"], old["position"], strict=True))
    added = changed = unchanged = 0
    changes = []
    for sid, pos in zip(new["statement_id"], new["position"], strict=True):
        if sid not in old_pos:
            added += 1
        elif old_pos[sid] != pos:
            changed += 1
            changes.append((sid, old_pos[sid], pos))
        else:
            unchanged += 1
    merged = pd.concat([old, new], ignore_index=True).drop_duplicates("statement_id", keep="last")
    merged = merged.sort_values("statement_id", kind="stable").reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    merged.to_csv(path, index=False, lineterminator="\n")
    return StoreReport(path=path, added=added, changed=changed, unchanged=unchanged,
                       total=len(merged), changes=changes)


# ----------------------------------------------------------------------------- agreement


def match_labels(labels: pd.DataFrame, statements: pd.DataFrame) -> pd.DataFrame:
    """Labels joined to the statements they name: adds ``_row`` (row in ``statements``) and the
    statement's ``article_id``; labels whose id is not among the statements are left out."""
    ids = statements["statement_id"].astype(str).to_numpy()
    articles = (statements["article_id"].astype(str).to_numpy()
                if "article_id" in statements.columns else ids)  # no articles: each its own
    rows = pd.DataFrame({"statement_id": ids, "article_id": articles,
                         "_row": np.arange(len(statements))}).drop_duplicates("statement_id")
    return labels.astype({"statement_id": str}).merge(rows, on="statement_id", how="inner")


def agreement(labels: pd.DataFrame, statements: pd.DataFrame, vectors: Any, target: Target,
              zero_shot: pd.DataFrame, *, cv: int = 5, n_boot: int = 1000,
              seed: int = 0) -> dict[str, Any]:
    """Agreement of the zero-shot and the cross-validated supervised model with hand labels of
    ``target``.

    Zero-shot: its position (``unclear`` counts as a disagreement) against the label, over all
    labelled statements found among ``statements``. Supervised: out-of-fold predictions of
    :class:`StanceClassifier` with folds that keep each article's statements together. Both give
    accuracy and macro-F1 (over the labels ``target.labels`` present) with percentile bootstrap
    intervals resampling articles. Returns a JSON-ready dict (``supervised`` is a message when
    there are too few labels).
    """
    lab = labels[labels["target"] == target.name]
    rows = match_labels(lab, statements)
    zs = zero_shot[zero_shot["target"] == target.name].drop_duplicates("statement_id")
    zs_pos = dict(zip(zs["statement_id"].astype(str), zs["position"], strict=True))
    y = rows["position"].to_numpy().astype(str)
    pred = np.array([zs_pos.get(s, NONE) for s in rows["statement_id"]], dtype=str)
    present = [c for c in target.labels if c in set(y)]
    out: dict[str, Any] = {"target": target.name, "labels": len(lab),
                           "matched": len(rows), "not_found": int(len(lab) - len(rows)),
                           "label_counts": {c: int((y == c).sum()) for c in present}}
    zsa = bootstrap_agreement(y, pred, rows["article_id"], labels=present, n_boot=n_boot,
                              seed=seed)
    zsa["unclear"] = int((pred == UNCLEAR).sum())
    out["zero_shot"] = _jsonable(zsa)
    X = np.asarray(vectors, dtype=np.float64)[rows["_row"].to_numpy()] if len(rows) else None
    try:
        res = cross_validate_stance(X, y, groups=rows["article_id"], cv=cv, n_boot=n_boot,
                                    seed=seed)
        out["supervised"] = _jsonable({"n": res.n, "folds": res.folds, "accuracy": res.accuracy,
                                       "accuracy_ci": res.accuracy_ci, "macro_f1": res.macro_f1,
                                       "macro_f1_ci": res.macro_f1_ci, "labels": res.labels})
    except ValueError as exc:
        out["supervised"] = f"not computed: {exc}"
    majority = pd.Series(y).value_counts().index[0] if len(y) else NONE
    out["majority_baseline"] = {"label": str(majority),
                                "accuracy": float((y == majority).mean()) if len(y) else None}
    return out


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, float):
            out[k] = round(v, 4)
        elif isinstance(v, tuple):
            out[k] = [round(float(x), 4) for x in v]
        else:
            out[k] = v
    return out


def format_agreement(result: dict[str, Any]) -> str:
    """Agreement as a few lines of text."""
    z = result["zero_shot"]
    lines = [(f"target {result['target']}: {result['labels']} labels, {result['matched']} match "
             f"statements of the corpus ({result['not_found']} not found)"),
             "labels: " + ", ".join(f"{k} {v}" for k, v in result["label_counts"].items()),
             (f"zero-shot:  accuracy {z['accuracy']:.2f} {z['accuracy_ci']}, macro-F1 "
             f"{z['macro_f1']:.2f} {z['macro_f1_ci']} ({z['unclear']} unclear)")]
    s = result["supervised"]
    if isinstance(s, dict):
        lines.append(f"supervised ({s['folds']}-fold CV by article): accuracy "
                     f"{s['accuracy']:.2f} {s['accuracy_ci']}, macro-F1 {s['macro_f1']:.2f} "
                     f"{s['macro_f1_ci']}")
    else:
        lines.append(f"supervised: {s}")
    m = result["majority_baseline"]
    if m["accuracy"] is not None:
        lines.append(f"majority baseline ({m['label']}): accuracy {m['accuracy']:.2f}")
    return "\n".join(lines)
