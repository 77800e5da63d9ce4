"""Comparisons at equal topic on the development corpus nk2020-dev, as JSON.

    python benchmarks/equal_topic_dev.py [--corpus DIR] [--n-boot N] [--n-perm N]

Reads ``../shared/corpora/nk2020-dev`` with the default corpus's speaker registry, extracts and
embeds the statements (default model, default cache) and fits frames as ``stance run`` does
(``FrameModel(reassign_outliers=True, random_state=0)``), once with the registry's party names
masked in the keywords and once without: it reports both sets of labels and how many keywords of
each hold a party name (``stance.frames.party_terms``: masking the keyword changes it). Then, for each pair of the three sides with most statements: the
topic similarity (all statements), the pooled similarity within the frames both sides use
(Cochran-Mantel-Haenszel weights) with its interval, the share of the pair's statements in shared
frames, and the energy permutation test over all statements and within frames (article blocks).
Prints numbers, ids and keyword labels only, never statement text. Exits 0 with a message when
``../shared`` is absent.
"""

from __future__ import annotations

import math
import sys
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._common import dev_parser, dev_statements, print_json


def _round(x: float) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 4)


def _party_keywords(frames, terms: list[str]) -> int:
    """Keywords (over all frames) that hold a party name: masking them changes them."""
    from stance.frames import mask_terms

    keywords = [kw for kws in frames["keywords"] for kw in kws]
    return sum(m != kw for m, kw in zip(mask_terms(keywords, terms), keywords, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = dev_parser(__doc__)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"{args.corpus} not found: nothing to measure")
        return 0
    import stance
    from stance import compare
    from stance.frames import party_terms

    start = time.perf_counter()
    corpus, statements, vectors = dev_statements(args.corpus, progress=False)
    terms = party_terms(corpus.registry)
    fits = {}
    for name, mask in (("masked", corpus.registry), ("unmasked", None)):
        fits[name] = stance.FrameModel(reassign_outliers=True, random_state=0,
                                       mask_terms=mask).fit(statements, vectors)
    framed = fits["masked"].statements_
    counts = framed["side"].value_counts()
    sides = [s for s in counts.index if s not in ("", "other", "unknown")][:3]
    pairs = []
    for a, b in combinations(sorted(sides), 2):
        sub = framed["side"].isin([a, b]).to_numpy()
        t, v = framed[sub], vectors[sub]
        topic = compare.stratified_similarity(t, v, a, b, strata=None, n_boot=args.n_boot)
        within = compare.stratified_similarity(t, v, a, b, strata="frame", n_boot=args.n_boot)
        p_all = compare.stratified_test(t, v, a, b, strata=None, n_perm=args.n_perm)
        p_in = compare.stratified_test(t, v, a, b, strata="frame", n_perm=args.n_perm)
        top, pooled = topic.iloc[-1], within.iloc[-1]
        pairs.append({
            "a": a, "b": b, "statements": [int((t.side == a).sum()), int((t.side == b).sum())],
            "topic_similarity": {"value": _round(top.similarity),
                                 "ci": [_round(top.ci_low), _round(top.ci_high)]},
            "within_frames": {"value": _round(pooled.similarity),
                              "ci": [_round(pooled.ci_low), _round(pooled.ci_high)],
                              "frames_shared": int(within.used.sum()) - 1,
                              "share_of_statements_in_shared_frames":
                                  _round((pooled.n_a + pooled.n_b) / len(t))},
            "p_all_statements": _round(p_all.p_value.iloc[0]),
            "p_within_frames": _round(p_in.p_value.iloc[0]),
            "articles": [int(p_all.units_a.iloc[0]), int(p_all.units_b.iloc[0])]})
    report = {
        "corpus": str(args.corpus), "statements": len(statements),
        "articles": int(statements["article_id"].nunique()),
        "frames": {name: {"labels": m.frames_["label"].tolist(),
                          "keywords_naming_a_party": _party_keywords(m.frames_, terms),
                          "keywords": int(sum(len(k) for k in m.frames_["keywords"]))}
                   for name, m in fits.items()},
        "party_terms": len(terms), "pairs": pairs,
        "seconds": round(time.perf_counter() - start, 1),
    }
    print_json(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
