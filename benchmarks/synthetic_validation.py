"""Would the comparisons fail if the method were wrong? Detection and false positives on corpora
with planted framing (``stance.synthetic.synthetic_sides``), as JSON.

    python benchmarks/synthetic_validation.py [--n-sims 1000] [--effect 0.3] [--topic-effect 0.8]
        [--power-effects 0.1 0.2 0.4] [--power-sims 200] [--alpha 0.05] [--seed 0]
        [--comparisons NAME ...]

Each simulation draws two sides of ``--articles`` articles (``--per-article`` statements each)
reporting ``--events`` events, in four scenarios:

* ``null``: nothing differs;
* ``framing``: same events, the sides' shares of accusations and of blaming side a differ by
  ``--effect``;
* ``topic``: the sides differ only in which events they report (event mixes ``--topic-effect``
  apart), framing given the event is the same and does not depend on the event;
* ``topic_acts_follow_events``: the same, but the events of the first half draw more accusations
  (``--event-acts`` more of their statements accuse), so the event mix moves the act shares (the
  confound an unconditioned share comparison falls for).

and decides with each comparison whether the sides differ, at level ``--alpha``:

* ``speech_act_shares``: :func:`stance.narratives.speech_act_profile` (article bootstrap); the
  sides differ when the intervals of their ``accuses`` shares at level ``2 Phi(z_{alpha/2} / sqrt 2) - 1`` (83.4%
  for alpha 0.05) do not overlap, which for two independent estimates with equal standard errors
  is a two-sided test at ``alpha`` (Goldstein and Healy 1995);
* ``blame_shares``: :func:`stance.narratives.blame_shares`, the same rule on the share of
  aggressor side a;
* ``stratified_acts``: :func:`stance.compare.stratified_test` with ``statistic="shares"`` on
  the speech acts, strata the events (labels permuted within events);
* ``stratified_accuses``: :func:`stance.compare.stratified_shares`, the pooled within-event
  difference of the sides' shares of ``accuses``; differ when its ``1 - alpha`` interval (the
  inverted within-event permutation test) excludes 0;
* ``stratified_vectors``: :func:`stance.compare.stratified_test` on the statement vectors
  (energy distance within events);
* ``equal_topic_similarity``: :func:`stance.compare.stratified_similarity` pooled over events,
  reported as its mean and range;
* ``framing_test`` (old): :func:`stance.compare.framing_test`, energy distance between the
  sides' statement vectors, article permutation, unconditioned on topic;
* ``topic_similarity`` (old): :func:`stance.compare.similarity` of the sides' centroids; reported
  as its mean and range, and "differ" when its 95% interval lies below ``--alike``.

A comparison that measures framing should reject about ``alpha`` of the nulls and of both topic
scenarios and nearly all of the framing ones; the old comparisons show what they measure instead.
Prints rates with Wilson 95% intervals and whether each null rate lies in its binomial band.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

# thousands of tiny matrix products: BLAS threads only contend (on a shared machine badly)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import wilson
from stance.compare import (
    framing_test,
    similarity,
    stratified_shares,
    stratified_similarity,
    stratified_test,
)
from stance.narratives import blame_shares, speech_act_profile
from stance.synthetic import SyntheticSides, synthetic_sides

#: the scenarios, in the order they run
SCENARIOS = ("null", "framing", "topic", "topic_acts_follow_events")


def overlap_level(alpha: float) -> float:
    """Interval level whose non-overlap is a two-sided test at ``alpha`` for two independent
    estimates with equal standard errors: ``2 Phi(z_{alpha/2} / sqrt 2) - 1`` (0.834 at 0.05)."""
    z = _z(1 - alpha / 2) / math.sqrt(2)
    return math.erf(z / math.sqrt(2))


def _z(p: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(p))


def _apart(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return bool(a[1] < b[0] or b[1] < a[0])


def speech_act_shares_differ(corpus: SyntheticSides, alpha: float, rng: np.random.Generator,
                             n_boot: int = 1000, act: str = "accuses") -> bool:
    """The two sides' intervals of the share of ``act`` do not overlap (see the module doc)."""
    prof = speech_act_profile(corpus.statements, by="side", n_boot=n_boot,
                              ci=overlap_level(alpha), seed=rng)
    cell = prof[prof["speech_act"] == act].set_index("side")
    return _apart(tuple(cell.loc["a", ["ci_low", "ci_high"]]),
                  tuple(cell.loc["b", ["ci_low", "ci_high"]]))


def blame_shares_differ(corpus: SyntheticSides, alpha: float, rng: np.random.Generator,
                        n_boot: int = 1000) -> bool:
    """The two sides' intervals of the share of aggressor side a do not overlap."""
    out = blame_shares(corpus.narratives, speaker_sides=["a", "b"], sides=["a", "b"],
                       n_boot=n_boot, ci=overlap_level(alpha), seed=rng)
    cell = out[(out["role"] == "aggressor") & (out["side"] == "a")].set_index("speaker_side")
    return _apart(tuple(cell.loc["a", ["ci_low", "ci_high"]]),
                  tuple(cell.loc["b", ["ci_low", "ci_high"]]))


def framing_test_differs(corpus: SyntheticSides, alpha: float, rng: np.random.Generator,
                         n_perm: int = 999) -> bool:
    """The old, unconditioned permutation test on the statement vectors rejects."""
    res = framing_test(corpus.statements, corpus.vectors, "a", "b", n_perm=n_perm, seed=rng)
    return bool(res["p_value"].iloc[0] <= alpha)


def stratified_acts_differ(corpus: SyntheticSides, alpha: float, rng: np.random.Generator,
                           n_perm: int = 999) -> bool:
    """:func:`stance.compare.stratified_test` on the speech-act mix (total-variation distance of
    the sides' act shares within each event, pooled; labels permuted within events) rejects."""
    res = stratified_test(corpus.statements, None, "a", "b", strata="event",
                          statistic="shares", column="speech_act", n_perm=n_perm, seed=rng)
    return bool(res["p_value"].iloc[0] <= alpha)


def stratified_accuses_differ(corpus: SyntheticSides, alpha: float, rng: np.random.Generator,
                              n_perm: int = 999) -> bool:
    """The ``1 - alpha`` interval of :func:`stance.compare.stratified_shares`' pooled
    within-event difference of the sides' shares of ``accuses`` (the inverted within-event
    permutation test) excludes 0."""
    res = stratified_shares(corpus.statements, "a", "b", column="speech_act", strata="event",
                            n_perm=n_perm, ci=1 - alpha, seed=rng)
    row = res[res["category"] == "accuses"].iloc[0]
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def stratified_vectors_differ(corpus: SyntheticSides, alpha: float, rng: np.random.Generator,
                              n_perm: int = 999) -> bool:
    """:func:`stance.compare.stratified_test` on the statement vectors (energy distance within
    each event, pooled; labels permuted within events) rejects."""
    res = stratified_test(corpus.statements, corpus.vectors, "a", "b", strata="event",
                          n_perm=n_perm, seed=rng)
    return bool(res["p_value"].iloc[0] <= alpha)


def equal_topic_similarity(corpus: SyntheticSides, rng: np.random.Generator,
                           n_boot: int = 1000) -> float:
    """The pooled within-event similarity of the two sides (:func:`stratified_similarity`)."""
    res = stratified_similarity(corpus.statements, corpus.vectors, "a", "b", strata="event",
                                n_boot=n_boot, seed=rng)
    return float(res.loc[res["pooled"], "similarity"].iloc[0])


def topic_similarity(corpus: SyntheticSides, rng: np.random.Generator,
                     n_boot: int = 1000) -> tuple[float, float]:
    """The old topic similarity of the two sides: (similarity, upper end of its interval)."""
    sim = similarity(corpus.statements, corpus.vectors, by="side", n_boot=n_boot, seed=rng)
    row = sim[(sim["side_a"] == "a") & (sim["side_b"] == "b")].iloc[0]
    return float(row["similarity"]), float(row["ci_high"])


#: the comparisons that decide "the sides differ": name -> (function, what it is)
DECISIONS: dict[str, tuple[Callable[..., bool], str]] = {
    "speech_act_shares": (speech_act_shares_differ, "new: speech-act shares (accuses)"),
    "blame_shares": (blame_shares_differ, "new: blame shares (aggressor a)"),
    "stratified_acts": (stratified_acts_differ,
                        "new: stratified_test on the speech-act mix, within events"),
    "stratified_accuses": (stratified_accuses_differ,
                           "new: stratified_shares of accuses, pooled within events"),
    "stratified_vectors": (stratified_vectors_differ,
                           "new: stratified_test on the vectors (energy), within events"),
    "framing_test": (framing_test_differs, "old: framing_test on vectors, unconditioned"),
}


#: the similarities reported as values (mean and range), not as decisions
SIMILARITIES = {"topic_similarity": "old: cosine of the sides' centroids (topic similarity)",
                "equal_topic_similarity": "new: stratified_similarity, pooled within events"}


def draw(scenario: str, args: argparse.Namespace, rng: np.random.Generator,
         effect: float | None = None) -> SyntheticSides:
    """One corpus of a scenario."""
    kind = "topic" if scenario.startswith("topic") else scenario
    size = {"null": 0.0, "framing": args.effect if effect is None else effect,
            "topic": args.topic_effect}[kind]
    return synthetic_sides(kind, size, n_articles=args.articles,
                           statements_per_article=args.per_article, n_events=args.events,
                           event_acts=args.event_acts if scenario == "topic_acts_follow_events"
                           else 0.0, seed=rng)


def simulate(scenario: str, sims: int, args: argparse.Namespace, rng: np.random.Generator,
             effect: float | None = None, decisions: dict | None = None) -> dict:
    """Run ``sims`` corpora of one scenario through every comparison; counts and rates."""
    if decisions is None:
        decisions = {k: v for k, v in DECISIONS.items() if k in args.comparisons}
    hits = dict.fromkeys(decisions, 0)
    sims_seen: list[float] = []
    equal_seen: list[float] = []
    below = 0
    for _ in tqdm(range(sims), desc=f"{scenario} {effect or ''}".strip(), file=sys.stderr,
                  leave=False, disable=args.quiet):
        corpus = draw(scenario, args, rng, effect)
        for name, (decide, _) in decisions.items():
            hits[name] += decide(corpus, args.alpha, rng, **_cost(name, args))
        if args.with_similarity:
            value, high = topic_similarity(corpus, rng, n_boot=args.n_boot)
            sims_seen.append(value)
            below += high < args.alike
        if args.with_equal_topic_similarity:
            equal_seen.append(equal_topic_similarity(corpus, rng, n_boot=args.n_boot))
    out = {"scenario": scenario, "sims": sims}
    if effect is not None:
        out["effect"] = effect
    for name, k in hits.items():
        out[name] = _rate(k, sims, args.alpha, scenario != "framing")
    if args.with_similarity:
        arr = np.asarray(sims_seen)
        out["topic_similarity"] = {
            "mean": round(float(arr.mean()), 3),
            "p05_p95": [round(float(q), 3) for q in np.quantile(arr, [0.05, 0.95])],
            f"interval_below_{args.alike}": _rate(below, sims, args.alpha, False)}
    if args.with_equal_topic_similarity:
        arr = np.asarray(equal_seen)
        out["equal_topic_similarity"] = {
            "mean": round(float(np.nanmean(arr)), 3),
            "p05_p95": [round(float(q), 3) for q in np.nanquantile(arr, [0.05, 0.95])]}
    return out


def _cost(name: str, args: argparse.Namespace) -> dict:
    if name in ("framing_test", "stratified_acts", "stratified_accuses", "stratified_vectors"):
        return {"n_perm": args.n_perm}
    return {"n_boot": args.n_boot}


def binomial_band(alpha: float, n: int, z: float = 2.576) -> tuple[float, float]:
    """The range a calibrated test's rejection rate over ``n`` nulls falls in 99% of the time
    (normal approximation to the binomial)."""
    half = z * math.sqrt(alpha * (1 - alpha) / n)
    return max(0.0, alpha - half), alpha + half


def _rate(k: int, n: int, alpha: float, is_null: bool) -> dict:
    lo, hi = wilson(k, n)
    row = {"rejections": k, "rate": round(k / n, 4), "wilson95": [lo, hi]}
    if is_null:
        band = binomial_band(alpha, n)
        row["in_binomial_band"] = band[0] <= k / n <= band[1]
    return row


def _rates(row: dict) -> dict:
    """``{comparison: rate}`` of one scenario (topic similarity: its mean)."""
    out = {k: v["rate"] for k, v in row.items() if isinstance(v, dict) and "rate" in v}
    for name in SIMILARITIES:
        if name in row:
            out[f"{name}_mean"] = row[name]["mean"]
    return out


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-sims", type=int, default=1000, help="simulations per scenario")
    parser.add_argument("--effect", type=float, default=0.3,
                        help="planted framing: difference of the sides' shares")
    parser.add_argument("--topic-effect", type=float, default=0.8,
                        help="how far the event mixes lean apart in the topic scenarios")
    parser.add_argument("--event-acts", type=float, default=0.2,
                        help="topic_acts_follow_events: how much more the first half of the "
                             "events accuses")
    parser.add_argument("--power-effects", type=float, nargs="*", default=[0.1, 0.2, 0.4],
                        help="planted effects of the power curve (none: no power curve)")
    parser.add_argument("--power-sims", type=int, default=200)
    parser.add_argument("--articles", type=int, default=40, help="articles per side")
    parser.add_argument("--per-article", type=int, default=4)
    parser.add_argument("--events", type=int, default=8)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--alike", type=float, default=0.9,
                        help="topic similarity: 'differ' when its interval lies below this")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--n-perm", type=int, default=999)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenarios", nargs="*", choices=SCENARIOS, default=list(SCENARIOS),
                        help="run only these scenarios (each has its own random stream)")
    parser.add_argument("--comparisons", nargs="+", choices=[*DECISIONS, *SIMILARITIES],
                        default=[*DECISIONS, *SIMILARITIES], help="run only these (default all)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    args.with_similarity = "topic_similarity" in args.comparisons
    args.with_equal_topic_similarity = "equal_topic_similarity" in args.comparisons
    return args


def scenario_rng(seed: int, scenario: str, effect: float | None = None) -> np.random.Generator:
    """The generator of one scenario (or one power effect): its own stream, so a scenario gives
    the same numbers whether it runs alone (``--scenarios``) or with the others."""
    key = [seed, SCENARIOS.index(scenario)]
    if effect is not None:
        key.append(round(effect * 1000))
    return np.random.default_rng(key)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    start = time.perf_counter()
    rows = [simulate(s, args.n_sims, args, scenario_rng(args.seed, s)) for s in args.scenarios]
    power = [simulate("framing", args.power_sims, args, scenario_rng(args.seed, "framing", e),
                      effect=e) for e in args.power_effects]
    report = {
        "benchmark": "synthetic validation: planted framing against topic-only confounds",
        "config": {k: v for k, v in vars(args).items()
                   if k not in ("quiet", "with_similarity", "with_equal_topic_similarity")}
        | {"overlap_level": round(overlap_level(args.alpha), 4),
           "binomial_band_99": [round(b, 4) for b in binomial_band(args.alpha, args.n_sims)]},
        "comparisons": {k: what for k, (_, what) in DECISIONS.items() if k in args.comparisons}
        | {k: what for k, what in SIMILARITIES.items() if k in args.comparisons},
        "summary": {row["scenario"]: _rates(row) for row in rows}
        | {f"framing {row['effect']}": _rates(row) for row in power},
        "scenarios": rows,
        "power": power,
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
