"""Statement extraction and speaker attribution on the PolNeAR gold set, beside textacy.

    python benchmarks/attribution_polnear.py [--data DIR] [--split dev|test|train] [--limit N]
                                             [--errors FILE] [--tagger NAME=DIR ...]
                                             [--speed N] [--no-textacy] [--cache DIR]

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

``methods`` scores the extraction methods of ``stance.extract_statements`` on the same parses:
``rules``, and for each tagger model (the shipped clean-provenance model as ``shipped``, plus any
``--tagger NAME=DIR``, e.g. one trained on PolNeAR's train split with ``stance model train``),
``tagger:NAME`` (the tagger alone) and ``both:NAME`` (rules first, the tagger where no rule
fired), and ``both+nonspeech:NAME`` (the same with the tagger's cues other than speech kept,
``cues="all"``: PolNeAR's own definition, which counts beliefs and evidence; the toolkit's
default keeps speech only, so ``best`` is chosen among the speech-only methods and
``best_any_cue`` among all). Each comes with recall per gold kind (direct: content in
quotation marks; mixed: some quoted words; indirect: none; act: an act verb as cue) and
precision per predicted kind.
``--speed N`` times parsing alone, the rules, and the rules with the tagger on the first N
articles side by side (words per second and ratios). ``error_budget`` simulates how the frame
shares per side of the default corpus's figure move when 10% of statements are misattributed.
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
#: the issue's target for the best method with a tagger trained on PolNeAR train, scored on dev
TARGET_BEST_F1 = 0.70
#: the share of statements misattributed in the error-budget simulation
MISATTRIBUTED = 0.10
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


def run_textacy(articles: Sequence[PolnearArticle], docs: Sequence
                ) -> tuple[dict, dict, float, int]:
    """textacy's direct_quotations on the same pipeline's docs (its seconds exclude the
    parse, shared with the methods)."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    preds: dict[str, list[Predicted]] = {}
    rows: dict[str, list[dict]] = {}
    fallbacks = 0
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


# --------------------------------------------------------------------------------------------
# the extraction methods (rules, tagger, both) on one set of parses
# --------------------------------------------------------------------------------------------

KINDS = ("direct", "indirect", "mixed", "act", "authored")


def gold_kinds(articles: Sequence[PolnearArticle], nlp: Any) -> dict[tuple[str, int], str]:
    """A kind per gold relation, from its text: direct (content framed by quotation marks),
    mixed (some quoted words inside), act (an act verb as cue: vow, warn, ...), else indirect.
    PolNeAR has no authored articles."""
    from stance.extract import _lexicon as lx

    rels = [(a, i, r) for a in articles for i, r in enumerate(a.relations)]
    cues = nlp.pipe((" ".join(a.text[s:e] for s, e in r.cue) for a, _, r in rels),
                    batch_size=256)
    out = {}
    for (a, i, r), cue in zip(rels, cues, strict=True):
        start, end = r.content[0][0], r.content[-1][1]
        inner = a.text[start:end]
        before = a.text[max(0, start - 1):start]
        if (before and before in DOUBLE_QUOTES) or (inner[:1] in DOUBLE_QUOTES):
            kind = "direct"
        elif any(c in DOUBLE_QUOTES for c in inner):
            kind = "mixed"
        elif r.cue and cue_lemma(cue) in lx.ACT_VERBS:
            kind = "act"
        else:
            kind = "indirect"
        out[(a.article_id, i)] = kind
    return out


def by_kind(score: AttributionScore, kinds: dict[tuple[str, int], str],
            rows: dict[str, list[dict]]) -> dict[str, dict]:
    """Recall (extraction and end to end) per gold kind, precision per predicted kind."""
    out: dict[str, dict] = {}
    hit = {(aid, i): ok for aid, i, _, ok in score.pairs}
    matched_pred = {(aid, j): ok for aid, _, j, ok in score.pairs}
    for kind in KINDS:
        gold = [k for k, v in kinds.items() if v == kind]
        pred = [(aid, j) for aid, rs in rows.items() for j, r in enumerate(rs)
                if r.get("kind") == kind]
        entry: dict[str, Any] = {"gold": len(gold), "predicted": len(pred)}
        if gold:
            entry["recall"] = round(sum(k in hit for k in gold) / len(gold), 3)
            entry["end_to_end_recall"] = round(sum(hit.get(k, False) for k in gold) / len(gold),
                                               3)
        if pred:
            entry["precision"] = round(sum(k in matched_pred for k in pred) / len(pred), 3)
            entry["end_to_end_precision"] = round(
                sum(matched_pred.get(k, False) for k in pred) / len(pred), 3)
        out[kind] = entry
    return out


def _parse_key(text: str, nlp: Any) -> str:
    """Cache key of one parse: the text and the spaCy pipeline (name, version, components)."""
    import hashlib

    meta = f"{nlp.meta.get('name')}-{nlp.meta.get('version')}-{','.join(nlp.pipe_names)}"
    return hashlib.sha256((meta + "\x00" + text).encode("utf-8")).hexdigest()


def parse_all(articles: Sequence[PolnearArticle], nlp: Any, cache: Path | None = None) -> list:
    """The main spaCy parse of every article (shared by all methods); with ``cache``, each
    parse is read from or written to ``cache/parses/<key>.spacy`` (a DocBin: keep the folder
    outside the repository, it holds the third-party texts)."""
    from spacy.tokens import DocBin
    from tqdm import tqdm

    folder = cache / "parses" if cache is not None else None
    docs: list = [None] * len(articles)
    keys = [_parse_key(a.text, nlp) for a in articles]
    if folder is not None:
        for k, key in enumerate(keys):
            f = folder / f"{key}.spacy"
            if f.exists():
                docs[k] = next(iter(DocBin().from_disk(f).get_docs(nlp.vocab)))
    todo = [k for k, d in enumerate(docs) if d is None]
    parsed = nlp.pipe((articles[k].text for k in todo), batch_size=16)
    for k, doc in tqdm(zip(todo, parsed), total=len(todo), desc="parse", file=sys.stderr,
                       disable=len(todo) < 5):
        docs[k] = doc
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            DocBin(docs=[doc], store_user_data=False).to_disk(folder / f"{keys[k]}.spacy")
    return docs


def run_method(articles: Sequence[PolnearArticle], docs: Sequence, method: str,
               tagged: Sequence | None, cues: str = "speech") -> tuple[dict, dict]:
    """``stance.extract.extract_article`` with one method (and the tagger's ``cues``) on
    pre-parsed docs."""
    from benchmarks._common import empty_registry
    from stance import tables
    from stance.extract import extract_article

    registry = empty_registry()
    records = tables.normalize_articles(
        articles_frame({a.article_id: a.text for a in articles})).to_dict("records")
    by_id = {str(r["article_id"]): r for r in records}
    preds: dict[str, list[Predicted]] = {}
    rows: dict[str, list[dict]] = {}
    for k, (a, doc) in enumerate(zip(articles, docs, strict=True)):
        out = extract_article(doc, by_id[a.article_id], registry, [], 0, method=method,
                              tagged=tagged[k] if tagged is not None else None, cues=cues)
        rows[a.article_id] = out
        preds[a.article_id] = [Predicted(int(r["start"]), int(r["end"]), int(r["mention_start"]),
                                         int(r["mention_end"])) for r in out]
    return preds, rows


def untagged_misses(articles: Sequence[PolnearArticle], score: AttributionScore,
                    tagged: Sequence) -> int:
    """Missed gold statements where the tagger tagged no CONTENT covering 30% of the gold
    content (misses the linking cannot be blamed for)."""
    by_id = {a.article_id: (a, spans) for a, spans in zip(articles, tagged, strict=True)}
    n = 0
    for aid, i in score.misses:
        a, spans = by_id[aid]
        content = a.relations[i].content
        need = 0.3 * (span_length(content) or 1)
        n += not any(lab == "CONTENT" and overlap(content, s, e) >= need for s, e, lab in spans)
    return n


def run_methods(articles: Sequence[PolnearArticle], nlp: Any, models: dict[str, Any],
                docs: Sequence, parse_seconds: float, cache: Path | None = None
                ) -> tuple[dict[str, Any], dict[str, tuple[AttributionScore, dict]]]:
    """Scores of rules, and of tagger / both per tagger model, on the same parses ``docs``;
    and each method's score object and statement rows. With ``cache``, tagger spans are kept
    there between runs (their times then measure reading, not computing)."""
    from stance.extract import _tagger

    gold = {a.article_id: list(a.relations) for a in articles}
    kinds = gold_kinds(articles, nlp)
    out: dict[str, Any] = {"parse_seconds": round(parse_seconds, 1),
                           "parses_cached": cache is not None}
    kept: dict[str, tuple[AttributionScore, dict]] = {}
    runs: list[tuple[str, str, Any, str]] = [("rules", "rules", None, "speech")]
    for name, path in models.items():
        t0 = time.perf_counter()
        tagged = _tagger.tag([a.text for a in articles], model=path, use_cache=cache is not None,
                             cache_dir=cache / "tagger" if cache is not None else None)
        seconds = time.perf_counter() - t0
        out[f"tagger_seconds:{name}"] = round(seconds, 1)
        out[f"model:{name}"] = {"path": str(_tagger.model_path(path)),
                                "fingerprint": _tagger.fingerprint(path)[:16]}
        runs += [(f"tagger:{name}", "tagger", tagged, "speech"),
                 (f"both:{name}", "both", tagged, "speech"),
                 (f"both+nonspeech:{name}", "both", tagged, "all")]
    for label, method, tagged, cues in runs:
        t0 = time.perf_counter()
        preds, rows = run_method(articles, docs, method, tagged, cues)
        seconds = time.perf_counter() - t0
        score = score_attribution(gold, preds)
        kept[label] = (score, rows)
        model_rows = sum("model" in str(r.get("flags", "")) for rs in rows.values() for r in rs)
        extra = {}
        if tagged is not None:
            extra["misses_without_tagged_content"] = untagged_misses(articles, score, tagged)
        out[label] = {**score.summary(), "model_statements": model_rows, **extra,
                      "seconds_after_parse": round(seconds, 1),
                      "by_kind": by_kind(score, kinds, rows)}
    scored = {k: v["end_to_end_f1"] for k, v in out.items() if isinstance(v, dict) and
              "end_to_end_f1" in v}
    speech = {k: v for k, v in scored.items() if "nonspeech" not in k}
    out["best"] = max(speech, key=lambda k: (speech[k], k == "rules"))
    out["best_any_cue"] = max(scored, key=lambda k: (scored[k], k == "rules"))
    return out, kept


def speed(articles: Sequence[PolnearArticle], nlp: Any, model: Any) -> dict[str, Any]:
    """Words per second of spaCy's parse alone, the rules, and the rules with the tagger, on
    the same articles, side by side (the tagger uncached)."""
    from stance.extract import _tagger

    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    _tagger.load_tagger(model)
    list(nlp.pipe(texts[:2]))  # warm both pipelines
    _tagger.tag(texts[:2], model=model, use_cache=False)
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_method(articles, docs, "rules", None)
    t_rules = time.perf_counter() - t0 + t_parse
    t0 = time.perf_counter()
    tagged = _tagger.tag(texts, model=model, use_cache=False)
    t_tag = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_method(articles, docs, "both", tagged)
    t_both = time.perf_counter() - t0 + t_parse + t_tag
    return {
        "articles": len(texts), "words": words,
        "words_per_second": {"parse": round(words / t_parse), "rules": round(words / t_rules),
                             "tagger_alone": round(words / t_tag),
                             "rules_and_tagger": round(words / t_both)},
        "ratio_rules_to_parse": round(t_rules / t_parse, 2),
        "ratio_rules_and_tagger_to_parse": round(t_both / t_parse, 2),
        "ratio_rules_and_tagger_to_rules": round(t_both / t_rules, 2),
    }


def frame_shares(sides: Sequence[str], frames: Sequence[Any]) -> dict[tuple[str, Any], float]:
    """Share of each frame among each side's statements."""
    from collections import Counter

    n = Counter(sides)
    both = Counter(zip(sides, frames, strict=True))
    return {(s, f): both[(s, f)] / n[s] for s in n for f in set(frames)}


def error_budget(sides: Sequence[str], frames: Sequence[Any], share: float = MISATTRIBUTED,
                 runs: int = 2000, seed: int = 0) -> dict[str, Any]:
    """How the frame shares per side move when ``share`` of the statements get another side
    (drawn among the other sides in proportion to their size): the mean and 95th percentile,
    over ``runs`` draws, of the largest absolute change of any side's frame share (percentage
    points), and the mean change over all side-frame cells."""
    import numpy as np

    rng = np.random.default_rng(seed)
    sides, frames = list(sides), list(frames)
    base = frame_shares(sides, frames)
    names = sorted(set(sides))
    counts = {s: sides.count(s) for s in names}
    k = max(1, round(share * len(sides)))
    worst, mean = [], []
    for _ in range(runs):
        new = list(sides)
        for i in rng.choice(len(sides), size=k, replace=False):
            others = [s for s in names if s != sides[i]]
            w = np.array([counts[s] for s in others], dtype=float)
            new[i] = others[rng.choice(len(others), p=w / w.sum())]
        moved = frame_shares(new, frames)
        diffs = [abs(moved.get(c, 0.0) - v) for c, v in base.items()]
        worst.append(max(diffs))
        mean.append(float(np.mean(diffs)))
    return {"statements": len(sides), "sides": len(names), "misattributed": k,
            "max_shift_pp_mean": round(100 * float(np.mean(worst)), 1),
            "max_shift_pp_p95": round(100 * float(np.percentile(worst, 95)), 1),
            "mean_shift_pp": round(100 * float(np.mean(mean)), 1)}


def error_budgets() -> dict[str, Any]:
    """The error budget on the committed statement map of the default corpus, and on a larger
    synthetic two-sided corpus (1,000 statements a side, frame shares 60/40 and 30/70)."""
    import csv

    from benchmarks._common import REPO_ROOT

    out: dict[str, Any] = {}
    path = REPO_ROOT / "figures" / "nagorno-karabakh-2020" / "1_statement_map.csv"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        out["default_corpus"] = error_budget([r["side"] for r in rows], [r["frame"] for r in rows])
    sides = ["a"] * 1000 + ["b"] * 1000
    frames = [0] * 600 + [1] * 400 + [0] * 300 + [1] * 700
    out["synthetic_2x1000"] = error_budget(sides, frames, runs=300)
    return out


def parse_models(specs: Sequence[str]) -> dict[str, Any]:
    """``NAME=DIR`` tagger models, the shipped one first as ``shipped`` (when present)."""
    from stance.extract import _tagger

    models: dict[str, Any] = {}
    if (_tagger.DEFAULT_MODEL / "config.cfg").exists():
        models["shipped"] = _tagger.DEFAULT_MODEL
    for spec in specs:
        name, sep, path = spec.partition("=")
        if not sep:
            raise SystemExit(f"--tagger {spec!r}: use NAME=DIR")
        models[name] = Path(path)
    return models


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=None,
                    help=f"PolNeAR data folder (default {POLNEAR_DIR})")
    ap.add_argument("--split", default="dev", choices=("dev", "test", "train"))
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    ap.add_argument("--errors", type=Path, default=None,
                    help="write misses / false positives / wrong speakers to this JSON file")
    ap.add_argument("--tagger", action="append", default=[], metavar="NAME=DIR",
                    help="also score this tagger model (repeatable)")
    ap.add_argument("--speed", type=int, default=0, metavar="N",
                    help="time parse / rules / rules+tagger on the first N articles")
    ap.add_argument("--no-textacy", action="store_true", help="skip the textacy peer")
    ap.add_argument("--cache", type=Path, default=None, metavar="DIR",
                    help="keep parses and tagger spans here between runs (outside the repo)")
    args = ap.parse_args(argv)
    data = args.data or POLNEAR_DIR
    try:
        articles = load_polnear(data, args.split, args.limit)
    except FileNotFoundError as exc:
        skip(f"PolNeAR data not found: {exc}")
    if not articles:
        skip(f"no annotated articles in {data}/{args.split}")

    from stance.extract._nlp import load_nlp

    nlp = load_nlp()
    gold = {a.article_id: list(a.relations) for a in articles}
    models = parse_models(args.tagger)
    t0 = time.perf_counter()
    docs = parse_all(articles, nlp, args.cache)
    methods, kept = run_methods(articles, nlp, models, docs, time.perf_counter() - t0,
                                args.cache)
    s_ours, our_rows = kept["rules"]
    our_s = methods["parse_seconds"] + methods["rules"]["seconds_after_parse"]
    if args.no_textacy:
        peer, peer_rows, peer_s, fallbacks = {}, {}, 0.0, 0
    else:
        peer, peer_rows, peer_s, fallbacks = run_textacy(articles, docs)
    s_peer = score_attribution(gold, peer)

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
    result["methods"] = methods
    best = result["methods"]["best"]
    result["best_method"] = best
    result["best_end_to_end_f1"] = result["methods"][best]["end_to_end_f1"]
    result["best_any_cue_method"] = result["methods"]["best_any_cue"]
    result["best_any_cue_end_to_end_f1"] = result["methods"][
        result["best_any_cue_method"]]["end_to_end_f1"]
    result["target_best_end_to_end_f1"] = TARGET_BEST_F1
    if args.speed and models:
        result["speed"] = speed(articles[:args.speed], nlp, next(iter(models.values())))
    result["error_budget"] = error_budgets()
    if args.errors:
        report = {"stance": error_report(articles, s_ours, our_rows),
                  "textacy": error_report(articles, s_peer, peer_rows)}
        args.errors.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print_json(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
