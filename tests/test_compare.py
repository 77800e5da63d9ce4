"""stance.compare on synthetic tables and planted vectors (no model needed)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import stance
from stance import compare as C

DIM = 32


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _table(groups, *, per_article=1, start="2020-09-28", days=None, frames=None, by="speaker"):
    """A statements table: one row per entry of ``groups``; ``per_article`` consecutive rows of a
    group share an article."""
    n = len(groups)
    articles, counter, last = [], {}, None
    for g in groups:
        key = (g, counter.get(g, 0) // per_article)
        counter[g] = counter.get(g, 0) + 1
        articles.append(f"{key[0]}-{key[1]}")
        last = g
    del last
    days = np.zeros(n, dtype=int) if days is None else np.asarray(days)
    table = pd.DataFrame({
        "statement_id": [f"s{i}" for i in range(n)],
        "article_id": articles,
        "date": pd.Timestamp(start) + pd.to_timedelta(days, unit="D"),
        by: list(groups),
    })
    if frames is not None:
        table["frame"] = list(frames)
    return table


def _around(rng, center, n, noise=1.0):
    """``n`` unit vectors scattered around ``center`` (cosine with it about 0.7 at noise 1)."""
    return _unit(center + noise * rng.normal(size=(n, len(center))) / math.sqrt(len(center)))


# ---------------------------------------------------------------------------- frame_shares

def test_shares_normalised_within_group_and_bin_with_a_loud_speaker():
    rng = np.random.default_rng(0)
    groups = ["loud"] * 300 + ["quiet"] * 6
    frames = np.r_[rng.choice(4, 300, p=[0.5, 0.2, 0.2, 0.1]), [0] * 3 + [1] * 3]
    days = rng.integers(0, 21, len(groups))
    table = _table(groups, frames=frames, days=days)
    out = C.frame_shares(table, by="speaker", freq="W", n_boot=200, seed=1)
    sums = out.groupby(["speaker", "bin"])["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    # every frame in every group and bin, zero shares included
    assert (out.groupby(["speaker", "bin"]).size() == 4).all()
    assert ((out["share"] == 0) == (out["n_frame"] == 0)).all()
    # counts kept and consistent
    cell = out.groupby(["speaker", "bin"]).agg(n=("n", "first"), total=("n_frame", "sum"))
    assert (cell["n"] == cell["total"]).all()
    assert out.loc[out.speaker == "loud", "n_frame"].sum() == 300
    # the quiet speaker is flagged; the loud one is not
    assert out.loc[out.speaker == "quiet", "small_n"].all()
    assert not out.loc[out.speaker == "loud", "small_n"].any()


def test_shares_do_not_depend_on_volume():
    table = _table(["loud"] * 100 + ["quiet"] * 10,
                   frames=[0] * 50 + [1] * 50 + [0] * 5 + [1] * 5)
    out = C.frame_shares(table, n_boot=0)
    shares = out.pivot(index="speaker", columns="frame", values="share")
    np.testing.assert_allclose(shares.loc["loud"], shares.loc["quiet"])
    np.testing.assert_allclose(shares.loc["loud"], [0.5, 0.5])


def test_share_intervals_contain_estimate_and_narrow_with_n():
    rng = np.random.default_rng(2)
    widths = {}
    for n in (30, 600):
        frames = rng.choice(3, n, p=[0.5, 0.3, 0.2])
        out = C.frame_shares(_table(["x"] * n, frames=frames), n_boot=500, seed=3)
        assert ((out.ci_low <= out.share) & (out.share <= out.ci_high)).all()
        widths[n] = (out.ci_high - out.ci_low).to_numpy()
    assert (widths[600] < widths[30] / 2.5).all()   # about sqrt(20) narrower


def test_share_bootstrap_resamples_articles_not_statements():
    # the same 40 statements, half frame 0: once as 40 one-statement articles, once as 4
    # articles of 10 statements, each article on one frame (statements within an article agree)
    independent = _table(["x"] * 40, frames=[0, 1] * 20, per_article=1)
    clustered = _table(["x"] * 40, frames=[0] * 10 + [1] * 10 + [0] * 10 + [1] * 10,
                       per_article=10)
    assert clustered.article_id.nunique() == 4

    def width(table, unit):
        out = C.frame_shares(table, n_boot=2000, seed=4, unit=unit)
        row = out.loc[out.frame == 0].iloc[0]
        assert row.share == 0.5
        return row.ci_high - row.ci_low

    w_ind, w_clu = width(independent, "article"), width(clustered, "article")
    assert w_clu > 2 * w_ind                    # 4 independent units, not 40
    assert width(clustered, "statement") == pytest.approx(w_ind, rel=0.25)
    out = C.frame_shares(clustered, n_boot=10)
    assert out.small_n.all() and (out.n_articles == 4).all()


def test_shares_repeat_exactly_with_the_same_seed():
    rng = np.random.default_rng(5)
    table = _table(list(rng.choice(["a", "b"], 80)), frames=rng.integers(0, 3, 80),
                   days=rng.integers(0, 30, 80), per_article=2)
    one = C.frame_shares(table, freq="W", seed=11, n_boot=300)
    two = C.frame_shares(table, freq="W", seed=11, n_boot=300)
    pd.testing.assert_frame_equal(one, two)
    other = C.frame_shares(table, freq="W", seed=12, n_boot=300)
    assert not np.allclose(one.ci_low, other.ci_low)
    gen = C.frame_shares(table, freq="W", seed=np.random.default_rng(11), n_boot=300)
    pd.testing.assert_frame_equal(one, gen)


def test_time_bins_follow_pandas_frequencies():
    table = _table(["x"] * 4, frames=[0, 0, 1, 1], days=[0, 6, 7, 20], start="2020-09-28")
    weekly = C.frame_shares(table, freq="W", n_boot=0)
    assert sorted(weekly.bin.unique()) == list(pd.to_datetime(["2020-09-28", "2020-10-05",
                                                               "2020-10-12"]))
    assert (weekly.bin_end - weekly.bin == pd.Timedelta(days=6)).all()
    fortnight = C.frame_shares(table, freq="2W", n_boot=0)
    assert fortnight.groupby("bin").n.first().sum() == 4
    assert (fortnight.bin_end - fortnight.bin == pd.Timedelta(days=13)).all()
    monthly = C.frame_shares(table, freq="MS", n_boot=0)
    assert list(monthly.bin.unique()) == list(pd.to_datetime(["2020-09-01", "2020-10-01"]))
    single = C.frame_shares(table, freq=None, n_boot=0)
    assert single.bin.nunique() == 1 and single.n.iloc[0] == 4
    assert single.bin.iloc[0] == pd.Timestamp("2020-09-28")
    assert single.bin_end.iloc[0] == pd.Timestamp("2020-10-18")


def test_bad_input_gets_clear_errors():
    table = _table(["a", "b", "a"], frames=[0, 1, 0])
    vecs = np.eye(3)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['side'\]"):
        C.frame_shares(table, by="side")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['topic'\]"):
        C.frame_shares(table, frame_col="topic")
    with pytest.raises(ValueError, match=r"group\(s\) \['c'\] not found in column 'speaker'"):
        C.similarity(table, vecs, groups=["a", "c"])
    with pytest.raises(ValueError, match="'zz'.*known groups"):
        C.framing_test(table, vecs, "a", "zz", by="speaker")
    with pytest.raises(ValueError, match="vectors has 2 rows but statements has 3"):
        C.similarity(table, vecs[:2])
    with pytest.raises(ValueError, match="all-zero row"):
        C.similarity(table, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not a pandas frequency"):
        C.frame_shares(table, freq="fortnightly")
    with pytest.raises(ValueError, match="unit must be one of"):
        C.frame_shares(table, unit="sentence")
    missing = table.assign(speaker=["a", None, "a"])
    with pytest.raises(ValueError, match="1 missing value"):
        C.frame_shares(missing)
    with pytest.raises(ValueError, match="different groups"):
        C.framing_test(table, vecs, "a", "a", by="speaker")


def test_compare_reachable_from_the_package():
    assert stance.compare.frame_shares is C.frame_shares


# ---------------------------------------------------------------------------- similarity

def test_similarity_of_planted_groups():
    rng = np.random.default_rng(6)
    u, v = np.eye(DIM)[0], np.eye(DIM)[1]
    vecs = np.vstack([_around(rng, u, 40), _around(rng, u, 40), _around(rng, _unit(u + v), 40),
                      _around(rng, v, 4)])
    table = _table(["A"] * 40 + ["B"] * 40 + ["C"] * 40 + ["D"] * 4)
    out = C.similarity(table, vecs, n_boot=500, seed=0)
    sim = out.pivot(index="speaker_a", columns="speaker_b", values="similarity")
    np.testing.assert_allclose(np.diag(sim), 1.0)
    np.testing.assert_allclose(sim.to_numpy(), sim.to_numpy().T)
    assert sim.loc["A", "B"] > 0.95
    assert 0.5 < sim.loc["A", "C"] < 0.85
    assert sim.loc["A", "D"] < 0.3
    ab = out.set_index(["speaker_a", "speaker_b"])
    assert ab.loc[("A", "B"), "ci_low"] > ab.loc[("A", "C"), "ci_high"]
    assert ab.loc[("A", "C"), "ci_low"] > ab.loc[("A", "D"), "ci_high"]
    assert ((out.ci_low <= out.similarity + 1e-12) & (out.similarity <= out.ci_high + 1e-12)).all()
    assert ab.loc[("A", "D"), "small_n"] and not ab.loc[("A", "B"), "small_n"]
    assert (ab.loc[("A", "D"), ["n_a", "n_b"]].tolist() == [40, 4])


# ---------------------------------------------------------------------------- framing_test

def _frame_mixture(rng, n, weights, centers, noise=1.0):
    frames = rng.choice(len(centers), n, p=weights)
    return _unit(centers[frames] + noise * rng.normal(size=(n, centers.shape[1]))
                 / math.sqrt(centers.shape[1]))


@pytest.mark.slow    # 200 permutation tests on simulated nulls
def test_framing_test_is_calibrated_on_exchangeable_data():
    rng = np.random.default_rng(7)
    centers = _unit(rng.normal(size=(4, DIM)))
    weights = [0.4, 0.3, 0.2, 0.1]
    rejections = {"statement": 0, "article": 0}
    p_values = []
    n_null = 100
    for _ in range(n_null):
        table = _table(["a"] * 24 + ["b"] * 18, per_article=3)
        vecs = _frame_mixture(rng, len(table), weights, centers)
        for unit in rejections:
            res = C.framing_test(table, vecs, "a", "b", by="speaker", unit=unit, n_perm=199,
                                 seed=rng)
            rejections[unit] += int(res.p_value.iloc[0] <= 0.05)
            p_values.append(res.p_value.iloc[0])
    # binomial(100, 0.05): P(X <= 11) > 0.99 and P(X >= 1) > 0.99
    for unit, count in rejections.items():
        assert 1 <= count <= 11, (unit, count)
    assert 0.4 < np.mean(p_values) < 0.6          # p-values roughly uniform


@pytest.mark.slow    # a comparison repeated on simulated corpora
def test_statement_permutation_is_anticonservative_when_articles_cluster():
    rng = np.random.default_rng(8)
    rejections = {"statement": 0, "article": 0}
    n_null = 60
    for _ in range(n_null):
        # 6 articles per group, 5 statements each, every article about its own event
        table = _table(["a"] * 30 + ["b"] * 30, per_article=5)
        events = _unit(rng.normal(size=(12, DIM)))
        vecs = np.vstack([_around(rng, events[i], 5, noise=0.8) for i in range(12)])
        for unit in rejections:
            res = C.framing_test(table, vecs, "a", "b", by="speaker", unit=unit, n_perm=199,
                                 seed=rng)
            rejections[unit] += int(res.p_value.iloc[0] <= 0.05)
    assert rejections["statement"] / n_null > 0.3      # treats 30 echoes as 30 witnesses
    assert rejections["article"] / n_null < 0.15       # 60 nulls: binomial band around 0.05


@pytest.mark.parametrize("statistic", ["energy", "centroid"])
def test_framing_test_detects_a_planted_difference(statistic):
    rng = np.random.default_rng(9)
    centers = _unit(rng.normal(size=(4, DIM)))
    table = _table(["a"] * 40 + ["b"] * 40, per_article=2)
    vecs = np.vstack([_frame_mixture(rng, 40, [0.4, 0.3, 0.2, 0.1], centers),
                      _frame_mixture(rng, 40, [0.1, 0.2, 0.3, 0.4], centers)])
    res = C.framing_test(table, vecs, "a", "b", by="speaker", statistic=statistic, n_perm=499)
    row = res.iloc[0]
    assert row.p_value == pytest.approx(1 / 500)
    assert row.statistic > 0 and row.n_a == 40 and row.n_b == 40
    assert row.units_a == 20 and row.units_b == 20 and not row.exact
    again = C.framing_test(table, vecs, "a", "b", by="speaker", statistic=statistic, n_perm=499)
    pd.testing.assert_frame_equal(res, again)


def test_framing_test_enumerates_small_designs_exactly():
    rng = np.random.default_rng(10)
    table = _table(["a"] * 3 + ["b"] * 3)
    vecs = np.vstack([_around(rng, np.eye(DIM)[0], 3, 0.1), _around(rng, np.eye(DIM)[1], 3, 0.1)])
    res = C.framing_test(table, vecs, "a", "b", by="speaker", unit="statement").iloc[0]
    assert res.exact and res.n_perm == math.comb(6, 3)
    # perfectly separated: only the observed split and its mirror image are as extreme
    assert res.p_value == pytest.approx(2 / 20)
    # one article quoting both sides: two blocks, p cannot go below 1/2
    both = table.assign(article_id="one")
    res = C.framing_test(both, vecs, "a", "b", by="speaker").iloc[0]
    assert res.exact and res.n_perm == 2 and res.p_value == 1.0
    assert res.small_n


def test_framing_test_per_time_bin():
    rng = np.random.default_rng(11)
    table = _table(["a", "b"] * 20, days=np.repeat([0, 10], 20))
    vecs = _unit(rng.normal(size=(40, DIM)))
    res = C.framing_test(table, vecs, "a", "b", by="speaker", freq="W", n_perm=99)
    assert len(res) == 2 and (res.n_a == 10).all() and (res.n_b == 10).all()
    assert res.p_value.between(0, 1).all()


# ---------------------------------------------------------------------------- drift

def test_drift_detects_planted_convergence():
    rng = np.random.default_rng(12)
    u, v = np.eye(DIM)[0], np.eye(DIM)[1]
    groups, vecs, days = [], [], []
    for week in range(6):
        t = week / 5
        moving = _unit((1 - t) * v + t * u)
        for g, center in (("A", u), ("B", moving), ("C", v)):
            vecs.append(_around(rng, center, 12, noise=0.8))
            groups += [g] * 12
            days += [7 * week] * 12
    table = _table(groups, days=days, per_article=3)
    result = C.drift(table, np.vstack(vecs), by="speaker", freq="W", n_boot=300, seed=0)
    trend = result.trend.set_index(["speaker_a", "speaker_b"])
    assert trend.loc[("A", "B"), "direction"] == "converging"
    assert trend.loc[("A", "B"), "ci_low"] > 0
    assert trend.loc[("B", "C"), "direction"] == "diverging"
    assert trend.loc[("A", "C"), "direction"] == "no clear trend"
    assert (trend.n_bins == 6).all() and (trend.thin_bins == 0).all()
    # monotone similarity over 6 bins: only it and its mirror image are as steep (exact test)
    assert trend.loc[("A", "B"), "p_value"] == pytest.approx(2 / 720)
    pairs = result.pairs.loc[(result.pairs.speaker_a == "A") & (result.pairs.speaker_b == "B")]
    assert pairs.similarity.iloc[-1] > pairs.similarity.iloc[0] + 0.5
    assert ((pairs.ci_low <= pairs.similarity) & (pairs.similarity <= pairs.ci_high)).all()
    g = result.groups
    moving_b = g.loc[g.speaker == "B"]
    steady_a = g.loc[g.speaker == "A"]
    assert moving_b.previous_bin.isna().sum() == 1 and steady_a.to_previous.iloc[1:].gt(0.9).all()
    # the moving group's ends are far from its overall centroid; the steady one stays near
    assert steady_a.to_overall.min() > moving_b.to_overall.iloc[[0, -1]].max()
    again = C.drift(table, np.vstack(vecs), by="speaker", freq="W", n_boot=300, seed=0)
    pd.testing.assert_frame_equal(result.trend, again.trend)


# ---------------------------------------------------------------------------- distinctive_terms

def test_tokenize():
    assert C.tokenize("Azerbaijan's cease-fire, 2020: THE talks", stop_words=None) == [
        "azerbaijan", "cease-fire", "the", "talks"]
    assert C.tokenize("the talks and the war") == ["talks", "war"]
    assert C.tokenize("peace talks now", stop_words={"now"}) == ["peace", "talks"]


def test_distinctive_terms_match_monroe_et_al_by_hand():
    table = pd.DataFrame({
        "side": ["a", "a", "b", "b", "c"],
        "text": ["peace peace talks", "peace war", "war war attack", "talks", "peace attack"],
    })
    out = C.distinctive_terms(table, "a", "b", stop_words=None, min_count=1).set_index("term")
    # counts: a = peace 3, talks 1, war 1 (n_a = 5); b = war 2, attack 1, talks 1 (n_b = 4);
    # corpus prior: peace 4, talks 2, war 3, attack 2 (alpha_0 = 11)
    def expected(ya, yb, alpha, na=5, nb=4, a0=11):
        delta = (math.log((ya + alpha) / (na + a0 - ya - alpha))
                 - math.log((yb + alpha) / (nb + a0 - yb - alpha)))
        return delta, delta / math.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))

    # peace: log(7/9) - log(4/11) = 0.76029, z = 0.76029 / sqrt(1/7 + 1/4) = 1.21300
    assert out.loc["peace", "log_odds"] == pytest.approx(math.log(7 / 9) - math.log(4 / 11))
    assert out.loc["peace", "z"] == pytest.approx(1.2130, abs=1e-4)
    for term, ya, yb, alpha in [("peace", 3, 0, 4), ("talks", 1, 1, 2), ("war", 1, 2, 3),
                                ("attack", 0, 1, 2)]:
        delta, z = expected(ya, yb, alpha)
        row = out.loc[term]
        assert (row.count_a, row.count_b, row.freq, row.prior) == (ya, yb, ya + yb, alpha)
        assert row.log_odds == pytest.approx(delta) and row.z == pytest.approx(z)
    # war: z = log(1/3 / (1/2)) / sqrt(1/4 + 1/5) = -0.604
    # attack: z = log(1/7 / (1/4)) / sqrt(1/2 + 1/3) = -0.613
    assert list(out.index) == ["peace", "talks", "war", "attack"]   # by z, a-like first
    assert out.loc["peace", "favours"] == "a" and out.loc["war", "favours"] == "b"
    # min_count and top
    filtered = C.distinctive_terms(table, "a", "b", stop_words=None, min_count=3)
    assert set(filtered.term) == {"peace", "war"}  # freq 3 each
    top = C.distinctive_terms(table, "a", "b", stop_words=None, min_count=1, top=1)
    assert list(top.term) == ["peace", "attack"]
    # uniform prior: alpha_w = 0.01 on the 4 words of a and b
    uni = C.distinctive_terms(table, "a", "b", stop_words=None, min_count=1,
                              prior="uniform").set_index("term")
    delta, z = expected(3, 0, 0.01, a0=0.04)
    assert uni.loc["peace", "log_odds"] == pytest.approx(delta)
    assert uni.loc["peace", "z"] == pytest.approx(z)


# ---------------------------------------------------------------------------- frame_axes

def _fake_embed(dim=8):
    """Embeds pole phrases: 'hot ...' near +e0, 'cold ...' near -e0, each with its own tilt."""
    def embed_fn(texts):
        out = []
        for i, text in enumerate(texts):
            tilt = np.eye(dim)[2 + i % (dim - 2)] * 0.3
            sign = 1.0 if text.startswith("hot") else -1.0
            out.append(sign * np.eye(dim)[0] + tilt)
        return np.array(out)
    return embed_fn


AXES = [{"name": "temperature", "description": "hot against cold",
         "positive": {"label": "hot", "phrases": ["hot one", "hot two", "hot three"]},
         "negative": {"label": "cold", "phrases": ["cold one", "cold two"]}}]


def test_frame_axes_orders_planted_statements():
    t = np.linspace(-2, 2, 40)
    vecs = _unit(t[:, None] * np.eye(8)[0] + np.eye(8)[1])      # planted positions along e0
    groups = np.where(t > 0.5, "hawk", np.where(t < -0.5, "dove", "mid"))
    table = _table(list(groups), by="side", per_article=2)
    res = C.frame_axes(table, vecs, AXES, by="side", embed_fn=_fake_embed(), n_boot=400)
    pos = res.positions
    assert len(pos) == 40 and list(pos.axis.unique()) == ["temperature"]
    assert (np.diff(pos.position.to_numpy()) > 0).all()            # same order as planted t
    assert pos.statement_id.tolist() == table.statement_id.tolist()
    bias = res.biases.set_index("side")
    assert bias.loc["hawk", "ci_low"] > bias.loc["mid", "ci_high"]
    assert bias.loc["mid", "ci_low"] > bias.loc["dove", "ci_high"]
    assert bias.loc["hawk", "relative"] > 0 > bias.loc["dove", "relative"]
    assert ((bias.ci_low <= bias.bias) & (bias.bias <= bias.ci_high)).all()
    assert bias.baseline.nunique() == 1
    axes = res.axes.iloc[0]
    assert (axes.positive, axes.negative, axes.n_positive, axes.n_negative) == ("hot", "cold", 3, 2)
    assert axes.pole_similarity < -0.5


def test_frame_axes_checks_dimensions_and_axes():
    table = _table(["x"] * 3, by="side")
    with pytest.raises(ValueError, match="8 dimensions but the statement vectors have 4"):
        C.frame_axes(table, np.eye(4)[:3], AXES, embed_fn=_fake_embed())
    bad = [{"name": "broken", "positive": {"label": "p", "phrases": ["x"]}}]
    with pytest.raises(ValueError, match=r"axes\[0\] \(broken\): missing field 'negative'"):
        C.parse_axes(bad)
    with pytest.raises(ValueError, match=r"axes\[0\]\.positive\.phrases"):
        C.parse_axes([{"name": "e", "positive": {"label": "p", "phrases": []},
                       "negative": {"label": "n", "phrases": ["y"]}}])


def test_default_corpus_ships_conflict_axes(default_corpus_path):
    axes = C.load_axes(default_corpus_path)
    names = {a.name for a in axes}
    assert {"harm", "escalation"} <= names and len(axes) >= 3
    harm = next(a for a in axes if a.name == "harm")
    assert harm.positive.label == "civilian harm" and harm.negative.label == "military action"
    assert all(len(a.positive.phrases) >= 3 and len(a.negative.phrases) >= 3 for a in axes)
    assert C.load_axes(default_corpus_path / "corpus.yaml") == axes


def test_tables_without_dates_form_one_bin():
    rng = np.random.default_rng(14)
    table = _table(["a"] * 6 + ["b"] * 6, frames=[0, 1] * 6).drop(columns="date")
    vecs = _unit(rng.normal(size=(12, DIM)))
    shares = C.frame_shares(table, n_boot=50)
    assert len(shares) == 4 and shares.bin.isna().all()
    assert len(C.similarity(table, vecs, n_boot=50)) == 4
    assert C.framing_test(table, vecs, "a", "b", by="speaker", n_perm=49).p_value.notna().all()
    with pytest.raises(ValueError, match=r"missing column\(s\) \['date'\]"):
        C.frame_shares(table, freq="W")


def test_a_single_article_gets_no_interval():
    rng = np.random.default_rng(15)
    table = _table(["one"] * 6 + ["many"] * 6, frames=[0, 1] * 6, per_article=6)
    table.loc[table.speaker == "many", "article_id"] = [f"m{i}" for i in range(6)]
    vecs = _unit(rng.normal(size=(12, DIM)))
    shares = C.frame_shares(table, n_boot=100).set_index("speaker")
    assert shares.loc["one", "ci_low"].isna().all() and shares.loc["one", "small_n"].all()
    assert shares.loc["many", "ci_low"].notna().all()
    sim = C.similarity(table, vecs, n_boot=100).set_index(["speaker_a", "speaker_b"])
    assert np.isnan(sim.loc[("one", "many"), "ci_low"])
    assert sim.loc[("many", "many"), "ci_low"] == 1.0
    axes = C.frame_axes(table, vecs[:, :8], AXES, by="speaker", embed_fn=_fake_embed(),
                        n_boot=100).biases.set_index("speaker")
    assert np.isnan(axes.loc["one", "ci_low"]) and not np.isnan(axes.loc["many", "ci_low"])


def test_vector_comparisons_repeat_exactly_with_the_same_seed():
    rng = np.random.default_rng(16)
    table = _table(list(rng.choice(["a", "b", "c"], 60)), days=rng.integers(0, 21, 60),
                   per_article=2, by="side")
    vecs = _unit(rng.normal(size=(60, 8)))
    for run in (
        lambda seed: C.similarity(table, vecs, by="side", freq="W", n_boot=200, seed=seed),
        lambda seed: C.frame_axes(table, vecs, AXES, embed_fn=_fake_embed(), n_boot=200,
                                  seed=seed).biases,
        lambda seed: C.drift(table, vecs, n_boot=200, seed=seed).pairs,
    ):
        pd.testing.assert_frame_equal(run(3), run(3))
        assert not run(3).ci_low.equals(run(4).ci_low)


@pytest.mark.slow    # a comparison repeated on simulated corpora
def test_drift_trend_is_not_fooled_by_thin_bins():
    # one article per group and week: the bootstrap sees no noise within a bin, so only the
    # bin-order permutation test keeps a trend-free pair from being called converging/diverging
    rng = np.random.default_rng(17)
    calls = 0
    n_null = 40
    for _ in range(n_null):
        groups, vecs, days = [], [], []
        for week in range(5):
            for g in ("A", "B"):
                event = _unit(rng.normal(size=DIM))
                vecs.append(_around(rng, event, 4, noise=0.5))
                groups += [g] * 4
                days += [7 * week] * 4
        table = _table(groups, days=days, per_article=4)
        result = C.drift(table, np.vstack(vecs), by="speaker", n_boot=100, seed=rng)
        trend = result.trend.iloc[0]
        assert trend.thin_bins == 5
        calls += trend.direction != "no clear trend"
    assert calls / n_null <= 0.15


def test_row_labels_do_not_matter():
    # a filtered table keeps gaps in its index; results follow row positions, not labels
    rng = np.random.default_rng(18)
    table = _table(list(rng.choice(["a", "b"], 40)), frames=rng.integers(0, 3, 40),
                   days=rng.integers(0, 14, 40), per_article=2)
    vecs = _unit(rng.normal(size=(40, 8)))
    relabelled = table.set_axis(np.arange(40)[::-1] * 3 + 7)
    for run in (lambda t: C.frame_shares(t, freq="W", n_boot=100),
                lambda t: C.similarity(t, vecs, freq="W", n_boot=100),
                lambda t: C.framing_test(t, vecs, "a", "b", by="speaker", n_perm=99),
                lambda t: C.drift(t, vecs, by="speaker", n_boot=100).pairs,
                lambda t: C.frame_axes(t, vecs, AXES, by="speaker", embed_fn=_fake_embed(),
                                       n_boot=100).biases):
        pd.testing.assert_frame_equal(run(table), run(relabelled))
