"""Statement extraction on fixtures written for the project (an invented conflict between
Northland and Southland, tests/fixtures/extract/) and on the seed article against its gold."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stance import tables
from stance.extract import extract_statements, segments
from stance.speakers import load_registry

FX = Path(__file__).resolve().parent / "fixtures" / "extract"
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "nagorno-karabakh-2020"


@pytest.fixture(scope="module")
def registry():
    return load_registry(FX / "speakers.yaml")


def articles(*names: str, author: str = "", source: str = "example.org",
             texts: dict[str, str] | None = None) -> pd.DataFrame:
    """An articles table of fixture files (or of given texts)."""
    rows = []
    for name in names:
        text = texts[name] if texts and name in texts else \
            (FX / f"{name}.txt").read_text(encoding="utf-8")
        rows.append({"article_id": name, "date": "2021-03-01", "source": source, "url": "",
                     "title": "", "author": author, "credit": "", "text": text, "path": "",
                     "flags": ""})
    return tables.normalize_articles(pd.DataFrame(rows))


def run(nlp, registry, *names, **kw) -> pd.DataFrame:
    return extract_statements(articles(*names, **kw), registry=registry, nlp=nlp,
                              progress=False)


def find(st: pd.DataFrame, fragment: str) -> pd.Series:
    """The one statement whose text contains ``fragment``."""
    hits = st[st["text"].str.contains(fragment, regex=False)]
    if len(hits) > 1:  # a statement nested in another's content: the one that is exactly it
        hits = hits[hits["text"] == fragment]
    assert len(hits) == 1, f"{len(hits)} statements contain {fragment!r}:\n{st[['text']]}"
    return hits.iloc[0]


def test_table_contract_and_offsets(nlp, registry):
    arts = articles("reported", "quote_marks")
    st = extract_statements(arts, registry=registry, nlp=nlp, progress=False)
    assert list(st.columns) == tables.STATEMENT_COLUMNS
    assert st["statement_id"].is_unique
    assert set(st["kind"]) <= set(tables.STATEMENT_KINDS)
    texts = dict(zip(arts["article_id"], arts["text"], strict=True))
    for r in st.itertuples():
        body = texts[r.article_id]
        pieces = tables.split_pieces(r.pieces)
        # text is its pieces joined; the pieces lie in the verbatim span start..end
        assert " ".join(body[a:b] for a, b in pieces) == r.text
        assert pieces[0][0] == r.start and pieces[-1][1] <= r.end
        assert r.polarity in tables.POLARITIES
        assert r.statement_id == tables.stable_id(r.article_id, r.start, r.end)
        if r.mention_start >= 0:
            assert body[r.mention_start:r.mention_end] == r.mention
        assert r.text in r.sentence or r.sentence in body
        assert 0 < r.confidence <= 1


@pytest.mark.parametrize("fragment, speaker, cue", [
    ("The shelling of Nordburg must stop now", "north-lind", "said"),  # straight, cue after
    ("Our forces answered only military targets", "south-reyes", "said"),  # “ ”, cue before
    ("The ceasefire was broken three times tonight", "north-mod", "said"),  # « »
    ("Civilians were evacuated from the valley", "south-reyes", "added"),  # „ “, surname
    ("Every report of an attack on the dam is false", "south-mfa", "wrote"),  # ‘ ’
])
def test_direct_quotes_every_mark_style(nlp, registry, fragment, speaker, cue):
    st = run(nlp, registry, "quote_marks")
    row = find(st, fragment)
    assert (row.kind, row.speaker, row.cue) == ("direct", speaker, cue)
    assert row.text[0] not in "\"“”«»„‘’"  # the content excludes the marks
    assert "headline" not in row["flags"]


def test_quote_interrupted_by_its_cue_is_one_statement(nlp, registry):
    st = run(nlp, registry, "quote_marks")
    row = find(st, "We are ready to talk")
    assert row.speaker == "north-vale" and row.kind == "direct"
    assert "not while our towns are under fire" in row.text


def test_multi_paragraph_quotes_and_speaker_in_sentence_before_or_after(nlp, registry):
    st = run(nlp, registry, "multi_paragraph")
    assert find(st, "The first strike hit the fuel depot").speaker == "north-lind"
    # a second quotation block in the same paragraph joins the first; a new paragraph of the
    # same quote is a statement of its own, by the same speaker
    merged = find(st, "The fire spread to the warehouses")
    assert merged.text.startswith("The first strike") and merged.speaker == "north-lind"
    assert find(st, "A second strike followed an hour later").speaker == "north-lind"
    # the sentence before introduces the speaker; the sentence after names him
    assert find(st, "We will not give up a single village").speaker == "north-vale"
    assert find(st, "Our soldiers hold every position").speaker == "south-reyes"
    # narration between them is nobody's statement
    assert not st["text"].str.contains("Heavy rain").any()


@pytest.mark.parametrize("fragment, speaker, side, cue, kind", [
    ("shelling the dam overnight", "north-gov", "north", "accused of", "indirect"),
    ("its troops had fired at the dam", "south-gov", "south", "denied", "indirect"),
    ("any new attack would meet a firm response", "north-vale", "north", "warned", "act"),
    ("an immediate return to talks", "lake-group", "mediator", "called for", "indirect"),
    ("the mediators to send observers", "south-gov", "south", "urged", "indirect"),
    ("four villages were hit on Sunday", "south-mfa", "south", "According to", "indirect"),
    ("Two bridges over the river were destroyed", "north-gov", "north", "according to",
     "indirect"),
    ("the village had been empty for weeks", "south-reyes", "south", "insisted", "indirect"),
    ("the army had not lost any positions", "north-lind", "north", "stressed", "indirect"),
    ("the airport was closed", "south-gov", "south", "confirmed", "indirect"),
])
def test_reported_speech_content_is_the_reported_clause(nlp, registry, fragment, speaker, side,
                                                        cue, kind):
    st = run(nlp, registry, "reported")
    row = find(st, fragment)
    assert (row.speaker, row.side, row.cue, row.kind) == (speaker, side, cue, kind)
    # the content never contains the speaker or the cue verb
    assert row.mention not in row.text and row.cue.split()[0] not in row.text


def test_report_of_a_report_gives_both_statements(nlp, registry):
    st = run(nlp, registry, "reported")
    # "Southland officials have confirmed that ..., the Southland Foreign Ministry said."
    outer = find(st, "Southland officials have confirmed")
    assert (outer.speaker, outer.cue) == ("south-mfa", "said")
    assert outer.text == "Southland officials have confirmed that the airport was closed"
    assert find(st, "the airport was closed").speaker == "south-gov"


def test_weak_inner_cue_belongs_to_the_outer_statement(nlp, registry):
    text = {"x": "Mara Lind said that Oskar Vale promised to rebuild the bridge."}
    st = run(nlp, registry, "x", texts=text)
    assert len(st) == 1 and st.iloc[0].speaker == "north-lind"
    assert st.iloc[0].text == "Oskar Vale promised to rebuild the bridge"


def test_repeated_teaser_statements_come_once(nlp, registry):
    line = "Northland will answer every attack, says Oskar Vale"
    st = run(nlp, registry, "x", texts={"x": f"{line}\n\nLive updates\n\n{line}\n"})
    assert len(st) == 1


def test_communicative_acts(nlp, registry):
    st = run(nlp, registry, "reported")
    footage = find(st, "burning trucks")
    assert (footage.kind, footage.speaker, footage.cue) == ("act", "north-mod",
                                                            "released footage")
    assert footage.text == "burning trucks near the border post"
    video = find(st, "soldiers raising a flag")
    assert (video.kind, video.speaker) == ("act", "south-reyes")
    welcome = find(st, "the release of prisoners")
    assert (welcome.kind, welcome.speaker) == ("act", "lake-group")


def test_quoted_fragment_in_reported_speech_is_mixed(nlp, registry):
    st = run(nlp, registry, "reported")
    row = find(st, "full respect for the truce")
    assert row.kind == "mixed" and row.speaker == "lake-group" and row.cue == "demanded"


def test_collectives_of_several_sides_take_side_other(nlp, registry):
    st = run(nlp, registry, "reported")
    both = find(st, "the other had started the fighting")
    assert (both.side, both.speaker, both.mention) == ("other", "", "Both sides")
    pair = find(st, "breaking the truce")
    assert (pair.side, pair.mention) == ("other", "Nordburg and Port Sud")


def test_coreference_pronouns_documents_surnames(nlp, registry):
    st = run(nlp, registry, "coref")
    it = find(st, "the border crossing would stay closed")
    assert (it.mention, it.speaker) == ("It", "south-mfa") and "coref" in it["flags"]
    assert find(st, "the talks had failed").speaker == "south-reyes"  # "Reyes"
    he = find(st, "a new round could start")
    assert (he.mention, he.speaker) == ("he", "south-reyes") and "coref" in he["flags"]
    doc = find(st, "Nobody can win this war")
    assert (doc.mention, doc.speaker, doc.kind) == ("the statement", "south-mfa", "direct")
    assert "coref" in doc["flags"]
    vale = find(st, "his country wanted a lasting peace")
    assert (vale.mention, vale.speaker) == ("He", "north-vale")


def test_headlines_that_attribute(nlp, registry):
    st = run(nlp, registry, "headlines")
    colon = find(st, "Northland targets civilians in the valley")
    assert (colon.speaker, colon.cue, colon["flags"]) == ("south-reyes", ":", "headline")
    says = find(st, "Northland will answer every attack")
    assert says.speaker == "north-vale" and "headline" in says["flags"]
    assert len(st) == 2  # the body's narration yields nothing


def test_never_a_speaker_credits_bylines_datelines_outlet_narration(nlp, registry):
    st = run(nlp, registry, "never_speakers", source="lakesidenews.com")
    assert st.empty, st[["mention", "text"]]


def test_authored_text_is_the_authors_except_quotes_of_others(nlp, registry):
    st = run(nlp, registry, "authored", author="Northland Defense Ministry")
    authored = st[st["kind"] == "authored"]
    assert set(authored["speaker"]) == {"north-mod"}
    assert len(authored) == 3
    assert authored["mention"].eq("").all() and authored["cue"].eq("").all()
    quote = find(st, "We saw the flashes at midnight")
    assert quote.kind == "direct" and quote.speaker == "" and quote.mention == "a local resident"
    assert not st["text"].str.contains("Print the page|Press release").any()
    # without an author the same sentences are narration
    assert not (run(nlp, registry, "authored")["kind"] == "authored").any()
    # an official website listed in the issuer's registry ``domains`` makes the text the issuer's
    site = run(nlp, registry, "authored", source="mod.northland.example")
    assert (site["kind"] == "authored").sum() == 3 and set(site["speaker"]) >= {"north-mod"}
    # a news outlet is no issuer, even when the registry knows it
    news = run(nlp, registry, "authored", source="lakesidenews.com")
    assert not (news["kind"] == "authored").any()


def test_unclosed_quotes_do_not_crash_and_are_flagged(nlp, registry):
    st = run(nlp, registry, "unclosed")
    siege = find(st, "The siege of the town will end soon")
    assert siege.speaker == "north-vale" and "unclosed_quote" in siege["flags"]
    assert "Oskar Vale said" not in siege.text  # cut where the quote should have closed
    answer = find(st, "Our answer will come")
    assert answer.speaker == "south-reyes" and "unclosed_quote" in answer["flags"]
    assert not st["text"].str.contains("The roads remained closed").any()


def test_unresolved_mentions_keep_the_mention(nlp, registry):
    text = {"x": "Jonas Berg, a farmer from the valley, said that the river had flooded "
                 "the fields."}
    st = run(nlp, registry, "x", texts=text)
    row = find(st, "the river had flooded the fields")
    assert row.speaker == "" and row.side == "" and row.mention.startswith("Jonas Berg")
    assert row.speaker_name == "Jonas Berg"
    no_registry = extract_statements(articles("reported"), nlp=nlp, progress=False)
    assert no_registry["speaker"].eq("").all() and len(no_registry) >= 10


def test_empty_and_whitespace_articles(nlp, registry):
    st = run(nlp, registry, "a", "b", texts={"a": "", "b": "  \n\n "})
    assert st.empty and list(st.columns) == tables.STATEMENT_COLUMNS
    st = extract_statements(tables.empty_articles(), registry=registry, nlp=nlp)
    assert st.empty


def test_huge_article_is_parsed_in_pieces_with_absolute_offsets(nlp, registry):
    text = "\n\n".join(f"Mara Lind said that {k} shells hit the depot." for k in range(400))
    assert len(segments(text, limit=2_000)) > 5
    import stance.extract._extract as ex

    small = ex.MAX_SEGMENT
    ex.MAX_SEGMENT = 2_000
    try:
        st = run(nlp, registry, "big", texts={"big": text})
    finally:
        ex.MAX_SEGMENT = small
    assert len(st) == 400 and set(st["speaker"]) == {"north-lind"}
    assert st["statement_id"].is_unique
    for r in st.itertuples():
        assert text[r.start:r.end] == r.text
        assert text[r.mention_start:r.mention_end] == "Mara Lind"


def test_segments_cover_the_text():
    text = ("word " * 50 + "\n\n") * 40
    parts = segments(text, limit=700)
    assert "".join(p for _, p in parts) == text
    assert all(text[o:o + len(p)] == p for o, p in parts)
    assert all(len(p) <= 700 for _, p in parts)


def test_deterministic(nlp, registry):
    a = run(nlp, registry, "reported", "coref", "quote_marks")
    b = run(nlp, registry, "reported", "coref", "quote_marks")
    pd.testing.assert_frame_equal(a, b)


def test_unrepaired_seed_text_does_not_break_extraction(nlp):
    """Robust to the repair stub: on the raw seed body (glued sentences) the extractor still
    finds the quotes and reported statements with their speakers."""
    from stance.speakers import load_registry as load

    raw = next((DEFAULT_CORPUS / "articles").glob("*.txt")).read_text(encoding="utf-8")
    body = raw.split("\n", 1)[1]
    reg = load(DEFAULT_CORPUS / "speakers.yaml")
    st = extract_statements(articles("seed", texts={"seed": body}), registry=reg, nlp=nlp,
                            progress=False)
    assert find(st, "New strikes are targeting Stepanakert").side == "nagorno-karabakh"
    assert find(st, "Azerbaijan will destroy military targets").speaker_name == "Hikmet Hajiyev"
    assert find(st, "it opened fire from its territory").side == "armenia"
    assert len(st) >= 12


def test_key_point_lists_in_one_and_two_columns(nlp, registry):
    st = run(nlp, registry, "key_points")
    assert find(st, "The dam was never a military target").speaker == "north-vale"
    assert find(st, "Northland shelled the dam first").speaker == "south-reyes"
    quoted = find(st, "We want the talks to resume soon")
    assert (quoted.speaker, quoted.kind) == ("north-vale", "direct")
    # an item's summary and its quotation are two statements
    assert find(st, "The border villages are safe again").speaker == "south-reyes"
    assert find(st, "Our patience has limits").kind == "direct"
    assert not st["text"].str.contains("Key points|broadcast on Sunday").any()
    assert len(st) == 5


def test_agentless_claims_have_an_unknown_speaker(nlp, registry):
    st = run(nlp, registry, "agentless")
    hedge = find(st, "will reportedly receive new air defence systems")
    assert (hedge.speaker, hedge.side, hedge.mention, hedge.mention_start) == ("", "unknown", "",
                                                                               -1)
    assert find(st, "the border crossing had reopened").cue == "was reported"
    # a hedge inside a named speaker's statement stays part of it
    lind = find(st, "the army would allegedly move north")
    assert lind.speaker == "north-lind" and len(st) == 3


def test_statement_titled_by_its_issuer_is_authored(nlp, registry):
    st = run(nlp, registry, "issued_statement")
    assert list(st["kind"]) == ["authored", "authored"]
    assert set(st["speaker"]) == {"south-mfa"}
    assert not st["text"].str.contains("12 March|Print|Statement by").any()


def test_transcript_and_dash_lines_name_their_speaker(nlp, registry):
    text = {"x": "NORDBURG: Talks resumed on Monday after a week of fighting.\n"
                 "VALE: We came here to end this war, not to score points.\n"
                 "Jonas Berg ― “The valley deserves peace after all these years.”\n\n"
                 "“Nobody asked the farmers what they wanted.” ― Eva Holm\n"}
    st = run(nlp, registry, "x", texts=text)
    assert find(st, "We came here to end this war").speaker == "north-vale"
    reader = find(st, "The valley deserves peace")
    assert reader.mention == "Jonas Berg" and reader.cue == "―"
    assert not st["text"].str.contains("Talks resumed").any()  # a dateline is no speaker
    signed = find(st, "Nobody asked the farmers")
    assert (signed.mention, signed.kind, signed["flags"]) == ("Eva Holm", "direct", "")


def test_message_nouns_with_a_possessive_speaker(nlp, registry):
    text = {"x": "Reporters asked about Reyes's claim that the dam had been mined."}
    st = run(nlp, registry, "x", texts=text)
    row = find(st, "the dam had been mined")
    assert (row.speaker, row.cue, row.mention) == ("south-reyes", "claim", "Reyes")


def test_doubled_apostrophes_as_quote_marks(nlp, registry):
    text = {"x": "''The dam will hold,'' said Mara Lind, a spokeswoman for the ministry. "
                 "``Nobody should panic,'' she added."}
    st = run(nlp, registry, "x", texts=text)
    assert find(st, "The dam will hold").speaker == "north-lind"
    row = find(st, "Nobody should panic")
    assert row.kind == "direct" and row.speaker == "north-lind" and "coref" in row["flags"]


def test_quoted_titles_are_no_statements(nlp, registry):
    text = {"x": "Speaking on \"Morning Valley Report,\" Oskar Vale said the bridge would reopen."}
    st = run(nlp, registry, "x", texts=text)
    assert list(st["text"]) == ["the bridge would reopen"]
    assert st.iloc[0].kind == "indirect" and st.iloc[0].speaker == "north-vale"


def test_damaged_flag_comes_from_the_corpus_repairs(nlp, registry):
    from types import SimpleNamespace

    arts = articles("reported")
    text = arts["text"].iloc[0]
    start = text.index("Reyes insisted")
    end = text.index("\n", start)
    repairs = pd.DataFrame([{"article_id": "reported", "kind": "damaged", "start": start,
                             "end": end, "raw_start": start, "raw_end": end, "before": "",
                             "after": "", "note": "link text removed"}])
    corpus = SimpleNamespace(articles=arts, registry=registry, repairs=repairs)
    st = extract_statements(corpus, nlp=nlp, progress=False)
    flagged = st[st["flags"].str.contains("damaged")]
    assert list(flagged["text"]) == ["the village had been empty for weeks"]
    assert flagged.iloc[0].confidence < find(st, "four villages were hit").confidence
    with pytest.raises(TypeError, match="Corpus or an articles DataFrame"):
        extract_statements(["not", "a", "corpus"], nlp=nlp)


def test_directives_and_surnames(nlp, registry):
    text = {"x": "Oskar Vale called on the mediators, gathered in Nordburg, to condemn the attack. "
                 "Jonas Berg, a farmer, said the river flooded. Mr. Berg said the fields were lost. "
                 "Oskar Vale vowed to defend the valley and promised to rebuild the bridge."}
    st = run(nlp, registry, "x", texts=text)
    call = find(st, "the mediators")
    assert call.cue == "called on" and call.text.endswith("to condemn the attack")
    assert not (st["cue"] == "condemn").any()  # what the addressee should do is no statement
    berg = find(st, "the fields were lost")
    assert berg.speaker_name == "Jonas Berg" and "coref" in berg["flags"]
    promised = find(st, "to rebuild the bridge")
    assert promised.speaker == "north-vale" and "coref" not in promised["flags"]


def test_quoted_as_saying_and_gerunds_after_prepositions(nlp, registry):
    text = {"x": "Mara Lind was quoted as saying that the convoy had reached the dam. "
                 "Oskar Vale ended the briefing by saying the valley road would stay closed."}
    st = run(nlp, registry, "x", texts=text)
    quoted = find(st, "the convoy had reached the dam")
    assert (quoted.speaker, quoted.cue) == ("north-lind", "saying")
    ended = find(st, "the valley road would stay closed")
    assert ended.speaker == "north-vale" and ended.text == "the valley road would stay closed"


def test_quantified_and_group_speakers(nlp, registry):
    text = {"x": "In a statement, one of the ministry's lawyers, Jonas Berg, said the dam was safe. "
                 "Those close to the governor say the bridge will reopen in spring. "
                 "Some say the truce will not last. One could say the war is over."}
    st = run(nlp, registry, "x", texts=text)
    lawyer = find(st, "the dam was safe")
    assert lawyer.mention == "one of the ministry's lawyers, Jonas Berg"
    assert find(st, "the bridge will reopen in spring").mention == "Those close to the governor"
    assert find(st, "the truce will not last").mention == "Some"
    assert not st["text"].str.contains("the war is over").any()  # generic "one" is no speaker


def test_misparsed_clauses_and_interrupting_cues(nlp, registry):
    text = {"x": "Oskar Vale said after the talks he would not sign the accord. "
                 "In Nordburg, Mara Lind told a meeting of village elders that the river was mined. "
                 "The bridge, Mara Lind said, would be rebuilt by the army. "
                 "Jonas Berg said so because the river had flooded."}
    st = run(nlp, registry, "x", texts=text)
    assert find(st, "he would not sign the accord").speaker == "north-vale"
    told = find(st, "the river was mined")
    assert told.text == "the river was mined" and told.cue.startswith("told a meeting")
    # the cue interrupts the clause: the content is the whole clause around it
    bridge = find(st, "would be rebuilt by the army")
    assert bridge.text.startswith("The bridge") and bridge.speaker == "north-lind"
    assert not st["text"].str.contains("the river had flooded").any()  # a reason is no content


def test_named_appositions_and_quoted_labels(nlp, registry):
    text = {"x": "His former deputy, Jonas Berg, called the governor a liar. "
                 "Mara Lind called the shelling \"a crime against the valley\" on Monday. "
                 "Food prices rose by a third, according to Oskar Vale, more than in any year since."}
    st = run(nlp, registry, "x", texts=text)
    deputy = find(st, "the governor a liar")
    assert deputy.mention == "His former deputy, Jonas Berg" and deputy.cue == "called"
    label = find(st, "a crime against the valley")
    assert label.speaker == "north-lind" and label.text.startswith("the shelling")
    prices = find(st, "Food prices rose by a third")
    assert prices.speaker == "north-vale" and "since" not in prices.text


def test_transcript_lines_opened_by_a_stray_quote_mark(nlp, registry):
    text = {"x": "The interview went on.\n\n"
                 "\"HOST: Minister, will the convoy reach the valley before the winter?\n\n"
                 "\"VALE: The convoy will reach the valley, and nobody will stop it.\n\n"
                 "\"HOST: And what about the bridge at the river, Minister?"}
    st = run(nlp, registry, "x", texts=text)
    assert list(st["mention"]) == ["HOST", "VALE", "HOST"]
    vale = find(st, "The convoy will reach the valley")
    assert vale.text == "The convoy will reach the valley, and nobody will stop it."
    assert vale.speaker == "north-vale"


def test_cues_inside_relative_clauses(nlp, registry):
    text = {"x": "Troops shelled the school, which Mara Lind says was used as a depot by the rebels. "
                 "The dam, which, Oskar Vale said, is mined, still stands."}
    st = run(nlp, registry, "x", texts=text)
    depot = find(st, "used as a depot")
    assert depot.speaker == "north-lind" and depot.text == "was used as a depot by the rebels"
    mined = find(st, "is mined")
    assert mined.speaker == "north-vale" and "still stands" not in mined.text


def test_second_quotation_of_the_same_sentence(nlp, registry):
    text = {"x": "\"We respect the mediators,\" Oskar Vale said, but \"we will not give up a single "
                 "village.\" \"The dam is safe,\" said Mara Lind, while Jonas Berg claimed \"the "
                 "river is rising fast now.\""}
    st = run(nlp, registry, "x", texts=text)
    vale = find(st, "We respect the mediators")
    assert vale.speaker == "north-vale" and vale.text.endswith("a single village.")
    assert find(st, "The dam is safe").text == "The dam is safe,"
    assert find(st, "the river is rising fast").mention == "Jonas Berg"
