"""The synthetic corpus generator (stance.synthetic) and the validation it serves.

The generator's planted properties must hold (otherwise the validation benchmark measures
nothing), and on a few dozen draws the framing comparisons must detect a large planted effect,
stay within a binomial band of alpha on the null and on the topic-only confound, while the old
unconditioned comparisons react to the confound (benchmarks/synthetic_validation.py does the
same 1,000 times). Fixed seeds: the outcomes are deterministic, not flaky.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from stance.synthetic import ACT_CUES, ACTS, BASE_ACTS, synthetic_sides

sys.path.insert(0, str(ROOT))


def _share(table: pd.DataFrame, by: str, col: str, value: str) -> pd.Series:
    return table.groupby(by)[col].apply(lambda s: float((s == value).mean()))


def test_framing_plants_the_act_and_blame_differences_on_the_same_events():
    c = synthetic_sides("framing", effect=0.3, n_articles=600, seed=1)
    st, nar = c.statements, c.narratives
    acc = _share(st, "side", "speech_act", "accuses")
    assert acc["b"] - acc["a"] == pytest.approx(0.3, abs=0.04)
    agg = _share(nar, "speaker_side", "agent_side", "a")
    assert agg["b"] - agg["a"] == pytest.approx(0.3, abs=0.05)
    assert c.planted["accuses_difference"] == c.planted["aggressor_a_difference"] == 0.3
    # the same events on both sides
    mix = pd.crosstab(st["side"], st["event"], normalize="index")
    assert (mix.loc["a"] - mix.loc["b"]).abs().max() < 0.05
    np.testing.assert_allclose(c.planted["event_mix"]["a"], c.planted["event_mix"]["b"])


def test_topic_moves_only_the_event_mix():
    c = synthetic_sides("topic", effect=0.8, n_articles=600, seed=2)
    st, nar = c.statements, c.narratives
    first = st["event"].isin([f"event_{i}" for i in range(4)])
    lean = first.groupby(st["side"]).mean()
    assert lean["a"] == pytest.approx(0.9, abs=0.04) and lean["b"] == pytest.approx(0.1, abs=0.04)
    acc = _share(st, "side", "speech_act", "accuses")
    assert abs(acc["b"] - acc["a"]) < 0.04
    agg = _share(nar, "speaker_side", "agent_side", "a")
    assert abs(agg["b"] - agg["a"]) < 0.05
    assert c.planted["accuses_difference"] == 0.0


def test_acts_follow_events_make_the_event_mix_a_confound_of_act_shares():
    c = synthetic_sides("topic", effect=0.8, n_articles=1000, event_acts=0.2, seed=3)
    st = c.statements
    first = st["event"].isin([f"event_{i}" for i in range(4)])
    acc = (st["speech_act"] == "accuses").groupby([first, st["side"]]).mean()
    # at equal event the sides do not differ; the first half of the events accuses more
    assert abs(acc[(True, "a")] - acc[(True, "b")]) < 0.08  # side b: 10% of its articles
    assert abs(acc[(False, "a")] - acc[(False, "b")]) < 0.08
    assert acc[(True, "a")] - acc[(False, "a")] == pytest.approx(0.2, abs=0.05)
    # so side a, which reports the first half more, accuses more overall: 0.9 * 0.35 + 0.1 * 0.15
    planted = c.planted["acts"]
    assert planted["a"]["accuses"] == pytest.approx(0.33)
    assert planted["a"]["accuses"] - planted["b"]["accuses"] == pytest.approx(0.16)
    overall = _share(st, "side", "speech_act", "accuses")
    assert overall["a"] - overall["b"] == pytest.approx(0.16, abs=0.04)


def test_vectors_carry_events_strongly_and_framing_weakly():
    c = synthetic_sides("framing", effect=0.3, n_articles=80, seed=4)
    assert c.vectors.shape == (len(c.statements), 384) and c.vectors.dtype == np.float32
    v = c.vectors.astype(np.float64)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    ev = c.statements["event"].to_numpy()
    gram = v @ v.T
    off = ~np.eye(len(v), dtype=bool)
    same = (ev[:, None] == ev[None, :]) & off
    assert 0.35 < gram[same].mean() < 0.65 and abs(gram[~same & off].mean()) < 0.1
    acts = c.statements["speech_act"].to_numpy()
    same_act = same & (acts[:, None] == acts[None, :])
    assert gram[same_act].mean() > gram[same & ~same_act].mean() + 0.05


def test_same_seed_same_corpus_and_tables_keep_their_contract():
    a = synthetic_sides("null", n_articles=10, seed=5)
    b = synthetic_sides("null", n_articles=10, seed=5)
    pd.testing.assert_frame_equal(a.statements, b.statements)
    pd.testing.assert_frame_equal(a.narratives, b.narratives)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    st = a.statements
    assert st["statement_id"].is_unique and st["date"].dtype == "datetime64[ns]"
    assert set(st["speech_act"]) <= set(ACTS)
    assert (st["cue"] == st["speech_act"].map(ACT_CUES)).all()
    assert set(a.narratives["statement_id"]) == set(st.loc[st["violent"], "statement_id"])
    assert len(BASE_ACTS) == len(ACTS) and sum(BASE_ACTS) == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"scenario": "blame"}, "scenario must be one of"),
    ({"effect": 1.5}, "effect must lie in"),
    ({"effect": 0.7}, "more than the act mixes allow"),
    ({"n_articles": 1}, "n_articles must be an integer >= 2"),
    ({"event_acts": 0.8}, "event_acts must lie in"),
    ({"effect": 0.5, "event_acts": 0.2}, "more than the act mixes allow"),
])
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        synthetic_sides(**{"scenario": "framing", **kwargs})
