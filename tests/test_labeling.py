"""Hand labels: the export sheet, the import with named bad rows, storage that keeps earlier labels,
agreement, and the ``stance label`` command (on statements written for the tests)."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from stance.cli import main
from stance.embedding._embed import embed
from stance.tables import STATEMENT_COLUMNS, normalize_statements
from stance.targets import load_targets, zero_shot_stance
from stance.targets._labels import (
    LABEL_COLUMNS,
    SHEET_COLUMNS,
    LabelError,
    agreement,
    label_path,
    read_label_sheet,
    read_labels,
    select_for_labelling,
    store_labels,
    write_label_sheet,
    zero_shot_uncertainty,
)

TARGETS_YAML = """\
name: test-corpus
targets:
  - name: truce
    question: Does the speaker support a truce?
    relevance: [a ceasefire, a truce, peace talks]
    positions:
      supports: [we call for an immediate ceasefire, the truce must be respected]
      rejects: [there will be no truce, we will fight until victory]
"""

#: (speaker, side, text): texts with commas, quotes, a line break, non-ASCII and edge spaces,
#: so the CSV round trip is tested on what breaks CSVs
WRITTEN = [
    ("envoy", "mediator", "We call on both sides to stop firing, now."),
    ("envoy", "mediator", 'The truce is "fragile" but it must hold.'),
    ("envoy", "mediator", "Talks in Geneva, they said,\nwould resume on Monday."),
    ("envoy", "mediator", "a return to peace talks"),
    ("envoy", "mediator", "The weather in Paris was mild on Tuesday."),
    ("envoy", "mediator", "Observers will monitor the ceasefire line."),
    ("minister", "north", "There will be no ceasefire while they occupy our land."),
    ("minister", "north", "We will fight until the last village is free \u2014 whatever it takes."),
    ("minister", "north", "  Our army destroyed two tanks near the river.  "),
    ("minister", "north", "Caf\u00e9 owners in the capital reopened their shops."),
    ("general", "south", "The enemy violated the truce overnight."),
    ("general", "south", "We support the humanitarian ceasefire."),
    ("", "", "an immediate end to the fighting"),
]


@pytest.fixture(scope="module")
def setting(st_model, tmp_path_factory):
    rows = []
    for i, (speaker, side, text) in enumerate(WRITTEN):
        rows.append({"statement_id": f"s{i:02d}", "article_id": f"art{i % 5}",
                     "date": "2020-10-05", "speaker": speaker, "speaker_name": speaker.title(),
                     "side": side, "mention": speaker or "they", "cue": "said",
                     "kind": "direct", "text": text, "sentence": f"Context: {text}",
                     "start": 0, "end": len(text), "mention_start": 0, "mention_end": 1,
                     "flags": "", "confidence": 1.0})
    statements = normalize_statements(pd.DataFrame(rows, columns=STATEMENT_COLUMNS))
    cache = tmp_path_factory.mktemp("cache")
    vectors = embed(statements, model=st_model, cache_dir=cache, progress=False)
    import yaml

    targets = load_targets(yaml.safe_load(TARGETS_YAML))
    zs = zero_shot_stance(statements, vectors, targets,
                          lambda t: embed(list(t), model=st_model, cache_dir=cache,
                                          progress=False))
    return statements, vectors, targets, zs


def test_export_then_import_round_trip_loses_nothing(setting, tmp_path):
    statements, vectors, targets, zs = setting
    target = targets[0]
    sheet = select_for_labelling(statements, vectors, target, zero_shot=zs, n=len(statements))
    assert list(sheet.columns) == SHEET_COLUMNS
    assert (sheet["position"] == "").all() and (sheet["target"] == "truce").all()
    path = write_label_sheet(sheet, tmp_path / "sheet.csv")
    labels, back = read_label_sheet(path, targets)
    assert labels.empty  # nothing filled in yet: nothing labelled, nothing lost
    pd.testing.assert_frame_equal(back, sheet, check_dtype=False)
    by_id = statements.set_index("statement_id")
    for row in back.itertuples():  # texts come back byte for byte
        assert row.text == by_id.loc[row.statement_id, "text"]
        assert row.sentence == by_id.loc[row.statement_id, "sentence"]
    # a person fills some positions (any case, stray spaces), leaves one row empty
    filled = back.copy()
    answers = ["Supports ", "rejects", "none", "", "supports"]
    filled.loc[:4, "position"] = answers
    filled.to_csv(tmp_path / "filled.csv", index=False)
    labels, _ = read_label_sheet(tmp_path / "filled.csv", targets)
    assert list(labels.columns) == LABEL_COLUMNS
    assert labels["position"].tolist() == ["supports", "rejects", "none", "supports"]
    assert labels["statement_id"].tolist() == [filled.loc[i, "statement_id"] for i in (0, 1, 2, 4)]
    report = store_labels(labels, tmp_path / "labels", target)
    assert (report.added, report.changed, report.total) == (4, 0, 4)
    stored = read_labels(label_path(tmp_path / "labels", "truce"), targets)
    pd.testing.assert_frame_equal(stored.sort_values("statement_id").reset_index(drop=True),
                                  labels.sort_values("statement_id").reset_index(drop=True))


def test_store_merges_without_losing_earlier_labels(tmp_path, setting):
    targets = setting[2]
    first = pd.DataFrame({"statement_id": ["s01", "s02"], "target": "truce",
                          "position": ["supports", "none"]})
    second = pd.DataFrame({"statement_id": ["s02", "s03"], "target": "truce",
                           "position": ["rejects", "supports"]})
    store_labels(first, tmp_path, targets[0])
    report = store_labels(second, tmp_path, targets[0])
    assert (report.added, report.changed, report.unchanged, report.total) == (1, 1, 0, 3)
    assert report.changes == [("s02", "none", "rejects")]
    stored = read_labels(tmp_path / "truce.csv", targets)
    assert dict(zip(stored["statement_id"], stored["position"], strict=True)) == {
        "s01": "supports", "s02": "rejects", "s03": "supports"}
    assert (tmp_path / "truce.csv").read_text().splitlines()[0] == "statement_id,target,position"


def test_bad_rows_are_named_with_their_lines(tmp_path, setting):
    targets = setting[2]
    path = tmp_path / "bad.csv"
    path.write_text(textwrap.dedent("""\
        statement_id,target,position,text
        s01,truce,supports,"fine"
        s02,truce,supprts,"a typo"
        s03,sanctions,supports,"unknown target"
        ,truce,none,"no id"
        s04,truce,rejects,"a text
        over two lines"
        s04,truce,supports,"contradicts line 6"
        s05,truce,,"not labelled: skipped"
        """), encoding="utf-8")
    with pytest.raises(LabelError) as err:
        read_label_sheet(path, targets)
    msg = str(err.value)
    assert "4 bad row(s)" in msg
    assert f"{path} line 3: position 'supprts' is not one of target 'truce'" in msg
    assert "line 4: unknown target 'sanctions'" in msg
    assert "line 5: empty statement_id" in msg
    assert "line 8: statement s04 has position 'supports' here but 'rejects' on line 6" in msg
    assert "line 2" not in msg and "line 9" not in msg
    (tmp_path / "cols.csv").write_text("statement_id,position\ns1,none\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"missing column\(s\) \['target'\]"):
        read_label_sheet(tmp_path / "cols.csv", targets)
    with pytest.raises(LabelError, match=r"line 9: empty position"):
        read_labels(tmp_path / "bad.csv", targets)  # stored labels must all be filled


def test_selection_is_uncertain_first_and_round_robin_over_speakers(setting):
    statements, vectors, targets, zs = setting
    sheet = select_for_labelling(statements, vectors, targets[0], zero_shot=zs, n=4)
    # four rows from four different speakers (three named, one unresolved), not four from the
    # speaker with most statements
    assert sheet["speaker"].nunique() == 4
    unc = pd.Series(zero_shot_uncertainty(zs[zs["target"] == "truce"]),
                    index=zs.loc[zs["target"] == "truce", "statement_id"].to_numpy())
    envoy = statements.loc[statements["speaker"] == "envoy", "statement_id"]
    first_envoy = sheet.loc[sheet["speaker"] == "Envoy", "statement_id"].iloc[0]
    assert unc[first_envoy] == unc[envoy].max()
    # labelled statements are not offered again; with enough labels the classifier decides
    labels = pd.DataFrame({"statement_id": ["s00", "s01", "s06", "s07", "s04"], "target": "truce",
                           "position": ["supports", "supports", "rejects", "rejects", "none"]})
    again = select_for_labelling(statements, vectors, targets[0], zero_shot=zs, labels=labels,
                                 n=len(statements))
    assert not set(again["statement_id"]) & set(labels["statement_id"])
    assert len(again) == len(statements) - len(labels)
    assert set(again["suggested"]) <= {"supports", "rejects", "none"}


def test_agreement_with_labels(setting):
    statements, vectors, targets, zs = setting
    zst = zs[zs["target"] == "truce"]
    labels = zst.loc[:, ["statement_id", "target", "position"]].replace("unclear", "none")
    labels = pd.concat([labels, pd.DataFrame({"statement_id": ["gone"], "target": ["truce"],
                                              "position": ["none"]})])
    res = agreement(labels, statements, vectors, targets[0], zs, n_boot=50)
    assert res["labels"] == len(statements) + 1 and res["not_found"] == 1
    unclear = int((zst["position"] == "unclear").sum())
    assert res["zero_shot"]["accuracy"] == pytest.approx(1 - unclear / len(statements), abs=1e-4)
    assert res["zero_shot"]["unclear"] == unclear
    assert res["majority_baseline"]["accuracy"] <= 1


def test_label_command_round_trip(setting, tmp_path, monkeypatch, capsys, st_model):
    statements, _, _, _ = setting
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    corpus = tmp_path / "corpus"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "corpus.yaml").write_text(TARGETS_YAML, encoding="utf-8")
    (corpus / "articles" / "2020-10-05_test.txt").write_text(
        "Title: A test\nDate: 2020-10-05\n\nThe envoy said the truce must hold.\n",
        encoding="utf-8")
    table = tmp_path / "statements.parquet"
    statements.to_parquet(table)
    sheet = tmp_path / "sheet.csv"
    args = ["--statements", str(table), "--no-progress"]
    assert main(["label", "export", str(corpus), "--target", "truce", "-n", "6", "-o", str(sheet),
                 *args]) == 0
    assert "wrote 6 statements for target 'truce'" in capsys.readouterr().out
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    filled["position"] = ["supports", "rejects", "none", "supports", "rejects", "none"]
    filled.to_csv(sheet, index=False)
    assert main(["label", "import", str(sheet), str(corpus), *args]) == 0
    out = capsys.readouterr().out
    assert "6 added, 0 changed" in out and "zero-shot:" in out
    stored = read_labels(corpus / "labels" / "truce.csv")
    assert sorted(stored["statement_id"]) == sorted(filled["statement_id"])
    filled.loc[0, "position"] = "maybe"
    filled.to_csv(sheet, index=False)
    assert main(["label", "import", str(sheet), str(corpus), *args]) == 1
    assert "line 2: position 'maybe'" in capsys.readouterr().err
    assert np.array_equal(read_labels(corpus / "labels" / "truce.csv"), stored)  # unchanged
