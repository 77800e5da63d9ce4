"""Statements on the development corpus nk2020-dev against its hand-made gold, beside two baselines.

    python benchmarks/dev_corpus.py [--shared DIR] [--speakers FILE] [--keep DIR] [--errors FILE]
                                    [--tagger DIR] [--no-methods]

Runs ``stance statements ../shared/corpora/nk2020-dev --speakers <default corpus>/speakers.yaml``
into a CSV in a temporary folder and scores it with the project-external scorer
``../shared/eval/score_statements.py CSV ../shared/corpora/nk2020-dev-gold``. In the same run,
on the same articles (read by ``stance.read_corpus`` with the same registry) and the same spaCy
pipeline, it scores two baselines the same way:

- ``cue_verb_sentence``: every sentence holding a cue verb (say, accuse, deny, ... or "according
  to") is a statement; its speaker is the first named entity of the sentence the registry resolves;
- ``textacy_direct_quotations``: textacy 0.13's rule-based quotes, speaker resolved by the registry.

``methods`` scores the other extraction methods with the same command, registry and scorer:
``tagger``, ``both`` (``--method both``) and ``both+nonspeech`` (``--method both --cues all``)
with the shipped tagger model (``stance/models/attribution``, clean provenance) or the model
folder ``--tagger DIR``; ``--no-methods`` skips them.

Prints one JSON object. ``--errors FILE`` writes our misses, wrong sides and unmatched predictions
(short snippets; keep the file outside the repository). Exits 0 with a message when ``../shared``
is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    REPO_ROOT,
    SHARED_DIR,
    cue_sentence_baseline,
    print_json,
    resolve,
    skip,
    textacy_quotes,
)

TARGET_END_TO_END_F1 = 0.75
PRED_COLUMNS = ["article_id", "text", "side", "speaker", "speaker_name", "mention", "cue", "kind"]


def run_scorer(scorer: Path, csv: Path, gold: Path, verbose: bool = False) -> dict[str, Any]:
    """Run the shared scorer on a predictions CSV and return its JSON summary."""
    cmd = [sys.executable, str(scorer), str(csv), str(gold)] + (["--verbose"] if verbose else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{scorer} failed on {csv}:\n{proc.stderr[-2000:]}")
    body = proc.stdout.rstrip("\n").rsplit("\n", 1)[0]  # the last line is a one-line figure
    return json.loads(body)


#: the methods scored beside the default (rules): label -> ``stance statements`` options
METHODS = {"tagger": ["--method", "tagger"], "both": ["--method", "both"],
           "both+nonspeech": ["--method", "both", "--cues", "all"]}


def run_ours(corpus_dir: Path, speakers: Path, out: Path, options: Sequence[str] = ()) -> float:
    """``stance statements CORPUS -o OUT --speakers FILE [OPTIONS]``; returns the seconds it
    took."""
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "stance", "statements", str(corpus_dir), "-o", str(out),
           "--speakers", str(speakers), *options]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=REPO_ROOT)
    if proc.returncode != 0 or not out.is_file():
        raise RuntimeError(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def run_baselines(corpus_dir: Path, speakers: Path, tmp: Path) -> dict[str, tuple[Path, float]]:
    """Both baselines on the corpus as ``stance.read_corpus`` reads it; their CSVs and seconds."""
    import pandas as pd

    from stance.extract._nlp import load_nlp
    from stance.read._corpus import read_corpus

    corpus = read_corpus(corpus_dir, speakers=speakers)
    registry = corpus.registry
    nlp = load_nlp()
    ids = corpus.articles["article_id"].tolist()
    texts = corpus.articles["text"].tolist()
    rows: dict[str, list[dict]] = {"cue_verb_sentence": [], "textacy_direct_quotations": []}
    seconds = {k: 0.0 for k in rows}
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for aid, doc in zip(ids, docs):
        for r in cue_sentence_baseline(doc, registry):
            rows["cue_verb_sentence"].append({"article_id": aid, **r, "cue": "", "kind": "indirect"})
    seconds["cue_verb_sentence"] = parse_s + time.perf_counter() - t0
    t0 = time.perf_counter()
    for aid, doc in zip(ids, docs):
        quotes, _ = textacy_quotes(doc)
        for q in quotes:
            sid, name, side = resolve(registry, q.mention)
            rows["textacy_direct_quotations"].append({
                "article_id": aid, "text": q.content, "side": side, "speaker": sid,
                "speaker_name": name, "mention": q.mention, "cue": q.cue, "kind": "direct"})
    seconds["textacy_direct_quotations"] = parse_s + time.perf_counter() - t0
    out = {}
    for name, rs in rows.items():
        path = tmp / f"{name}.csv"
        pd.DataFrame(rs, columns=PRED_COLUMNS).to_csv(path, index=False)
        out[name] = (path, seconds[name])
    return out


def unmatched_predictions(scorer: Path, csv: Path, gold_dir: Path) -> list[dict[str, str]]:
    """Predicted rows the scorer's matching leaves unmatched (its own functions, imported)."""
    spec = importlib.util.spec_from_file_location("score_statements", scorer)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}
    rows = mod.load_pred(csv)
    out = []
    keys = list(gold)
    by_art: dict[str, list] = {}
    for r in rows:
        k = mod.article_key(r["_aid"], keys)
        by_art.setdefault(k or "", []).append(r)
    for k, ps in by_art.items():
        gs = [s for s in gold.get(k, {"statements": []})["statements"] if not s.get("damaged")]
        gt = [mod.toks(s["content"]) for s in gs]
        pt = [mod.toks(str(p.get("text", ""))) for p in ps]
        cands = sorted(((mod.overlap(a, b) + mod.overlap(b, a), i, j)
                        for i, a in enumerate(gt) for j, b in enumerate(pt)
                        if mod.overlap(a, b) >= 0.5 and mod.overlap(b, a) >= 0.25), reverse=True)
        used_g, used_p = set(), set()
        for _, i, j in cands:
            if i not in used_g and j not in used_p:
                used_g.add(i)
                used_p.add(j)
        for j, p in enumerate(ps):
            if j not in used_p:
                out.append({"article": k, "text": str(p.get("text", ""))[:100],
                            "mention": p.get("mention", ""), "cue": p.get("cue", ""),
                            "kind": p.get("kind", ""), "side": p.get("side", "")})
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED_DIR,
                    help=f"the shared folder with corpora/ and eval/ (default {SHARED_DIR})")
    ap.add_argument("--speakers", type=Path,
                    default=REPO_ROOT / "corpora" / "nagorno-karabakh-2020" / "speakers.yaml",
                    help="speaker registry (default: the default corpus's speakers.yaml)")
    ap.add_argument("--keep", type=Path, default=None, help="write the CSVs here, not to a temp dir")
    ap.add_argument("--errors", type=Path, default=None,
                    help="write our misses, wrong sides and unmatched predictions to this JSON file")
    ap.add_argument("--tagger", type=Path, default=None, metavar="DIR",
                    help="tagger model of the methods (default: the shipped model)")
    ap.add_argument("--no-methods", action="store_true",
                    help="score the default (rules) and the baselines only")
    args = ap.parse_args(argv)
    corpus_dir = args.shared / "corpora" / "nk2020-dev"
    gold_dir = args.shared / "corpora" / "nk2020-dev-gold"
    scorer = args.shared / "eval" / "score_statements.py"
    for needed in (corpus_dir, gold_dir, scorer):
        if not needed.exists():
            skip(f"{needed} not found (the development corpus lives in ../shared)")
    if not args.speakers.is_file():
        skip(f"speaker registry {args.speakers} not found")

    with tempfile.TemporaryDirectory(prefix="stance-dev-") as tmpdir:
        tmp = args.keep or Path(tmpdir)
        tmp.mkdir(parents=True, exist_ok=True)
        ours_csv = tmp / "stance.csv"
        ours_s = run_ours(corpus_dir, args.speakers, ours_csv)
        baselines = run_baselines(corpus_dir, args.speakers, tmp)
        result: dict[str, Any] = {
            "benchmark": "dev_corpus", "corpus": str(corpus_dir), "gold": str(gold_dir),
            "speakers": str(args.speakers),
        }
        ours = run_scorer(scorer, ours_csv, gold_dir, verbose=bool(args.errors))
        if args.errors:
            report = {"misses": ours.pop("misses"), "wrong_side": ours.pop("wrong_side"),
                      "unmatched_predictions": unmatched_predictions(scorer, ours_csv, gold_dir)}
            ours["n_misses"], ours["n_wrong_side"] = len(report["misses"]), len(report["wrong_side"])
            args.errors.write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                   encoding="utf-8")
        result["stance"] = {**ours, "seconds_command": round(ours_s, 1)}
        for name, (csv, secs) in baselines.items():
            result[name] = {**run_scorer(scorer, csv, gold_dir), "seconds": round(secs, 1)}
        if not args.no_methods:
            model = ["--tagger-model", str(args.tagger)] if args.tagger else []
            result["tagger_model"] = str(args.tagger or "shipped")
            result["methods"] = {}
            for label, options in METHODS.items():
                csv = tmp / f"stance-{label}.csv"
                secs = run_ours(corpus_dir, args.speakers, csv, [*options, *model])
                result["methods"][label] = {**run_scorer(scorer, csv, gold_dir),
                                            "seconds_command": round(secs, 1)}
    result["target_end_to_end_f1"] = TARGET_END_TO_END_F1
    result["meets_target"] = result["stance"]["end_to_end_f1"] >= TARGET_END_TO_END_F1
    print_json(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
