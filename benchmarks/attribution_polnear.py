"""Statement extraction and speaker attribution on the PolNeAR gold set, beside textacy.

    python benchmarks/attribution_polnear.py [--data DIR] [--split dev|test|train] [--limit N]
                                             [--errors FILE]

Reads PolNeAR (default ``../shared/eval/polnear/data``, split ``dev``; any copy of the same
layout via ``--data``), runs ``stance.extract_statements`` on each article's exact text, and
textacy's rule-based ``direct_quotations`` (the peer) on the same spaCy pipeline, in the same run.
Scoring follows that folder's README: one attribution relation is one gold statement; a prediction
matches when its content span covers >= 30% of the gold Content (one-to-one, greedy by overlap);
the speaker is right when the predicted mention overlaps the gold Source (a relation without a
Source is right only with no speaker). Prints one JSON object: extraction P/R/F1, speaker
accuracy on matched pairs and end-to-end F1 for both systems. ``--errors FILE`` also writes
every miss, false positive and wrong speaker with short snippets (for error analysis; keep the
file outside the repository: it quotes the third-party texts). Exits 0 with a message when the
data is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    POLNEAR_DIR,
    SPEECH_CUE_LEMMAS,
    AttributionScore,
    GoldRelation,
    PolnearArticle,
    Predicted,
    articles_frame,
    cue_lemma,
    load_polnear,
    overlap,
    print_json,
    score_attribution,
    skip,
    span_length,
    textacy_quotes,
)

TARGET_END_TO_END_F1 = 0.60
DOUBLE_QUOTES = "\"“”«»„"


def is_quoted(article: PolnearArticle, rel: GoldRelation) -> bool:
    """Whether a gold Content holds or is framed by double quotation marks."""
    start, end = rel.content[0][0], rel.content[-1][1]
    window = article.text[max(0, start - 1):end + 1]
    return any(c in window for c in DOUBLE_QUOTES)


def recall_by_quotes(articles: Sequence[PolnearArticle], score: AttributionScore) -> dict[str, Any]:
    """Extraction recall on gold statements with and without quotation marks."""
    by_id = {a.article_id: a for a in articles}
    hit = {(aid, i) for aid, i, _, _ in score.pairs}
    counts = {True: [0, 0], False: [0, 0]}
    for a in articles:
        for i, rel in enumerate(a.relations):
            c = counts[is_quoted(by_id[a.article_id], rel)]
            c[0] += 1
            c[1] += (a.article_id, i) in hit
    return {
        "recall_quoted": round(counts[True][1] / counts[True][0], 3) if counts[True][0] else 0.0,
        "recall_unquoted": round(counts[False][1] / counts[False][0], 3) if counts[False][0] else 0.0,
    }


def recall_by_cue(articles: Sequence[PolnearArticle], scores: dict[str, AttributionScore],
                  nlp: Any) -> dict[str, Any]:
    """Recall per system on gold statements whose cue is a verb of saying
    (:data:`SPEECH_CUE_LEMMAS`) and on the others (beliefs, evidence, actions, no cue)."""
    rels = [(a, i, r) for a in articles for i, r in enumerate(a.relations)]
    cues = nlp.pipe((" ".join(a.text[s:e] for s, e in r.cue) for a, _, r in rels), batch_size=256)
    speech = {(a.article_id, i): bool(r.cue) and cue_lemma(doc) in SPEECH_CUE_LEMMAS
              for (a, i, r), doc in zip(rels, cues)}
    n_speech = sum(speech.values())
    out: dict[str, Any] = {"gold_with_speech_cue": n_speech,
                           "gold_with_other_cue": len(speech) - n_speech}
    for name, score in scores.items():
        hit = {(aid, i) for aid, i, _, _ in score.pairs}
        h_speech = sum(1 for k, v in speech.items() if v and k in hit)
        h_other = sum(1 for k, v in speech.items() if not v and k in hit)
        out[name] = {
            "recall_speech_cue": round(h_speech / n_speech, 3) if n_speech else 0.0,
            "recall_other_cue": round(h_other / (len(speech) - n_speech), 3)
            if len(speech) > n_speech else 0.0,
        }
    return out


def run_ours(articles: Sequence[PolnearArticle], nlp: Any) -> tuple[dict, dict, float]:
    """stance.extract_statements on the exact texts: predictions and statement rows per article."""
    from stance.extract import extract_statements

    try:
        from benchmarks._common import empty_registry

        registry = empty_registry()
    except ImportError:  # no registry module: the extractor's own default
        registry = None
    frame = articles_frame({a.article_id: a.text for a in articles})
    t0 = time.perf_counter()
    statements = extract_statements(frame, registry=registry, nlp=nlp)
    seconds = time.perf_counter() - t0
    preds: dict[str, list[Predicted]] = {}
    rows: dict[str, list[dict]] = {}
    for row in statements.to_dict("records"):
        aid = str(row["article_id"])
        preds.setdefault(aid, []).append(Predicted(
            int(row["start"]), int(row["end"]), int(row["mention_start"]), int(row["mention_end"])))
        rows.setdefault(aid, []).append(row)
    return preds, rows, seconds


def run_textacy(articles: Sequence[PolnearArticle], nlp: Any) -> tuple[dict, dict, float, int]:
    """textacy's direct_quotations on the same pipeline's docs."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    preds: dict[str, list[Predicted]] = {}
    rows: dict[str, list[dict]] = {}
    fallbacks = 0
    docs = nlp.pipe((a.text for a in articles), batch_size=16)
    for a, doc in tqdm(zip(articles, docs), total=len(articles), desc="textacy", file=sys.stderr,
                       disable=len(articles) < 5):
        quotes, fell_back = textacy_quotes(doc)
        fallbacks += fell_back
        preds[a.article_id] = [Predicted(q.start, q.end, q.mention_start, q.mention_end)
                               for q in quotes]
        rows[a.article_id] = [{"kind": "direct", "cue": q.cue, "mention": q.mention,
                               "start": q.start, "end": q.end} for q in quotes]
    return preds, rows, time.perf_counter() - t0, fallbacks


def snippet(text: str, start: int, end: int, width: int = 100) -> str:
    s = text[start:end].replace("\n", " ")
    return s if len(s) <= width else s[:width - 3] + "..."


def error_report(articles: Sequence[PolnearArticle], score: AttributionScore,
                 rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Misses, false positives and wrong speakers with short snippets, for error analysis."""
    by_id = {a.article_id: a for a in articles}

    def gold_view(a: PolnearArticle, rel: GoldRelation) -> dict:
        t = a.text
        return {
            "article": a.article_id, "relation": rel.id,
            "content": snippet(t, rel.content[0][0], rel.content[-1][1]),
            "source": " ".join(t[s:e] for s, e in rel.source),
            "cue": " ".join(t[s:e] for s, e in rel.cue),
            "quoted": is_quoted(a, rel),
            "cue_first": bool(rel.cue) and rel.cue[0][0] < rel.content[0][0],
        }

    def pred_view(a: PolnearArticle, row: dict) -> dict:
        return {
            "article": a.article_id, "text": snippet(a.text, int(row["start"]), int(row["end"])),
            "mention": row.get("mention", ""), "cue": row.get("cue", ""),
            "kind": row.get("kind", ""), "flags": row.get("flags", ""),
        }

    def best_cover(aid: str, rel: GoldRelation) -> float:
        """Largest share of this gold Content that any prediction covers (boundary misses)."""
        glen = span_length(rel.content) or 1
        return round(max((overlap(rel.content, int(r["start"]), int(r["end"])) / glen
                          for r in rows.get(aid, ())), default=0.0), 2)

    def best_gold(aid: str, row: dict) -> float:
        """Largest share of any gold Content that this prediction covers."""
        return round(max((overlap(g.content, int(row["start"]), int(row["end"]))
                          / (span_length(g.content) or 1) for g in by_id[aid].relations),
                         default=0.0), 2)

    misses = [{**gold_view(by_id[aid], by_id[aid].relations[i]),
               "best_cover": best_cover(aid, by_id[aid].relations[i])} for aid, i in score.misses]
    fps = [{**pred_view(by_id[aid], rows[aid][j]), "best_gold_cover": best_gold(aid, rows[aid][j])}
           for aid, j in score.false_positives if aid in by_id]
    wrong = []
    for aid, i, j, ok in score.pairs:
        if not ok:
            g = gold_view(by_id[aid], by_id[aid].relations[i])
            p = pred_view(by_id[aid], rows[aid][j])
            wrong.append({**g, "pred_mention": p["mention"], "pred_cue": p["cue"],
                          "pred_kind": p["kind"], "pred_flags": p["flags"]})
    return {"misses": misses, "false_positives": fps, "wrong_speaker": wrong}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None,
                    help=f"PolNeAR data folder (default {POLNEAR_DIR})")
    ap.add_argument("--split", default="dev", choices=("dev", "test", "train"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--errors", type=Path, default=None,
                    help="write misses / false positives / wrong speakers to this JSON file")
    args = ap.parse_args(argv)
    data = args.data or POLNEAR_DIR
    try:
        articles = load_polnear(data, args.split, args.limit)
    except FileNotFoundError as exc:
        skip(f"PolNeAR data not found: {exc}")
    if not articles:
        skip(f"no annotated articles in {data}/{args.split}")

    from stance.nlp import load_nlp

    nlp = load_nlp()
    gold = {a.article_id: list(a.relations) for a in articles}
    ours, our_rows, our_s = run_ours(articles, nlp)
    peer, peer_rows, peer_s, fallbacks = run_textacy(articles, nlp)
    s_ours, s_peer = score_attribution(gold, ours), score_attribution(gold, peer)

    result = {
        "benchmark": "attribution_polnear",
        "data": str(data), "split": args.split, "articles": len(articles),
        "gold_statements": sum(len(g) for g in gold.values()),
        "gold_without_source": sum(1 for g in gold.values() for r in g if not r.source),
        "gold_relations_without_content_skipped": sum(a.skipped for a in articles),
        "min_content_overlap": 0.3,
        "stance": {**s_ours.summary(), **recall_by_quotes(articles, s_ours),
                   "seconds": round(our_s, 1)},
        "textacy_direct_quotations": {**s_peer.summary(), **recall_by_quotes(articles, s_peer),
                                      "seconds": round(peer_s, 1),
                                      "docs_with_odd_quote_marks_run_per_paragraph": fallbacks},
        "target_end_to_end_f1": TARGET_END_TO_END_F1,
    }
    by_cue = recall_by_cue(articles, {"stance": s_ours, "textacy_direct_quotations": s_peer}, nlp)
    result["gold_with_speech_cue"] = by_cue.pop("gold_with_speech_cue")
    result["gold_with_other_cue"] = by_cue.pop("gold_with_other_cue")
    for name, figures in by_cue.items():
        result[name].update(figures)
    result["meets_target"] = result["stance"]["end_to_end_f1"] >= TARGET_END_TO_END_F1
    if args.errors:
        report = {"stance": error_report(articles, s_ours, our_rows),
                  "textacy": error_report(articles, s_peer, peer_rows)}
        args.errors.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print_json(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
