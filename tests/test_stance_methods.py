"""Few-shot stance with SetFit beside the logistic classifier and zero-shot: the estimator learns
from a handful of labels, is deterministic and leaves the shared model alone; the methods are
compared on the same folds and the choice follows cross-validated accuracy."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from stance.targets import (
    METHODS,
    SetFitStance,
    Target,
    compare_stance_methods,
    corpus_stance,
    setfit_available,
)

TRUCE = Target("truce", "Does the speaker support a truce?",
               {"supports": ("we back the truce",), "rejects": ("no truce with them",)})

#: a tiny labelled fixture: two positions on a ceasefire and statements about something else
TRAIN = {
    "supports": ["We urge both sides to agree to a ceasefire immediately.",
                 "The minister welcomed the humanitarian truce agreed in Moscow.",
                 "The parties must strictly observe the ceasefire.",
                 "Fighting must stop now and diplomats must return to talks."],
    "rejects": ["There will be no truce until their troops leave our lands.",
                "We will keep fighting until every district is liberated.",
                "A ceasefire is only possible if the occupiers withdraw first.",
                "The army will settle this question by force."],
    "none": ["The company reported higher quarterly profits.",
             "The weather in Paris was mild on Tuesday.",
             "The minister met students at the university library.",
             "A new road to the airport will open next year."],
}
HELD_OUT = {"supports": "Both armies should respect the truce and go back to negotiations.",
            "rejects": "Our forces will not stop until the occupied land is returned.",
            "none": "The bank raised its interest rate on Thursday."}


def _fixture() -> tuple[list[str], list[str]]:
    texts = [t for ts in TRAIN.values() for t in ts]
    labels = [k for k, ts in TRAIN.items() for _ in ts]
    return texts, labels


def _toy_embed(texts):
    """Two-dimensional 'embeddings': 'back' texts on one axis, the others on the other."""
    return np.array([[1.0, 0.0] if "back" in t else [0.0, 1.0] for t in texts])


def _toy(n_articles: int = 5):
    texts = ["we back the truce", "no truce with them"] * n_articles
    st = pd.DataFrame({"statement_id": [f"s{i}" for i in range(len(texts))],
                       "article_id": [f"a{i // 2}" for i in range(len(texts))], "text": texts})
    labels = pd.DataFrame({"statement_id": st["statement_id"], "target": "truce",
                           "position": ["supports", "rejects"] * n_articles})
    return st, labels, _toy_embed(texts)


# ------------------------------------------------------------------------------ without setfit

def test_missing_setfit_is_a_clear_error_and_skipped_in_the_comparison(monkeypatch):
    monkeypatch.setitem(sys.modules, "setfit", None)  # import setfit -> ImportError
    assert not setfit_available()
    with pytest.raises(ImportError, match=r"stance\[setfit\]"):
        SetFitStance().fit(*_fixture())
    st, labels, vectors = _toy()
    out = compare_stance_methods(labels, st, vectors, TRUCE, _toy_embed, n_boot=20)
    assert out["methods"]["setfit"].startswith("not computed: the optional package setfit")
    assert set(out["methods"]) == set(METHODS)
    assert out["chosen"] in ("zero-shot", "logistic")


def test_setfit_wants_texts_not_embeddings():
    with pytest.raises(TypeError, match="expects texts"):
        SetFitStance().fit(np.zeros((4, 3)), ["a", "b", "a", "b"])
    with pytest.raises(ValueError, match="two different labels"):
        SetFitStance().fit(["x", "y"], ["a", "a"])


def test_comparison_scores_on_shared_folds_and_a_tie_goes_to_the_simpler():
    st, labels, vectors = _toy()
    out = compare_stance_methods(labels, st, vectors, TRUCE, _toy_embed,
                                 methods=["zero-shot", "logistic"], n_boot=50)
    assert out["matched"] == 10 and out["articles"] == 5
    assert out["majority_baseline"]["accuracy"] == 0.5
    zs, lr = out["methods"]["zero-shot"], out["methods"]["logistic"]
    assert zs["accuracy"] == lr["accuracy"] == 1.0
    assert out["chosen"] == "zero-shot"  # equal accuracy: the simpler method
    assert lr["folds"] == 5 and lr["minus_zero_shot_ci"] == [0.0, 0.0]
    # zero-shot that cannot tell the positions apart loses to the classifier
    blind = compare_stance_methods(labels, st, vectors, TRUCE,
                                   lambda x: np.ones((len(x), 2)),
                                   methods=["zero-shot", "logistic"], n_boot=50)
    assert blind["methods"]["zero-shot"]["accuracy"] < 1.0
    assert blind["chosen"] == "logistic"
    with pytest.raises(ValueError, match="unknown method"):
        compare_stance_methods(labels, st, vectors, TRUCE, _toy_embed, methods=["bert"])


def test_corpus_stance_method_choice(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "setfit", None)  # keep "cv" to the two fast methods
    st, labels, vectors = _toy(12)
    labels.to_csv(tmp_path / "truce.csv", index=False)
    auto = corpus_stance(st, vectors, [TRUCE], _toy_embed, labels_dir=tmp_path)
    assert set(auto["method"]) == {"supervised"}  # the default with enough labels: logistic
    never = corpus_stance(st, vectors, [TRUCE], _toy_embed, labels_dir=tmp_path,
                          method="zero-shot")
    assert set(never["method"]) == {"zero-shot"}
    # cross-validated: zero-shot is perfect here and simpler, so it is chosen
    cv = corpus_stance(st, vectors, [TRUCE], _toy_embed, labels_dir=tmp_path, method="cv")
    assert set(cv["method"]) == {"zero-shot"}
    with pytest.raises(ValueError, match="method must be one of"):
        corpus_stance(st, vectors, [TRUCE], _toy_embed, labels_dir=tmp_path, method="best")


# ------------------------------------------------------------------------------ with setfit

# a string condition: evaluated when a test using it is set up (importing setfit takes seconds)
needs_setfit = pytest.mark.skipif("not setfit_available()",
                                  reason="the optional extra stance[setfit] is not installed")


def _separation(vectors: np.ndarray, labels: list[str]) -> float:
    """Mean cosine within a label minus mean cosine between labels."""
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sim = v @ v.T
    same = np.equal.outer(labels, labels)
    off = ~np.eye(len(labels), dtype=bool)
    return float(sim[same & off].mean() - sim[~same].mean())


@pytest.mark.slow
@needs_setfit
def test_setfit_learns_from_a_few_labels_deterministically(st_model):
    texts, labels = _fixture()
    before = {k: v.clone() for k, v in st_model.state_dict().items()}
    untrained = _separation(st_model.encode(texts), labels)
    params = {"model": st_model, "num_iterations": 3, "body_learning_rate": 1e-4, "seed": 0}
    model = SetFitStance(**params).fit(texts, labels)
    assert list(model.classes_) == ["none", "rejects", "supports"]
    # contrastive fine-tuning pulls each position together and the positions apart
    assert _separation(model.embed(texts), labels) > untrained + 0.05
    held = list(HELD_OUT.values())
    assert list(model.predict(held)) == list(HELD_OUT)
    proba = model.predict_proba(held)
    assert proba.shape == (3, 3) and np.allclose(proba.sum(axis=1), 1)
    # same seed, same labels: the same model; the shared model was not touched
    again = SetFitStance(**params).fit(texts, labels)
    np.testing.assert_allclose(again.predict_proba(held), proba, rtol=0, atol=1e-6)
    after = st_model.state_dict()
    assert all(np.array_equal(before[k].numpy(), after[k].numpy()) for k in before)


@pytest.mark.slow
@needs_setfit
def test_corpus_stance_with_setfit(st_model, tmp_path):
    texts, labels = _fixture()
    held = list(HELD_OUT.values())
    st = pd.DataFrame({"statement_id": [f"s{i}" for i in range(len(texts) + len(held))],
                       "text": texts + held})
    pd.DataFrame({"statement_id": st["statement_id"][:len(texts)], "target": "truce",
                  "position": labels}).to_csv(tmp_path / "truce.csv", index=False)
    vectors = st_model.encode(st["text"].tolist())
    target = Target("truce", "Truce?", {"supports": ("we back the truce",),
                                        "rejects": ("no truce with them",)})
    out = corpus_stance(st, vectors, [target], labels_dir=tmp_path, min_labels=10,
                        method="setfit", setfit_params={"model": st_model, "num_iterations": 2})
    assert set(out["method"]) == {"setfit"}
    got = out.set_index("statement_id")["position"]
    assert list(got[st["statement_id"][len(texts):]]) == list(HELD_OUT)
    assert (out["relevant"] == (out["position"] != "none")).all()


FOREIGN = Target("foreign", "Do foreign fighters take part?",
                 {"alleges": ("foreign fighters are there",), "denies": ("nobody is there",)},
                 opposites=(("alleges", "denies"),))


def test_cross_validation_scores_denials_as_the_pipeline_turns_them(tmp_path):
    """A denial of "foreign fighters are there" has that content (its embedding) and the
    speaker's position ``denies``. The pipeline's model learns contents and turns a denied
    statement's prediction into the opposite: on these statements it is always right. Fitted
    on the speakers' labels instead, the same content would be learnt as both positions."""
    contents = ["foreign fighters are there", "nobody is there", "foreign fighters are there"]
    polarity = ["asserted", "asserted", "denied"]
    speaker = ["alleges", "denies", "denies"]
    n = 8
    st = pd.DataFrame({"statement_id": [f"s{i}" for i in range(3 * n)],
                       "article_id": [f"a{i // 3}" for i in range(3 * n)],
                       "text": contents * n, "polarity": polarity * n})
    labels = pd.DataFrame({"statement_id": st["statement_id"], "target": "foreign",
                           "position": speaker * n})
    vectors = np.array([[1.0, 0.0] if "foreign" in t else [0.0, 1.0] for t in st["text"]])
    vectors = vectors + np.random.default_rng(0).normal(0, 0.05, vectors.shape)
    embed = lambda x: np.array([[1.0, 0.0] if "foreign" in t else [0.0, 1.0] for t in x])
    out = compare_stance_methods(labels, st, vectors, FOREIGN, embed,
                                 methods=["zero-shot", "logistic"], n_boot=20)
    assert out["methods"]["logistic"]["accuracy"] == 1.0
    assert out["methods"]["zero-shot"]["accuracy"] == 1.0
    # and what the pipeline then writes for them agrees (trained on all labels)
    labels.to_csv(tmp_path / "foreign.csv", index=False)
    table = corpus_stance(st, vectors, [FOREIGN], embed, labels_dir=tmp_path,
                          method="logistic")
    assert set(table["method"]) == {"supervised"}
    assert (table["position"].to_numpy() == labels["position"].to_numpy()).all()


# ------------------------------------------------------------------------ the run's setting

def test_the_run_config_and_the_cli_choose_the_stance_method(tmp_path, monkeypatch):
    """``stance_method`` (run config, ``stance run --stance-method``) reaches the stance tables
    of a run; the default stays the logistic classifier; a bad value fails before any work."""
    from stance import pipeline, runmemo
    from stance.cli import main as cli_main
    from stance.figures._base import Settings
    from stance.figures._stance_targets import stance_tables
    from stance.targets import STANCE_METHODS

    monkeypatch.setitem(sys.modules, "setfit", None)
    st, labels, vectors = _toy(12)
    st = st.assign(side=["x", "y"] * 12, date=pd.Timestamp("2020-10-01"), speaker="s")
    labels.to_csv(tmp_path / "truce.csv", index=False)
    targets = [{"name": "truce", "question": TRUCE.question,
                "positions": {k: list(v) for k, v in TRUCE.positions.items()}}]

    def methods(**kw) -> set[str]:
        s = Settings(targets=targets, labels_dir=tmp_path, n_boot=10, time_bin=None, **kw)
        return set(stance_tables(st, vectors, s, _toy_embed)["statement_stance"]["method"])

    assert methods() == {"supervised"}
    assert methods(stance_method="zero-shot") == {"zero-shot"}
    assert methods(stance_method="cv") == {"zero-shot"}   # perfect and simpler here
    # the run config: a key of its own, checked, recorded with the settings in the manifest
    config = tmp_path / "run.yaml"
    config.write_text("stance_method: zero-shot\n", encoding="utf-8")
    cfg = pipeline.resolve_config({}, config)
    pipeline._check_config(cfg)
    assert runmemo.results_config(cfg)["stance_method"] == "zero-shot"
    assert pipeline.resolve_config({})["stance_method"] == "auto"
    with pytest.raises(ValueError, match="stance_method.*must be one of"):
        pipeline._check_config(pipeline.resolve_config({}, None, {"stance_method": "best"}))
    # the command line passes it on as an override
    seen = {}

    def fake_run(path, **kw):
        seen.update(kw["overrides"])
        return pipeline.RunResult(out=tmp_path, config={})

    monkeypatch.setattr(pipeline, "run", fake_run)
    assert cli_main(["run", "--stance-method", "setfit", "--quiet"]) == 0
    assert seen["stance_method"] == "setfit"
    with pytest.raises(SystemExit):
        cli_main(["run", "--stance-method", "best"])
    import argparse

    from stance.commands import run as run_command
    parser = argparse.ArgumentParser()
    run_command.add_arguments(parser)
    action = next(a for a in parser._actions if a.dest == "stance_method")
    assert tuple(action.choices) == STANCE_METHODS
