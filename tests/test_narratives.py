"""Narratives inside statements: the parse rules, resolution to sides, speech acts, blame shares,
action clusters, the cache, the registry's places/groups/opponents and the two figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stance import tables
from stance.narratives import (
    blame_mentions,
    blame_shares,
    cluster_actions,
    extract_narratives,
    speech_act,
    speech_acts,
)
from stance.speakers import RegistryError, registry_from_dict

REGISTRY = {
    "sides": [{"id": "armenia", "label": "Armenia", "colour": "#D55E00"},
              {"id": "azerbaijan", "label": "Azerbaijan", "colour": "#0072B2"},
              {"id": "nagorno-karabakh", "label": "Karabakh", "colour": "#E69F00"},
              {"id": "other", "label": "Other", "colour": "#999999"}],
    "speakers": [
        {"id": "am-gov", "name": "Armenian government", "side": "armenia", "kind": "government",
         "aliases": ["Armenia", "Yerevan"]},
        {"id": "am-mil", "name": "Armenian military", "side": "armenia", "kind": "group",
         "aliases": ["Armenian forces", "Armenian armed forces"]},
        {"id": "az-gov", "name": "Azerbaijani government", "side": "azerbaijan",
         "kind": "government", "aliases": ["Azerbaijan", "Baku"]},
        {"id": "az-mil", "name": "Azerbaijani military", "side": "azerbaijan", "kind": "group",
         "aliases": ["Azerbaijani forces", "Azerbaijani army"]},
    ],
    "places": [{"id": "stepanakert", "name": "Stepanakert", "side": "nagorno-karabakh"},
               {"id": "armenia-land", "name": "Armenia", "side": "armenia",
                "aliases": ["Armenian"]},
               {"id": "ganja", "name": "Ganja", "side": "azerbaijan",
                "aliases": ["Azerbaijani"]}],
    "groups": [{"id": "civilians", "name": "civilians", "aliases": ["civilian", "residents"]}],
    "opponents": {"armenia": "azerbaijan", "azerbaijan": "armenia"},
}


@pytest.fixture(scope="module")
def registry():
    return registry_from_dict(REGISTRY)


def _corpus(items: list[tuple[str, str, str, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Articles and statements from (sentence, content, cue, kind, speaker side): one article
    per sentence, the statement's content found inside it."""
    arts, rows = [], []
    for k, (sentence, content, cue, kind, side) in enumerate(items):
        aid = f"a{k}"
        text = f"Intro line.\n{sentence}\n"
        start = text.index(content)
        arts.append({"article_id": aid, "date": pd.Timestamp("2020-10-01") + pd.Timedelta(days=k),
                     "source": "s", "url": "", "title": "", "author": "", "credit": "",
                     "text": text, "path": "", "flags": ""})
        rows.append({"statement_id": f"st{k}", "article_id": aid, "date": arts[-1]["date"],
                     "speaker": f"{side}-x" if side else "", "speaker_name": "", "side": side,
                     "mention": "", "cue": cue, "kind": kind, "text": content,
                     "sentence": sentence, "start": start, "end": start + len(content),
                     "mention_start": -1, "mention_end": -1, "flags": "", "confidence": 1.0})
    return pd.DataFrame(arts), tables.normalize_statements(pd.DataFrame(rows))


def _fake_embed(texts):
    # two directions: violent-looking actions and the rest (deterministic)
    return np.array([[1.0, 0.1 * i] if t in ("shell", "attack", "kill") else [0.1 * i, 1.0]
                     for i, t in enumerate(texts)])


@pytest.fixture(scope="module")
def narratives(nlp, registry, tmp_path_factory):
    arts, st = _corpus([
        ("Armenian forces shelled Ganja on Monday.", "Armenian forces shelled Ganja on Monday.",
         "", "authored", "azerbaijan"),
        ("Stepanakert was shelled by Azerbaijani forces, the ministry said.",
         "Stepanakert was shelled by Azerbaijani forces", "said", "indirect", "armenia"),
        ("Yerevan accused Baku of shelling Stepanakert.", "shelling Stepanakert", "accused of",
         "indirect", "armenia"),
        ("Azerbaijan denied that its army attacked civilians in Stepanakert.",
         "its army attacked civilians in Stepanakert", "denied", "indirect", "azerbaijan"),
        ("\u201cWe did not attack Ganja,\u201d the minister said.", "We did not attack Ganja",
         "said", "direct", "armenia"),
        ("\u201cThe enemy killed residents of Ganja,\u201d he said.",
         "The enemy killed residents of Ganja", "said", "direct", "azerbaijan"),
        ("Baku said the Armenian attack on Ganja killed civilians.",
         "the Armenian attack on Ganja killed civilians", "said", "indirect", "azerbaijan"),
    ])
    out = extract_narratives(st, arts, registry, nlp=nlp, embed_fn=_fake_embed,
                             cache_dir=tmp_path_factory.mktemp("cache"))
    return out, arts, st


def _act(nar: pd.DataFrame, statement: str, action: str) -> pd.Series:
    rows = nar[(nar["statement_id"] == statement) & (nar["action"] == action)]
    assert len(rows) == 1, nar.loc[nar["statement_id"] == statement,
                                   ["action", "agent", "patient"]]
    return rows.iloc[0]


def test_the_table_has_the_contract_and_offsets_lead_back_to_the_text(narratives):
    nar, arts, _ = narratives
    assert list(nar.columns[: len(tables.NARRATIVE_COLUMNS)]) == tables.NARRATIVE_COLUMNS
    texts = arts.set_index("article_id")["text"]
    for r in nar.itertuples():
        if r.agent_start >= 0:
            assert texts[r.article_id][r.agent_start:r.agent_end] == r.agent
        if r.patient_start >= 0:
            assert texts[r.article_id][r.patient_start:r.patient_end] == r.patient
    assert nar["narrative_id"].is_unique


def test_active_voice_agent_and_patient_resolve_to_sides(narratives):
    r = _act(narratives[0], "st0", "shell")
    assert (r.agent, r.agent_side, r.agent_entity) == ("Armenian forces", "armenia", "am-mil")
    assert (r.patient, r.patient_side, r.patient_how) == ("Ganja", "azerbaijan", "place")
    assert r.voice == "active" and r.violent and not r.negated


def test_passive_voice_swaps_the_roles_and_a_place_is_a_place(narratives):
    r = _act(narratives[0], "st1", "shell")
    assert r.voice == "passive"
    assert (r.agent_side, r.patient_side, r.patient_entity) == ("azerbaijan", "nagorno-karabakh",
                                                               "stepanakert")


def test_the_accused_is_the_agent_of_the_act(narratives):
    r = _act(narratives[0], "st2", "shell")
    assert (r.agent, r.agent_side, r.via) == ("Baku", "azerbaijan", "accused")
    assert r.patient_side == "nagorno-karabakh"


def test_denial_and_negation_mark_the_act_as_not_done(narratives):
    denied = _act(narratives[0], "st3", "attack")
    assert denied.negated and denied.agent_side == "azerbaijan"   # "its army" in reported speech
    assert denied.patient_entity == "civilians" and denied.patient_side == "nagorno-karabakh"
    negated = _act(narratives[0], "st4", "attack")
    assert negated.negated and negated.agent_side == "armenia"    # "we" in the speaker's words


def test_the_enemy_is_the_speakers_opponent_and_event_nouns_have_agents(narratives):
    r = _act(narratives[0], "st5", "kill")
    assert r.agent_how == "enemy" and r.agent_side == "armenia"
    assert r.patient_side == "azerbaijan"                    # "residents of Ganja"
    noun = _act(narratives[0], "st6", "attack")
    assert noun.voice == "nominal" and noun.agent_side == "armenia"
    assert noun.patient_side == "azerbaijan"
    kill = _act(narratives[0], "st6", "kill")                # the attack's agent kills
    assert kill.agent_side == "armenia"


def test_blame_counts_acts_told_as_done_once_per_statement(narratives):
    nar = narratives[0]
    m = blame_mentions(nar)
    assert "st3" not in set(m["statement_id"]) and "st4" not in set(m["statement_id"])
    assert m.duplicated(["statement_id", "role", "side"]).sum() == 0
    out = blame_shares(nar, None, n_boot=50)
    az = out[(out["speaker_side"] == "azerbaijan") & (out["role"] == "aggressor")]
    assert az.set_index("side")["share"].to_dict()["armenia"] == 1.0
    sums = out.groupby(["role", "speaker_side", "bin"])["share"].sum()
    assert np.allclose(sums, 1.0)


def test_blame_intervals_resample_articles(nlp, registry):
    rows = []
    for k in range(12):
        rows.append({"statement_id": f"s{k}", "article_id": f"a{k % 6}",
                     "date": pd.Timestamp("2020-10-01"), "speaker_side": "azerbaijan",
                     "violent": True, "negated": False,
                     "agent_side": "armenia" if k % 3 else "azerbaijan", "patient_side": ""})
    out = blame_shares(pd.DataFrame(rows), None, n_boot=200, seed=1)
    arm = out[out["side"] == "armenia"].iloc[0]
    assert arm["share"] == pytest.approx(8 / 12)
    assert arm["ci_low"] < arm["share"] < arm["ci_high"] and arm["n_articles"] == 6
    again = blame_shares(pd.DataFrame(rows), None, n_boot=200, seed=1)
    pd.testing.assert_frame_equal(out, again)


def test_speech_acts_from_cue_content_and_narratives(narratives):
    assert speech_act("warned of", "indirect", "a severe response") == ("threatens", "cue")
    assert speech_act("vowed", "act", "full support for Azerbaijan") == ("promises", "cue")
    assert speech_act("sworn", "mixed", "to revenge the deaths")[0] == "threatens"
    assert speech_act("said", "direct", "All this talk is a lie.") == ("denies", "content")
    assert speech_act("said", "direct", "We condemn the attack") == ("condemns", "content")
    assert speech_act("calling for", "indirect", "a return to talks") == ("demands", "cue")
    nar, _, st = narratives
    acts = speech_acts(st, nar).set_index("statement_id")
    assert acts.loc["st2", "speech_act"] == "accuses"
    assert acts.loc["st3", "speech_act"] == "denies"
    # "Stepanakert was shelled by Azerbaijani forces", said by Armenia: an accusation
    assert tuple(acts.loc["st1", ["speech_act", "speech_act_basis"]]) == ("accuses", "narrative")


def test_action_clusters_are_labelled_by_their_most_frequent_actions():
    actions = pd.Series(["shell", "attack", "shell", "say", "call", "shell"])
    ids, labels = cluster_actions(actions, _fake_embed, n_clusters=2)
    assert ids.tolist() == [0, 0, 0, 1, 1, 0]
    assert labels == {0: "shell, attack", 1: "call, say"}


def test_the_parse_is_cached(narratives, nlp, registry, tmp_path, monkeypatch):
    _, arts, st = narratives
    first = extract_narratives(st, arts, registry, nlp=nlp, embed_fn=_fake_embed,
                               cache_dir=tmp_path)
    assert list((tmp_path / "narratives").glob("*.parquet"))
    import stance.narratives._extract as ex

    def boom(*a, **k):
        raise AssertionError("parsed again despite the cache")
    monkeypatch.setattr(ex, "parse_narratives", boom)
    again = extract_narratives(st, arts, registry, nlp=nlp, embed_fn=_fake_embed,
                               cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(AssertionError, match="parsed again"):   # another registry: a new key
        extract_narratives(st, arts, registry_from_dict({**REGISTRY, "opponents": {}}), nlp=nlp,
                           embed_fn=_fake_embed, cache_dir=tmp_path)


def test_registry_places_and_groups_are_checked():
    reg = registry_from_dict(REGISTRY)
    assert reg.entities["stepanakert"].side == "nagorno-karabakh"
    assert reg.entities["civilians"].side == "" and reg.opponents["armenia"] == "azerbaijan"
    with pytest.raises(RegistryError, match="unknown side 'atlantis'"):
        registry_from_dict({**REGISTRY, "places": [{"id": "x", "name": "X", "side": "atlantis"}]})
    with pytest.raises(RegistryError, match="missing field side"):
        registry_from_dict({**REGISTRY, "places": [{"id": "x", "name": "X"}]})
    with pytest.raises(RegistryError, match="already a speaker"):
        registry_from_dict({**REGISTRY, "groups": [{"id": "am-gov", "name": "X"}]})
    with pytest.raises(RegistryError, match="opponents: unknown side"):
        registry_from_dict({**REGISTRY, "opponents": {"armenia": "mars"}})


def test_the_figures_draw_their_tables_the_same_bytes_twice(narratives, registry, tmp_path):
    from stance.figures import (
        BLAME_FIGURE_COLUMNS,
        SPEECH_ACT_COLUMNS,
        blame_table,
        plot_blame,
        plot_speech_acts,
        speech_act_table,
    )
    from stance.figures._style import close, is_note
    from stance.output import save_figure

    nar, _, st = narratives
    acts = speech_act_table(speech_acts(st, nar), ["armenia", "azerbaijan"], n_boot=50)
    assert list(acts.columns) == SPEECH_ACT_COLUMNS
    assert np.allclose(acts.groupby("side")["share"].sum(), 1.0)
    blame = blame_table(nar, ["armenia", "azerbaijan"], "W", n_boot=50)
    assert list(blame.columns) == BLAME_FIGURE_COLUMNS
    assert set(blame["period"]) == {"all", "bin"}
    for name, fig_fn in (("acts", lambda: plot_speech_acts(acts, registry)),
                         ("blame", lambda: plot_blame(blame, registry, freq="W"))):
        paths = []
        for k in range(2):
            fig = fig_fn()
            paths += save_figure(fig, tmp_path / f"{name}{k}", formats=("png",))
            close(fig)
        assert paths[0].read_bytes() == paths[1].read_bytes()
    note = blame_table(nar.iloc[0:0], ["armenia"], "W", n_boot=10)
    assert is_note(note)
    close(plot_blame(note, registry))
