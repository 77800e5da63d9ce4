"""Statements that the extraction used to distort for analysis (issue 16 item 5): a denial's
content embedded as if asserted, a quote interrupted by its cue carrying the speaker's name into
the text, one quote counted for two speakers, and a press release's first-person statements
missed. Invented Northland/Southland texts (tests/fixtures/extract/speakers.yaml)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stance import tables
from stance.compare import frame_shares
from stance.extract import extract_statements
from stance.speakers import load_registry

FX = Path(__file__).resolve().parent / "fixtures" / "extract"


@pytest.fixture(scope="module")
def registry():
    return load_registry(FX / "speakers.yaml")


def extract(nlp, registry, text: str, source: str = "example.org") -> pd.DataFrame:
    arts = tables.normalize_articles(pd.DataFrame([{
        "article_id": "a", "date": "2021-03-01", "source": source, "url": "", "title": "",
        "author": "", "credit": "", "text": text, "path": "", "flags": ""}]))
    return extract_statements(arts, registry=registry, nlp=nlp, progress=False)


def one(st: pd.DataFrame, fragment: str) -> pd.Series:
    hits = st[st["text"].str.contains(fragment, regex=False)]
    assert len(hits) == 1, f"{len(hits)} statements contain {fragment!r}:\n{st[['text']]}"
    return hits.iloc[0]


def test_a_denial_keeps_its_content_and_says_it_is_denied(nlp, registry):
    st = extract(nlp, registry,
                 "The Southland government denied that its troops had fired at the dam. "
                 "The Southland Foreign Ministry rejected the claims that its artillery shelled "
                 "Nordburg. The Northland Defense Ministry did not confirm that the bridge was "
                 "destroyed. Mara Lind said the dam was hit twice overnight.")
    denied = one(st, "its troops had fired at the dam")
    assert denied.text == "its troops had fired at the dam"  # the content, as written
    assert denied.polarity == "denied" and denied.speaker == "south-gov"
    assert one(st, "its artillery shelled Nordburg").polarity == "denied"
    assert one(st, "the bridge was destroyed").polarity == "negated"
    assert one(st, "the dam was hit twice overnight").polarity == "asserted"
    # a comparison can be split by it (or filtered: st[st.polarity == "asserted"])
    shares = frame_shares(st.assign(frame=0), by="polarity", n_boot=0)
    assert dict(zip(shares["polarity"], shares["n"], strict=True)) == \
        {"asserted": 1, "denied": 2, "negated": 1}


def test_b_an_interrupting_cue_stays_out_of_the_text(nlp, registry):
    body = ('"We will not retreat from the valley," said Oskar Vale, the Northland president, '
            '"not one step, not one metre."')
    st = extract(nlp, registry, body)
    assert len(st) == 1
    r = st.iloc[0]
    assert r.speaker == "north-vale" and r.kind == "direct"
    # the name and title that interrupt the quote are no part of the embedded text ...
    assert r.text == "We will not retreat from the valley, not one step, not one metre."
    assert "Vale" not in r.text and "president" not in r.text
    # ... and the verbatim span and the pieces remain
    assert "said Oskar Vale, the Northland president" in body[r.start:r.end]
    assert [body[a:b] for a, b in tables.split_pieces(r.pieces)] == [
        "We will not retreat from the valley,", "not one step, not one metre."]


def test_c_one_quote_is_one_speakers_statement(nlp, registry):
    quote = "The enemy is shelling our positions along the entire front"
    st = extract(nlp, registry,
                 f'"{quote}," the Northland Defense Ministry said, echoing the Southland '
                 f'Foreign Ministry.')
    holding = st[st["text"].str.contains("The enemy is shelling", regex=False)]
    assert len(holding) == 1, holding[["speaker", "cue", "text"]]
    assert holding.iloc[0].speaker == "north-mod"  # the quote's attached cue wins
    # a speaker who reports the quote with words of their own keeps those words, not the quote
    st = extract(nlp, registry,
                 'Tomas Reyes said Oskar Vale had declared "the valley is ours and always will '
                 'be," a statement that he said ended the talks.')
    vale = one(st, "the valley is ours")
    assert vale.speaker == "north-vale" and vale.kind == "direct"
    reyes = st[st["speaker"] == "south-reyes"].iloc[0]
    assert "valley is ours" not in reyes.text and "ended the talks" in reyes.text
    assert "quote_removed" in reyes["flags"]


def test_d_first_person_statements_of_a_press_release_are_the_issuers(nlp, registry):
    text = ("Shelling of Nordburg\n\n"
            "We call on the Lake Group to condemn the shelling of Nordburg by Southland. "
            "We reject the claims that our units shelled Port Sud. "
            "Two houses were destroyed, the mayor's office said.")
    st = extract(nlp, registry, text, source="mod.northland.example")
    call = one(st, "the Lake Group to condemn the shelling of Nordburg")
    assert (call.speaker, call.kind, call.mention, call.cue) == \
        ("north-mod", "authored", "We", "call on")
    reject = one(st, "our units shelled Port Sud")
    assert reject.speaker == "north-mod" and reject.kind == "authored"
    assert reject.polarity == "denied"
    # in a news report "we" is no one the registry knows: no statement
    news = extract(nlp, registry, text, source="example.org")
    assert not news["text"].str.contains("Lake Group to condemn", regex=False).any()
