"""stance.FrameModel: planted frames recovered, small inputs, keywords, save/load, plug-ins."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

import stance
from stance.embedding._embed import embed
from stance.frames import FrameModel

TOPIC_WORDS = {"ceasefire": {"truce", "ceasefire", "talks", "agreement", "negotiations"},
               "shelling": {"hospital", "injured", "killed", "civilians", "city", "rocket"},
               "energy": {"oil", "gas", "pipeline", "exports", "company"}}


@pytest.fixture(scope="module")
def planted(st_model, fixtures_dir, tmp_path_factory):
    """30 statements written for these tests, 10 on each of 3 topics, and their real embeddings."""
    table = pd.read_csv(fixtures_dir / "frames" / "planted.csv", dtype=str)
    vectors = embed(table, cache_dir=tmp_path_factory.mktemp("cache"))
    return table, vectors


@pytest.fixture(scope="module")
def synthetic(fixtures_dir):
    """180 statements with synthetic embeddings of known structure: 3 frames of 60, each point a
    random centre plus isotropic noise (cosine ~0.5 within, ~0 between frames); texts cycle
    through the planted texts of the point's topic, so keywords can be checked."""
    planted = pd.read_csv(fixtures_dir / "frames" / "planted.csv", dtype=str)
    rng = np.random.default_rng(1)
    topics = ["ceasefire", "shelling", "energy"]
    truth = np.repeat(np.arange(3), 60)
    X = rng.normal(size=(3, 384))[truth] + rng.normal(size=(180, 384))
    order = rng.permutation(180)
    truth, X = truth[order], X[order]
    texts = [planted[planted.topic == topics[t]].text.iloc[i % 10] for i, t in enumerate(truth)]
    table = pd.DataFrame({"statement_id": [f"s{i:03d}" for i in range(180)], "text": texts,
                          "topic": [topics[t] for t in truth]})
    return table, (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def umap_model(synthetic):
    table, X = synthetic
    return FrameModel().fit(table, X)


def _assert_recovered(model: FrameModel, topic: pd.Series) -> None:
    table = pd.crosstab(topic, model.statements_["frame"])
    assert -1 not in table.columns
    assert len(table.columns) == 3
    assert (table.gt(0).sum(axis=1) == 1).all(), table  # each topic in one frame
    assert (table.gt(0).sum(axis=0) == 1).all(), table  # each frame holds one topic


def _assert_keywords_from_own_frame(model: FrameModel, topic_col: str = "topic") -> None:
    st = model.statements_
    for row in model.frames_.itertuples():
        members = st[st.frame == row.frame]
        (topic,) = members[topic_col].unique()
        own = " ".join(members.text).lower()
        assert row.keywords, row
        for word in row.keywords:
            assert word.split()[0] in own
        assert set(" ".join(row.keywords[:3]).split()) & TOPIC_WORDS[topic], (topic, row.keywords)
        assert row.label == " / ".join(row.keywords[:3])
        assert set(row.representatives) <= set(members.text)


def test_planted_frames_recovered_small_path(planted):
    table, vectors = planted
    model = FrameModel().fit(table, vectors)
    _assert_recovered(model, model.statements_["topic"])
    _assert_keywords_from_own_frame(model)
    assert "fewer than small_threshold=50" in model.method_
    assert "SilhouetteAgglomerative" in model.method_ and "Reducer: none" in model.method_
    assert model.frames_["size"].tolist() == [10, 10, 10]
    assert list(model.frames_.columns[:5]) == ["frame", "label", "keywords", "size",
                                               "representatives"]
    # statements_ is the input table, same order, plus the frame column
    pd.testing.assert_frame_equal(model.statements_.drop(columns="frame"), table)


def test_representatives_are_closest_to_centroid(planted):
    table, vectors = planted
    model = FrameModel(n_representatives=2).fit(table, vectors)
    for row in model.frames_.itertuples():
        members = np.flatnonzero(model.labels_ == row.frame)
        sims = vectors[members] @ model.centroids_[row.frame]
        best = members[np.argsort(-sims, kind="stable")[:2]]
        assert row.representative_rows == best.tolist()
        assert row.representatives == table.text.iloc[best].tolist()


def test_deterministic_small_path(planted):
    table, vectors = planted
    a = FrameModel().fit(table, vectors)
    b = FrameModel().fit(table, vectors)
    pd.testing.assert_frame_equal(a.frames_, b.frames_)
    pd.testing.assert_frame_equal(a.statements_, b.statements_)
    assert a.method_ == b.method_


def test_planted_frames_recovered_umap_hdbscan(umap_model, synthetic):
    table, _ = synthetic
    _assert_recovered(umap_model, table["topic"])
    _assert_keywords_from_own_frame(umap_model)
    assert "at least small_threshold=50" in umap_model.method_
    assert "UMAP(n_components=5" in umap_model.method_ and "random_state=0" in umap_model.method_
    assert "HDBSCAN(" in umap_model.method_


def test_deterministic_umap_hdbscan(umap_model, synthetic):
    table, X = synthetic
    again = FrameModel().fit(table, X)
    pd.testing.assert_frame_equal(again.frames_, umap_model.frames_)
    pd.testing.assert_frame_equal(again.statements_, umap_model.statements_)
    np.testing.assert_array_equal(again.centroids_, umap_model.centroids_)


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_tiny_inputs(planted, n):
    table, vectors = planted
    rows = [0, 1, 10, 11, 20][:n]  # two ceasefire, two shelling, one energy statement
    model = FrameModel().fit(table.iloc[rows], vectors[rows])
    assert len(model.statements_) == n
    assert model.statements_["frame"].dtype == np.int64
    assert model.frames_["size"].sum() == (model.statements_["frame"] >= 0).sum()
    assert model.predict(None, vectors[rows]).shape == (n,)
    assert model.transform(None, vectors[rows]).shape == (n, len(model.frames_))
    if n == 1:
        assert model.statements_["frame"].tolist() == [-1]  # a frame needs two statements
    if n == 5:
        frames = model.statements_["frame"].tolist()
        assert frames[0] == frames[1] != frames[2] == frames[3]
        assert frames[4] == -1


def test_two_statements(planted):
    table, vectors = planted
    similar = FrameModel().fit(table.iloc[[0, 9]], vectors[[0, 9]])  # two ceasefire statements
    assert similar.statements_["frame"].tolist() == [0, 0]
    unrelated = FrameModel().fit(table.iloc[[0, 20]], vectors[[0, 20]])  # ceasefire vs energy
    assert unrelated.statements_["frame"].tolist() == [-1, -1]
    assert len(unrelated.frames_) == 0


def test_reassign_outliers(planted, st_model, tmp_path):
    table, vectors = planted
    odd = pd.DataFrame({"topic": ["other"], "text": ["The team won the cup final on penalties."]})
    odd_vec = embed(odd, cache_dir=tmp_path)
    t2 = pd.concat([table, odd], ignore_index=True)
    v2 = np.vstack([vectors, odd_vec])
    plain = FrameModel().fit(t2, v2)
    assert plain.statements_["frame"].iloc[-1] == -1
    assert "1 outliers" in plain.method_
    moved = FrameModel(reassign_outliers=True).fit(t2, v2)
    assert (moved.statements_["frame"] >= 0).all()
    nearest = int(np.argmax(plain.centroids_ @ odd_vec[0]))
    assert moved.statements_["frame"].iloc[-1] == nearest
    assert "reassigned" in moved.method_


def test_transform_nearest_centroid_and_threshold(planted, st_model, tmp_path):
    table, vectors = planted
    model = FrameModel().fit(table, vectors)
    new = ["Negotiators agreed on a truce starting on Saturday.",
           "A rocket hit an apartment building and wounded civilians.",
           "Gas exports through the pipeline doubled last year.",
           "The orchestra played a symphony by Mahler."]
    vecs = embed(new, cache_dir=tmp_path)
    frame_of = {t: int(model.statements_.loc[model.statements_.topic == t, "frame"].iloc[0])
                for t in ("ceasefire", "shelling", "energy")}
    got = model.predict(new, vecs)
    assert got[:3].tolist() == [frame_of["ceasefire"], frame_of["shelling"], frame_of["energy"]]
    assert got[3] == -1  # unrelated: farther than any member from every centroid
    always = FrameModel(assign_threshold=None).fit(table, vectors).predict(new, vecs)
    assert always[:3].tolist() == got[:3].tolist() and always[3] >= 0
    strict = FrameModel(assign_threshold=0.99).fit(table, vectors).predict(new, vecs)
    assert strict.tolist() == [-1, -1, -1, -1]
    # training statements are within their own frame's radius
    assert (model.predict(table, vectors) >= 0).all()


def test_scikit_learn_contract(planted):
    """fit_predict gives labels_, transform the cosine similarity to each centroid, predict the
    nearest centroid within its radius (issue 11: transform used to return the labels)."""
    table, vectors = planted
    model = FrameModel()
    labels = model.fit_predict(table, vectors)
    np.testing.assert_array_equal(labels, model.labels_)
    assert labels.dtype == np.int64 and labels is not model.labels_
    sims = model.transform(table, vectors)
    assert sims.shape == (len(table), len(model.frames_)) and sims.dtype == np.float64
    centroids = model.centroids_.astype(np.float64)
    np.testing.assert_allclose(sims[:, 1], vectors @ centroids[1], rtol=1e-6)
    inside = model.labels_ >= 0
    np.testing.assert_array_equal(np.argmax(sims, axis=1)[inside], model.labels_[inside])
    np.testing.assert_array_equal(model.predict(table, vectors)[inside], model.labels_[inside])
    free = FrameModel(assign_threshold=None).fit(table, vectors)
    np.testing.assert_array_equal(free.predict(None, vectors), np.argmax(sims, axis=1))
    check_is_fitted(model)
    with pytest.raises(NotFittedError):
        check_is_fitted(FrameModel())


@pytest.mark.parametrize("which", ["small", "umap"])
def test_save_load_round_trip(planted, synthetic, umap_model, tmp_path, which):
    if which == "small":
        table, vectors = planted
        model = FrameModel().fit(table, vectors)
    else:
        (table, vectors), model = synthetic, umap_model
    model.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["format"] == "stance.FrameModel"
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "centroids.npy", "labels.npy", "model.json", "statements.json"]
    loaded = FrameModel.load(tmp_path / "m")
    rng = np.random.default_rng(5)
    probe = np.vstack([vectors, vectors[:20] + rng.normal(0, 0.05, (20, vectors.shape[1]))])
    np.testing.assert_array_equal(loaded.predict(None, probe), model.predict(None, probe))
    pd.testing.assert_frame_equal(loaded.frames_, model.frames_)
    pd.testing.assert_frame_equal(loaded.statements_, model.statements_)
    assert loaded.method_ == model.method_
    assert loaded.get_params() == model.get_params()


def test_round_trip_keeps_statement_dtypes(planted, tmp_path):
    table, vectors = planted
    t = table.assign(date=pd.to_datetime("2020-10-05") + pd.to_timedelta(np.arange(30) % 4, "D"),
                     start=np.arange(30, dtype="int64"), confidence=np.linspace(0, 1, 30))
    model = FrameModel().fit(t, vectors)
    loaded = FrameModel.load(model.save(tmp_path / "m"))
    pd.testing.assert_frame_equal(loaded.statements_, model.statements_, check_dtype=False)
    assert loaded.statements_["date"].dtype.kind == "M"
    assert loaded.statements_["start"].dtype.kind == "i"


class FitOnly:
    """A clusterer with ``fit`` and ``labels_`` only (no fit_predict)."""

    def __init__(self, k: int) -> None:
        self.k = k

    def fit(self, X):
        self.labels_ = KMeans(n_clusters=self.k, n_init=10, random_state=0).fit(X).labels_
        return self


@pytest.mark.parametrize("clusterer", [KMeans(n_clusters=3, n_init=10, random_state=0),
                                       FitOnly(3)])
def test_custom_reducer_and_clusterer(planted, clusterer, tmp_path):
    table, vectors = planted
    model = FrameModel(reducer=PCA(n_components=8, random_state=0), clusterer=clusterer)
    model.fit(table, vectors)
    _assert_recovered(model, model.statements_["topic"])
    assert "PCA(n_components=8" in model.method_
    assert type(clusterer).__name__ in model.method_
    loaded = FrameModel.load(model.save(tmp_path / "m"))
    np.testing.assert_array_equal(loaded.predict(None, vectors), model.predict(None, vectors))
    assert loaded.reducer.startswith("custom:PCA")
    with pytest.raises(ValueError, match="pass the reducer object again"):
        loaded.fit(table, vectors)


def test_forced_methods_and_min_frame_size(planted):
    table, vectors = planted
    forced = FrameModel(clusterer="agglomerative", distance_threshold=0.85).fit(table, vectors)
    assert "cut at cosine distance 0.85" in forced.method_
    _assert_recovered(forced, forced.statements_["topic"])
    big_frames = FrameModel(min_frame_size=11).fit(table, vectors)
    assert (big_frames.statements_["frame"] == -1).all() and len(big_frames.frames_) == 0
    with pytest.raises(ValueError, match="UMAP needs at least 10"):
        FrameModel(reducer="umap").fit(table.iloc[:5], vectors[:5])


def test_bad_input_errors(planted, tmp_path):
    table, vectors = planted
    with pytest.raises(ValueError, match="one row per statement: got shape"):
        FrameModel().fit(table, vectors[:-1])
    with pytest.raises(ValueError, match="no 'text' column"):
        FrameModel().fit(table.rename(columns={"text": "body"}), vectors)
    bad = vectors.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="statement 3 is not finite"):
        FrameModel().fit(table, bad)
    with pytest.raises(NotFittedError, match="not fitted"):
        FrameModel().predict(None, vectors)
    with pytest.raises(NotFittedError):
        FrameModel().transform(None, vectors)
    model = FrameModel().fit(table, vectors)
    with pytest.raises(ValueError, match="dimension 10"):
        model.predict(None, vectors[:, :10])
    with pytest.raises(ValueError, match="unknown reducer"):
        FrameModel(reducer="tsne").fit(table, vectors)
    with pytest.raises(FileNotFoundError, match="no saved FrameModel"):
        FrameModel.load(tmp_path)


def test_public_api():
    assert stance.FrameModel is FrameModel


def test_default_corpus_separates_ceasefire_call_from_threat(nlp, st_model, default_corpus_path,
                                                               tmp_path):
    """The issue's acceptance check on the seed article: the Minsk Group's call for a cessation
    of hostilities and Hajiyev's threat to destroy military targets are not in one frame."""
    statements = stance.extract_statements(stance.read_corpus(default_corpus_path), nlp=nlp)
    model = FrameModel().fit(statements, embed(statements, cache_dir=tmp_path))
    st = model.statements_
    call = st[(st.speaker == "minsk-group-cochairs") & st.text.str.contains("cessation")]
    threat = st[(st.speaker == "hikmet-hajiyev") & st.text.str.contains("destroy military")]
    assert len(call) == 1 and len(threat) == 1
    a, b = int(call.frame.iloc[0]), int(threat.frame.iloc[0])
    assert a < 0 or a != b
    assert "fewer than small_threshold=50" in model.method_
    assert len(model.frames_) >= 2


def test_silhouette_cut_rules(planted, monkeypatch):
    from stance.frames import _cluster as fc

    _, vectors = planted
    best = fc.SilhouetteAgglomerative(tolerance=0.0)
    assert best.fit_predict(vectors).max() == 2 and best.n_clusters_ == 3
    fewest = fc.SilhouetteAgglomerative(tolerance=1.0)  # every cut qualifies: the fewest wins
    assert fewest.fit_predict(vectors).max() == 1 and "cut into 2 clusters" in fewest.description_
    same = np.repeat(vectors[:1], 6, axis=0)
    assert fc.SilhouetteAgglomerative().fit_predict(same).tolist() == [0] * 6
    monkeypatch.setattr(fc, "MAX_POINTS", 10)
    with pytest.raises(ValueError, match="meant for small inputs"):
        fc.SilhouetteAgglomerative().fit_predict(vectors)


def test_max_fit_fits_a_sample_and_assigns_the_rest():
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(3)
    centres = np.eye(16)[:3]
    truth = np.repeat(np.arange(3), 200)
    X = centres[truth] + rng.normal(scale=0.05, size=(600, 16))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    texts = [f"text {i}" for i in range(600)]
    kw = {"reducer": None, "clusterer": "agglomerative", "reassign_outliers": True}
    sampled = FrameModel(max_fit=90, **kw).fit(texts, X)
    assert "random sample of 90 statements" in sampled.method_
    assert adjusted_rand_score(truth, sampled.labels_) == 1.0
    assert sampled.frames_["size"].sum() == 600
    again = FrameModel(max_fit=90, **kw).fit(texts, X)
    assert np.array_equal(again.labels_, sampled.labels_)
    assert "sample" not in FrameModel(max_fit=None, **kw).fit(texts, X).method_
# ------------------------------------------------------------------ party names masked

def test_mask_terms_whole_words_demonyms_possessives():
    from stance.frames import mask_terms

    out = mask_terms(["Armenian forces shelled Azerbaijan's Ganja; pro-Armenia rally",
                      "Armenians and armenia", "Armeniaville and Russiagate stay",
                      "Hikmet Hajiyev said; the Defense Ministry of Armenia"],
                     ["Armenia", "Azerbaijan", "Hikmet Hajiyev", "Russia"])
    assert out[0].split() == ["forces", "shelled", "Ganja;", "pro-", "rally"]
    assert out[1].split() == ["and"]
    assert out[2] == "Armeniaville and Russiagate stay"          # not a demonym ending
    assert out[3].split() == ["said;", "the", "Defense", "Ministry", "of"]
    assert mask_terms(["unchanged"], []) == ["unchanged"]


def test_party_terms_of_the_default_registry(default_corpus_path):
    from stance.frames import party_terms
    from stance.speakers import load_registry

    terms = {t.lower() for t in party_terms(load_registry(default_corpus_path / "speakers.yaml"))}
    assert {"armenia", "azerbaijan", "nagorno-karabakh", "artsakh", "hikmet hajiyev", "baku",
            "armenian defense ministry", "turkish", "russian"} <= terms
    # the sides 'other'/'unknown' and bystander collectives are not parties
    assert not {"other", "unknown", "witnesses", "residents", "media", "international community"
                } & terms
    assert party_terms(None) == [] and party_terms(stance.Registry.empty()) == []


def test_frame_keywords_leave_out_party_names(planted, tmp_path):
    table, vectors = planted
    named = table.copy()
    shelling = named.topic == "shelling"
    named.loc[shelling, "text"] = "Northland's Northlandian army: " + named.loc[shelling, "text"]
    plain = FrameModel().fit(named, vectors)
    words = {w for kw in plain.frames_.keywords for term in kw for w in term.split()}
    assert {w for w in words if w.startswith("northland")}   # unmasked, a party names a frame
    masked = FrameModel(mask_terms=["Northland", "Northlandian army"]).fit(named, vectors)
    words = {w for kw in masked.frames_.keywords for term in kw for w in term.split()}
    assert not {w for w in words if w.startswith("northland")}, words
    assert (masked.statements_.frame.to_numpy() == plain.statements_.frame.to_numpy()).all()
    assert any("Northland's" in r for reps in masked.frames_.representatives for r in reps)
    assert "2 party names and aliases masked" in masked.method_
    loaded = FrameModel.load(masked.save(tmp_path / "m"))
    assert loaded.mask_terms == ["Northland", "Northlandian army"]
    with pytest.raises(TypeError, match="not the string"):
        FrameModel(mask_terms="Northland").fit(named, vectors)
