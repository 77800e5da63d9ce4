"""The speaker registry: loading, validation errors, mention resolution, roll-up, unresolved report."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from stance.speakers import (
    Registry,
    RegistryError,
    Side,
    Speaker,
    load_registry,
    normalize_mention,
    registry_from_dict,
    unresolved_mentions,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "speakers"
DEFAULT = Path(__file__).resolve().parent.parent / "corpora" / "nagorno-karabakh-2020"


@pytest.fixture(scope="module")
def mini() -> Registry:
    return load_registry(FIXTURES / "mini.yaml")


@pytest.fixture(scope="module")
def war() -> Registry:
    return load_registry(DEFAULT / "speakers.yaml")


# --------------------------------------------------------------------------- loading

def test_load_fixture(mini):
    assert set(mini.sides) == {"north", "south", "other", "unknown"}
    assert mini.sides["north"] == Side("north", "Northland", "#0072B2")
    berg = mini.speakers["ana-berg"]
    assert isinstance(berg, Speaker)
    assert (berg.name, berg.side, berg.kind, berg.part_of) == ("Ana Berg", "north", "person", "north-mod")
    assert berg.aliases == ("Berg",)
    assert mini.path == FIXTURES / "mini.yaml"


def test_load_corpus_folder_finds_speakers_yaml():
    reg = load_registry(DEFAULT)
    assert reg.path == DEFAULT / "speakers.yaml"
    assert len(reg) > 40


def test_empty_registry():
    reg = Registry.empty()
    assert reg.resolve("Hikmet Hajiyev") is None
    assert reg.colour("armenia").startswith("#")
    with pytest.raises(KeyError):
        reg.side_of("x")


def test_default_registry_sides_and_colours(war):
    expected = {"armenia", "nagorno-karabakh", "azerbaijan", "mediator", "russia", "turkey", "un",
                "other", "unknown"}
    assert set(war.sides) == expected
    colours = [war.sides[s].colour for s in expected]
    assert len(set(colours)) == len(colours)  # distinguishable
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    # the parties use Okabe-Ito colours; other/unknown are grey (equal R, G, B)
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    for s in expected - {"other", "unknown"}:
        assert war.colour(s) in okabe_ito
    for s in ("other", "unknown", "no-such-side"):
        c = war.colour(s)
        assert c[1:3] == c[3:5] == c[5:7]


def test_gold_canonical_names_are_speaker_names(war):
    names = {sp.name for sp in war.speakers.values()}
    for name in ["Armenian Defense Ministry", "Azerbaijani Defense Ministry", "OSCE Minsk Group co-chairs",
                 "Azerbaijani government", "Armenian government", "Turkish government",
                 "Hikmet Hajiyev", "Shushan Stepanyan", "Artsrun Hovhannisyan", "Ilham Aliyev",
                 "Nikol Pashinyan", "Arayik Harutyunyan", "Nagorno-Karabakh Foreign Ministry",
                 "Nagorno-Karabakh Defense Army", "Vladimir Putin", "Sergey Lavrov",
                 "Recep Tayyip Erdogan", "UN Secretary-General", "Armenian Foreign Ministry",
                 "Azerbaijani Foreign Ministry", "Zohrab Mnatsakanyan", "Zakir Hasanov",
                 "Vahram Poghosyan"]:
        assert name in names, name


# --------------------------------------------------------------------------- validation errors

GOOD_SIDES = """\
sides:
  - {id: a, label: A, colour: "#0072B2"}
  - {id: b, label: B, colour: "#D55E00"}
"""

BAD_CASES = {
    "unknown side": ("""
speakers:
  - {id: x, name: X, side: nowhere, kind: person}
""", ["speaker 'x'", "unknown side 'nowhere'"]),
    "unknown part_of": ("""
speakers:
  - {id: x, name: X, side: a, kind: person, part_of: ghost}
""", ["speaker 'x'", "unknown part_of 'ghost'"]),
    "cycle": ("""
speakers:
  - {id: x, name: X, side: a, kind: organisation, part_of: y}
  - {id: y, name: Y, side: a, kind: organisation, part_of: z}
  - {id: z, name: Z, side: a, kind: organisation, part_of: x}
""", ["speaker 'x'", "cycle x -> y -> z -> x"]),
    "self cycle": ("""
speakers:
  - {id: x, name: X, side: a, kind: organisation, part_of: x}
""", ["speaker 'x'", "cycle x -> x"]),
    "duplicate id": ("""
speakers:
  - {id: x, name: X, side: a, kind: person}
  - {id: x, name: Y, side: b, kind: person}
""", ["speaker 'x'", "duplicate speaker id 'x'", "line 6"]),
    "duplicate side id": ("""
  - {id: a, label: again, colour: "#000000"}
speakers:
  - {id: x, name: X, side: a, kind: person}
""", ["side 'a'", "duplicate side id 'a'"]),
    "alias of two speakers": ("""
speakers:
  - {id: x, name: X, side: a, kind: person, aliases: [The Chief]}
  - {id: y, name: Y, side: b, kind: person, aliases: ["chief's"]}
""", ["speaker 'y'", "alias \"chief's\"", "speaker 'x'"]),
    "bad regex": ("""
speakers:
  - {id: x, name: X, side: a, kind: person, patterns: ["(unclosed"]}
""", ["speaker 'x'", "bad regular expression", "(unclosed"]),
    "bad colour": ("""
  - {id: c, label: C, colour: red}
speakers:
  - {id: x, name: X, side: a, kind: person}
""", ["side 'c'", "bad colour 'red'"]),
    "missing name": ("""
speakers:
  - {id: x, side: a, kind: person}
""", ["speaker 'x'", "missing field name"]),
    "missing id": ("""
speakers:
  - {name: X, side: a, kind: person}
""", ["speaker entry 1", "missing field id"]),
    "bad kind": ("""
speakers:
  - {id: x, name: X, side: a, kind: robot}
""", ["speaker 'x'", "unknown kind 'robot'"]),
    "unknown field": ("""
speakers:
  - {id: x, name: X, side: a, kind: person, alias: [Y]}
""", ["speaker 'x'", "unknown fields ['alias']"]),
    "aliases not a list of strings": ("""
speakers:
  - {id: x, name: X, side: a, kind: person, aliases: [1, 2]}
""", ["speaker 'x'", "'aliases' must be a list"]),
    "no speakers": ("""
speakers: []
""", ["'speakers' must be a non-empty list"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_validation_errors_name_file_and_entry(tmp_path, case):
    body, fragments = BAD_CASES[case]
    text = GOOD_SIDES + textwrap.dedent(body).lstrip("\n")
    path = tmp_path / "speakers.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_yaml_syntax_error_names_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(GOOD_SIDES + "speakers:\n  - {id: x, name: [unclosed\n  - {id: y}\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"broken\.yaml: line \d+: YAML syntax error"):
        load_registry(path)


def test_missing_file_and_not_a_mapping(tmp_path):
    with pytest.raises(RegistryError, match="not found"):
        load_registry(tmp_path / "nope.yaml")
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"list\.yaml: expected a mapping"):
        load_registry(path)


def test_registry_error_is_value_error():
    assert issubclass(RegistryError, ValueError)


# --------------------------------------------------------------------------- normalisation

@pytest.mark.parametrize("raw, norm", [
    ("The Armenian Ministry of Defence (MoD)", "armenian defense ministry mod"),
    ("Erdoğan’s", "erdogan"),
    ("Nagorno-Karabakh's forces", "nagorno karabakh forces"),
    ("the separatists' Defense Ministry", "separatists defense ministry"),
    ("the U.S. Department of State", "us department of state"),
    ("Azeri officials", "azerbaijani officials"),
])
def test_normalize_mention(raw, norm):
    assert normalize_mention(raw) == norm


# --------------------------------------------------------------------------- resolution

RESOLVES = {
    # Armenia
    "Armenian Defense Ministry": "armenia-defense-ministry",
    "the Armenian Ministry of Defence (MoD)": "armenia-defense-ministry",
    "Armenia's defence ministry": "armenia-defense-ministry",
    "Shushan Stepanyan": "shushan-stepanyan",
    "Susan Stepanyan": "shushan-stepanyan",
    "Stepanyan": "shushan-stepanyan",
    "Armenian Defense Ministry spokeswoman Shushan Stepanyan": "shushan-stepanyan",
    "Artsrun Hovhannisyan": "artsrun-hovhannisyan",
    "Hovhannisyan": "artsrun-hovhannisyan",
    "Defense Ministry representative Artsrun Hovhannisyan": "artsrun-hovhannisyan",
    "Armenian government": "armenia-government",
    "Yerevan": "armenia-government",
    "Armenian officials": "armenia-government",
    "the Armenian side": "armenia-government",
    "Armenian forces": "armenia-military",
    "Armenian troops": "armenia-military",
    "the Armenian military": "armenia-military",
    "Nikol Pashinyan": "armenia-pm",
    "Pashinyan": "armenia-pm",
    "Armenian Prime Minister Nikol Pashinyan": "armenia-pm",
    "Armenia's prime minister": "armenia-pm",
    "the Foreign Ministry of Armenia": "armenia-foreign-ministry",
    "Zohrab Mnatsakanyan": "zohrab-mnatsakanyan",
    "Armenian Foreign Minister Zohrab Mnatsakanyan": "zohrab-mnatsakanyan",
    "President Armen Sarkissian": "armenia-president",
    # Nagorno-Karabakh
    "Arayik Harutyunyan": "arayik-harutyunyan",
    "Arayik Harutiunian": "arayik-harutyunyan",
    "Araik Arutyunyan": "arayik-harutyunyan",
    "Harutyunyan": "arayik-harutyunyan",
    "Nagorno-Karabakh's leader": "arayik-harutyunyan",
    "Vahram Poghosyan": "vahram-poghosyan",
    "Nagorno-Karabakh Foreign Ministry": "nk-foreign-ministry",
    "the self-proclaimed republic's Foreign Ministry": "nk-foreign-ministry",
    "Artsakh's Foreign Ministry": "nk-foreign-ministry",
    "Nagorno-Karabakh's forces": "nk-defense-army",
    "Karabakh forces": "nk-defense-army",
    "Artsakh Defense Army": "nk-defense-army",
    "the Defence Army of Artsakh": "nk-defense-army",
    "the unrecognized region": "nk-authorities",
    "Stepanakert": "nk-authorities",
    "Nagorno-Karabakh authorities": "nk-authorities",
    # Azerbaijan
    "Ilham Aliyev": "ilham-aliyev",
    "Ilham Aliev": "ilham-aliyev",
    "Aliyev": "ilham-aliyev",
    "Azerbaijani President Ilham Aliyev": "ilham-aliyev",
    "Hikmet Hajiyev": "hikmet-hajiyev",
    "Hikmat Hajiyev": "hikmet-hajiyev",
    "Hajiev": "hikmet-hajiyev",
    "Hajiyev": "hikmet-hajiyev",
    "an adviser to Azerbaijan's president": "hikmet-hajiyev",
    "Hikmet Hajiyev, an adviser to Azerbaijan's president": "hikmet-hajiyev",
    "Hikmet Hajiyev, aide to Azerbaijan's president": "hikmet-hajiyev",
    "Hikmet Hajiyev, aide to Azerbaijan's President Ilham Aliyev": "hikmet-hajiyev",
    "Azerbaijani President Ilham Aliyev's aide Hikmet Hajiyev": "hikmet-hajiyev",
    "Aliyev's adviser": "hikmet-hajiyev",
    "Turkey's Erdogan": "recep-tayyip-erdogan",
    "Assistant to the President of Azerbaijan": "hikmet-hajiyev",
    "head of the Foreign Policy Department of the Presidential Administration": "hikmet-hajiyev",
    "Azerbaijani Defense Ministry": "azerbaijan-defense-ministry",
    "Azerbaijan's Defense Ministry spokesman": "azerbaijan-defense-ministry",
    "Azerbaijan's defense minister": "zakir-hasanov",
    "Zakir Hasanov": "zakir-hasanov",
    "Vagif Dargahli": "vagif-dargahli",
    "Azerbaijani Foreign Ministry": "azerbaijan-foreign-ministry",
    "Azerbaijani Ministry of Foreign Affairs": "azerbaijan-foreign-ministry",
    "Jeyhun Bayramov": "jeyhun-bayramov",
    "Leyla Abdullayeva": "leyla-abdullayeva",
    "Baku": "azerbaijan-government",
    "Azerbaijani officials": "azerbaijan-government",
    "Azerbaijan": "azerbaijan-government",
    "Azerbaijani troops": "azerbaijan-military",
    # mediators
    "OSCE Minsk Group co-chairs": "minsk-group-cochairs",
    "the co-chairs": "minsk-group-cochairs",
    "The OSCE Minsk Group Co-Chairs": "minsk-group-cochairs",
    "the leaders of France, Russia and the US": "minsk-group-cochairs",
    "France, Russia and the United States": "minsk-group-cochairs",
    # Russia
    "Vladimir Putin": "vladimir-putin",
    "Russian President Vladimir Putin": "vladimir-putin",
    "Sergey Lavrov": "sergey-lavrov",
    "Sergei Lavrov": "sergey-lavrov",
    "Lavrov": "sergey-lavrov",
    "Dmitry Peskov": "dmitry-peskov",
    "the Kremlin": "russia-government",
    "Moscow": "russia-government",
    "Maria Zakharova": "maria-zakharova",
    "Russian Foreign Ministry": "russia-foreign-ministry",
    # Turkey
    "Recep Tayyip Erdogan": "recep-tayyip-erdogan",
    "Recep Tayyip Erdoğan": "recep-tayyip-erdogan",
    "Erdoğan’s": "recep-tayyip-erdogan",
    "Turkish President Tayyip Erdogan": "recep-tayyip-erdogan",
    "Mevlüt Çavuşoğlu": "mevlut-cavusoglu",
    "Hulusi Akar": "hulusi-akar",
    "Turkish Defense Ministry": "turkey-defense-ministry",
    "Ankara": "turkey-government",
    # others
    "Iran": "iran-government",
    "UN Secretary-General Antonio Guterres": "un-secretary-general",
    "António Guterres": "un-secretary-general",
    "UN spokesman Stephane Dujarric": "un-spokesperson",
    "Josep Borrell": "josep-borrell",
    "Emmanuel Macron": "emmanuel-macron",
    "Mike Pompeo": "mike-pompeo",
    "Yerevan and Baku": "armenia-azerbaijan",
    "Jalal Harutyunyan": "jalal-harutyunyan",     # full names beat the bare surname of another
    "Prosecutor General Kamran Aliyev": "kamran-aliyev",
    "Armenian Defense Minister David Tonoyan": "david-tonoyan",
    "the Red Cross": "humanitarian-organisations",
    "Russian Federation": "russia-government",
    "the separatist leader": "arayik-harutyunyan",
    "Kremlin spokesman Dmitry Peskov": "dmitry-peskov",
    "Putin's spokesman": "dmitry-peskov",
    "both sides": "armenia-azerbaijan",
    "Al Jazeera's correspondent": "news-media",   # a reporter of another outlet, quoted
    "Al Jazeera’s Mara Quill": "news-media",
    "according to Reuters": "news-media",
    "Eyewitnesses": "witnesses",
    "an Azerbaijani human rights official": "azerbaijan-government",
    "The international community, including the OSCE Minsk Group": "international-community",
    "the world powers, including the Organization for Security and Co-operation in Europe's Minsk Group":
        "international-community",
}


@pytest.mark.parametrize("mention", sorted(RESOLVES))
def test_resolve_name_variants(war, mention):
    speaker = war.resolve(mention)
    assert speaker is not None, mention
    assert speaker.id == RESOLVES[mention]


@pytest.mark.parametrize("mention", [
    "Monday", "", "   ", "he", "the statement", "Heavy fighting",
    "© Hikmet Hajiyev/Defense Ministry of Armenia",   # a photo credit
    "Photo: Armenian Defense Ministry",
    "Reporting by Nvard Hovhannisyan in Yerevan",     # a byline
    "Nvard Hovhannisyan",                              # a journalist who shares a surname
    "Anna Petrosyan", "Mara Quill",
    "Putin and Erdogan",                               # two speakers of different sides
])
def test_not_speakers(war, mention):
    assert war.resolve(mention) is None


def test_non_string_mentions(war):
    assert war.resolve(None) is None
    assert war.resolve(float("nan")) is None


def test_case_and_punctuation_insensitive(war):
    assert war.resolve("HIKMET HAJIYEV") is war.resolve("hikmet-hajiyev") is war.speakers["hikmet-hajiyev"]
    assert war.resolve("  Nagorno Karabakh  Defense Army. ").id == "nk-defense-army"


def test_resolution_rules_on_fixture(mini):
    # descendant beats ancestor; person name beats the organisation around it
    assert mini.resolve("Northland Defense Ministry official Ana Berg").id == "ana-berg"
    # the longest alias inside a longer mention
    assert mini.resolve("a Northland Defense Ministry spokesman").id == "north-mod"
    # a possessive modifies the head that follows it
    assert mini.resolve("Olek Dab's ally Ana Berg").id == "ana-berg"
    assert mini.resolve("Ana Berg's boss Olek Dab").id == "olek-dab"
    # a pattern inside a longer mention; diacritics
    assert mini.resolve("the Southland president, Olek Dab,").id == "olek-dab"
    assert mini.resolve("Dab").id == "olek-dab"
    assert mini.resolve("Northern officials").id == "north-gov"
    # two governments joined: ambiguous
    assert mini.resolve("Nordburg and Sudport") is None
    assert mini.resolve("© Ana Berg") is None
    # surname after an unknown capitalised word is someone else; after a title it is the speaker
    assert mini.resolve("Lena Berg") is None
    assert mini.resolve("Minister Berg").id == "ana-berg"


def test_patterns_ignore_case_and_may_carry_inline_flags():
    reg = registry_from_dict({
        "sides": [{"id": "a", "label": "A", "colour": "#000000"}],
        "speakers": [
            {"id": "x", "name": "X", "side": "a", "kind": "person", "patterns": ["(?i)chief of staff"]},
            {"id": "y", "name": "Y", "side": "a", "kind": "person", "patterns": ["Grand Vizier"]},
        ]})
    assert reg.resolve("the Chief of Staff").id == "x"
    assert reg.resolve("the Grand Vizier, speaking on Monday").id == "y"
    assert reg.resolve("the vizier") is None


def test_resolve_cache_returns_same_objects(war):
    first = war.resolve("Azerbaijan's Defense Ministry spokesman")
    assert war.resolve("Azerbaijan's Defense Ministry spokesman") is first


# --------------------------------------------------------------------------- roll-up

def test_roll_up_levels(mini):
    assert mini.roll_up("ana-berg", "person") == "ana-berg"
    assert mini.roll_up("ana-berg", "organisation") == "north-mod"
    assert mini.roll_up("ana-berg", "side") == "north"
    assert mini.roll_up("north-army") == "north-mod"  # a group rolls up to its organisation
    assert mini.roll_up("north-mod") == "north-mod"
    assert mini.roll_up("north-gov", "organisation") == "north-gov"
    assert mini.roll_up("olek-dab", "organisation") == "south-gov"
    assert mini.side_of("olek-dab") == "south"
    assert mini.ancestors("north-army") == ["north-mod", "north-gov"]
    with pytest.raises(ValueError, match="unknown level"):
        mini.roll_up("ana-berg", "country")
    with pytest.raises(KeyError):
        mini.roll_up("nobody")


def test_roll_up_default_registry(war):
    assert war.roll_up("shushan-stepanyan") == "armenia-defense-ministry"
    assert war.roll_up("artsrun-hovhannisyan", "side") == "armenia"
    assert war.roll_up("hikmet-hajiyev") == "azerbaijan-government"
    assert war.roll_up("vahram-poghosyan", "side") == "nagorno-karabakh"
    assert war.roll_up("sergey-lavrov") == "russia-foreign-ministry"
    assert war.roll_up("igor-popov", "side") == "mediator"
    assert war.side_of("un-secretary-general") == "un"
    # every speaker rolls up to a speaker of its own side
    for sid, sp in war.speakers.items():
        assert war.speakers[war.roll_up(sid)].side == sp.side


# --------------------------------------------------------------------------- unresolved report

def _statements(rows):
    cols = ["statement_id", "mention", "speaker", "sentence", "text"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows], columns=cols)


def test_unresolved_mentions_groups_counts_and_examples():
    st = _statements([
        ("1", "the mayor", "", "The mayor said one thing.", "one thing"),
        ("2", "Hajiyev", "hikmet-hajiyev", "Hajiyev said two.", "two"),
        ("3", "The Mayor", "", "The Mayor said three.", "three"),
        ("4", "the mayor", "", "The mayor added four.", "four"),
        ("5", "local residents", "", "Local residents said five.", "five"),
        ("6", "", "", "It was reported that six.", "six"),
        ("7", "aid workers", "", "Aid workers said seven.", "seven"),
    ])
    out = unresolved_mentions(st)
    assert list(out.columns) == ["mention", "count", "example"]
    assert out["mention"].tolist() == ["the mayor", "aid workers", "local residents"]
    assert out["count"].tolist() == [3, 1, 1]
    assert out["example"].tolist()[0] == "The mayor said one thing."


def test_unresolved_mentions_empty_and_all_resolved():
    assert unresolved_mentions(_statements([])).empty
    out = unresolved_mentions(_statements([("1", "Baku", "azerbaijan-government", "s", "t")]))
    assert out.empty and list(out.columns) == ["mention", "count", "example"]


# --------------------------------------------------------------------------- command

def test_speakers_command_prints_registry(capsys):
    from stance.cli import main

    assert main(["speakers", str(DEFAULT)]) == 0
    out = capsys.readouterr().out
    assert "azerbaijan" in out and "#0072B2" in out
    assert "Shushan Stepanyan [shushan-stepanyan] (person, part of armenia-defense-ministry)" in out
    assert "Susan Stepanyan" in out
    assert main(["speakers", str(FIXTURES / "mini.yaml"), "--level", "organisation"]) == 0
    out = capsys.readouterr().out
    assert "Northern Defense Ministry [north-mod]: Northern army, Ana Berg" in out
    assert main(["speakers", str(FIXTURES / "mini.yaml"), "--level", "side"]) == 0
    out = capsys.readouterr().out
    assert "north" in out and "Ana Berg" not in out


def test_speakers_command_bad_registry(tmp_path, capsys):
    from stance.cli import main

    bad = tmp_path / "speakers.yaml"
    bad.write_text(GOOD_SIDES + "speakers:\n  - {id: x, name: X, side: z, kind: person}\n", encoding="utf-8")
    assert main(["speakers", str(bad)]) == 1
    assert "unknown side 'z'" in capsys.readouterr().err


def test_format_unresolved_and_registry_file(tmp_path):
    from stance.commands.speakers import format_unresolved, registry_file

    table = unresolved_mentions(_statements([
        ("1", "the mayor", "", "The mayor said one thing.", "one thing"),
        ("2", "the mayor", "", "The mayor added " + "x" * 300, "two"),
    ]))
    text = format_unresolved(table, total=5)
    assert text.splitlines()[0] == "2 of 5 statements have a mention without a speaker (1 distinct mentions)"
    assert "     2  the mayor" in text and "The mayor said one thing." in text
    # a corpus folder names its registry in corpus.yaml; a registry file is taken as it is
    (tmp_path / "corpus.yaml").write_text("name: t\nspeakers: who.yaml\n", encoding="utf-8")
    assert registry_file(tmp_path) == tmp_path / "who.yaml"
    assert registry_file(tmp_path / "corpus.yaml") == tmp_path / "who.yaml"
    assert registry_file(FIXTURES / "mini.yaml") == FIXTURES / "mini.yaml"


def test_speakers_command_unresolved(monkeypatch, capsys):
    """--unresolved reads the corpus, extracts statements and prints the grouped table."""
    import sys
    import types

    from stance.cli import main

    seen = {}

    def fake_extract(corpus, **kwargs):
        seen["articles"] = len(corpus.articles)
        return _statements([
            ("1", "the mayor", "", "The mayor said one thing.", "one thing"),
            ("2", "Baku", "azerbaijan-government", "Baku said two.", "two"),
            ("3", "the mayor", "", "The mayor said three.", "three"),
        ])

    # a stand-in for the extractor module (the real one needs spaCy; it is tested on its own)
    fake_module = types.ModuleType("stance.extract")
    fake_module.extract_statements = fake_extract
    monkeypatch.setitem(sys.modules, "stance.extract", fake_module)
    assert main(["speakers", str(DEFAULT), "--unresolved"]) == 0
    out = capsys.readouterr().out
    assert seen["articles"] >= 1
    assert out.splitlines()[0] == "2 of 3 statements have a mention without a speaker (1 distinct mentions)"
    assert "the mayor" in out and "Baku" not in out
