"""A run's safety and honesty under bad input (issue 16): nothing outside the output folder is
deleted, a corpus never gets another corpus's settings, skipped inputs and warnings reach the
screen and the manifest, nothing is computed when the results could not be written, and an
interrupted run leaves the old outputs intact or visibly marked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from stance import pipeline
from stance.cli import main as cli_main
from stance.manifest import verify_outputs
from stance.output import INCOMPLETE_NAME, StagedOutput, remove_stale_outputs, sha256_file
from stance.read._corpus import CorpusError, read_corpus

TWO_RIVERS = Path(__file__).resolve().parent / "fixtures" / "pipeline" / "two-rivers"
QUICK = {"n_boot": 50, "n_perm": 49, "figures": ["statement_map", "frame_axes"],
         "formats": ["png"]}


def _run(corpus, out, nlp, st_model, cache, **kw):
    return pipeline.run(corpus, out=out, overrides={**QUICK, **kw.pop("overrides", {})},
                        progress=False, nlp=nlp, model=st_model, cache_dir=cache, **kw)


def _corpus_copy(tmp_path: Path, name: str = "valley") -> Path:
    dst = tmp_path / name
    shutil.copytree(TWO_RIVERS, dst)
    return dst


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# --- item 1: nothing outside --out is deleted; names are safe; outputs beside the corpus --------

@pytest.mark.slow
def test_a_forged_manifest_cannot_delete_files_outside_or_not_written_by_a_run(
        tmp_path, nlp, st_model):
    out = tmp_path / "work" / "out"
    out.mkdir(parents=True)
    victim = tmp_path / "work" / "victim.txt"
    victim.write_text("a day's work\n", encoding="utf-8")
    absolute = tmp_path / "elsewhere" / "thesis.tex"
    absolute.parent.mkdir()
    absolute.write_text("chapter 1\n", encoding="utf-8")
    notes = out / "notes.txt"                       # the user's file inside the output folder
    notes.write_text("my notes\n", encoding="utf-8")
    edited = out / "8_stance_by_side.csv"            # an old output the user edited since
    edited.write_text("edited by hand\n", encoding="utf-8")
    stale = out / "9_stance_over_time.png"           # an old output, unchanged: really stale
    stale.write_bytes(b"old png")
    listed = {"../victim.txt": sha256_file(victim), str(absolute): sha256_file(absolute),
              "sub/../../victim.txt": sha256_file(victim), "notes.txt": sha256_file(notes),
              "8_stance_by_side.csv": "0" * 64, "9_stance_over_time.png": sha256_file(stale)}
    (out / "manifest.json").write_text(json.dumps({"outputs": listed}), encoding="utf-8")

    result = _run(TWO_RIVERS, out, nlp, st_model, tmp_path / "cache")

    assert victim.read_text(encoding="utf-8") == "a day's work\n"
    assert absolute.read_text(encoding="utf-8") == "chapter 1\n"
    assert notes.read_text(encoding="utf-8") == "my notes\n"
    assert edited.read_text(encoding="utf-8") == "edited by hand\n"
    assert not stale.exists()
    written = {p.name for p in result.outputs}
    assert "notes.txt" not in _manifest(out)["outputs"]          # not claimed as an output
    assert set(_manifest(out)["outputs"]) == written - {"manifest.json"}
    assert not [p for p in out.iterdir() if p.name.startswith(".stance-partial-")]


def test_stale_outputs_are_only_bare_output_names_with_their_recorded_hash(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "victim.txt").write_text("x", encoding="utf-8")
    link = out / "1_statement_map.png"
    link.symlink_to(tmp_path / "victim.txt")
    (out / "manifest.json").write_text(json.dumps({"outputs": {
        "../victim.txt": sha256_file(tmp_path / "victim.txt"),
        "1_statement_map.png": sha256_file(tmp_path / "victim.txt")}}), encoding="utf-8")
    kept = remove_stale_outputs(out, set())
    assert (tmp_path / "victim.txt").exists() and link.is_symlink()
    assert any("not a regular file" in k for k in kept)
    assert any(k.startswith("../victim.txt") for k in kept)


def test_corpus_names_become_one_safe_path_component(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "corpus.yaml").write_text("name: ../../x\n", encoding="utf-8")
    (corpus / "articles" / "a.txt").write_text("date 2021-01-01\nText.", encoding="utf-8")
    read = read_corpus(corpus)
    inside = pipeline.PROJECT_ROOT / "corpora" / "some-corpus"
    out = pipeline.default_out_dir(read.name, inside)
    assert out.parent == pipeline.PROJECT_ROOT / "figures" and out.name == "x"
    # `stance run .` without corpus.yaml: named after the folder, not "" (figures/ itself)
    (corpus / "corpus.yaml").unlink()
    monkeypatch.chdir(corpus)
    assert read_corpus(".").name == "corpus"


@pytest.mark.slow
def test_a_corpus_outside_the_checkout_writes_beside_itself(tmp_path, nlp, st_model):
    corpus = _corpus_copy(tmp_path)
    result = pipeline.run(corpus, overrides=QUICK, progress=False, nlp=nlp, model=st_model,
                          cache_dir=tmp_path / "cache")
    assert result.out == tmp_path / "valley-stance-output"
    assert (result.out / "manifest.json").is_file()
    assert not (pipeline.PROJECT_ROOT / "figures" / "two-rivers").exists()


# --- item 2: a corpus's own settings, or none, never another corpus's ---------------------------

def test_a_typo_in_speakers_yaml_is_an_error(tmp_path, capsys):
    corpus = _corpus_copy(tmp_path)
    reg = corpus / "speakers.yaml"
    reg.write_text(reg.read_text(encoding="utf-8").replace("aliases:", "alias:", 1),
                   encoding="utf-8")
    assert cli_main(["run", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "speakers.yaml" in err and "unknown fields ['alias']" in err
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert cli_main(["statements", str(corpus)]) == 1


def test_a_yaml_error_in_corpus_yaml_is_an_error(tmp_path, capsys):
    corpus = _corpus_copy(tmp_path)
    cy = corpus / "corpus.yaml"
    cy.write_text(cy.read_text(encoding="utf-8") + "targets: [oops\n", encoding="utf-8")
    assert cli_main(["run", str(corpus), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "corpus.yaml: line" in err and "YAML syntax error" in err


@pytest.mark.slow
def test_a_missing_speakers_file_means_no_registry_said_on_screen_and_in_the_manifest(
        tmp_path, nlp, st_model, capsys):
    corpus = _corpus_copy(tmp_path)
    (corpus / "speakers.yaml").unlink()
    cy = corpus / "corpus.yaml"
    # named in corpus.yaml but missing: an error naming the field
    cy.write_text("name: valley\ntime_bin: W\nspeakers: speakers.yaml\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="speakers.yaml: speakers file not found.*field speak"):
        read_corpus(corpus)
    # not named and not there (and no axes, no targets): none, never the default corpus's
    cy.write_text("name: valley\ntime_bin: W\n", encoding="utf-8")
    result = pipeline.run(corpus, out=tmp_path / "out", overrides=QUICK, progress=True,
                          nlp=nlp, model=st_model, cache_dir=tmp_path / "cache")
    shown = capsys.readouterr().out
    assert "has no speaker registry" in shown and "has no frame axes" in shown
    assert len(result.statements) and set(result.statements["side"]) == {""}
    manifest = _manifest(result.out)
    assert manifest["settings"] == {"corpus_yaml": "corpus.yaml", "speakers": None,
                                    "axes": None, "targets": None}
    assert any("no speaker registry" in n for n in manifest["notes"])
    table = (result.out / "7_frame_axes.csv").read_text(encoding="utf-8")
    assert "no frame axes" in table and "harm" not in table and "legitimacy" not in table


def test_an_empty_folder_is_an_error_not_the_default_corpus(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli_main(["run", str(empty), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "no articles to analyse" in err and str(empty) in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_statements_without_a_registry_say_so(tmp_path, capsys):
    corpus = tmp_path / "bare"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "articles" / "a.txt").write_text(
        "date 2021-01-01\n\n\"We will hold the line,\" the mayor said.\n", encoding="utf-8")
    assert cli_main(["statements", str(corpus), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "no speaker registry" in captured.err


# --- item 4: what the run skipped is shown and recorded -----------------------------------------

@pytest.mark.slow
def test_skipped_inputs_and_warnings_reach_the_screen_and_the_manifest(tmp_path, nlp, st_model,
                                                                        capsys):
    corpus = _corpus_copy(tmp_path)
    (corpus / "articles" / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "articles" / "notes.docx").write_bytes(b"PK\x03\x04")
    (corpus / "articles" / "undated.txt").write_text("No header here.\n", encoding="utf-8")
    result = pipeline.run(corpus, out=tmp_path / "out", overrides=QUICK, progress=True,
                          nlp=nlp, model=st_model, cache_dir=tmp_path / "cache")
    shown = capsys.readouterr().out
    assert "3 skipped" in shown and "skipped articles/empty.txt: empty file" in shown
    assert "warning articles/undated.txt" in shown
    read = _manifest(result.out)["read"]
    assert read["files_read"] == 5
    assert {s["path"] for s in read["skipped"]} == {"articles/empty.txt", "articles/notes.docx",
                                                   "articles/undated.txt"}
    assert any(w["path"] == "articles/undated.txt" for w in read["warnings"])


# --- item 6: nothing is computed when results or embeddings could not be written ----------------

def _make_read_only(folder: Path) -> None:
    folder.chmod(0o555)
    if os.geteuid() == 0:        # root ignores modes: make the folder immutable instead
        done = subprocess.run(["chattr", "+i", str(folder)], check=False, capture_output=True)
        if done.returncode:
            pytest.skip("running as root without chattr: no read-only folder to test with")


@pytest.fixture
def read_only(tmp_path):
    made: list[Path] = []

    def make(name: str, db: bool = False) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        if db:
            from stance.embedding._cache import EmbeddingCache

            assert len(EmbeddingCache(folder)) == 0          # a cache database exists
        _make_read_only(folder)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=False, capture_output=True)
        folder.chmod(0o755)


def test_read_only_output_or_cache_fails_before_computing(tmp_path, read_only, monkeypatch,
                                                           capsys):
    out = read_only("out")
    called = []
    monkeypatch.setattr(pipeline, "_compute_and_write", lambda *a, **k: called.append(1))
    assert cli_main(["run", str(TWO_RIVERS), "--out", str(out), "--quiet"]) == 1
    assert f"output folder {out}: cannot write there" in capsys.readouterr().err
    cache = read_only("cache")
    monkeypatch.setenv("STANCE_CACHE_DIR", str(cache))
    assert cli_main(["run", str(TWO_RIVERS), "--out", str(tmp_path / "o2"), "--quiet"]) == 1
    assert f"embedding cache folder (STANCE_CACHE_DIR) {cache}" in capsys.readouterr().err
    assert not called


def test_a_read_only_cache_database_is_a_clear_error_naming_it(read_only):
    import numpy as np

    from stance.embedding._cache import CacheError, EmbeddingCache

    cache = EmbeddingCache(read_only("cache", db=True))
    with pytest.raises(CacheError, match=f"embedding cache {cache.path}.*STANCE_CACHE_DIR"):
        cache.put_many("m" * 64, [(b"k" * 32, np.ones(3, "float32"))])


# --- item 7: an interrupted run leaves the old outputs or a visible mark ------------------------

@pytest.mark.slow
def test_a_run_that_fails_midway_leaves_the_previous_outputs_untouched(tmp_path, nlp, st_model,
                                                                        monkeypatch):
    out = tmp_path / "out"
    _run(TWO_RIVERS, out, nlp, st_model, tmp_path / "cache")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from stance import output

    real = output.save_figure

    def crash(fig, stem, formats=("png",)):
        real(fig, stem, formats)
        raise KeyboardInterrupt          # as if killed after the first figure was written

    monkeypatch.setattr(output, "save_figure", crash)
    with pytest.raises(KeyboardInterrupt):
        _run(TWO_RIVERS, out, nlp, st_model, tmp_path / "cache", overrides={"seed": 3})
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert verify_outputs(out).passed


def test_a_run_killed_while_moving_outputs_in_is_marked_incomplete(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "statements.csv").write_text("old", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(
        {"outputs": {"statements.csv": sha256_file(out / "statements.csv")}}), encoding="utf-8")
    staged = StagedOutput(out)
    for name in ("statements.csv", "frames.csv", "manifest.json"):
        (staged.dir / name).write_text(name, encoding="utf-8")
    calls = []
    real = os.replace

    def killed(src, dst):
        calls.append(dst)
        if len(calls) == 3:                # the marker, then one output: then killed
            raise SystemExit("killed")
        real(src, dst)

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(SystemExit):
        staged.commit()
    monkeypatch.setattr(os, "replace", real)
    assert (out / INCOMPLETE_NAME).is_file()
    result = verify_outputs(out)
    assert INCOMPLETE_NAME in result.unlisted and not result.passed
    assert cli_main(["verify", str(out)]) == 1
    # another run of this (still living) process does not remove its staging folder
    StagedOutput(out).abort()
    assert staged.dir.exists()


def test_a_leftover_staging_folder_of_a_dead_process_is_removed(tmp_path):
    out = tmp_path / "out"
    dead = out / ".stance-partial-999999999-abc"
    dead.mkdir(parents=True)
    (dead / ".stance-staging").write_bytes(b"")
    (dead / "statements.csv").write_text("x", encoding="utf-8")
    mine = out / ".stance-partial-999999999-user"     # no marker: not a staging folder
    mine.mkdir()
    StagedOutput(out).abort()
    assert not dead.exists() and mine.exists()


# --- issue 14, item 5: `stance init` ------------------------------------------------------------

def test_init_writes_a_commented_skeleton_that_reads_and_resolves(tmp_path, capsys):
    folder = tmp_path / "ukraine-2022"
    assert cli_main(["init", str(folder), "--sides", "ukraine", "russia"]) == 0
    corpus_yaml = (folder / "corpus.yaml").read_text(encoding="utf-8")
    speakers_yaml = (folder / "speakers.yaml").read_text(encoding="utf-8")
    assert corpus_yaml.count("\n#") >= 10 and "# axes:" in corpus_yaml
    assert "normalised" in speakers_yaml and (folder / "articles").is_dir()
    (folder / "articles" / "a.txt").write_text("date 2022-03-01\nText.", encoding="utf-8")
    corpus = read_corpus(folder)
    assert corpus.name == "ukraine-2022"
    assert "axes" not in corpus.config and "targets" not in corpus.config   # none until written
    assert set(corpus.registry.sides) == {"ukraine", "russia", "other", "unknown"}
    who = corpus.registry.resolve("Russia's Foreign Ministry spokeswoman")
    assert who is not None and who.id == "russia-foreign-ministry"
    assert corpus.registry.resolve("the Ukraine government").side == "ukraine"
    # never overwrites
    before = speakers_yaml
    assert cli_main(["init", str(folder)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (folder / "speakers.yaml").read_text(encoding="utf-8") == before
    assert cli_main(["init", str(tmp_path / "x"), "--sides", "a"]) == 1


# --- item 6: registry patterns cannot hang the run ----------------------------------------------

def _registry_with_pattern(tmp_path: Path, pattern: str) -> Path:
    path = tmp_path / "speakers.yaml"
    path.write_text(
        "sides:\n  - {id: a, label: A, colour: '#000000'}\n"
        "speakers:\n  - id: x\n    name: X\n    side: a\n    kind: person\n"
        f"    patterns: ['{pattern}']\n", encoding="utf-8")
    return path


def test_a_nested_quantifier_pattern_is_refused_when_the_registry_loads(tmp_path):
    from stance.speakers import RegistryError, load_registry

    path = _registry_with_pattern(tmp_path, r"(\w+\s?)+ minister")
    with pytest.raises(RegistryError, match=r"speakers.yaml: line \d+: speaker 'x'.*"
                                            r"repeated group holds a quantifier"):
        load_registry(path)


def test_a_catastrophic_pattern_stops_within_its_timeout_naming_pattern_and_mention(tmp_path):
    import time

    from stance.speakers import RegistryError, load_registry

    registry = load_registry(_registry_with_pattern(tmp_path, "(a|aa)+$"))
    start = time.perf_counter()
    with pytest.raises(RegistryError, match=r"'\(a\|aa\)\+\$' \(speaker 'x'\) took more than"):
        registry.resolve("a" * 60 + "b said")
    assert time.perf_counter() - start < 5      # not 140 s (regex checks its timeout coarsely)


# --- item 3: reading does not garble or lose data without a word ---------------------------------

def test_a_windows_1251_file_is_decoded_as_such_and_the_choice_is_said(tmp_path):
    text = ("Министерство обороны Армении заявило, что ночью азербайджанские войска обстреляли "
            "Степанакерт. «Мы ответим», — сказал представитель министерства.")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "ru.txt").write_bytes(
        f"date 2020-10-05 | source example.ru\n\n{text}\n".encode("cp1251"))
    corpus = read_corpus(tmp_path)
    assert corpus.articles["text"].iloc[0] == text
    assert corpus.articles["flags"].iloc[0].split(";")[0] == "cp1251"
    (_, message), = [w for w in corpus.report.warnings if w[0] == "articles/ru.txt"]
    assert message.startswith("decoded as cp1251 (detected by charset-normalizer")


def test_an_unclosed_quote_in_a_csv_row_does_not_swallow_the_next_rows(tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "rows.csv").write_text(
        "text,date,source\n"
        '"The ministry said, ""we hold the line"",2020-10-01,a\n'   # the quote is never closed
        "Another statement from the council.,2020-10-02,b\n"
        '"A proper field,\nover two lines.",2020-10-03,c\n'
        "The last row.,2020-10-04,d\n", encoding="utf-8")
    corpus = read_corpus(tmp_path)
    texts = corpus.articles.sort_values("date")["text"].tolist()
    assert texts == ["Another statement from the council.", "A proper field,\nover two lines.",
                     "The last row."]
    (where, reason), = corpus.report.skipped
    assert where == "articles/rows.csv" and "row 1 (line 2): a quote opened in this row is never" \
        " closed" in reason


def test_a_stray_quote_mark_does_not_swallow_the_other_speakers_of_its_paragraph(nlp):
    import pandas as pd

    from stance.extract import extract_statements
    from stance.read._corpus import corpus_from_articles
    from stance.speakers import load_registry

    text = ('Northland\'s Defense Ministry said on Monday that the "enemy shelled Mirel overnight. '
            "Tomas Vell said Southland forces had not fired a single shell. "
            "The Lake Council called for an immediate ceasefire.\n\n"
            "Ana Ferro said the army would respond.")
    arts = pd.DataFrame({"article_id": ["a"], "date": [pd.Timestamp("2021-03-01")],
                         "text": [text]})
    corpus = corpus_from_articles(arts, load_registry(TWO_RIVERS / "speakers.yaml"))
    st = extract_statements(corpus, nlp=nlp, progress=False).set_index("speaker")
    assert {"tomas-vell", "lake-council", "ana-ferro"} <= set(st.index)
    assert st.loc["tomas-vell", "text"] == "Southland forces had not fired a single shell"
    assert not st["text"].str.contains("Tomas Vell said").any()   # no quote up to the paragraph end


# --- item 6: long texts ---------------------------------------------------------------------------

def test_an_article_over_the_size_limit_is_skipped_with_a_clear_message(tmp_path):
    from stance.read._corpus import MAX_ARTICLE_CHARS

    (tmp_path / "articles").mkdir()
    long_text = "The council met again. " * (MAX_ARTICLE_CHARS // 23 + 1)
    (tmp_path / "articles" / "huge.txt").write_text(f"date 2021-01-01\n{long_text}",
                                                    encoding="utf-8")
    (tmp_path / "articles" / "ok.txt").write_text("date 2021-01-02\nA short one.",
                                                  encoding="utf-8")
    corpus = read_corpus(tmp_path)
    assert corpus.articles["article_id"].tolist() == ["ok"]
    (where, reason), = corpus.report.skipped
    assert where == "articles/huge.txt"
    assert reason.startswith(f"{len(long_text.strip()):,} characters, more than the limit of "
                             f"{MAX_ARTICLE_CHARS:,} (max_article_chars in corpus.yaml)")
    (tmp_path / "corpus.yaml").write_text(f"max_article_chars: {2 * MAX_ARTICLE_CHARS}\n",
                                          encoding="utf-8")
    assert len(read_corpus(tmp_path)) == 2          # a corpus may raise its limit


def test_another_corpus_settings_only_when_a_run_config_names_them(tmp_path):
    corpus = tmp_path / "bare"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "articles" / "a.txt").write_text("date 2021-01-01\nText.", encoding="utf-8")
    run_config = tmp_path / "run.yaml"
    run_config.write_text(f"speakers: {TWO_RIVERS / 'speakers.yaml'}\n"
                          f"axes: {TWO_RIVERS / 'corpus.yaml'}\n", encoding="utf-8")
    read = read_corpus(corpus)
    cfg = pipeline.resolve_config(read.config, run_config)
    notes: list[str] = []
    pipeline._own_settings(read, cfg, notes)
    assert [a["name"] for a in cfg["axes"]] == ["harm", "escalation"]
    assert "northland" in read.registry.sides
    origin = pipeline.settings_origin(read, cfg, run_config, None)
    assert origin["speakers"] == f"run config run.yaml ({TWO_RIVERS / 'speakers.yaml'})"
    assert origin["axes"] == f"run config run.yaml ({TWO_RIVERS / 'corpus.yaml'})"
    assert origin["targets"] is None and origin["corpus_yaml"] is None
    assert notes == [("bare has no stance targets ('targets' in corpus.yaml or a run config): "
                      "stance_by_side is drawn as a note.")]


# --- item 9: figures a reviewer would question ----------------------------------------------------

def test_tied_keywords_come_from_the_frames_most_central_statement_not_the_alphabet():
    from stance.frames._ctfidf import class_tfidf

    texts = ["alpha beta gamma", "delta epsilon", "omega zeta theta"]   # every term occurs once
    top = class_tfidf(texts, [0, 1, 0], n_keywords=1, centrality=[0.1, 0.5, 0.9])
    assert top[0][0][0] == "omega"                      # the central text's word, not "alpha"
    assert class_tfidf(texts, [0, 1, 0], n_keywords=1)[0][0][0] == "alpha"   # no centrality


def _axis_rows(axis, spread):
    import pandas as pd

    return [{"axis": axis, "pole_a": "a", "pole_b": "b", "level": "speaker", "group": g,
             "group_label": g, "side": "x", "bin": pd.NaT, "position": p * spread,
             "lo": (p - 0.1) * spread, "hi": (p + 0.1) * spread, "n": 5}
            for g, p in (("one", -0.5), ("two", 0.5))]


def test_frame_axes_panels_share_one_scale_and_say_so():
    import pandas as pd

    from stance.figures import plot_frame_axes

    table = pd.DataFrame(_axis_rows("harm", 1.0) + _axis_rows("escalation", 0.02))
    fig = plot_frame_axes(table, None, freq="W")
    left = [ax for ax in fig.axes if ax.get_title(loc="left").endswith("whole corpus")]
    assert len(left) == 2 and left[0].get_xlim() == left[1].get_xlim()
    assert any("share one scale" in t.get_text() for t in fig.texts)


def _time_rows(small):
    import pandas as pd

    return pd.DataFrame({
        "group": ["x", "x", "y", "y"], "bin": pd.to_datetime(["2021-03-01", "2021-03-08"] * 2),
        "frame": [0] * 4, "frame_label": ["talks"] * 4, "count": [1, 4, 0, 3],
        "n": [1, 8, 2, 6], "share": [1.0, 0.5, 0.0, 0.5], "lo": [1.0, 0.3, 0.0, 0.2],
        "hi": [1.0, 0.7, 0.0, 0.8], "small_n": small})


def _hollow(fig) -> int:
    from matplotlib.collections import PathCollection

    count = 0
    for ax in fig.axes:
        for coll in ax.collections:
            if isinstance(coll, PathCollection) and len(coll.get_offsets()):
                fc = coll.get_facecolors()
                count += int(len(fc) and (fc[:, :3] == 1).all())
        for line in ax.lines:
            count += int(line.get_markerfacecolor() in ("white", "w", (1, 1, 1, 1)))
    return count


def test_small_samples_are_marked_on_figures_3_and_5_with_their_counts():
    import pandas as pd

    from stance.figures import plot_convergence, plot_frame_shares_over_time

    fig3 = plot_frame_shares_over_time(_time_rows([True, False, True, False]), None, freq="W")
    assert _hollow(fig3) >= 2
    texts = {t.get_text() for ax in fig3.axes for t in ax.texts}
    assert "1/1" in texts           # a share of 100% from one statement says so
    drift = pd.DataFrame({"bin": pd.to_datetime(["2021-03-01", "2021-03-08"]), "a": ["x", "x"],
                          "b": ["y", "y"], "similarity": [0.4, 0.6], "lo": [0.3, 0.5],
                          "hi": [0.5, 0.7], "n_a": [1, 8], "n_b": [2, 6],
                          "small_n": [True, False]})
    assert _hollow(plot_convergence(drift, None, freq="W")) == 1


def test_statement_map_labels_lie_below_the_points():
    import numpy as np
    import pandas as pd

    from stance.figures import plot_statement_map
    from stance.figures._statement_map import POINT_COLUMNS

    rng = np.random.default_rng(0)
    points = pd.DataFrame({c: [""] * 6 for c in POINT_COLUMNS})
    points = points.assign(x=rng.normal(size=6), y=rng.normal(size=6), frame=[0, 0, 0, 1, 1, 1],
                           frame_label=["a"] * 3 + ["b"] * 3, side="x", speaker="s",
                           speaker_label="S")
    fig = plot_statement_map(points, None)
    ax = fig.axes[0]
    point_z = min(c.get_zorder() for c in ax.collections)
    assert ax.texts and all(t.get_zorder() < point_z for t in ax.texts)
