"""Comparisons at equal topic (stance.compare._stratified): a within-topic difference is found, a
topic-only difference is not, and permuting within strata keeps the nominal level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance import compare as C

DIM = 16


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _corpus(rng: np.random.Generator, mix_a, mix_b, shift: float = 0.0, *,
            n_articles: int = 12, per_article: int = 3, article_noise: float = 0.5,
            noise: float = 0.6, centers: np.ndarray | None = None):
    """Two sides (a, b), len(mix) topics. Each article is one side's report of one topic (drawn
    from the side's topic mix) with ``per_article`` statements around a shared article offset.
    Side a's statements are moved by ``shift`` along a per-topic direction (how it speaks of the
    topic); side b's are not. Returns (table, vectors)."""
    k = len(mix_a)
    centers = _unit(rng.normal(size=(k, DIM))) * 2.0 if centers is None else centers
    directions = _unit(rng.normal(size=(k, DIM)))
    rows, vecs = [], []
    for side, mix in (("a", mix_a), ("b", mix_b)):
        topics = rng.choice(k, size=n_articles, p=mix)
        for j, t in enumerate(topics):
            art = rng.normal(size=DIM) * article_noise / np.sqrt(DIM)
            for s in range(per_article):
                v = (centers[t] + art + rng.normal(size=DIM) * noise / np.sqrt(DIM)
                     + (shift * directions[t] if side == "a" else 0.0))
                rows.append({"side": side, "frame": int(t), "article_id": f"{side}{j}",
                             "statement_id": f"{side}{j}-{s}"})
                vecs.append(v)
    return pd.DataFrame(rows), np.asarray(vecs)


def _reject(res: pd.DataFrame, alpha: float = 0.05) -> bool:
    return bool(res.p_value.iloc[0] <= alpha)


@pytest.mark.parametrize("statistic", ["energy", "centroid"])
def test_within_topic_difference_is_detected_when_topics_are_shared(statistic):
    rng = np.random.default_rng(1)
    mix = [0.4, 0.35, 0.25]
    found = 0
    for _ in range(20):
        table, vecs = _corpus(rng, mix, mix, shift=0.5)
        res = C.stratified_test(table, vecs, "a", "b", statistic=statistic, n_perm=199, seed=rng)
        found += _reject(res)
    assert found >= 17, found


@pytest.mark.slow    # a comparison repeated on simulated corpora
def test_topic_only_difference_splits_the_old_test_not_the_stratified_one():
    """Sides that speak of each topic alike but choose different topics: the unstratified test
    (strata=None, the old framing_test) rejects; the stratified test stays at its level."""
    rng = np.random.default_rng(2)
    n_sim = 120
    old = new = 0
    p_values = []
    for _ in range(n_sim):
        table, vecs = _corpus(rng, [0.7, 0.2, 0.1], [0.1, 0.2, 0.7], shift=0.0, n_articles=16)
        old += _reject(C.stratified_test(table, vecs, "a", "b", strata=None, n_perm=99,
                                         seed=rng))
        res = C.stratified_test(table, vecs, "a", "b", strata="frame", n_perm=99, seed=rng)
        new += _reject(res)
        p_values.append(res.p_value.iloc[0])
    assert old / n_sim > 0.8, old
    # binomial(120, 0.05): P(X <= 13) > 0.99
    assert new <= 13, new
    # (a draw where the sides share no topic has no p-value: NaN, never a rejection)
    assert 0.4 < np.nanmean(p_values) < 0.6        # p-values roughly uniform under the null


def test_unstratified_test_is_the_framing_test():
    rng = np.random.default_rng(3)
    table, vecs = _corpus(rng, [0.5, 0.5], [0.5, 0.5], shift=0.3)
    ours = C.stratified_test(table, vecs, "a", "b", strata=None, statistic="energy", n_perm=199,
                             seed=0)
    theirs = C.framing_test(table, vecs, "a", "b", by="side", statistic="energy", n_perm=199,
                            seed=0)
    # one stratum: the same energy distance (the weights cancel) on the same article blocks
    assert ours.statistic.iloc[0] == pytest.approx(theirs.statistic.iloc[0], rel=1e-9)
    assert ours.units_a.iloc[0] == theirs.units_a.iloc[0]


@pytest.mark.slow    # a comparison repeated on simulated corpora
def test_permuting_statements_of_clustered_articles_is_anticonservative_within_strata():
    rng = np.random.default_rng(4)
    counts = {"article": 0, "statement": 0}
    n_sim = 60
    for _ in range(n_sim):
        table, vecs = _corpus(rng, [0.5, 0.5], [0.5, 0.5], article_noise=2.0, noise=0.5,
                              per_article=5, n_articles=8)
        for unit in counts:
            counts[unit] += _reject(C.stratified_test(table, vecs, "a", "b", unit=unit,
                                                      n_perm=99, seed=rng))
    assert counts["statement"] / n_sim > 0.3, counts
    assert counts["article"] / n_sim < 0.15, counts


def test_stratified_similarity_is_lower_when_sides_differ_within_topic():
    rng = np.random.default_rng(5)
    centers = _unit(rng.normal(size=(3, DIM))) * 2.0
    mix = [0.4, 0.3, 0.3]
    same, apart = [], []
    for _ in range(8):
        t0, v0 = _corpus(rng, mix, mix, shift=0.0, centers=centers, n_articles=20)
        t1, v1 = _corpus(rng, mix, mix, shift=0.8, centers=centers, n_articles=20)
        same.append(C.stratified_similarity(t0, v0, "a", "b", n_boot=200, seed=0))
        apart.append(C.stratified_similarity(t1, v1, "a", "b", n_boot=200, seed=0))
    pooled = [float(r.loc[r.pooled, "similarity"].iloc[0]) for r in same]
    shifted = [float(r.loc[r.pooled, "similarity"].iloc[0]) for r in apart]
    assert min(pooled) > max(shifted)
    # with no within-topic difference the bias-corrected pooled similarity is near 1
    assert np.mean(pooled) > 0.9
    # the interval holds the estimate
    for r in same + apart:
        p = r.loc[r.pooled].iloc[0]
        assert p.ci_low <= p.similarity <= p.ci_high


def test_topic_similarity_is_fooled_by_topic_mix_and_stratified_similarity_is_not():
    rng = np.random.default_rng(6)
    table, vecs = _corpus(rng, [0.8, 0.1, 0.1], [0.1, 0.1, 0.8], n_articles=30)
    topic = C.topic_similarity(table, vecs, by="side", n_boot=200)
    topic_ab = float(topic.loc[(topic.side_a == "a") & (topic.side_b == "b"),
                               "similarity"].iloc[0])
    strat = C.stratified_similarity(table, vecs, "a", "b", n_boot=200)
    pooled = float(strat.loc[strat.pooled, "similarity"].iloc[0])
    assert pooled > 0.9 > topic_ab + 0.2


def test_weights_and_unused_strata():
    table = pd.DataFrame({"side": ["a"] * 6 + ["b"] * 4 + ["a"] * 3,
                          "frame": [0] * 4 + [1] * 2 + [0] * 2 + [1] * 2 + [2] * 3,
                          "article_id": [f"n{i}" for i in range(13)]})
    vecs = np.random.default_rng(0).normal(size=(13, 4))
    res = C.stratified_similarity(table, vecs, "a", "b", n_boot=50)
    assert list(res.stratum) == ["0", "1", "2", "pooled"]
    assert res.used.tolist() == [True, True, False, True]
    # harmonic weights: 4*2/6 and 2*2/4, normalised
    w0, w1 = 8 / 6, 1.0
    assert res.weight.iloc[0] == pytest.approx(w0 / (w0 + w1))
    assert res.weight.iloc[1] == pytest.approx(w1 / (w0 + w1))
    assert np.isnan(res.weight.iloc[2]) and np.isnan(res.similarity.iloc[2])
    pooled = res.iloc[-1]
    assert (pooled.n_a, pooled.n_b) == (6, 4)             # stratum 2 (a only) is left out
    raw = res.similarity_raw.iloc[:2].to_numpy() @ res.weight.iloc[:2].to_numpy()
    assert pooled.similarity_raw == pytest.approx(raw)
    eq = C.stratified_similarity(table, vecs, "a", "b", weights="equal", n_boot=0)
    assert eq.weight.iloc[:2].tolist() == [0.5, 0.5]
    size = C.stratified_similarity(table, vecs, "a", "b", weights="size", n_boot=0)
    assert size.weight.iloc[0] == pytest.approx(6 / 10)


def test_one_stratum_similarity_matches_topic_similarity():
    rng = np.random.default_rng(7)
    table, vecs = _corpus(rng, [0.5, 0.5], [0.2, 0.8])
    ours = C.stratified_similarity(table, vecs, "a", "b", strata=None, n_boot=0)
    topic = C.topic_similarity(table, vecs, by="side", n_boot=0)
    raw = topic.loc[(topic.side_a == "a") & (topic.side_b == "b"), "similarity_raw"].iloc[0]
    assert ours.similarity_raw.iloc[-1] == pytest.approx(raw)
    assert C.similarity is C.topic_similarity


@pytest.mark.slow    # a comparison repeated on simulated corpora
def test_shares_within_strata_separate_framing_from_topic_mix():
    """Side a accuses more at equal topic in one table; in the other the speech act depends on the
    topic only and the sides differ in topic mix."""
    rng = np.random.default_rng(8)
    n_sim, false_pos, found = 80, 0, 0
    for _ in range(n_sim):
        rows = []
        for side, mix in (("a", [0.8, 0.2]), ("b", [0.2, 0.8])):
            for j in range(24):
                t = int(rng.choice(2, p=mix))
                for s in range(2):
                    accuse = rng.random() < (0.7 if t == 0 else 0.2)
                    rows.append({"side": side, "frame": t, "article_id": f"{side}{j}",
                                 "act": "accuses" if accuse else "reports"})
        topic_only = pd.DataFrame(rows)
        res = C.stratified_test(topic_only, None, "a", "b", statistic="shares", column="act",
                                n_perm=99, seed=rng)
        false_pos += _reject(res)
        framed = topic_only.copy()
        framed["act"] = np.where((framed.side == "a") & (rng.random(len(framed)) < 0.7),
                                 "accuses", framed.act)
        found += _reject(C.stratified_test(framed, None, "a", "b", statistic="shares",
                                           column="act", n_perm=99, seed=rng))
    assert false_pos <= 10, false_pos               # binomial(80, 0.05): P(X <= 10) > 0.99
    assert found / n_sim > 0.75, found
    # the pooled difference is near zero where the plain difference is not
    diff = C.stratified_shares(topic_only, "a", "b", column="act", strata="frame", n_perm=299)
    acc = diff.set_index("category").loc["accuses"]
    assert abs(acc.difference) < abs(acc.difference_unstratified)
    assert acc.ci_low <= acc.difference <= acc.ci_high
    assert diff.difference.sum() == pytest.approx(0.0, abs=1e-12)   # shares sum to 1


def test_shares_pooled_difference_by_hand():
    table = pd.DataFrame({"side": ["a", "a", "b", "b", "a", "b", "b", "b"],
                          "act": ["x", "y", "y", "y", "x", "x", "y", "y"],
                          "frame": [0, 0, 0, 0, 1, 1, 1, 1],
                          "article_id": list("pqrstuvw")})
    res = C.stratified_shares(table, "a", "b", column="act", strata="frame", n_perm=0)
    x = res.set_index("category").loc["x"]
    # stratum 0: 1/2 - 0/2, weight 2*2/4 = 1; stratum 1: 1/1 - 1/3, weight 1*3/4 = 0.75
    assert x.difference == pytest.approx((1 * 0.5 + 0.75 * (2 / 3)) / 1.75)
    assert x.difference_unstratified == pytest.approx(2 / 3 - 1 / 5)


def test_strata_may_combine_columns():
    table = pd.DataFrame({"side": ["a", "b"] * 4, "frame": [0, 0, 1, 1] * 2,
                          "week": ["w1"] * 4 + ["w2"] * 4, "article_id": list("pqrstuvw")})
    vecs = np.random.default_rng(0).normal(size=(8, 4))
    res = C.stratified_similarity(table, vecs, "a", "b", strata=["frame", "week"], n_boot=0)
    assert list(res.stratum) == ["0 | w1", "0 | w2", "1 | w1", "1 | w2", "pooled"]
    test = C.stratified_test(table, vecs, "a", "b", strata=["frame", "week"], n_perm=9)
    assert test.n_strata.iloc[0] == 4 and test.strata.iloc[0] == "frame | week"


def test_bad_input_gets_clear_errors():
    table = pd.DataFrame({"side": ["a", "b", "a"], "frame": [0, 0, None],
                          "article_id": ["p", "q", "r"], "act": ["x", "y", "x"]})
    vecs = np.eye(3)
    with pytest.raises(ValueError, match="stratum column 'frame' has 1 missing"):
        C.stratified_similarity(table, vecs, "a", "b")
    ok = table.fillna({"frame": -1})
    with pytest.raises(ValueError, match="a and b must be different"):
        C.stratified_test(ok, vecs, "a", "a")
    with pytest.raises(ValueError, match="weights must be one of"):
        C.stratified_similarity(ok, vecs, "a", "b", weights="cmh")
    with pytest.raises(ValueError, match="needs column="):
        C.stratified_test(ok, vecs, "a", "b", statistic="shares")
    with pytest.raises(ValueError, match="is also a stratum"):
        C.stratified_shares(ok, "a", "b", column="frame", strata="frame")
    with pytest.raises(ValueError, match="group\\(s\\) \\['c'\\] not found"):
        C.stratified_test(ok, vecs, "a", "c")
    with pytest.raises(ValueError, match="missing column"):
        C.stratified_test(ok, vecs, "a", "b", strata="event")


def test_no_shared_stratum_gives_no_p_value():
    table = pd.DataFrame({"side": ["a", "a", "b", "b"], "frame": [0, 0, 1, 1],
                          "article_id": list("pqrs")})
    vecs = np.random.default_rng(0).normal(size=(4, 4))
    res = C.stratified_test(table, vecs, "a", "b", n_perm=9)
    assert res.n_strata.iloc[0] == 0 and np.isnan(res.p_value.iloc[0])
    sim = C.stratified_similarity(table, vecs, "a", "b", n_boot=10)
    assert not sim.used.any() and np.isnan(sim.similarity.iloc[-1])


def test_same_seed_same_result():
    rng = np.random.default_rng(9)
    table, vecs = _corpus(rng, [0.5, 0.5], [0.3, 0.7], shift=0.2)
    a = C.stratified_similarity(table, vecs, "a", "b", n_boot=100, seed=3)
    b = C.stratified_similarity(table, vecs, "a", "b", n_boot=100, seed=3)
    pd.testing.assert_frame_equal(a, b)
    t1 = C.stratified_test(table, vecs, "a", "b", n_perm=99, seed=3)
    t2 = C.stratified_test(table, vecs, "a", "b", n_perm=99, seed=3)
    pd.testing.assert_frame_equal(t1, t2)


def test_an_article_spanning_strata_counts_once():
    """One article quoting both sides in two frames: two strata, but one article per side, so
    the pooled value gets no interval (a bootstrap of one article says nothing)."""
    table = pd.DataFrame({"side": ["a", "b", "a", "b", "a"], "frame": [0, 0, 1, 1, 1],
                          "article_id": ["p"] * 5, "act": list("xyxyy")})
    vecs = np.random.default_rng(0).normal(size=(5, 4))
    res = C.stratified_similarity(table, vecs, "a", "b", n_boot=100)
    pooled = res.iloc[-1]
    assert (pooled.units_a, pooled.units_b) == (1, 1) and pooled.small_n
    assert np.isnan(pooled.ci_low) and np.isfinite(pooled.similarity)
    shares = C.stratified_shares(table, "a", "b", column="act", strata="frame", n_perm=50)
    assert shares.small_n.all() and (shares.n_strata == 2).all()


def test_null_range_of_the_similarity_holds_the_raw_value_only_without_a_difference():
    rng = np.random.default_rng(10)
    mix = [0.4, 0.3, 0.3]
    inside = {0.0: 0, 0.8: 0}
    for shift in inside:
        for _ in range(10):
            table, vecs = _corpus(rng, mix, mix, shift=shift)
            p = C.stratified_similarity(table, vecs, "a", "b", n_boot=0, n_null=199,
                                        seed=rng).iloc[-1]
            assert p.null_low <= p.null_median <= p.null_high
            inside[shift] += int(p.null_low <= p.similarity_raw <= p.null_high)
    assert inside[0.0] >= 8 and inside[0.8] <= 1, inside
    plain = C.stratified_similarity(table, vecs, "a", "b", n_boot=0)
    assert plain.null_median.isna().all()


def _lopsided(rng: np.random.Generator, shift: float = 0.0) -> pd.DataFrame:
    """Six strata; side a has six articles in each, side b one (three statements each). The
    share of accusations follows the stratum and each article's own lean; side a's is moved by
    ``shift`` everywhere (the planted pooled difference)."""
    rows = []
    for t in range(6):
        base = 0.2 + 0.1 * t
        for side, n_art in (("a", 6), ("b", 1)):
            for j in range(n_art):
                p = np.clip(base + rng.normal(0, 0.15) + (shift if side == "a" else 0), 0, 1)
                for s in range(3):
                    rows.append({"side": side, "frame": t, "article_id": f"{side}{t}-{j}",
                                 "act": "accuses" if rng.random() < p else "reports"})
    return pd.DataFrame(rows)


def test_share_interval_keeps_its_level_when_a_side_has_one_article_per_stratum():
    """A stratum where one side has one article gives that side no bootstrap variance: the
    earlier within-stratum bootstrap excluded 0 in about half of these null corpora. The
    inverted permutation test excludes it about alpha of the time."""
    rng = np.random.default_rng(21)
    excluded = 0
    for _ in range(40):
        res = C.stratified_shares(_lopsided(rng), "a", "b", column="act", strata="frame",
                                  n_perm=199, seed=rng).set_index("category").loc["accuses"]
        excluded += bool(res.ci_low > 0 or res.ci_high < 0)
    assert excluded <= 6, excluded                  # binomial(40, 0.05): P(X > 6) < 0.01


def test_share_interval_is_the_inverted_permutation_test():
    rng = np.random.default_rng(22)
    res = C.stratified_shares(_lopsided(rng, shift=0.3), "a", "b", column="act",
                              strata="frame", n_perm=499, seed=1)
    for row in res.itertuples():
        assert -1 <= row.ci_low <= row.difference <= row.ci_high <= 1
        # 0 lies outside the interval exactly when the test of no difference rejects
        assert (row.p_value <= 0.05) == (row.ci_low > 0 or row.ci_high < 0), row
    acc = res.set_index("category").loc["accuses"]
    assert acc.p_value <= 0.05 and acc.ci_low > 0
    # the two categories are one share and its complement: mirrored intervals
    rep = res.set_index("category").loc["reports"]
    assert rep.ci_low == pytest.approx(-acc.ci_high) and rep.ci_high == pytest.approx(-acc.ci_low)
    assert rep.p_value == pytest.approx(acc.p_value)


def test_membership_gives_the_dense_product_bit_for_bit():
    """The block membership stands in for the dense (k, n) 0/1 matrix in ``z @ member``: the
    same numbers, without the k x n matrix (10 GB at 20,000 blocks and 64,000 statements)."""
    from stance.compare._base import Membership

    rng = np.random.default_rng(3)
    blocks = rng.integers(0, 7, size=40)
    dense = np.zeros((7, 40))
    dense[blocks, np.arange(40)] = 1.0
    z = rng.integers(0, 2, size=(5, 7)).astype(np.float64)
    assert np.array_equal(z @ Membership(blocks, 7), z @ dense)
    assert Membership(blocks, 7).shape == dense.shape


def test_energy_test_of_a_large_stratum_runs_on_a_subset_of_articles(monkeypatch):
    """Above max_n statements a stratum's energy test uses whole articles up to max_n (its
    distance matrix is n x n), says so, and still detects a within-topic difference; below it
    nothing changes."""
    from stance.compare import _stratified

    seen = []
    real = _stratified.distance_matrix
    monkeypatch.setattr(_stratified, "distance_matrix",
                        lambda x, metric: seen.append(len(x)) or real(x, metric))
    rng = np.random.default_rng(5)
    table, vecs = _corpus(rng, [0.5, 0.5], [0.5, 0.5], shift=0.6, n_articles=40)
    full = C.stratified_test(table, vecs, "a", "b", n_perm=199, seed=0)
    assert not full.subsampled.iloc[0] and max(seen) > 60
    seen.clear()
    small = C.stratified_test(table, vecs, "a", "b", n_perm=199, seed=0, max_n=60)
    assert small.subsampled.iloc[0]
    assert seen and max(seen) <= 60
    assert small.n_a.iloc[0] + small.n_b.iloc[0] <= 2 * 60      # counts are the tested rows
    assert small.p_value.iloc[0] <= 0.05
    assert (small.n_a.iloc[0] + small.n_b.iloc[0]) % 3 == 0    # whole articles (3 each)
    again = C.stratified_test(table, vecs, "a", "b", n_perm=199, seed=0, max_n=60)
    pd.testing.assert_frame_equal(small, again)                  # seeded: the same subset
    with pytest.raises(ValueError, match="max_n"):
        C.stratified_test(table, vecs, "a", "b", max_n=1)
