"""The whole run: `stance run` on a small invented corpus (four articles in four weeks) twice gives
byte-identical files, `stance verify` passes and catches a changed file, a corpus with a single
date gets a note in place of each plot over time, and bad configs fail with clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from stance import pipeline
from stance.cli import main as cli_main
from stance.manifest import verify_outputs

CORPUS = Path(__file__).resolve().parent / "fixtures" / "pipeline" / "two-rivers"
FAST = {"n_boot": 200}
NAMES = [f"{k}_{n}" for k, n in enumerate(pipeline.FIGURE_NAMES, start=1)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, nlp, st_model):
    """The invented corpus run twice: through the API, then through the `stance run` command
    (the second run reuses the embedding cache)."""
    root = tmp_path_factory.mktemp("runs")
    cache = root / "cache"
    config = root / "run.yaml"
    config.write_text("n_boot: 200\n", encoding="utf-8")
    a = pipeline.run(CORPUS, config=config, out=root / "a", progress=False, nlp=nlp,
                     model=st_model, cache_dir=cache)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STANCE_CACHE_DIR", str(cache))
        code = cli_main(["run", str(CORPUS), "--config", str(config), "--out", str(root / "b"),
                         "--quiet"])
    assert code == 0
    b = pipeline.RunResult(out=root / "b", config=a.config)
    return a, b


def test_every_output_is_written(runs):
    a, _ = runs
    names = {p.name for p in a.out.iterdir()}
    for table in ("statements", "frames", "statement_stance", "narratives", "speech_acts"):
        assert {f"{table}.csv", f"{table}.parquet"} <= names
    for stem in NAMES:
        assert {f"{stem}.png", f"{stem}.pdf", f"{stem}.csv"} <= names
    assert "manifest.json" in names


def test_rerun_gives_byte_identical_files(runs):
    a, b = runs
    files_a = sorted(p.name for p in a.out.iterdir())
    assert files_a == sorted(p.name for p in b.out.iterdir())
    for name in files_a:
        assert (a.out / name).read_bytes() == (b.out / name).read_bytes(), name


def test_outputs_do_not_depend_on_what_the_cache_held_before(runs, tmp_path, nlp, st_model):
    """A cache filled by other work (here the run's own statements, embedded earlier in other
    company: with long texts, in reverse order, a few at a time) gives the same bytes as an
    empty one: a vector does not depend on the batch that computed it."""
    from stance.embedding._embed import embed

    a, _ = runs
    texts = pd.read_parquet(a.out / "statements.parquet")["text"].tolist()
    cache = tmp_path / "cache"
    filler = ["An unrelated and much longer sentence about the weather, the harvest and the "
              "markets of the river towns, written only to sit in the same batch. " * 3]
    for start in range(0, len(texts), 3):
        embed(filler + texts[::-1][start:start + 3], model=st_model, cache_dir=cache,
              progress=False)
    c = pipeline.run(CORPUS, overrides={"n_boot": 200}, out=tmp_path / "c", progress=False,
                     nlp=nlp, model=st_model, cache_dir=cache)
    for path in sorted(a.out.iterdir()):
        if path.name != "manifest.json":    # its config_file entry differs (no file here)
            assert (c.out / path.name).read_bytes() == path.read_bytes(), path.name


def test_manifest_lists_inputs_config_versions_and_outputs(runs):
    a, _ = runs
    manifest = json.loads((a.out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["inputs"]) == [
        "articles/2021-03-01_valley-fighting.txt", "articles/2021-03-09_mirel-shelling.txt",
        "articles/2021-03-16_council-talks.txt", "articles/2021-03-24_truce.txt",
        "corpus.yaml", "speakers.yaml"]
    assert manifest["config"]["n_boot"] == 200 and manifest["config"]["time_bin"] == "W"
    assert manifest["config"]["stance_method"] == "auto"
    assert manifest["config_file"]["name"] == "run.yaml"
    assert manifest["packages"]["matplotlib"] != "missing"
    assert len(manifest["model_fingerprint"]) == 64
    assert manifest["seeds"]["seed"] == 0
    assert set(manifest["outputs"]) == {p.name for p in a.out.iterdir()} - {"manifest.json"}
    text = (a.out / "manifest.json").read_text(encoding="utf-8")
    assert str(a.out) not in text and "2026" not in text   # no output path, no timestamps


def test_tables_hold_the_numbers_behind_the_figures(runs):
    a, _ = runs
    statements = pd.read_parquet(a.out / "statements.parquet")
    assert len(statements) >= 15 and "frame" in statements.columns
    assert set(statements["side"]) >= {"northland", "southland", "council"}
    shares = pd.read_csv(a.out / "3_frame_shares_over_time.csv")
    assert shares["bin"].nunique() == 4                       # four weeks
    sums = shares.groupby(["group", "bin"])["share"].sum()
    assert ((sums - 1).abs() < 1e-5).all()                    # normalised within side and week
    by_speaker = pd.read_csv(a.out / "2_frame_shares_by_speaker.csv")
    assert by_speaker["lo"].notna().all()      # speakers quoted in several articles: intervals
    assert (by_speaker["lo"] <= by_speaker["share"] + 1e-9).all()
    assert (by_speaker["share"] <= by_speaker["hi"] + 1e-9).all()
    drift = pd.read_csv(a.out / "5_convergence.csv")
    assert drift["bin"].nunique() >= 2
    axes = pd.read_csv(a.out / "7_frame_axes.csv")
    assert set(axes["axis"]) == {"harm", "escalation"}
    assert axes["bin"].notna().any() and axes["bin"].isna().any()
    assert not a.notes                                        # every comparison was made
    # frame keywords never name a party of the registry (c-TF-IDF on masked texts)
    frames = pd.read_csv(a.out / "frames.csv")
    words = " ".join(frames["keywords"].astype(str)).lower()
    for party in ("northland", "southland", "council"):
        assert party not in words, (party, frames["keywords"].tolist())
    stance = pd.read_parquet(a.out / "statement_stance.parquet")
    assert set(stance["target"]) == {"ceasefire"} and set(stance["method"]) == {"zero-shot"}


def test_verify_passes_and_detects_a_changed_file(runs, tmp_path):
    a, _ = runs
    assert verify_outputs(a.out).passed
    copy = tmp_path / "copy"
    shutil.copytree(a.out, copy)
    with open(copy / "4_speaker_similarity.csv", "a", encoding="utf-8") as fh:
        fh.write("tampered\n")
    (copy / "1_statement_map.pdf").unlink()
    (copy / "extra.txt").write_text("x", encoding="utf-8")
    result = verify_outputs(copy)
    assert not result.passed
    assert result.changed == ["4_speaker_similarity.csv"]
    assert result.missing == ["1_statement_map.pdf"]
    assert result.unlisted == ["extra.txt"]
    assert cli_main(["verify", str(copy)]) == 1
    assert cli_main(["verify", str(a.out)]) == 0


def test_single_date_corpus_gets_notes_for_time_plots(tmp_path, nlp, st_model):
    corpus = tmp_path / "one-day"
    shutil.copytree(CORPUS, corpus)
    for path in sorted((corpus / "articles").iterdir())[1:]:
        path.unlink()
    result = pipeline.run(corpus, out=tmp_path / "out", overrides=FAST, progress=False, nlp=nlp,
                          model=st_model, cache_dir=tmp_path / "cache")
    for stem in NAMES:                                       # every figure is still drawn
        assert (result.out / f"{stem}.png").stat().st_size > 0
    shares = pd.read_csv(result.out / "3_frame_shares_over_time.csv")
    assert shares["bin"].nunique() == 1                      # the numbers, one week
    notes = "\n".join(result.notes)
    for name in ("frame_shares_over_time", "convergence"):
        assert f"{name}: drawn as a note. All statements fall in one week" in notes
    assert "frame_axes: the panels over time are not drawn" in notes
    assert "stance_over_time: drawn as a note" in notes
    manifest = json.loads((result.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notes"] == result.notes
    assert verify_outputs(result.out).passed


def test_config_file_overrides_and_unknown_keys_fail(tmp_path):
    good = tmp_path / "run.yaml"
    good.write_text("seed: 7\ntime_bin: D\nfigures: [statement_map]\n", encoding="utf-8")
    cfg = pipeline.resolve_config({"time_bin": "W", "name": "x"}, good)
    assert cfg["seed"] == 7 and cfg["time_bin"] == "D" and cfg["figures"] == ["statement_map"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("sead: 7\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.yaml.*sead"):
        pipeline.resolve_config({}, bad)
    with pytest.raises(ValueError, match="unknown figure"):
        pipeline._selected_figures({"figures": ["pie_chart"]})


def test_a_backend_model_without_fast_precision_fails_before_any_work(tmp_path):
    """An ONNX backend has no portable mode: the run says so at the start, not mid-embedding."""
    with pytest.raises(ValueError, match="minilm-int8.*precision: fast"):
        pipeline.run(out=tmp_path / "out", overrides={"model": "minilm-int8"}, progress=False)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    cfg = pipeline.resolve_config({}, None, {"model": "minilm-int8", "precision": "fast"})
    pipeline._check_config(cfg)     # with fast precision the backend is accepted


def test_corpus_without_statements_writes_notes_not_errors(tmp_path, nlp, st_model):
    corpus = tmp_path / "quiet-valley"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "articles" / "2021-01-01_weather.txt").write_text(
        "date 2021-01-01 | source weather.example\n\nThe river rose after three days of rain. "
        "The bridge was closed in the morning and opened again at noon.\n", encoding="utf-8")
    result = pipeline.run(corpus, out=tmp_path / "out", overrides=FAST, progress=False, nlp=nlp,
                          model=st_model, cache_dir=tmp_path / "cache")
    assert len(result.statements) == 0
    for stem in NAMES:
        table = pd.read_csv(result.out / f"{stem}.csv")
        assert list(table.columns) == ["note"] and "no statements" in table["note"].iloc[0]
        assert (result.out / f"{stem}.png").is_file()
    assert verify_outputs(result.out).passed
