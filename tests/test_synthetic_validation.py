"""The validation of benchmarks/synthetic_validation.py in small: would it fail if the method were
wrong?

On 50 synthetic corpora per scenario (fixed seeds, so the outcome is deterministic), the framing
comparisons (speech-act shares, blame shares, the stratified tests at equal topic) must detect a
large planted framing difference nearly always, and on the null and on the topic-only confound
reject no more often than a calibrated test at alpha would (the 99% binomial band), while the
old unconditioned comparisons react to the confound; when the act mix follows the events, only
the stratified comparison keeps alpha. The text variant's cues must give back the planted speech acts.
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

from stance.narratives import speech_acts
from stance.synthetic import synthetic_sides

sys.path.insert(0, str(ROOT))

from benchmarks import synthetic_validation as sv

SIMS = 50
NEW = ("speech_act_shares", "blame_shares", "stratified_acts", "stratified_accuses",
       "stratified_vectors")


@pytest.fixture(scope="module")
def args():
    return sv.parse(["--quiet", "--n-boot", "300", "--n-perm", "199", "--articles", "30",
                     "--comparisons", *NEW, "framing_test", "topic_similarity"])


def _run(scenario: str, args, seed: int, effect: float | None = None) -> dict:
    return sv.simulate(scenario, SIMS, args, sv.scenario_rng(seed, scenario, effect),
                       effect=effect)


@pytest.mark.slow    # 50 simulated corpora per scenario, tens of seconds
def test_a_large_planted_framing_difference_is_detected(args):
    out = _run("framing", args, seed=1, effect=0.4)
    for name in NEW:
        assert out[name]["rate"] >= 0.9, (name, out[name])
    # the sides talk about the same events: topic similarity calls them alike
    assert out["topic_similarity"]["mean"] > 0.7


@pytest.mark.slow    # 50 simulated corpora per scenario, tens of seconds
def test_on_the_null_the_comparisons_keep_alpha(args):
    out = _run("null", args, seed=2)
    low, high = sv.binomial_band(args.alpha, SIMS)
    for name in (*NEW, "framing_test"):
        assert low <= out[name]["rate"] <= high, (name, out[name])
        assert out[name]["in_binomial_band"]


@pytest.mark.slow    # 50 simulated corpora per scenario, tens of seconds
def test_the_topic_only_confound_fools_the_old_comparisons_not_the_new(args):
    out = _run("topic", args, seed=3)
    _, high = sv.binomial_band(args.alpha, SIMS)
    for name in NEW:
        assert out[name]["rate"] <= high, (name, out[name])
    # the unconditioned test on the vectors calls the sides different: it measures topic
    assert out["framing_test"]["rate"] >= 0.9
    assert out["topic_similarity"]["mean"] < 0.6


@pytest.mark.slow    # 50 simulated corpora per scenario, tens of seconds
def test_when_acts_follow_events_only_the_stratified_comparison_keeps_alpha(args):
    out = _run("topic_acts_follow_events", args, seed=4)
    _, high = sv.binomial_band(args.alpha, SIMS)
    assert out["stratified_acts"]["rate"] <= high
    assert out["stratified_vectors"]["rate"] <= high
    # the pooled within-event share difference's interval keeps alpha too (its earlier
    # within-stratum bootstrap excluded 0 in 27% of these corpora)
    assert out["stratified_accuses"]["rate"] <= high
    # the unconditioned act shares read the topic mix as a difference in framing
    assert out["speech_act_shares"]["rate"] >= 0.5


def test_overlap_level_is_a_test_at_alpha():
    assert sv.overlap_level(0.05) == pytest.approx(0.834, abs=0.001)
    assert sv.overlap_level(0.01) == pytest.approx(0.9315, abs=0.001)


def test_the_text_variant_gives_back_the_planted_speech_acts():
    corpus = synthetic_sides("framing", effect=0.3, n_articles=20, seed=4)
    st = corpus.statements
    found = speech_acts(st.drop(columns="speech_act"))
    assert (found["speech_act"] == st["speech_act"]).all()
    # every act is read off its cue; "said" names none, so a claim is the default
    claims = st["speech_act"] == "claims"
    assert (found.loc[~claims, "speech_act_basis"] == "cue").all()
    assert (found.loc[claims, "speech_act_basis"] == "default").all() and claims.any()
