"""The run key and its record: a re-run is skipped only when nothing it depends on changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stance import runmemo
from stance.manifest import write_manifest


@pytest.fixture
def corpus(tmp_path, fixtures_dir) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(fixtures_dir / "pipeline" / "two-rivers", folder)
    return folder


def test_run_key_follows_inputs_and_result_settings(corpus):
    cfg = {"seed": 0, "n_boot": 100, "workers": 1, "partition_size": 200, "scheduler": None}
    key = runmemo.run_key(corpus, cfg, model_fp="abc")
    assert key == runmemo.run_key(corpus, dict(cfg), model_fp="abc")
    # how a run is executed never changes what it writes
    assert key == runmemo.run_key(corpus, {**cfg, "workers": 4, "partition_size": 7,
                                           "scheduler": "dask://h:1"}, model_fp="abc")
    assert key != runmemo.run_key(corpus, {**cfg, "n_boot": 101}, model_fp="abc")
    assert key != runmemo.run_key(corpus, cfg, model_fp="abd")
    article = min((corpus / "articles").iterdir())
    article.write_text(article.read_text(encoding="utf-8") + " One more.", encoding="utf-8")
    assert key != runmemo.run_key(corpus, cfg, model_fp="abc")
    (corpus / ".hidden").write_text("editor state", encoding="utf-8")  # dot-files left out
    changed = runmemo.run_key(corpus, cfg, model_fp="abc")
    (corpus / ".hidden").write_text("other state", encoding="utf-8")
    assert changed == runmemo.run_key(corpus, cfg, model_fp="abc")


def test_up_to_date_only_with_same_key_and_intact_outputs(tmp_path, corpus):
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    (out / "frames.csv").write_text("frame,size\n0,3\n", encoding="utf-8")
    write_manifest(out, inputs=[], input_root=corpus, config={"seed": 0})
    assert not runmemo.up_to_date(out, "k1", cache)  # never recorded
    runmemo.remember(out, "k1", cache)
    assert runmemo.up_to_date(out, "k1", cache)
    assert not runmemo.up_to_date(out, "k2", cache)  # another key
    (out / "frames.csv").write_text("frame,size\n0,4\n", encoding="utf-8")
    assert not runmemo.up_to_date(out, "k1", cache)  # an output edited since
