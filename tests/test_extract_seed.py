"""The seed article against the project's own hand-made gold, the scorer, and the command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stance.cli import main
from stance.extract._evaluate import load_gold, match, score_statements, tokens

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpora" / "nagorno-karabakh-2020"
GOLD = CORPUS / "gold"


@pytest.fixture(scope="module")
def seed(nlp):
    from stance.extract import extract_statements
    from stance.read._corpus import read_corpus

    corpus = read_corpus(CORPUS)
    return corpus, extract_statements(corpus, nlp=nlp, progress=False)


def test_gold_file_is_well_formed():
    (gold,) = load_gold(GOLD).values()
    raw = (CORPUS / "articles" / gold["file"]).read_text(encoding="utf-8")
    body = raw.split("\n", 1)[1]
    assert len(gold["statements"]) >= 15
    assert len({s["speaker"] for s in gold["statements"]}) >= 8
    for s in gold["statements"]:
        assert s["content"] in body and s["mention"] in body
        assert s["kind"] in ("direct", "indirect", "mixed", "act", "authored")
    for n in gold["narration"]:
        assert n in body


def test_seed_statements_match_the_gold_with_right_sides(seed):
    _, st = seed
    res = score_statements(st, GOLD)
    assert res["recall"] == 1.0, res["misses"]
    assert res["side_accuracy"] == 1.0, res["wrong_side"]
    assert res["narration_false_positives"] == 0
    # the only extra predictions are the three statements whose content the scraper lost
    extra = st[st["flags"].str.contains("damaged")]
    assert len(extra) == 3 and res["pred"] - res["matched"] == 3
    clean = score_statements(st, GOLD, skip_flag="damaged")
    assert clean["end_to_end_f1"] == 1.0


def test_seed_speakers_and_kinds(seed):
    _, st = seed

    def one(fragment):
        hits = st[st["text"].str.contains(fragment, regex=False)]
        if len(hits) > 1:
            hits = hits[hits["text"] == fragment]
        assert len(hits) == 1, fragment
        return hits.iloc[0]

    assert one("New strikes are targeting Stepanakert").kind == "direct"
    deaths = one("there had been deaths")
    assert deaths.mention == "It" and deaths.speaker_name == "Nagorno-Karabakh Foreign Ministry"
    assert "coref" in deaths["flags"]
    assert one("cars and buildings on fire").cue == "released footage"
    assert one("immediate cessation of hostilities").kind == "mixed"
    assert one("immediate cessation of hostilities").side == "mediator"
    assert one("Azerbaijan will destroy military targets").speaker_name == "Hikmet Hajiyev"
    assert one("launching the attack from inside its territory").mention == "Baku"
    # bare "Officials" (a damaged sentence) are the Azerbaijani officials named before
    officials = st[st["mention"] == "Officials"].iloc[0]
    assert officials.speaker_name == "Azerbaijani government" and "coref" in officials["flags"]
    assert "damaged" in officials["flags"]
    minister = one("Baku accused Armenia of launching the attack from inside its territory")
    assert minister.speaker_name == "Zakir Hasanov" and minister.cue == "stated"


def test_photo_credit_and_narration_are_no_statements(seed):
    corpus, st = seed
    credit = corpus.articles["credit"].iloc[0]
    assert "Hajiyev" in credit
    assert not st["mention"].str.contains("©|Defense Ministry of Armenia").any()
    for sentence in ("Heavy fighting continued on Sunday", "There were power outages",
                     "Both sides introduced martial law"):
        assert not st["text"].str.contains(sentence).any()


def test_scorer_matching_rule():
    assert tokens("“Hello,” World's 2nd") == ["hello", "world", "s", "2nd"]
    gold = ["the army shelled the town at night", "talks must resume"]
    pred = ["talks must resume soon", "x", "the army shelled the town"]
    assert sorted(match(pred, gold)) == [(0, 2), (1, 0)]
    # too little of the gold content, or too much that is not in it: no match
    assert match(["the army"], gold) == []
    assert match(["talks " + "word " * 20], ["talks must resume"]) == []


def test_scorer_end_to_end_counts_sides():
    gold = {"a": {"statements": [
        {"content": "the army shelled the town", "side": "north"},
        {"content": "talks must resume", "side": "south"},
        {"content": "lost text", "side": "south", "damaged": True}],
        "narration": ["It rained all day."]}}
    pred = pd.DataFrame({"article_id": ["a", "a", "a"],
                         "text": ["the army shelled the town", "talks must resume", "It rained all day"],
                         "side": ["north", "north", ""], "flags": ["", "", ""]})
    res = score_statements(pred, gold)
    assert (res["gold"], res["pred"], res["matched"]) == (2, 3, 2)
    assert res["side_accuracy"] == 0.5 and res["narration_false_positives"] == 1
    assert res["end_to_end_f1"] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2), abs=1e-3)


def test_statements_command_writes_the_table_and_a_summary(tmp_path, capsys):
    out = tmp_path / "st.csv"
    assert main(["statements", str(CORPUS), "-o", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out, keep_default_na=False)
    assert len(table) >= 15 and f"{len(table)} statements" in printed
    assert "by side:" in printed and "Hikmet Hajiyev" in printed
    res = score_statements(table, GOLD)
    assert res["recall"] == 1.0
    assert main(["statements", str(CORPUS), "-o", str(tmp_path / "st.txt")]) == 1
