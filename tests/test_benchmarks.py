"""The measuring instruments of benchmarks/: the PolNeAR (BRAT) reader, span scoring, the peers.

Fixtures under tests/fixtures/polnear/ are invented sentences laid out like PolNeAR.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import _common as bc

POLNEAR = ROOT / "tests" / "fixtures" / "polnear"
ALPHA = "alpha_2020-01-01_bridge"
BETA = "beta_2020-02-02_museum"


def _text(article_id: str) -> str:
    return (POLNEAR / "dev" / "text" / f"{article_id}.txt").read_bytes().decode("utf-8")


def _spans_text(text: str, spans) -> str:
    return " ".join(text[s:e] for s, e in spans)


# --- reading ----------------------------------------------------------------------------------

def test_read_brat_relations_roles_and_discontinuous_spans():
    text = _text(ALPHA)
    doc = bc.read_brat(POLNEAR / "dev" / "attributions" / f"{ALPHA}_aa11.ann", len(text))
    rels = {r.id: r for r in doc.relations}
    assert sorted(rels) == ["E1", "E2", "E3", "E4"]
    assert doc.skipped == ["E5"]  # a relation without Content is no gold statement
    assert _spans_text(text, rels["E1"].source) == "Mayor Lina Ostrova"
    assert _spans_text(text, rels["E1"].cue) == "said"
    assert _spans_text(text, rels["E1"].content) == "the bridge would reopen in May"
    # role order on the E line does not matter
    assert _spans_text(text, rels["E2"].source) == "the treasurer"
    # discontinuous content: two fragments, in text order, the cue between them left out
    assert len(rels["E3"].content) == 2
    assert _spans_text(text, rels["E3"].content) == (
        '"The plan is sound," "and it will be finished on time."')
    # no source
    assert rels["E4"].source == () and rels["E4"].trigger == "Attribution-no-source"
    # the surface text that ran onto the next lines stays with its span
    assert doc.spans["T17"].type == "Discuss"
    assert doc.spans["T17"].text.endswith("\n\nMayor")


@pytest.mark.parametrize("line, message", [
    ("T1\tContent 10 x\tabc", "bad span offsets"),
    ("T1\tContent 10 5\tabc", "before start"),
    ("T1\tContent 10 20;30\tabc", "bad span offsets"),
    ("T1\tContent 0 3\tabc\nE1\tAttribution:T9 Content:T1", "unknown span T9"),
    ("T1\tContent 0 3\tabc\nE1\tAttribution:T1 Content", "bad relation argument"),
    ("garbage at the top", "not a BRAT standoff line"),
])
def test_read_brat_errors_name_file_and_line(tmp_path, line, message):
    ann = tmp_path / "x_aa.ann"
    ann.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message) as info:
        bc.read_brat(ann)
    assert str(ann) in str(info.value)
    assert ":1:" in str(info.value) or ":2:" in str(info.value)


def test_read_brat_rejects_span_past_end_of_text(tmp_path):
    ann = tmp_path / "x_aa.ann"
    ann.write_text("T1\tContent 0 50\tabc\n", encoding="utf-8")
    with pytest.raises(ValueError, match="past the end"):
        bc.read_brat(ann, text_length=20)


def test_load_polnear_first_annotator_exact_text_and_limit():
    arts = bc.load_polnear(POLNEAR, "dev")
    # the unannotated text is not part of the gold set
    assert [a.article_id for a in arts] == [ALPHA, BETA]
    alpha, beta = arts
    # text kept byte-exact (CRLF line ends are not translated), so offsets hold
    assert "\r\n" in alpha.text
    rel = alpha.relations[0]
    assert alpha.text[rel.content[0][0]:rel.content[0][1]] == "the bridge would reopen in May"
    assert alpha.skipped == 1
    # two annotators of beta: the first .ann in sorted order (bb22, one relation) counts
    assert beta.ann_path.name.endswith("_bb22.ann")
    assert len(beta.relations) == 1
    assert [a.article_id for a in bc.load_polnear(POLNEAR, "dev", limit=1)] == [ALPHA]


def test_load_polnear_missing_split_and_missing_text(tmp_path):
    with pytest.raises(FileNotFoundError, match="no PolNeAR split 'test'"):
        bc.load_polnear(POLNEAR, "test")
    (tmp_path / "dev" / "text").mkdir(parents=True)
    (tmp_path / "dev" / "attributions").mkdir()
    (tmp_path / "dev" / "attributions" / "lonely_x1.ann").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="no text file"):
        bc.load_polnear(tmp_path, "dev")


# --- scoring ----------------------------------------------------------------------------------

def _gold(content, source=()):
    return bc.GoldRelation("E", "Attribution", bc.merge_spans(content), bc.merge_spans(source))


def test_overlap_threshold_is_thirty_percent_of_gold_length():
    gold = [_gold([(100, 200)])]
    assert bc.match_spans(gold, [bc.Predicted(170, 300)]) == [(0, 0)]  # 30 of 100
    assert bc.match_spans(gold, [bc.Predicted(171, 300)]) == []  # 29 of 100
    # discontinuous gold: length is the sum of the fragments, overlap counted per fragment
    gold = [_gold([(0, 10), (20, 30)])]
    assert bc.match_spans(gold, [bc.Predicted(4, 20)]) == [(0, 0)]  # 6 of 20
    assert bc.match_spans(gold, [bc.Predicted(5, 20)]) == []  # 5 of 20


def test_matching_is_one_to_one_and_greedy_by_overlap():
    gold = [_gold([(0, 100)]), _gold([(100, 200)])]
    wide = bc.Predicted(40, 200)  # covers 60% of gold 0 and 100% of gold 1
    small = bc.Predicted(0, 50)  # covers 50% of gold 0
    assert bc.match_spans(gold, [wide, small]) == [(0, 1), (1, 0)]
    # one prediction cannot match two gold statements
    assert bc.match_spans(gold, [wide]) == [(1, 0)]



def test_the_benchmarks_and_the_package_share_one_greedy_matcher(monkeypatch):
    import stance.extract
    from stance.extract import _evaluate

    calls = []
    real = stance.extract.greedy_match

    def spy(cands):
        cands = list(cands)
        calls.append(len(cands))
        return real(cands)

    monkeypatch.setattr(stance.extract, "greedy_match", spy)
    monkeypatch.setattr(_evaluate, "greedy_match", spy)
    gold = [_gold([(10, 40)])]
    assert bc.match_spans(gold, [bc.Predicted(10, 40)]) == [(0, 0)]
    assert _evaluate.match(["talks must resume now"], ["talks must resume now"]) == [(0, 0)]
    assert calls == [1, 1]

def test_speaker_right_rules():
    with_source = _gold([(0, 50)], [(60, 70)])
    no_source = _gold([(0, 50)])
    assert bc.speaker_right(with_source, bc.Predicted(0, 50, 65, 80))
    assert not bc.speaker_right(with_source, bc.Predicted(0, 50, 70, 80))  # touching is not overlap
    assert not bc.speaker_right(with_source, bc.Predicted(0, 50))  # no speaker predicted
    assert bc.speaker_right(no_source, bc.Predicted(0, 50))
    assert not bc.speaker_right(no_source, bc.Predicted(0, 50, 60, 70))


def test_score_attribution_counts_and_figures():
    gold = {"a": [_gold([(0, 100)], [(110, 120)]), _gold([(200, 300)], [(310, 320)]),
                  _gold([(400, 500)])],
            "b": [_gold([(0, 10)], [(20, 30)])]}
    pred = {"a": [bc.Predicted(0, 90, 110, 115),  # match, speaker right
                  bc.Predicted(250, 300, 0, 5),  # match, speaker wrong
                  bc.Predicted(600, 700)],  # false positive
            "c": [bc.Predicted(0, 10)]}  # article without gold: false positive
    s = bc.score_attribution(gold, pred)
    assert (s.gold, s.predicted, s.matched, s.speaker_right) == (4, 4, 2, 1)
    assert sorted(s.misses) == [("a", 2), ("b", 0)]
    assert sorted(s.false_positives) == [("a", 2), ("c", 0)]
    out = s.summary()
    assert out["precision"] == 0.5 and out["recall"] == 0.5 and out["f1"] == 0.5
    assert out["speaker_accuracy"] == 0.5
    assert out["end_to_end_precision"] == 0.25 and out["end_to_end_f1"] == 0.25
    assert out["articles"] == 2


def test_score_attribution_empty_predictions_give_zero_not_error():
    s = bc.score_attribution({"a": [_gold([(0, 10)])]}, {})
    assert s.summary()["f1"] == 0.0 and s.summary()["speaker_accuracy"] == 0.0


# --- the peers --------------------------------------------------------------------------------

def test_textacy_quotes_offsets_and_unclosed_quote_fallback(nlp):
    text = ('"The new road will open next year, and the old one will close," Mayor Ostrova said.'
            '\n\nHe called it "the best plan\n\n'
            '"Prices will rise again soon, and nobody can stop them," the minister told reporters.')
    quotes, fell_back = bc.textacy_quotes(nlp(text))
    assert fell_back  # the odd quote mark makes textacy refuse the whole text
    assert len(quotes) == 2
    first, second = sorted(quotes, key=lambda q: q.start)
    # content spans include the marks and map back to the text; the paragraph with the
    # unclosed quote yields nothing, the third paragraph's offsets are shifted back correctly
    assert text[first.start:first.end] == (
        '"The new road will open next year, and the old one will close,"')
    assert first.content == "The new road will open next year, and the old one will close,"
    assert text[second.start:second.end] == (
        '"Prices will rise again soon, and nobody can stop them,"')
    for q in quotes:
        assert text[q.mention_start:q.mention_end] == q.mention
    assert (first.mention, second.mention) == ("Mayor Ostrova", "minister")
    assert (first.cue, second.cue) == ("said", "told")


def test_cue_sentence_baseline_takes_cue_sentences_and_first_resolved_entity(nlp):
    from stance.speakers import registry_from_dict

    registry = registry_from_dict({
        "sides": [{"id": "north", "label": "North", "colour": "#112233"}],
        "speakers": [{"id": "ostrova", "name": "Lina Ostrova", "side": "north", "kind": "person",
                      "aliases": ["Lina Ostrova", "Ostrova"]}],
    })
    text = ("Heavy rain fell over Marren on Monday. "
            "Lina Ostrova accused Peter Wald of lying to the council. "
            "According to Peter Wald, the money was spent on schools.")
    rows = bc.cue_sentence_baseline(nlp(text), registry)
    assert [r["text"][:11] for r in rows] == ["Lina Ostrov", "According t"]
    assert rows[0]["speaker"] == "ostrova" and rows[0]["side"] == "north"
    assert text[rows[0]["mention_start"]:rows[0]["mention_end"]] == rows[0]["mention"]
    assert rows[1]["speaker"] == "" and rows[1]["mention"] == ""  # Wald is not in the registry


def test_cue_lemma_finds_the_verb_of_a_cue_phrase(nlp):
    assert bc.cue_lemma(nlp("has said")) == "say"
    assert bc.cue_lemma(nlp("According to")) == "according to"
    assert bc.cue_lemma(nlp("It was reported")) == "report"
    assert bc.cue_lemma(nlp("shows")) not in bc.SPEECH_CUE_LEMMAS


# --- the script -------------------------------------------------------------------------------

def test_attribution_script_skips_cleanly_without_data(tmp_path, capsys):
    from benchmarks import attribution_polnear

    with pytest.raises(SystemExit) as info:
        attribution_polnear.main(["--data", str(tmp_path / "absent")])
    assert info.value.code == 0
    assert "skipped" in json.loads(capsys.readouterr().out)


def test_attribution_script_runs_on_another_copy_of_the_layout(nlp, tmp_path, capsys):
    from benchmarks import attribution_polnear

    errors = tmp_path / "errors.json"
    assert attribution_polnear.main(["--data", str(POLNEAR), "--errors", str(errors)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["articles"] == 2 and out["gold_statements"] == 5
    assert out["gold_without_source"] == 1 and out["gold_relations_without_content_skipped"] == 1
    # said, told, said, "It was reported", announced: all verbs of saying
    assert (out["gold_with_speech_cue"], out["gold_with_other_cue"]) == (5, 0)
    for system in ("stance", "textacy_direct_quotations"):
        fig = out[system]
        assert fig["gold"] == 5
        assert 0.0 <= fig["end_to_end_f1"] <= fig["f1"] <= 1.0
    # the peer finds the two direct quotes only; our extractor at least those
    assert out["textacy_direct_quotations"]["matched"] <= 2
    report = json.loads(errors.read_text(encoding="utf-8"))
    assert set(report["stance"]) == {"misses", "false_positives", "wrong_speaker"}
    assert len(report["stance"]["misses"]) == 5 - out["stance"]["matched"]
