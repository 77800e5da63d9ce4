"""The comparisons of ``stance.compare`` on the development corpus nk2020-dev, summarised as JSON.

    python benchmarks/compare_dev.py [--corpus DIR] [--sides A B] [--n-boot N]

Reads ``../shared/corpora/nk2020-dev`` with the default corpus's speaker registry, extracts and
embeds the statements (default model), then reports, for the two sides (default armenia and
azerbaijan): where each side sits on the default corpus's frame axes (relative to all
statements, with article-bootstrap intervals), the framing test between them (article and
statement permutation), the similarity of side centroids, the weekly convergence trend and the
most distinctive words. It also ranks the speakers with at least ``--min-statements`` statements
on each axis (most negative pole first), once as is and once with every named entity (spaCy's
GPE, NORP, PERSON, ORG, LOC) replaced by "they" in the statements and the pole phrases alike: if a
ranking moves little, names are not what places the speakers. Prints numbers, names and single
words only, never statement text. Exits 0 with a message when ``../shared`` is absent.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks._common import dev_parser, dev_statements


def _round(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 4)


_ENTITIES = {"GPE", "NORP", "PERSON", "ORG", "LOC"}


def _mask_entities(texts: list[str]) -> list[str]:
    """Each text with its named entities replaced by "they"."""
    from stance.extract._nlp import load_nlp

    out = []
    for doc in load_nlp().pipe(texts):
        text = doc.text
        for ent in reversed(doc.ents):
            if ent.label_ in _ENTITIES:
                text = text[:ent.start_char] + "they" + text[ent.end_char:]
        out.append(text)
    return out


def _speaker_orders(statements, vectors, axes, min_statements: int, embed_fn) -> dict:
    """Per axis, the speakers with enough statements from the most negative to the most positive
    relative position."""
    from stance import compare

    counts = statements["speaker_name"].value_counts()
    speakers = sorted(counts[counts >= min_statements].index)
    res = compare.frame_axes(statements, vectors, axes, by="speaker_name", n_boot=0,
                             groups=speakers, embed_fn=embed_fn)
    return {name: g.sort_values(["relative", "speaker_name"])["speaker_name"].tolist()
            for name, g in res.biases.groupby("axis", sort=False)}


def main(argv: list[str] | None = None) -> int:
    parser = dev_parser(__doc__)
    parser.add_argument("--sides", nargs=2, default=["armenia", "azerbaijan"])
    parser.add_argument("--min-statements", type=int, default=4)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no development corpus at {args.corpus}; nothing to do")
        return 0
    import stance
    from stance import compare

    start = time.perf_counter()
    default = REPO / "corpora" / "nagorno-karabakh-2020"
    _, statements, vectors = dev_statements(args.corpus)
    a, b = args.sides
    sides = statements["side"].value_counts().to_dict()
    axes = compare.frame_axes(statements, vectors, compare.load_axes(default), by="side",
                              n_boot=args.n_boot, groups=[a, b])
    bias = axes.biases
    axis_rows = []
    for name in axes.axes["axis"]:
        row = {"axis": name}
        for side in (a, b):
            r = bias[(bias["axis"] == name) & (bias["side"] == side)].iloc[0]
            row[side] = {"relative": _round(r["relative"]),
                         "ci": [_round(r["ci_low"] - r["baseline"]),
                                _round(r["ci_high"] - r["baseline"])],
                         "n": int(r["n"]), "articles": int(r["n_articles"])}
        poles = axes.axes.set_index("axis").loc[name]
        row["poles"] = f"{poles['negative']} (-) .. {poles['positive']} (+)"
        row["pole_similarity"] = _round(poles["pole_similarity"])
        axis_rows.append(row)
    tests = []
    for unit in ("article", "statement"):
        t = compare.framing_test(statements, vectors, a, b, unit=unit, n_perm=args.n_perm).iloc[0]
        tests.append({"unit": unit, "energy": _round(t["statistic"]), "p": _round(t["p_value"]),
                      "n_a": int(t["n_a"]), "n_b": int(t["n_b"]), "units_a": int(t["units_a"]),
                      "units_b": int(t["units_b"])})
    sim = compare.similarity(statements, vectors, by="side", groups=[a, b], n_boot=args.n_boot)
    s = sim[(sim["side_a"] == a) & (sim["side_b"] == b)].iloc[0]
    trend = compare.drift(statements, vectors, by="side", freq="W", groups=[a, b],
                          n_boot=args.n_boot).trend.iloc[0]
    terms = compare.distinctive_terms(statements, a, b, top=8)
    spoken = statements[statements["speaker_name"] != ""]
    spoken_vectors = vectors[(statements["speaker_name"] != "").to_numpy()]
    plain = _speaker_orders(spoken, spoken_vectors, compare.load_axes(default),
                            args.min_statements, lambda t: stance.embed(list(t), progress=False))
    masked = _speaker_orders(spoken, stance.embed(_mask_entities(spoken["text"].tolist())),
                             compare.load_axes(default), args.min_statements,
                             lambda t: stance.embed(_mask_entities(list(t)), progress=False))
    report = {
        "corpus": str(args.corpus), "statements": len(statements),
        "articles": int(statements["article_id"].nunique()), "sides": sides,
        "axes": axis_rows, "framing_test": tests,
        "similarity": {"value": _round(s["similarity"]), "raw": _round(s["similarity_raw"]),
                       "ci": [_round(s["ci_low"]), _round(s["ci_high"])]},
        "weekly_trend": {"slope": _round(trend["slope"]),
                         "ci": [_round(trend["ci_low"]), _round(trend["ci_high"])],
                         "p": _round(trend["p_value"]), "n_bins": int(trend["n_bins"]),
                         "thin_bins": int(trend["thin_bins"]), "direction": trend["direction"]},
        "distinctive_terms": {
            a: [(r.term, _round(r.z)) for r in terms.itertuples() if r.z > 0],
            b: [(r.term, _round(r.z)) for r in terms.itertuples() if r.z < 0]},
        "speaker_order_on_axes": {name: {"as_is": plain[name], "entities_masked": masked[name]}
                                  for name in plain},
        "seconds": round(time.perf_counter() - start, 1),
    }
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
