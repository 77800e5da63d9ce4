"""Repairs of scraped text (stance.read._repair): the seed's artifacts, words that must not change,
damaged-sentence flags, the offset map back to the raw text, idempotence."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from pathlib import Path

import pytest

from stance.read._repair import Edit, Repaired, repair_text, segment_token, sentence_spans

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "repair"
SEED_FILES = sorted((ROOT / "corpora" / "nagorno-karabakh-2020" / "articles").glob("*.txt"))


def seed_body() -> str:
    assert SEED_FILES, "the seed article is missing"
    text = SEED_FILES[0].read_bytes().decode("utf-8")
    return text.split("\n", 1)[1]


@pytest.fixture(scope="module")
def seed() -> Repaired:
    return repair_text(seed_body())


def assert_offsets(rep: Repaired) -> None:
    """Every character of the repaired text maps back to the same character of the raw text,
    except the inserted spaces; every edit's spans agree in both texts."""
    text, raw = rep.text, rep.raw
    inserted = len(text) - len(raw)
    assert inserted >= 0
    mapped = [rep.to_raw(p) for p in range(len(text) + 1)]
    assert mapped[0] == 0 and mapped[-1] == len(raw)
    assert all(a <= b for a, b in itertools.pairwise(mapped)), "to_raw not monotone"
    mismatched = [p for p in range(len(text)) if mapped[p] >= len(raw) or raw[mapped[p]] != text[p]]
    assert len(mismatched) == inserted
    assert all(text[p] == " " for p in mismatched)
    # every raw character is reached exactly once
    skip = set(mismatched)
    assert sorted(mapped[p] for p in range(len(text)) if p not in skip) == list(range(len(raw)))
    for e in rep.edits:
        assert raw[e.raw_start:e.raw_end] == e.before, e
        assert text[e.start:e.end] == e.after, e
        assert rep.to_raw(e.start) == e.raw_start, e
        assert rep.to_raw(e.end) == e.raw_end, e
        if e.kind != "damaged":
            assert e.after.replace(" ", "") == e.before.replace(" ", "")
            assert len(e.after) > len(e.before)


# --------------------------------------------------------------------------------------------
# the seed article
# --------------------------------------------------------------------------------------------

SEED_SENTENCE_GLUE = [
    ("side.Baku", "side. Baku"),
    ("Nagorno-Karabakh.The", "Nagorno-Karabakh. The"),
    ("alleged.In", "alleged. In"),
    ("deaths.Meanwhile", "deaths. Meanwhile"),
    ("fragments.Nagorno-Karabakh's", "fragments. Nagorno-Karabakh's"),
    ("city.Azerbaijani", "city. Azerbaijani"),
    ("strikes.Officials", "strikes. Officials"),
    ("territory.Intense", "territory. Intense"),
    ("Azerbaijan.Both", "Azerbaijan. Both"),
    ("frontline.This", "frontline. This"),
]
SEED_QUOTE_GLUE = [
    ('shelters."New', 'shelters. "New'),      # an opening quote: the space goes before it
    ('areas."Hikmet', 'areas." Hikmet'),      # a closing quote: the space goes after it
    ('stated."Azerbaijan', 'stated. "Azerbaijan'),
]
SEED_WORD_GLUE = [
    ("saiduploading", "said uploading"),
    ("thatAzerbaijan's", "that Azerbaijan's"),
    ("city,whilethe", "city, while the"),
    ("response,as", "response, as"),
    ("thatin", "that in"),
]


@pytest.mark.parametrize(("glued", "fixed"), SEED_SENTENCE_GLUE + SEED_QUOTE_GLUE + SEED_WORD_GLUE)
def test_seed_artifact_repaired(seed: Repaired, glued: str, fixed: str) -> None:
    assert glued in seed.raw
    assert glued not in seed.text
    assert fixed in seed.text
    assert seed.text.count(fixed) == seed.raw.count(fixed) + seed.raw.count(glued)


def test_seed_repairs_are_exactly_the_listed_ones(seed: Repaired) -> None:
    kinds = Counter(e.kind for e in seed.edits)
    assert kinds == {"sentence_space": 10, "quote_space": 3, "comma_space": 2, "segment": 3,
                     "case_space": 1, "damaged": 3}
    # thirteen glued sentences, five glued tokens (city,whilethe lost two spaces): nineteen
    # spaces inserted, nothing else changed
    assert len(seed.text) == len(seed.raw) + 19
    assert seed.text.replace(" ", "") == seed.raw.replace(" ", "")
    pairs = {(e.before, e.after) for e in seed.repairs}
    expected = SEED_SENTENCE_GLUE + SEED_QUOTE_GLUE + SEED_WORD_GLUE
    for glued, fixed in expected:
        assert any(glued in b and fixed in a for b, a in pairs), glued


def test_seed_keeps_its_spelling_and_names(seed: Repaired) -> None:
    for word in ("miltary", "Nagorno-Karabakh's", "Stepanakert", "Hikmet Hajiyev", "55,000",
                 "second-largest", "self-proclaimed", "decades-long", "OSCE Minsk Group"):
        assert word in seed.text


def test_seed_damaged_sentences(seed: Repaired) -> None:
    damaged = [e.after for e in seed.damaged]
    assert "Officials reported that in the city." in damaged
    assert any(d.endswith("the unrecognized region claimed that Azerbaijan's second city.")
               for d in damaged)
    # the third: "Baku reported that Azerbaijan's second-largest city, while the major ..."
    # lost its verb too (glued "whilethe"; no finite verb after "reported that")
    assert any(d.startswith("Baku reported that Azerbaijan's second-largest city, while the")
               for d in damaged)
    assert len(damaged) == 3
    for e in seed.damaged:
        assert e.after == seed.text[e.start:e.end]
        assert e.before == seed.raw[e.raw_start:e.raw_end]
        assert "link text removed" in e.note or "no finite verb" in e.note


def test_seed_offsets(seed: Repaired) -> None:
    assert_offsets(seed)


def test_seed_idempotent(seed: Repaired) -> None:
    again = repair_text(seed.text)
    assert again.text == seed.text
    assert again.repairs == []
    # the flags survive: the damaged sentences are still found in repaired text
    assert [(e.start, e.end) for e in again.damaged] == [(e.start, e.end) for e in seed.damaged]


# --------------------------------------------------------------------------------------------
# fixtures written for the project
# --------------------------------------------------------------------------------------------

def test_glued_fixture_repaired_exactly() -> None:
    raw = (FIXTURES / "glued_article.txt").read_text(encoding="utf-8")
    expected = (FIXTURES / "glued_article.expected.txt").read_text(encoding="utf-8")
    rep = repair_text(raw)
    assert rep.text == expected
    assert_offsets(rep)
    assert {e.after for e in rep.damaged} == {
        "Officials reported that in the village.",
        "The army claimed that Yerevan's main road.",
        "Troops fired at the checkpoint.",
    }
    assert repair_text(rep.text).repairs == []


def test_clean_fixture_unchanged() -> None:
    raw = (FIXTURES / "clean_article.txt").read_text(encoding="utf-8")
    rep = repair_text(raw)
    assert rep.text == raw, [(e.before, e.after) for e in rep.edits]
    assert rep.edits == []


# --------------------------------------------------------------------------------------------
# words that must not change
# --------------------------------------------------------------------------------------------

MUST_NOT_CHANGE = [
    # URLs, e-mails, handles, hashtags, domains
    "https://www.youtube.com/watch?v=nvRyXmkQL7s&feature=emb_logo",
    "http://abc.az/en/news/57202", "https://en.trend.az/azerbaijan/politics/3306532.html",
    "www.example.org", "press@mfa.am", "first.last@example.co.uk", "@FahadShabbir",
    "#Shoushi", "#StandWithArtsakh", "#stopAzerbaijan", "abc.az", "ABC.AZ", "Fineko/abc.az.",
    "News.Az", "Trend.Az", "en.armradio.am", "mil.am",
    # numbers, decimals, times, dates
    "3.5", "0.5%", "$14.5", "10:30", "15:08", "11.00", "5.10.2020", "1,000", "12,500",
    "24/7", "07th", "2020-10-05", "No.5", "No. 5",
    # initials and abbreviations
    "U.S.", "U.S.A.", "U.N.", "e.g.", "i.e.", "a.m.", "p.m.", "Mr.", "Mrs.", "Dr.", "Ph.D.",
    "Sept.", "Oct.", "St.", "Gen.", "Sen.", "Gov.", "Capt.", "vs.", "etc.", "J. R. Ellis",
    "J.R.R.", "R-S.C.", "Mr.Smith", "Dr.Who", "St.Petersburg", "U.S.The", "e.g.The",
    # ellipses, apostrophes, quotes inside words
    "...", "shelled...", "don't", "it's", "O'Neill", "Azerbaijan’s", "rock'n'roll",
    "Azerbaijan\"s",
    # names, brands, mixed case
    "McDonald", "iPhone", "eBay", "YouTube", "LinkedIn", "macOS", "deGrasse", "PayPal",
    "Nagorno-Karabakh", "Nagorno-Karabakh's", "Stepanakert", "Hajiyev", "Mnatsakanyan",
    "Harutyunyan", "Khojaly", "Mingachevir", "Co-operation", "co-chairs", "Rossia-1",
    "Chairperson-in-Office", "OSCE", "NATO", "UN", "levelIed",
    # spelling stays
    "miltary", "misslie", "targetted", "Assitant", "alot",
    # real words missing from (or rare in) the vocabulary: compounds and derivations
    "superdelegates", "retweeted", "waterboarding", "overpromise", "unpledged", "caucusgoers",
    "hashtag", "robocall", "cannot", "into", "nonetheless", "whereas", "counteroffensive",
    "ceasefire", "peacekeepers", "frontline", "percenters",
]


@pytest.mark.parametrize("word", MUST_NOT_CHANGE)
@pytest.mark.parametrize("template", [
    "The report mentioned {} yesterday.",
    "{} was mentioned in the report.",
    "Officials cited {}",
])
def test_word_not_changed(word: str, template: str) -> None:
    raw = template.format(word)
    rep = repair_text(raw)
    assert rep.text == raw, [(e.kind, e.before, e.after) for e in rep.repairs]


@pytest.mark.parametrize("raw", [
    '"Caucasian Knot" has reported it.',
    "the 'Karabakh: a Good War Or a Bad Peace' section",
    '"It must know that the responsibility lies with the leadership ", Hajiyev noted.',
    '• ”There is not and cannot be a military solution”.',
    "He was 5'10\" tall.",
    "Yerevan/Stepanakert.The talks",
    "The ministry (MoD).",
    "a\u00a0b, c;d",
    "Stéphane Visconti met Игорь Попов in Zürich; São Paulo's élan.",
    "Азербайджан.Армения",
    "the word “too that.”\"",
    "Reports by ABC.AZ and abc.AZ",
    "the U.S.NAVY ship",
])
def test_quote_and_punctuation_contexts_not_changed(raw: str) -> None:
    assert repair_text(raw).text == raw


# --------------------------------------------------------------------------------------------
# the rules one by one
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "fixed"), [
    ("It ended.Then it began.", "It ended. Then it began."),
    ("Why?Because.", "Why? Because."),
    ("It was over.A new day.", "It was over. A new day."),
    ("in 1988.The conflict", "in 1988. The conflict"),
    ("(Msk).The command", "(Msk). The command"),
    ("the other sideBaku reported", "the other side Baku reported"),
    ("reported,however,that", "reported, however, that"),
    ("They fled.\"We are safe,\" she said.", "They fled. \"We are safe,\" she said."),
    ("a news “humanitarian truce“entered into force", "a news “humanitarian truce“ entered into force"),
    ('He said,"We will win," and left.', 'He said, "We will win," and left.'),
    ('"We will win,"he said.', '"We will win," he said.'),
    ("the ministry saidreporters", "the ministry said reporters"),
    ("fire ofthe enemy", "fire of the enemy"),
    ('the “naïve"élan', 'the “naïve" élan'),
    ("than the native-born.”“Your facts", "than the native-born.” “Your facts"),
    ('a win for voters.""The court', 'a win for voters." "The court'),
    ("the toll rose to 10,000.Rescuers", "the toll rose to 10,000. Rescuers"),
    ("sent staff to Iowa.DALLAS (AP)", "sent staff to Iowa. DALLAS (AP)"),
    ("the crisis.“[The situation] is bad,” he said.", "the crisis. “[The situation] is bad,” he said."),
])
def test_rule_repairs(raw: str, fixed: str) -> None:
    rep = repair_text(raw)
    assert rep.text == fixed
    assert_offsets(rep)


def test_quote_pairing_restarts_each_paragraph() -> None:
    # The first paragraph's quote never closes (news style: a quote running on into the next
    # paragraph); pairing restarts, so the glued mark in the second paragraph opens a quote.
    raw = '"The first paragraph of a long quote.\nThe minister said."We agree," an aide added.'
    rep = repair_text(raw)
    assert 'said. "We agree," an aide' in rep.text
    assert_offsets(rep)


def test_edit_kinds_and_notes() -> None:
    rep = repair_text('Civilians fled.Hajiyev said,"Go."Then the ministry saiduploading a video.')
    kinds = [e.kind for e in rep.edits]
    assert kinds == ["sentence_space", "quote_space", "quote_space", "segment"]
    assert all(isinstance(e, Edit) and e.note for e in rep.edits)
    assert rep.text == 'Civilians fled. Hajiyev said, "Go." Then the ministry said uploading a video.'


@pytest.mark.parametrize(("token", "parts"), [
    ("saiduploading", ["said", "uploading"]),
    ("whilethe", ["while", "the"]),
    ("thatin", ["that", "in"]),
    ("probeof", ["probe", "of"]),
    ("atthe", ["at", "the"]),
    ("misslie", None),           # one typo away from "missile", far more probable
    ("miltary", None),           # a known (misspelled) word
    ("superdelegates", None),    # a compound newer than the vocabulary
    ("retweeted", None),
    ("waterboarding", None),
    ("overpromise", None),       # "over" is also a prefix
    ("unpledged", None),
    ("cannot", None),
    ("goofily", None),           # three parts
    ("Thatin", None),            # not lowercase: names are never segmented
    ("x", None),
])
def test_segment_token(token: str, parts: list[str] | None) -> None:
    assert segment_token(token) == parts


# --------------------------------------------------------------------------------------------
# damaged sentences
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "Officials reported thatin the city.",
    "Officials reported that in the city.",
    "As the day progressed, the unrecognized region claimed thatAzerbaijan's second city.",
    "As the day progressed, the unrecognized region claimed that Azerbaijan's second city.",
    "The ministry said that near the border.",
    "Troops fired atthe checkpoint.",
])
def test_damaged_flagged(raw: str) -> None:
    rep = repair_text(raw)
    assert len(rep.damaged) == 1
    flag = rep.damaged[0]
    assert flag.after == rep.text.strip()
    assert_offsets(rep)


@pytest.mark.parametrize("raw", [
    "Officials reported that in the city, sirens were heard.",
    "It later claimed that there had been deaths.",
    "The ministry said that Armenia shelled Ganja.",
    "Baku said that Yerevan attacks civilians.",
    "He writes that “there’s no room for that.”",
    "Nobody has ever suggested that to me.",
    "A third said that of the senator's campaign.",
    "She insisted that the first lady go to the hospital.",
    "The Times confirmed that observation, reporting:",
    "Yerevan reports that Armenian territories have been shelled.",
    "He was referring toObama's decisions.",
    "You should be worried aboutVladimir Putin's role.",
    "The states that vote on March 1.",
])
def test_not_damaged(raw: str) -> None:
    assert repair_text(raw).damaged == []


def test_sentence_spans() -> None:
    text = "Mr. Smith met the U.S. envoy at 3 p.m. on Oct. 5. Then he left!\n\"Why?\" she asked."
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["Mr. Smith met the U.S. envoy at 3 p.m. on Oct. 5.", "Then he left!",
                     "\"Why?\" she asked."]


# --------------------------------------------------------------------------------------------
# offset map, idempotence, edge cases
# --------------------------------------------------------------------------------------------

_GLUES = ["{}.{}", '{}."{}', "{},{}", "{}{}", "{} {}", "{}. {}", "{}, {}", '{}"{}', "{}!{}",
          "{}?{}", "{}“{}", "{}”{}", "{}\n{}", "{}...{}", "{}:{}"]
_WORDS = ["said", "the", "that", "in", "Baku", "Azerbaijan's", "while", "uploading", "city",
          "U.S.", "3.5", "abc.az", "reported", "Officials", "miltary", '"We', "fire", "of", "Mr.",
          "a", "I", "#tag", "@user", "http://x.com/a.b", "e.g.", "No.", "10:30", "it's", "don't",
          "claimed", "Armenia", "at", "Us", "Az", "probe"]


def test_random_texts_offsets_and_idempotence() -> None:
    """Random texts glued in every way the rules know: the offset map holds and a second
    repair changes nothing."""
    rng = random.Random(20201005)
    for _ in range(300):
        text = rng.choice(_WORDS)
        for _ in range(rng.randint(2, 20)):
            word = rng.choice(_WORDS)
            if rng.random() < 0.5:
                word = word[:1].upper() + word[1:]
            text = rng.choice(_GLUES).format(text, word)
        rep = repair_text(text)
        assert_offsets(rep)
        again = repair_text(rep.text)
        assert again.repairs == [], (text, [(e.before, e.after) for e in again.repairs])


@pytest.mark.parametrize("raw", ["", " ", "\n\n", "\t \n"])
def test_empty_text(raw: str) -> None:
    rep = repair_text(raw)
    assert rep.text == raw
    assert rep.edits == []
    assert rep.to_raw(0) == 0
    assert rep.to_raw(len(raw)) == len(raw)


def test_to_raw_rejects_offsets_outside_the_text(seed: Repaired) -> None:
    with pytest.raises(ValueError, match="outside the repaired text"):
        seed.to_raw(-1)
    with pytest.raises(ValueError, match="outside the repaired text"):
        seed.to_raw(len(seed.text) + 1)


def test_repair_text_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        repair_text(b"bytes")  # type: ignore[arg-type]


def test_deterministic() -> None:
    a, b = repair_text(seed_body()), repair_text(seed_body())
    assert a.text == b.text and a.edits == b.edits and a.anchors == b.anchors
