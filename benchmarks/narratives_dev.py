"""Agent sides of narratives on the development corpus nk2020-dev against 50 hand labels.

    python benchmarks/narratives_dev.py [--shared DIR] [--speakers FILE] [--errors FILE]

Reads ``../shared/corpora/nk2020-dev`` with the default corpus's registry (as ``stance run`` does
for a corpus without one), extracts its statements and their narratives
(:func:`stance.narratives.extract_narratives`), and scores the agent side of 50 acts of violence
or accusation against ``benchmarks/labels/narratives_agent_side-nk2020-dev.csv``. That file holds
no text: per act its statement id, article id and article offsets, and the agent side a reader
gives it (``none`` when the text names no agent, or none of one side: "accused each other").
The labels were made by reading each statement in its article: every statement of the corpus
with a violent verb or event noun (``stance.narratives`` lexicon) or an accusing cue, the first
such act of each (two in two statements), leaving out three that are not acts of violence.

The system's answer for an act is the agent side of the narrative whose action covers the act's
first character (``none`` when it has no agent side or there is no such narrative). Prints one
JSON object: accuracy with a Wilson 95% interval, overall and on the acts with a named agent side
and those without; ``--errors FILE`` writes the misses (ids and sides only). The rules were
written while reading this corpus, so the number is a development figure, not a held-out one.
Exits 0 with a message when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, SHARED_DIR, print_json, skip

GOLD = REPO_ROOT / "benchmarks" / "labels" / "narratives_agent_side-nk2020-dev.csv"
TARGET_ACCURACY = 0.80


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion ``k / n``."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (round(centre - half, 3), round(centre + half, 3))


def predicted_side(narratives: Any, statement_id: str, act_start: int) -> str:
    """The agent side the narratives give the act at ``act_start`` (``none`` when none)."""
    own = narratives[(narratives["statement_id"] == statement_id)
                     & (narratives["action_start"] <= act_start)
                     & (act_start < narratives["action_end"])]
    if own.empty:
        return "none"
    side = str(own.iloc[0]["agent_side"])
    return side or "none"


def score(gold: Any, narratives: Any) -> dict[str, Any]:
    """Accuracy of the agent sides (overall, named sides, no side) and the misses."""
    rows = []
    for g in gold.itertuples(index=False):
        pred = predicted_side(narratives, g.statement_id, int(g.act_start))
        rows.append({"statement_id": g.statement_id, "act_start": int(g.act_start),
                     "gold": g.agent_side, "predicted": pred, "right": pred == g.agent_side,
                     "case": g.note})
    out: dict[str, Any] = {}
    for name, keep in (("all", lambda r: True), ("named_side", lambda r: r["gold"] != "none"),
                       ("no_side", lambda r: r["gold"] == "none")):
        part = [r for r in rows if keep(r)]
        k = sum(r["right"] for r in part)
        out[name] = {"right": k, "n": len(part),
                     "accuracy": round(k / len(part), 3) if part else None,
                     "wilson95": wilson(k, len(part))}
    out["errors"] = [r for r in rows if not r["right"]]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED_DIR)
    ap.add_argument("--speakers", type=Path,
                    default=REPO_ROOT / "corpora" / "nagorno-karabakh-2020" / "speakers.yaml")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--errors", type=Path, default=None)
    args = ap.parse_args(argv)
    corpus_dir = args.shared / "corpora" / "nk2020-dev"
    if not corpus_dir.is_dir():
        skip(f"{corpus_dir} not found (the development corpus lives outside the repository)")
    import pandas as pd

    from stance.extract import extract_statements
    from stance.narratives import extract_narratives
    from stance.read import read_corpus

    gold = pd.read_csv(args.gold, dtype={"statement_id": str, "agent_side": str})
    corpus = read_corpus(corpus_dir, speakers=args.speakers)
    statements = extract_statements(corpus, progress=False)
    narratives = extract_narratives(statements, corpus, n_clusters=1, use_cache=False)
    missing = sorted(set(gold["statement_id"]) - set(statements["statement_id"]))
    result = score(gold, narratives)
    errors = result.pop("errors")
    report = {"corpus": str(corpus_dir.name), "gold": str(args.gold.relative_to(REPO_ROOT))
              if args.gold.is_relative_to(REPO_ROOT) else str(args.gold),
              "statements": len(statements), "narratives": len(narratives),
              "violent_narratives": int(narratives["violent"].sum()),
              "gold_statements_not_extracted": missing, **result,
              "target_accuracy": TARGET_ACCURACY,
              "meets_target": bool(result["all"]["accuracy"] is not None
                                   and result["all"]["accuracy"] >= TARGET_ACCURACY),
              "errors_by_case": pd.Series([e["case"] for e in errors]).value_counts().to_dict()}
    if args.errors:
        args.errors.write_text(json.dumps(errors, indent=1), encoding="utf-8")
    print_json(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
