"""Stance toward targets: targets from corpus.yaml, zero-shot stance on written examples, the
supervised classifier on a planted stance, and the aggregation by side and time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import stance
from stance.compare import stance_by_group
from stance.embedding._embed import embed
from stance.targets import (
    NONE,
    STANCE_COLUMNS,
    UNCLEAR,
    StanceClassifier,
    Target,
    TargetError,
    apply_polarity,
    cross_validate_stance,
    get_target,
    load_targets,
    predict_stance,
    train_stance,
    zero_shot_stance,
)

OFF_TOPIC = {"The weather in Paris was mild on Tuesday.",
             "The company reported higher quarterly profits.",
             "The minister met students at the university library.",
             "The president gave an interview to a Russian television channel.",
             "a new road to the airport would open next year"}


@pytest.fixture(scope="module")
def targets(default_corpus_path):
    return load_targets(stance.read_corpus(default_corpus_path).config)


@pytest.fixture(scope="module")
def embed_fn(st_model, tmp_path_factory):
    cache = tmp_path_factory.mktemp("embed-cache")
    return lambda texts: embed(list(texts), model=st_model, cache_dir=cache, progress=False)


@pytest.fixture(scope="module")
def examples(fixtures_dir, embed_fn):
    """Written examples (tests/fixtures/targets/examples.csv): each names the target it takes a
    position on ("none" for statements about no target) and that position."""
    ex = pd.read_csv(fixtures_dir / "targets" / "examples.csv", dtype=str, keep_default_na=False)
    ex = ex.assign(statement_id=[f"e{i:02d}" for i in range(len(ex))])
    return ex, embed_fn(ex["text"].tolist())


@pytest.fixture(scope="module")
def zero_shot(examples, targets, embed_fn):
    ex, vectors = examples
    z = zero_shot_stance(ex, vectors, targets, embed_fn)
    truth = ex.set_index("statement_id")
    z["true_target"] = z["statement_id"].map(truth["target"])
    z["true_position"] = np.where(z["target"] == z["true_target"],
                                  z["statement_id"].map(truth["position"]), NONE)
    z["text"] = z["statement_id"].map(truth["text"])
    return z


# ------------------------------------------------------------------------------ targets


def test_default_corpus_ships_the_three_questions(targets):
    names = [t.name for t in targets]
    assert names[:2] == ["ceasefire", "civilian_attacks"]
    assert {"foreign_support_azerbaijan", "foreign_support_armenia"} <= set(names)
    assert get_target(targets, "ceasefire").position_ids == ["supports", "rejects_or_conditions"]
    assert get_target(targets, "civilian_attacks").position_ids == ["blames_armenia",
                                                                     "blames_azerbaijan"]
    assert get_target(targets, "ceasefire").labels[-1] == NONE
    with pytest.raises(ValueError, match="known targets"):
        get_target(targets, "sanctions")


def _target(**changes):
    entry = {"name": "truce", "question": "For or against?",
             "positions": {"for": ["we want a truce"], "against": ["no truce"]}}
    entry.update(changes)
    return {"targets": [entry]}


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "Truce Now"}, r"targets\[0\]\.name"),
    ({"question": ""}, r"\(truce\)\.question"),
    ({"positions": {"for": ["a"]}}, r"\(truce\)\.positions: must map two or more"),
    ({"positions": {"for": ["a"], "none": ["b"]}}, r"positions\.none: .*reserved"),
    ({"positions": {"for": ["a"], "against": []}}, r"positions\.against: must be a non-empty"),
    ({"positions": {"for": ["a"], "against": ["ok", 3]}}, r"positions\.against\[1\]"),
    ({"relevance": "truce"}, r"\(truce\)\.relevance"),
    ({"colour": "red"}, r"unknown field\(s\) \['colour'\]"),
    ({"opposites": ["for", "against"]}, r"\(truce\)\.opposites: must map"),
    ({"opposites": {"for": "maybe"}}, r"\(truce\)\.opposites: 'maybe' is not one of"),
    ({"threshold": "high"}, r"\(truce\)\.threshold: must be a number"),
    ({"threshold": 1.5}, r"\(truce\)\.threshold"),
])
def test_bad_targets_name_the_field(changes, field):
    with pytest.raises(TargetError, match=field):
        load_targets(_target(**changes), "my/corpus.yaml")


def test_duplicate_names_and_missing_section():
    twice = {"targets": _target()["targets"] * 2}
    with pytest.raises(TargetError, match="my/corpus.yaml: targets: name 'truce' is used twice"):
        load_targets(twice, "my/corpus.yaml")
    assert load_targets({"name": "x"}) == []
    assert load_targets(None) == []
    with pytest.raises(TargetError, match="must be a list"):
        load_targets({"targets": {"name": "truce"}})


# ---------------------------------------------------------------------------- zero-shot


def test_zero_shot_table_shape(zero_shot, examples, targets):
    ex, _ = examples
    assert list(zero_shot.columns[:len(STANCE_COLUMNS)]) == STANCE_COLUMNS
    assert len(zero_shot) == len(ex) * len(targets)
    # a score exactly when a position was given or withheld as unclear; never for "none"
    assert zero_shot.loc[zero_shot["position"] == NONE, "score"].isna().all()
    assert zero_shot.loc[zero_shot["relevant"], "score"].between(0, 1).all()
    assert (zero_shot["relevant"] == (zero_shot["position"] != NONE)).all()


def test_zero_shot_places_clear_statements_on_the_right_side(zero_shot):
    own = zero_shot[zero_shot["true_position"] != NONE]
    right = own["position"] == own["true_position"]
    # most are placed, and no written example is placed on the opposite position: a doubtful one
    # is left "unclear" or "none", never forced
    assert right.mean() >= 0.75, own.loc[~right, ["text", "position", "relevance", "margin"]]
    wrong = own[~right & ~own["position"].isin([NONE, UNCLEAR])]
    assert wrong.empty, wrong[["text", "position"]]
    for target in own["target"].unique():
        assert right[own["target"] == target].any(), target


def test_zero_shot_abstains_on_unrelated_statements(zero_shot):
    off = zero_shot[zero_shot["text"].isin(OFF_TOPIC)]
    assert len(off["text"].unique()) == len(OFF_TOPIC)
    assert (off["position"] == NONE).all(), off[off["position"] != NONE]
    assert (off["relevance"] < 0.45).all()
    # statements about the war but about no target get no position either (none or unclear)
    other = zero_shot[(zero_shot["true_target"] == "none") & ~zero_shot["text"].isin(OFF_TOPIC)]
    assert other["position"].isin([NONE, UNCLEAR]).all(), other[["text", "target", "position"]]
    # and a statement on one target takes no position on the others
    cross = zero_shot[(zero_shot["true_target"] != "none") & (zero_shot["true_position"] == NONE)]
    forced = cross[~cross["position"].isin([NONE, UNCLEAR])]
    assert len(forced) <= 0.05 * len(cross), forced[["text", "target", "position"]]


def test_zero_shot_on_the_default_corpus_ceasefire(default_corpus_path, nlp, targets, embed_fn):
    """The seed article's Minsk Group call for an "immediate cessation of hostilities" supports a
    ceasefire; Hajiyev's threat to destroy military targets does not."""
    from stance.extract import extract_statements

    statements = extract_statements(stance.read_corpus(default_corpus_path), nlp=nlp,
                                    progress=False)
    z = zero_shot_stance(statements, embed_fn(statements["text"].tolist()),
                         [get_target(targets, "ceasefire")], embed_fn)
    position = dict(zip(statements["text"], z["position"], strict=True))
    call = next(t for t in position if "cessation of hostilities" in t)
    threat = next(t for t in position if "will destroy military targets" in t)
    assert position[call] == "supports"
    assert position[threat] != "supports"


def test_thresholds_are_parameters(examples, targets, embed_fn):
    ex, vectors = examples
    none = zero_shot_stance(ex, vectors, targets, embed_fn, relevance_threshold=1.01)
    assert (none["position"] == NONE).all()
    unclear = zero_shot_stance(ex, vectors, targets, embed_fn, margin=2.0)
    assert set(unclear["position"]) == {NONE, UNCLEAR}
    loose = zero_shot_stance(ex, vectors, targets, embed_fn, relevance_threshold=-1.0, margin=0)
    assert NONE not in set(loose["position"])
    # a target's own threshold (corpus.yaml ``threshold:``) applies unless one is passed
    strict = [replace(t, threshold=1.01) if t.name == "ceasefire" else t for t in targets]
    own = zero_shot_stance(ex, vectors, strict, embed_fn)
    default = zero_shot_stance(ex, vectors, targets, embed_fn)
    assert (own.loc[own["target"] == "ceasefire", "position"] == NONE).all()
    assert (default.loc[default["target"] == "ceasefire", "position"] != NONE).any()
    others = own["target"] != "ceasefire"
    pd.testing.assert_frame_equal(own[others], default[others])
    forced = zero_shot_stance(ex, vectors, strict, embed_fn, relevance_threshold=0.6)
    pd.testing.assert_frame_equal(forced, default)


def test_zero_shot_rejects_vectors_of_another_model(examples, targets):
    ex, vectors = examples
    with pytest.raises(ValueError, match="same model"):
        zero_shot_stance(ex, vectors, targets, lambda texts: np.ones((len(texts), 7)))
    with pytest.raises(ValueError, match="one row per statement"):
        zero_shot_stance(ex, vectors[:3], targets, lambda texts: np.ones((len(texts), 7)))


# ---------------------------------------------------------------------------- supervised


def _planted(n: int, seed: int, dim: int = 48):
    """Unit vectors whose label is decided by the sign of their projection on one direction."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, dim))
    direction = np.zeros(dim)
    direction[0] = 1.0
    y = np.where(x @ direction > 0, "supports", "rejects")
    x[:, 0] += np.where(y == "supports", 0.8, -0.8)  # a margin, as between real positions
    return x / np.linalg.norm(x, axis=1, keepdims=True), y


@pytest.mark.slow    # cross-validates and bootstraps the classifier seven times
def test_classifier_learns_a_planted_stance_from_a_few_dozen_labels():
    x, y = _planted(36, seed=1)
    res = cross_validate_stance(x, y, n_boot=200, seed=0)
    assert res.accuracy >= 0.8 and res.macro_f1 >= 0.8, res.summary()
    assert res.accuracy_ci[0] <= res.accuracy <= res.accuracy_ci[1]
    x_new, y_new = _planted(200, seed=2)
    model = StanceClassifier().fit(x, y)
    assert (model.predict(x_new) == y_new).mean() >= 0.85
    # labels drawn independently of the vectors carry no stance: the same procedure is near
    # chance (mean over a few draws; plain probabilities to keep the test fast)
    plain = StanceClassifier(calibration=None)
    chance = [cross_validate_stance(x, np.random.default_rng(s).permutation(["a", "b"] * 18),
                                    estimator=plain, n_boot=20).accuracy for s in range(5)]
    assert np.mean(chance) < 0.65, chance


def test_classifier_learns_stance_from_real_embeddings(embed_fn):
    speakers = ["The minister", "The ministry", "The president's adviser", "The spokesman",
                "Baku", "Yerevan", "The envoy", "The prime minister"]
    supports = ["called for an immediate ceasefire", "said the truce must be respected",
                "urged both sides to return to negotiations"]
    rejects = ["said there would be no ceasefire until the occupied lands were freed",
               "vowed to keep fighting until victory", "rejected any truce with the enemy"]
    texts, y = [], []
    for s in speakers:
        texts += [f"{s} {p}." for p in supports] + [f"{s} {p}." for p in rejects]
        y += ["supports"] * len(supports) + ["rejects_or_conditions"] * len(rejects)
    x = embed_fn(texts)
    groups = [t.split(" ")[1] for t in texts]  # one "article" per speaker
    res = cross_validate_stance(x, y, groups=groups, n_boot=100)
    assert res.accuracy >= 0.8, res.summary()


def test_classifier_api_and_calibration():
    x, y = _planted(16, seed=4)
    small = StanceClassifier().fit(x, y)
    assert list(small.classes_) == ["rejects", "supports"]
    assert small.calibrated_ is False  # fewer than 10 labels in a class: plain LR probabilities
    proba = small.predict_proba(x)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (small.predict(x) == small.classes_[proba.argmax(axis=1)]).all()
    x, y = _planted(60, seed=5)
    big = StanceClassifier().fit(x, y)
    assert big.calibrated_ is True
    assert clone(big).get_params()["min_per_class"] == 10
    with pytest.raises(ValueError, match="two classes"):
        StanceClassifier().fit(x, ["a"] * len(x))
    with pytest.raises(ValueError, match="calibration"):
        StanceClassifier(calibration="platt").fit(x, y)
    with pytest.raises(NotFittedError):
        StanceClassifier().predict(x)
    ints = StanceClassifier().fit(x, (y == "supports").astype(int))   # labels keep their type
    assert ints.classes_.tolist() == [0, 1] and ints.predict(x).dtype.kind == "i"


@pytest.mark.slow    # some fifty estimator checks, each fitting the classifier
def test_classifier_passes_the_scikit_learn_estimator_checks():
    """Every check of sklearn.utils.estimator_checks.check_estimator, none expected to fail."""
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(StanceClassifier(), on_fail=None)
    failed = [(r["check_name"], str(r["exception"])[:200]) for r in results
              if r["status"] == "failed"]
    assert failed == []
    names = {r["check_name"] for r in results if r["status"] == "passed"}
    assert {"check_class_weight_classifiers", "check_classifiers_train",
            "check_estimators_unfitted", "check_classifiers_classes"} <= names


@pytest.mark.parametrize("calibration", ["sigmoid", None])
def test_class_weight_holds_with_and_without_calibration(calibration):
    """Platt scaling fitted without the weights would undo them: a heavy weight on one class
    must make it the prediction almost everywhere, calibrated or not."""
    x, y = _planted(120, seed=6)
    free = StanceClassifier(class_weight=None, calibration=calibration).fit(x, y)
    heavy = StanceClassifier(class_weight={"supports": 1000.0, "rejects": 0.001},
                             calibration=calibration).fit(x, y)
    assert free.calibrated_ is (calibration is not None)
    assert 0.3 < (free.predict(x) == "supports").mean() < 0.7
    assert (heavy.predict(x) == "supports").mean() > 0.9


def test_train_from_labels_and_predict_table(tmp_path):
    x, y = _planted(40, seed=6)
    statements = pd.DataFrame({"statement_id": [f"s{i}" for i in range(40)]})
    y = y.astype(object)
    y[:8] = NONE
    labels = pd.DataFrame({"statement_id": [f"s{i}" for i in range(0, 40, 2)],
                           "target": "t", "position": y[::2]})
    labels.to_csv(tmp_path / "labels.csv", index=False)
    model = train_stance(tmp_path / "labels.csv", statements, x, "t")
    assert set(model.classes_) == {NONE, "rejects", "supports"}
    np.testing.assert_allclose(model.predict_proba(x),
                               train_stance(labels, statements, x, "t").predict_proba(x))
    table = predict_stance(model, statements, x, "t")
    assert list(table.columns) == STANCE_COLUMNS
    assert (table["relevant"] == (table["position"] != NONE)).all()
    assert table.loc[~table["relevant"], "score"].isna().all()
    with pytest.raises(ValueError, match="no labels of target 'u'"):
        train_stance(labels, statements, x, "u")


def test_a_denied_statement_stands_against_its_content(targets, embed_fn):
    """"Baku denied that Turkish officers and F-16 jets take part in the fighting": the content
    alleges, the speaker denies (issue 16 item 5). A denial of one side's blame blames no one."""
    text = "Turkish military officers and F-16 jets take part in the fighting"
    blame = "Armenian forces shelled Azerbaijani civilians in Ganja"
    st = pd.DataFrame({"statement_id": ["said", "denied", "negated", "blame", "no-blame"],
                       "text": [text, text, text, blame, blame],
                       "polarity": ["asserted", "denied", "negated", "asserted", "denied"]})
    zs = zero_shot_stance(st, embed_fn(st["text"].tolist()), targets, embed_fn)
    foreign = zs[zs["target"] == "foreign_support_azerbaijan"].set_index("statement_id")
    assert (foreign.loc[["said", "denied", "negated"], "content_position"] == "alleges").all()
    assert foreign.loc["said", "position"] == "alleges"
    assert foreign.loc["denied", "position"] == "denies"  # opposites: {alleges: denies}
    assert foreign.loc["negated", "position"] == UNCLEAR
    assert list(foreign["polarity"]) == ["asserted", "denied", "negated", "asserted", "denied"]
    civ = zs[zs["target"] == "civilian_attacks"].set_index("statement_id")
    assert civ.loc["blame", "position"] == civ.loc["no-blame", "content_position"] == \
        "blames_armenia"
    assert civ.loc["no-blame", "position"] == UNCLEAR  # no opposites declared
    # applying it twice changes nothing; a table without polarity asserts everything
    pd.testing.assert_frame_equal(apply_polarity(zs, st, targets), zs)
    plain = zero_shot_stance(st.drop(columns="polarity"), embed_fn(st["text"].tolist()),
                             targets, embed_fn)
    assert (plain["position"] == plain["content_position"]).all()


def test_the_classifier_learns_contents_and_flips_denials_back():
    """Labels are the speakers' positions; a denied statement's embedding holds the content, so
    the model is trained on the content's position and predicts the speaker's by polarity."""
    x, y = _planted(60, seed=7)
    flip = {"supports": "rejects", "rejects": "supports"}
    denied = np.arange(60) < 20
    statements = pd.DataFrame({"statement_id": [f"s{i}" for i in range(60)],
                               "polarity": np.where(denied, "denied", "asserted")})
    speaker = np.where(denied, [flip[v] for v in y], y)
    labels = pd.DataFrame({"statement_id": statements["statement_id"], "target": "t",
                           "position": speaker})
    t = Target("t", "For or against?", {"supports": ("a",), "rejects": ("b",)},
               opposites=(("supports", "rejects"),))
    table = predict_stance(train_stance(labels, statements, x, t), statements, x, t)
    assert (table["content_position"] == y).mean() >= 0.9
    assert (table["position"] == speaker).mean() >= 0.9
    # a target without opposites: denied labels are left out of training, denials are unclear
    bare = Target("t", "For or against?", {"supports": ("a",), "rejects": ("b",)})
    table = predict_stance(train_stance(labels, statements, x, bare), statements, x, bare)
    assert (table.loc[denied, "position"] == UNCLEAR).all()
    assert (table.loc[~denied, "position"] == y[~denied]).mean() >= 0.9


# --------------------------------------------------------------------------- aggregation


def _stance_table():
    """Side a: 3 articles, all 'for'; side b: 4 articles, 'against' in three, one 'unclear';
    plus irrelevant statements (none), which must not count."""
    rows = []
    for i in range(3):
        rows.append((f"a{i}", "a", f"art-a{i}", "2020-10-05", "for"))
    for i in range(3):
        rows.append((f"b{i}", "b", f"art-b{i}", "2020-10-12", "against"))
    rows.append(("b3", "b", "art-b3", "2020-10-13", UNCLEAR))
    rows += [(f"n{i}", "a", "art-a0", "2020-10-05", NONE) for i in range(5)]
    st = pd.DataFrame(rows, columns=["statement_id", "side", "article_id", "date", "position"])
    st["date"] = pd.to_datetime(st["date"])
    table = st[["statement_id", "position"]].assign(target="truce")
    return st.drop(columns="position"), table


def test_stance_by_side_shares_among_relevant_statements():
    statements, table = _stance_table()
    targets = load_targets(_target(positions={"for": ["x"], "against": ["y"]}))
    out = stance_by_group(table, statements, by="side", targets=targets, n_boot=200, seed=0)
    assert list(out.columns) == ["target", "side", "bin", "bin_end", "position", "share",
                                 "ci_low", "ci_high", "n_position", "n", "n_articles", "small_n"]
    a = out[out["side"] == "a"].set_index("position")
    assert list(a.index) == ["for", "against", UNCLEAR]  # corpus.yaml order, unclear last
    assert a.loc["for", "share"] == 1.0 and a.loc["for", "n"] == 3  # the 5 "none" do not count
    b = out[out["side"] == "b"].set_index("position")
    assert b.loc["against", "share"] == pytest.approx(0.75)
    assert b.loc["against", "ci_low"] <= 0.75 <= b.loc["against", "ci_high"]
    assert b.loc["against", "ci_low"] < b.loc["against", "ci_high"]  # articles resampled
    np.testing.assert_allclose(out.groupby("side")["share"].sum(), 1.0)
    again = stance_by_group(table, statements, by="side", targets=targets, n_boot=200, seed=0)
    pd.testing.assert_frame_equal(out, again)
    weekly = stance_by_group(table, statements, by="side", freq="W", include_unclear=False,
                             n_boot=50)
    assert sorted(weekly["bin"].unique()) == [pd.Timestamp("2020-10-05"),
                                              pd.Timestamp("2020-10-12")]
    assert UNCLEAR not in set(weekly["position"])


def test_stance_by_group_names_unknown_statements():
    statements, table = _stance_table()
    table = pd.concat([table, pd.DataFrame({"statement_id": ["zz"], "position": ["for"],
                                            "target": ["truce"]})])
    with pytest.raises(ValueError, match="not in the statements table"):
        stance_by_group(table, statements, n_boot=10)
    with pytest.raises(ValueError, match="missing column"):
        stance_by_group(table, statements.drop(columns="side"), n_boot=10)


# -------------------------------------------------------------------------------- figure


def test_stance_figure_by_side_and_over_time(tmp_path):
    from stance.figures import STANCE_TARGET_COLUMNS, plot_stance_by_side
    from stance.output import save_figure

    statements, table = _stance_table()
    second = table.assign(target="blame")
    both = pd.concat([table, second], ignore_index=True)
    targets = load_targets({"targets": [
        _target(positions={"for": ["x"], "against": ["y"]})["targets"][0],
        _target(name="blame", question="Whom do they blame?",
                positions={"for": ["x"], "against": ["y"]})["targets"][0]]})
    overall = stance_by_group(both, statements, targets=targets, n_boot=50)
    assert list(overall.columns) == STANCE_TARGET_COLUMNS
    fig = plot_stance_by_side(overall, targets=targets)
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert len(panels) == 2
    assert panels[1].get_title(loc="left").startswith("Whom do they blame?")
    assert "for" in panels[0].get_title(loc="left")  # the key of position markers
    weekly = stance_by_group(both, statements, freq="W", targets=targets, n_boot=50)
    fig_w = plot_stance_by_side(weekly, freq="W", targets=targets)
    assert [ax.get_ylabel() for ax in fig_w.axes if ax.get_title(loc="left")] == \
        ["share 'for'"] * 2
    first = save_figure(fig_w, tmp_path / "a", formats=("png",))[0].read_bytes()
    again = plot_stance_by_side(weekly, freq="W", targets=targets)
    assert save_figure(again, tmp_path / "b", formats=("png",))[0].read_bytes() == first
    # nothing relevant: a figure that says so instead of empty axes
    nothing = stance_by_group(table.assign(position=NONE), statements, n_boot=10)
    note = plot_stance_by_side(nothing)
    assert "No statement concerns any target" in " ".join(t.get_text() for t in
                                                          note.axes[0].texts)


def test_corpus_stance_uses_labels_when_there_are_enough(examples, targets, embed_fn, tmp_path):
    from stance.targets import corpus_stance

    ex, vectors = examples
    zs = zero_shot_stance(ex, vectors, targets, embed_fn)
    plain = corpus_stance(ex, vectors, targets, embed_fn, labels_dir=tmp_path)
    assert set(plain["method"]) == {"zero-shot"}
    pd.testing.assert_frame_equal(plain.drop(columns="method"), zs)
    own = ex[ex["target"].isin(["ceasefire", "none"])]
    labels = pd.DataFrame({"statement_id": own["statement_id"], "target": "ceasefire",
                           "position": own["position"]})
    labels.to_csv(tmp_path / "ceasefire.csv", index=False)
    mixed = corpus_stance(ex, vectors, targets, embed_fn, labels_dir=tmp_path, min_labels=10)
    sup = mixed[mixed["target"] == "ceasefire"]
    assert set(sup["method"]) == {"supervised"}
    # fitted on these very labels, the model gives them back
    back = sup.set_index("statement_id").loc[labels["statement_id"], "position"]
    assert (back.to_numpy() == labels["position"].to_numpy()).mean() >= 0.9
    others = mixed["target"] != "ceasefire"
    assert set(mixed.loc[others, "method"]) == {"zero-shot"}
    too_few = corpus_stance(ex, vectors, targets, embed_fn, labels_dir=tmp_path, min_labels=50)
    assert set(too_few["method"]) == {"zero-shot"}
