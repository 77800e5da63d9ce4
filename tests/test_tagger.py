"""The learned attribution tagger: training data readers, training, linking, caching, methods."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.extract import _tagger, _train

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "tagger"
CORPUS = ROOT / "corpora" / "nagorno-karabakh-2020"


def _texts(doc: _train.Annotated, label: str) -> list[str]:
    return [doc.text[a:b] for a, b, lab in sorted(doc.spans) if lab == label]


def test_gold_reader_places_roles_in_the_body():
    (doc,) = _train.read_gold(FIXTURE)
    assert _texts(doc, "CONTENT") == ["the border had been calm overnight",
                                      "Our units hold every position,",
                                      "they had heard no shelling since Sunday",
                                      "the roads would stay closed until further notice"]
    assert _texts(doc, "SOURCE") == ["The defence ministry", "the spokesman",
                                     "Residents of the village", "The governor"]
    assert _texts(doc, "CUE") == ["said", "told", "said", "warned"]
    # nothing from the header line
    assert min(a for a, _, _ in doc.spans) > doc.text.index("\n")


def test_gold_reader_names_the_file_of_a_content_not_in_the_text(tmp_path):
    (tmp_path / "a.txt").write_text("date 2021-01-01 | source x\nHe said it rained.\n",
                                    encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"file": "a.txt", "statements": [
        {"content": "it snowed", "mention": "He", "cue": "said"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"a\.json: statement 1"):
        _train.read_gold(tmp_path)


def test_brat_reader_reads_polnear_layout(fixtures_dir):
    docs = _train.read_brat(fixtures_dir / "polnear" / "dev")
    assert docs and all(d.spans for d in docs)
    for d in docs:
        for a, b, label in d.spans:
            assert label in _train.LABELS and 0 <= a < b <= len(d.text)


def test_gum_reader_takes_source_cue_and_content_from_rst(tmp_path):
    (tmp_path / "dep").mkdir()
    (tmp_path / "rst" / "dependencies").mkdir(parents=True)
    words = ["The", "mayor", "said", "the", "bridge", "will", "open", "."]
    conllu = ["# newdoc id = GUM_news_fixture", "# newpar", "# text = " + " ".join(words)]
    conllu += [f"{i}\t{w}\t_\t_\t_\t_\t0\t_\t_\t{'SpaceAfter=No' if i == 7 else '_'}"
               for i, w in enumerate(words, start=1)]
    (tmp_path / "dep" / "GUM_news_fixture.conllu").write_text("\n".join(conllu) + "\n\n",
                                                              encoding="utf-8")
    rsd = [("1\tThe mayor said\t0\t_\t_\thead_id=3|sid=1\t2\tattribution-positive_r\t_\t"
            "semantic-attribution_source-1-2-_"),
           "2\tthe bridge will open .\t0\t_\t_\thead_id=7|sid=1\t0\tROOT\t_\t_"]
    (tmp_path / "rst" / "dependencies" / "GUM_news_fixture.rsd").write_text(
        "\n".join(rsd) + "\n", encoding="utf-8")
    (doc,) = _train.read_gum(tmp_path)
    assert doc.text.strip() == "The mayor said the bridge will open."
    assert _texts(doc, "SOURCE") == ["The mayor"]
    assert _texts(doc, "CUE") == ["said"]
    assert _texts(doc, "CONTENT") == ["the bridge will open."]


def test_overlapping_roles_keep_the_outer_content():
    import spacy

    d = _train.Annotated("x", "Baku said Yerevan claimed victory.", [
        (10, 33, "CONTENT"), (10, 17, "SOURCE"), (18, 25, "CUE"), (26, 33, "CONTENT"),
        (0, 4, "SOURCE"), (5, 9, "CUE")])
    (doc,) = _train.to_docs(spacy.blank("en"), [d])
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Baku", "SOURCE"), ("said", "CUE"), ("Yerevan claimed victory", "CONTENT")]


@pytest.mark.slow    # trains a spaCy model
def test_training_a_tiny_model_learns_its_training_spans(tmp_path):
    docs = _train.read_gold(FIXTURE)
    best = _train.train(docs, docs, tmp_path / "out", max_steps=60, epochs=0,
                        eval_frequency=20)
    scores = json.loads((best / "meta.json").read_text(encoding="utf-8"))["performance"]
    assert scores["ents_f"] > 0.3  # from nothing: an untrained NER tags none of these
    spans = _tagger.tag([docs[0].text], model=best, use_cache=False)[0]
    tagged = {docs[0].text[a:b] for a, b, lab in spans if lab == "CUE"}
    assert tagged & {"said", "told", "warned"}


def test_candidates_link_the_cue_subject_and_drop_beliefs(nlp):
    text = "The minister said the talks had failed. Analysts think the war will go on."
    doc = nlp(text)
    spans = [(0, 12, "SOURCE"), (13, 17, "CUE"), (18, 38, "CONTENT"),
             (40, 48, "SOURCE"), (49, 54, "CUE"), (55, 73, "CONTENT")]
    (c,) = _tagger.candidates(doc, spans)
    assert text[c.start:c.end] == "the talks had failed"
    assert doc[c.mention[0]:c.mention[1]].text == "The minister"
    assert c.evidence == "model" and "model" in c.flags and c.confidence < 0.8


def test_cues_all_keeps_beliefs_flagged_nonspeech(nlp):
    text = "The minister said the talks had failed. Analysts think the war will go on."
    doc = nlp(text)
    spans = [(0, 12, "SOURCE"), (13, 17, "CUE"), (18, 38, "CONTENT"),
             (40, 48, "SOURCE"), (49, 54, "CUE"), (55, 73, "CONTENT")]
    said, think = _tagger.candidates(doc, spans, cues="all")
    assert "nonspeech" not in said.flags
    assert text[think.start:think.end] == "the war will go on" and "nonspeech" in think.flags
    assert doc[think.mention[0]:think.mention[1]].text == "Analysts"
    with pytest.raises(ValueError, match="cues"):
        _tagger.candidates(doc, spans, cues="beliefs")


def test_an_infinitive_cue_takes_the_subject_of_its_verb(nlp):
    text = "Republicans want to ask why he had issues."
    doc = nlp(text)
    cue = text.index("ask")
    spans = [(cue, cue + 3, "CUE"), (cue + 4, len(text) - 1, "CONTENT")]
    (c,) = _tagger.candidates(doc, spans)
    assert doc[c.mention[0]:c.mention[1]].text == "Republicans"


def test_a_cue_ending_with_a_colon_introduces_the_next_paragraph(nlp):
    text = 'Caddell continued:\n\n"The health issue is a partisan issue."'
    doc = nlp(text)
    spans = [(0, 7, "SOURCE"), (8, 18, "CUE"), (21, len(text) - 1, "CONTENT")]
    (c,) = _tagger.candidates(doc, spans)
    assert c.cue == "continued:" and doc[c.mention[0]:c.mention[1]].text == "Caddell"
    # without the colon a paragraph break still separates a cue from a content
    plain = 'Caddell continued\n\n"The health issue is a partisan issue."'
    assert _tagger.candidates(nlp(plain), [(0, 7, "SOURCE"), (8, 17, "CUE"),
                                           (20, len(plain) - 1, "CONTENT")]) == []


def test_candidates_join_fragments_around_an_interrupting_cue(nlp):
    text = '"We will hold," the general said, "every line."'
    doc = nlp(text)
    spans = [(1, 13, "CONTENT"), (16, 27, "SOURCE"), (28, 32, "CUE"), (35, 45, "CONTENT")]
    (c,) = _tagger.candidates(doc, spans)
    assert (c.start, c.end) == (1, 45) and c.kind == "direct"
    assert doc[c.mention[0]:c.mention[1]].text == "the general"


def test_rules_keep_precedence():
    rule = _train_cand(0, 30, "direct")
    inside, outside = _train_cand(10, 40, "model"), _train_cand(50, 60, "model")
    assert _tagger.merge([rule], [inside, outside]) == [rule, outside]


def _train_cand(a, b, evidence):
    from stance.extract._rules import Candidate

    return Candidate(a, b, "indirect", "said", evidence)


def test_tags_are_cached_per_text_and_model(tmp_path, monkeypatch):
    text = "The minister said the talks had failed."
    first = _tagger.tag([text], cache_dir=tmp_path)
    files = list(tmp_path.rglob("*.json"))
    assert len(files) == 1 and files[0].parent.name == _tagger.fingerprint()[:16]

    def no_model(*args, **kwargs):
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(_tagger, "load_tagger", no_model)
    assert _tagger.tag([text], cache_dir=tmp_path) == first


def test_shipped_model_is_small_and_documented():
    root = _tagger.DEFAULT_MODEL
    size = sum(f.stat().st_size for f in root.rglob("*") if f.is_file())
    assert size < 25 * 2**20
    card = (root / "MODEL_CARD.md").read_text(encoding="utf-8")
    for word in ("GUM", "CC BY", "PolNeAR", "Limits"):
        assert word in card
    assert _tagger.load_tagger().get_pipe("ner").labels == ("CONTENT", "CUE", "SOURCE")


def test_seed_keeps_its_statements_with_the_tagger(nlp):
    from stance.extract import extract_statements
    from stance.extract._evaluate import score_statements
    from stance.read._corpus import read_corpus

    corpus = read_corpus(CORPUS)
    rules = extract_statements(corpus, nlp=nlp, progress=False)
    for method in ("both", "tagger"):
        st = extract_statements(corpus, nlp=nlp, progress=False, method=method)
        res = score_statements(st, CORPUS / "gold")
        assert res["narration_false_positives"] == 0
        if method == "both":
            assert res["recall"] == 1.0 and res["side_accuracy"] == 1.0
            assert set(rules["statement_id"]) <= set(st["statement_id"])
        assert st[st["flags"].str.contains("model")]["confidence"].lt(0.8).all()


def test_unknown_method_is_refused(nlp):
    import pandas as pd

    from stance.extract import extract_statements

    arts = pd.DataFrame({"article_id": ["a"], "date": ["2020-10-05"], "title": [""],
                         "text": ["He said so."]})
    with pytest.raises(ValueError, match="method 'neural'"):
        extract_statements(arts, nlp=nlp, method="neural", progress=False)


def test_a_cue_without_content_takes_its_content_from_the_parse(nlp):
    text = "Critics have long debated the salience of ethnic ties."
    doc = nlp(text)
    cue = text.index("have")
    (c,) = _tagger.candidates(doc, [(cue, cue + len("have long debated"), "CUE")], cues="all")
    assert text[c.start:c.end] == "the salience of ethnic ties"
    assert doc[c.mention[0]:c.mention[1]].text == "Critics"
    assert {"model", "cue_only"} <= c.flags
    assert c.confidence < _tagger.candidates(doc, [(cue, cue + 17, "CUE"), (
        text.index("the"), len(text) - 1, "CONTENT")], cues="all")[0].confidence
    # switched off, or when a tagged content already took the cue, no second statement
    assert _tagger.candidates(doc, [(cue, cue + 17, "CUE")], cues="all",
                              cue_contents=False) == []
    said = "The minister said the talks had failed."
    two = _tagger.candidates(nlp(said), [(13, 17, "CUE"), (18, 38, "CONTENT")])
    assert [said[x.start:x.end] for x in two] == ["the talks had failed"]


def test_according_to_cue_takes_the_rest_of_its_sentence(nlp):
    text = "According to the ministry, the troops had withdrawn from the town."
    doc = nlp(text)
    (c,) = _tagger.candidates(doc, [(0, 12, "CUE")])
    assert text[c.start:c.end] == "the troops had withdrawn from the town"
    assert doc[c.mention[0]:c.mention[1]].text == "the ministry"



def _belief_corpus(tmp_path, settings: str):
    from stance.read._corpus import read_corpus

    (tmp_path / "articles").mkdir(parents=True)
    (tmp_path / "corpus.yaml").write_text(f"name: t\nextraction: both\n{settings}",
                                          encoding="utf-8")
    (tmp_path / "articles" / "a.txt").write_text(
        "date 2021-01-01\n\nAnalysts doubt the war will end soon.", encoding="utf-8")
    return read_corpus(tmp_path)


def _fake_tag(texts, **_):
    """The tagger's spans of the doubt in :func:`_belief_corpus` (no rule reads it)."""
    out = []
    for t in texts:
        k = t.index("Analysts")
        out.append([(k, k + 8, "SOURCE"), (k + 9, k + 14, "CUE"), (k + 15, k + 36, "CONTENT")])
    return out


def test_corpus_yaml_cues_reach_the_extraction(tmp_path, monkeypatch, nlp):
    from stance.extract import extract_statements

    monkeypatch.setattr(_tagger, "tag", _fake_tag)
    every = _belief_corpus(tmp_path / "all", "cues: all\n")
    st = extract_statements(every, nlp=nlp, progress=False)
    assert st["text"].tolist() == ["the war will end soon"]
    assert "nonspeech" in st["flags"].iloc[0]
    assert len(extract_statements(every, nlp=nlp, progress=False, cues="speech")) == 0
    bad = _belief_corpus(tmp_path / "bad", "cues: beliefs\n")
    assert bad.config["cues"] is None
    assert any(m.startswith("field cues: 'beliefs'") for _, m in bad.report.warnings)
    assert len(extract_statements(bad, nlp=nlp, progress=False)) == 0


def test_statements_command_takes_cues():
    import argparse

    from stance.commands import statements

    parser = argparse.ArgumentParser()
    statements.add_arguments(parser)
    assert parser.parse_args(["x", "--method", "both", "--cues", "all"]).cues == "all"
    with pytest.raises(SystemExit):
        parser.parse_args(["x", "--cues", "beliefs"])


def test_corpus_yaml_extraction_reaches_the_partitioned_run(tmp_path, monkeypatch, nlp):
    from stance import partitions as P

    monkeypatch.setattr(_tagger, "tag", _fake_tag)
    (task,) = P.plan_partitions(_belief_corpus(tmp_path / "all", "cues: all\n"), embed=False)
    assert (task.extraction, task.cues) == ("both", "all")
    st = P.run_partition(task, nlp).statements
    assert st["text"].tolist() == ["the war will end soon"]
    plain = _belief_corpus(tmp_path / "plain", "")
    plain.config.update(extraction=None, cues=None)
    (default,) = P.plan_partitions(plain, embed=False)
    assert default.key != task.key and len(P.run_partition(default, nlp).statements) == 0
