"""Score a statements table against gold annotations (the format of ANNOTATION.md).

The matching rule is that of the shared development scorer (``eval/score_statements.py``), so
tests and notebooks can score without it: per article, predicted and gold statements are paired
one to one, greedily by token overlap; a pair matches when at least half of the gold content's
tokens occur in the prediction and at least a quarter of the prediction's tokens occur in the gold
content. The speaker is right when the side matches. End-to-end F1 counts a statement as right
only when it is matched *and* its side is right. Gold statements flagged ``damaged`` are left out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                         "`": "'"})


def tokens(text: str) -> list[str]:
    """Lower-case alphanumeric tokens of ``text`` (quote marks and punctuation ignored)."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES).lower()
    return re.findall(r"[a-z0-9]+", s)


def overlap(a: list[str], b: list[str]) -> float:
    """Share of the tokens of ``a`` (as a multiset) found in ``b``."""
    if not a:
        return 0.0
    cb = Counter(b)
    return sum(min(n, cb.get(t, 0)) for t, n in Counter(a).items()) / len(a)


def load_gold(path: str | Path) -> dict[str, dict]:
    """Gold annotations: a folder of ``<article stem>.json`` files or one such file, keyed by
    article stem."""
    path = Path(path)
    if path.is_dir():
        return {p.stem: json.loads(p.read_text(encoding="utf-8"))
                for p in sorted(path.glob("*.json"))}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {Path(data["file"]).stem: data}


def _article_key(aid: str, keys: list[str]) -> str | None:
    if aid in keys:
        return aid
    return next((k for k in keys if aid and (aid in k or k in aid)), None)


def greedy_match(candidates: Iterable[tuple[Any, int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs from scored candidates, best first: the matcher of every scorer here and
    in ``benchmarks/`` (statements against gold, spans against PolNeAR).

    Parameters
    ----------
    candidates
        ``(key, gold index, pred index)`` triples; the smallest key is the best pair (use a
        tuple of negated scores with tie-breakers, so the order is deterministic).

    Returns
    -------
    list of (gold index, pred index)
        In the order taken; each gold and each prediction at most once.

    Examples
    --------
    >>> greedy_match([(-0.9, 0, 1), (-0.8, 0, 0), (-0.5, 1, 1), (-0.4, 1, 0)])
    [(0, 1), (1, 0)]
    """
    used_g: set[int] = set()
    used_p: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates, key=lambda c: c[0]):
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


def match(pred_texts: list[str], gold_texts: list[str]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs by the overlap rule, best pairs first."""
    gt = [tokens(t) for t in gold_texts]
    pt = [tokens(t) for t in pred_texts]
    cands = []
    for i, a in enumerate(gt):
        for j, b in enumerate(pt):
            r1, r2 = overlap(a, b), overlap(b, a)
            if r1 >= 0.5 and r2 >= 0.25:
                cands.append(((-(r1 + r2), -i, -j), i, j))   # ties: the later pair first
    return greedy_match(cands)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_statements(statements: pd.DataFrame, gold: dict[str, dict] | str | Path, *,
                     skip_flag: str | None = None) -> dict:
    """Precision, recall and F1 of extraction, side accuracy on matched pairs, end-to-end F1,
    narration false positives, and the misses and wrong sides (for review).

    ``skip_flag="damaged"`` also leaves out predictions with that flag (the gold leaves out
    damaged statements; the shared scorer counts such predictions as false positives).

    Examples
    --------
    >>> import stance
    >>> from stance.extract import score_statements
    >>> corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    >>> statements = stance.extract_statements(corpus, progress=False)
    >>> scores = score_statements(statements, "corpora/nagorno-karabakh-2020/gold")
    >>> {"precision", "recall", "f1", "side_accuracy", "end_to_end_f1"} <= set(scores)
    True
    """
    if not isinstance(gold, dict):
        gold = load_gold(gold)
    if skip_flag:
        keep = ~statements["flags"].fillna("").str.split(";").apply(lambda f: skip_flag in f)
        statements = statements[keep]
    keys = list(gold)
    by_art: dict[str, list[dict]] = {k: [] for k in keys}
    for row in statements.to_dict("records"):
        k = _article_key(str(row.get("article_id", "")), keys)
        if k is not None:
            by_art[k].append(row)
    n_gold = n_pred = n_match = n_side = narration_fp = 0
    misses: list[dict] = []
    wrong: list[dict] = []
    for k, g in gold.items():
        gs = [s for s in g["statements"] if not s.get("damaged")]
        ps = by_art[k]
        n_gold += len(gs)
        n_pred += len(ps)
        pairs = match([str(p.get("text", "")) for p in ps], [s["content"] for s in gs])
        matched_g = set()
        for i, j in pairs:
            matched_g.add(i)
            n_match += 1
            ok = str(ps[j].get("side", "")).strip().lower() == gs[i]["side"]
            n_side += ok
            if not ok:
                wrong.append({"article": k, "content": gs[i]["content"], "gold_side": gs[i]["side"],
                              "pred_side": ps[j].get("side", ""),
                              "pred_mention": ps[j].get("mention", "")})
        misses += [{"article": k, **gs[i]} for i in range(len(gs)) if i not in matched_g]
        pt = [tokens(str(p.get("text", ""))) for p in ps]
        for n in g.get("narration", []):
            nt = tokens(n)
            if any(overlap(nt, b) >= 0.8 and overlap(b, nt) >= 0.5 for b in pt):
                narration_fp += 1
    prec = n_match / n_pred if n_pred else 0.0
    rec = n_match / n_gold if n_gold else 0.0
    e2e_p = n_side / n_pred if n_pred else 0.0
    e2e_r = n_side / n_gold if n_gold else 0.0
    return {
        "articles": len(gold), "gold": n_gold, "pred": n_pred, "matched": n_match,
        "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(_f1(prec, rec), 3),
        "side_accuracy": round(n_side / n_match, 3) if n_match else 0.0,
        "end_to_end_f1": round(_f1(e2e_p, e2e_r), 3),
        "narration_false_positives": narration_fp, "misses": misses, "wrong_side": wrong,
    }
