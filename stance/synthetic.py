"""Synthetic corpora with planted framing: two sides that talk about the same events.

:func:`synthetic_sides` draws a statements table, one vector per statement and a narratives
table for two sides whose statements report a set of events (the topics) and differ, by a chosen
amount, either in how they frame those events (``scenario="framing"``: the mix of speech acts and
the direction of blame) or only in which events they talk about (``scenario="topic"``: the event
mix, the confound), or in nothing (``scenario="null"``). The planted truth is returned with the
tables, so a comparison can be checked against it: it should detect the planted framing at its
size, stay at its nominal false-positive rate where nothing is planted, and a comparison that
claims to measure framing should not react to the topic-only confound
(``benchmarks/synthetic_validation.py`` runs them 1,000 times; ``docs/validation.md`` has the
rates).

The generative model (everything drawn from one ``numpy`` generator, so a seed fixes the corpus):

* **Events.** ``n_events`` events, each a place (``place_0`` ...) in one week; an article reports
  one event, drawn from its side's event mix (uniform for both sides unless ``scenario="topic"``,
  where side ``a`` leans to the first half of the events and side ``b`` to the second: weights
  ``1 + effect`` and ``1 - effect``).
* **Speech acts.** Each statement has one act of ``ACTS``. The base mix ``BASE_ACTS`` is the same
  for both sides; with ``event_acts`` the events of the first half draw more accusations than
  those of the second (the share of ``accuses`` differs by ``event_acts``), which makes the event
  mix a confound for unconditioned act shares. Under ``scenario="framing"`` side ``b`` moves ``effect / 2`` of its statements from
  ``claims`` to ``accuses`` and side ``a`` the other way, so the two sides' shares of ``accuses``
  differ by ``effect`` at every event. Articles vary around their mix (Dirichlet with
  ``article_concentration``), so statements of one article are not independent.
* **Blame.** A share ``p_violent`` of statements tells one act of violence (a narrative row:
  agent side, action ``shell``, the event's place as patient). The agent is side ``a`` with
  probability 0.5 for both speakers, or, under ``scenario="framing"``, ``0.5 - effect / 2`` when
  side ``a`` speaks and ``0.5 + effect / 2`` when side ``b`` does: each side names the other as
  the aggressor more often, and the two sides' shares of aggressor ``a`` differ by ``effect``.
* **Vectors.** ``unit(event + article_weight * article + framing_weight * (act + aggressor) +
  noise * N(0, I / dim))``: the event's direction dominates (statements of one event have a
  cosine of about 0.5, as sentence embeddings of one news event do), the framing moves a
  statement a little towards the direction of its act and of the side it blames.
* **Texts.** Each statement also gets a cue and a content in words (``"accused"``, ``"denied"``,
  ``"called for"`` ...; ``"the forces of b shelled place_3"``), so a text pipeline can be run on
  it; the vectors do not come from these texts.

Examples
--------
>>> corpus = synthetic_sides("framing", effect=0.4, n_articles=30, seed=1)
>>> sorted(corpus.statements["side"].unique())
['a', 'b']
>>> corpus.vectors.shape[0] == len(corpus.statements)
True
>>> corpus.planted["accuses_difference"]
0.4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: the scenarios of :func:`synthetic_sides`
SCENARIOS = ("null", "framing", "topic")
#: the speech acts (those of ``stance.narratives.SPEECH_ACTS``, in the same order)
ACTS = ("accuses", "denies", "demands", "threatens", "condemns", "claims", "promises", "agrees")
#: the base mix of speech acts (same order as :data:`ACTS`), the same for both sides
BASE_ACTS = (0.25, 0.10, 0.10, 0.05, 0.10, 0.30, 0.05, 0.05)
#: a cue per act that names it (``stance.narratives.speech_act`` reads the act off the cue)
ACT_CUES = {"accuses": "accused", "denies": "denied", "demands": "called for",
            "threatens": "warned", "condemns": "condemned", "claims": "said",
            "promises": "pledged", "agrees": "welcomed"}
_START = pd.Timestamp("2020-09-28")


@dataclass
class SyntheticSides:
    """The tables of :func:`synthetic_sides` and what was planted in them.

    Attributes
    ----------
    statements
        One row per statement: ``statement_id``, ``article_id``, ``date``, ``speaker``,
        ``speaker_name``, ``side``, ``mention``, ``cue``, ``kind``, ``text``, ``sentence``,
        ``event`` (the planted event, the stratum of a comparison at equal topic),
        ``speech_act`` (the planted act) and ``violent`` (the statement tells an act of
        violence).
    vectors
        ``(len(statements), dim)`` float32 unit vectors, in table order.
    narratives
        One row per violent statement, the columns of ``stance.narratives.blame_shares`` and
        ``same_events``: ``narrative_id``, ``statement_id``, ``article_id``, ``date``,
        ``speaker``, ``speaker_side``, ``agent``, ``agent_entity``, ``agent_side``, ``action``,
        ``violent``, ``patient``, ``patient_entity``, ``patient_side``, ``negated``.
    planted
        The truth: ``scenario``, ``effect``, ``event_mix`` (per side), ``acts`` (expected act
        mix per side, averaged over its events), ``accuses_difference`` (side b minus side a,
        at every event), ``aggressor_a`` (probability that side a is named the aggressor, per
        speaking side), ``aggressor_a_difference``.
    """

    statements: pd.DataFrame
    vectors: np.ndarray
    narratives: pd.DataFrame
    planted: dict[str, Any] = field(default_factory=dict)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _check(scenario: str, effect: float, n_articles: int, statements_per_article: int,
           n_events: int) -> None:
    if scenario not in SCENARIOS:
        raise ValueError(f"synthetic_sides: scenario must be one of {SCENARIOS}, "
                         f"got {scenario!r}")
    if not 0 <= effect <= 1:
        raise ValueError(f"synthetic_sides: effect must lie in [0, 1], got {effect}")
    for name, value, low in (("n_articles", n_articles, 2),
                             ("statements_per_article", statements_per_article, 1),
                             ("n_events", n_events, 2)):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"synthetic_sides: {name} must be an integer >= {low}, "
                             f"got {value!r}")


def _event_mix(scenario: str, effect: float, n_events: int) -> dict[str, np.ndarray]:
    first = np.arange(n_events) < n_events / 2
    if scenario != "topic":
        flat = np.full(n_events, 1.0 / n_events)
        return {"a": flat, "b": flat.copy()}
    wa = np.where(first, 1 + effect, 1 - effect)
    wb = np.where(first, 1 - effect, 1 + effect)
    return {"a": wa / wa.sum(), "b": wb / wb.sum()}


def _act_mixes(scenario: str, effect: float, n_events: int,
               event_acts: float) -> dict[str, np.ndarray]:
    """Per side, the act mix at each event ``(n_events, len(ACTS))``."""
    acc, claims = ACTS.index("accuses"), ACTS.index("claims")
    per_event = np.tile(np.asarray(BASE_ACTS), (n_events, 1))
    lean = np.where(np.arange(n_events) < n_events / 2, event_acts / 2, -event_acts / 2)
    per_event[:, acc] += lean
    per_event[:, claims] -= lean
    shift = np.zeros(len(ACTS))
    if scenario == "framing":
        shift[acc] = effect / 2
        shift[claims] = -effect / 2
    room = 2 * float(per_event[:, [ACTS.index("accuses"), ACTS.index("claims")]].min())
    if scenario == "framing" and effect > room:
        raise ValueError(f"synthetic_sides: effect {effect} is more than the act mixes allow "
                         f"({room:.3f}: twice the smallest share of 'accuses' or 'claims' at an "
                         f"event)")
    return {"a": per_event - shift, "b": per_event + shift}


def synthetic_sides(scenario: str = "framing", effect: float = 0.2, *, n_articles: int = 40,
                    statements_per_article: int = 4, n_events: int = 8, dim: int = 384,
                    event_acts: float = 0.0,
                    article_concentration: float = 20.0, p_violent: float = 0.5,
                    article_weight: float = 0.4, framing_weight: float = 0.35,
                    noise: float = 1.0, seed: int | np.random.Generator = 0) -> SyntheticSides:
    """Two sides reporting the same events, with planted framing or a topic-only difference.

    See the module docstring for the generative model.

    Parameters
    ----------
    scenario
        ``"framing"``: same events, the sides differ in speech-act mix and blame direction by
        ``effect``; ``"topic"``: the sides differ only in their event mix (by ``effect``, 0 to
        1), framing given the event is the same; ``"null"``: no difference at all.
    effect
        The planted size: under ``"framing"`` the difference of the two sides' shares of
        ``accuses`` and of their shares of aggressor ``a`` (at most 0.6, twice the base share of
        ``claims``, or less with ``event_acts``); under ``"topic"`` how far the event mixes lean apart (1: no shared events).
    n_articles
        Articles per side; each reports one event and quotes one side.
    statements_per_article
        Statements per article.
    n_events
        Number of events (topics); events are one week apart.
    dim
        Dimension of the vectors (384, as all-MiniLM-L6-v2).
    event_acts
        How much the act mix follows the event: the events of the first half have a share of
        ``accuses`` higher by ``event_acts`` than those of the second half (and of ``claims``
        lower by as much; 0 to 0.5). With a topic-only difference the event mix then moves the
        unconditioned act shares, and only a comparison at equal topic stays clean.
    article_concentration
        How closely an article's act mix follows its side's (Dirichlet concentration; larger is
        closer; ``0`` or ``inf`` for no article effect).
    p_violent
        Share of statements that tell an act of violence (one narrative each).
    article_weight, framing_weight, noise
        Lengths of the article's own direction, of the framing directions (act and aggressor)
        and of the noise, against the event's unit direction.
    seed
        An int or a ``numpy.random.Generator``; the same seed gives the same corpus.

    Returns
    -------
    SyntheticSides
        ``statements``, ``vectors``, ``narratives`` and ``planted`` (the truth).

    Raises
    ------
    ValueError
        For an unknown scenario, an effect out of range or sizes below their minimum.

    Examples
    --------
    >>> null = synthetic_sides("null", n_articles=20, seed=0)
    >>> len(null.statements), null.vectors.shape[1]
    (160, 384)
    >>> null.planted["accuses_difference"], null.planted["aggressor_a"]
    (0.0, {'a': 0.5, 'b': 0.5})
    >>> topic = synthetic_sides("topic", effect=0.8, n_articles=20, seed=0)
    >>> [round(float(w), 3) for w in topic.planted["event_mix"]["a"][:2]]
    [0.225, 0.225]
    """
    _check(scenario, effect, n_articles, statements_per_article, n_events)
    rng = np.random.default_rng(seed)
    sides = ("a", "b")
    event_mix = _event_mix(scenario, effect, n_events)
    if not 0 <= event_acts <= 2 * min(BASE_ACTS[0], BASE_ACTS[ACTS.index("claims")]):
        raise ValueError(f"synthetic_sides: event_acts must lie in [0, 0.5], got {event_acts}")
    act_mix = _act_mixes(scenario, effect, n_events, event_acts)
    blame = effect / 2 if scenario == "framing" else 0.0
    aggressor_a = {"a": round(0.5 - blame, 12), "b": round(0.5 + blame, 12)}
    events = _unit(rng.normal(size=(n_events, dim)))
    act_dirs = _unit(rng.normal(size=(len(ACTS), dim)))
    side_dirs = {s: v for s, v in zip(sides, _unit(rng.normal(size=(2, dim))), strict=True)}
    rows: list[dict[str, Any]] = []
    vecs: list[np.ndarray] = []
    narratives: list[dict[str, Any]] = []
    for side in sides:
        other = "b" if side == "a" else "a"
        for art in range(n_articles):
            article_id = f"{side}{art:04d}"
            event = int(rng.choice(n_events, p=event_mix[side]))
            mix = act_mix[side][event]
            if article_concentration and np.isfinite(article_concentration):
                mix = rng.dirichlet(article_concentration * mix)
            date = _START + pd.Timedelta(days=7 * event + int(rng.integers(0, 7)))
            art_dir = _unit(rng.normal(size=dim))
            place = f"place_{event}"
            for k in range(statements_per_article):
                act = ACTS[int(rng.choice(len(ACTS), p=mix))]
                violent = bool(rng.random() < p_violent)
                agent = ("a" if rng.random() < aggressor_a[side] else "b") if violent else ""
                framing = act_dirs[ACTS.index(act)] + (side_dirs[agent] if violent else 0.0)
                vecs.append(events[event] + article_weight * art_dir + framing_weight * framing
                            + noise * rng.normal(size=dim) / np.sqrt(dim))
                statement_id = f"{article_id}-{k}"
                content = (f"the forces of {agent} shelled {place}" if violent
                           else f"the situation around {place} was discussed")
                rows.append({"statement_id": statement_id, "article_id": article_id,
                             "date": date, "speaker": f"{side}_government",
                             "speaker_name": f"Government of {side}", "side": side,
                             "mention": f"the government of {side}", "cue": ACT_CUES[act],
                             "kind": "indirect", "text": content,
                             "sentence": f"The government of {side} {ACT_CUES[act]} {content}.",
                             "event": f"event_{event}", "speech_act": act, "violent": violent})
                if violent:
                    narratives.append({
                        "narrative_id": f"{statement_id}-n0", "statement_id": statement_id,
                        "article_id": article_id, "date": date, "speaker": f"{side}_government",
                        "speaker_side": side, "agent": f"the forces of {agent}",
                        "agent_entity": f"{agent}_forces", "agent_side": agent,
                        "action": "shell", "violent": True, "patient": place,
                        "patient_entity": place,
                        "patient_side": other if agent == side else side, "negated": False})
    statements = pd.DataFrame(rows)
    statements["date"] = pd.to_datetime(statements["date"]).astype("datetime64[ns]")
    nar = pd.DataFrame(narratives, columns=_NARRATIVE_COLS)
    nar["date"] = pd.to_datetime(nar["date"]).astype("datetime64[ns]")
    nar = nar.astype({"violent": bool, "negated": bool})
    planted = {
        "scenario": scenario, "effect": float(effect),
        "event_mix": {s: event_mix[s] for s in sides},
        "acts": {s: dict(zip(ACTS, (event_mix[s] @ act_mix[s]).round(6).tolist(), strict=True))
                 for s in sides},
        "accuses_difference": float(effect) if scenario == "framing" else 0.0,
        "aggressor_a": aggressor_a,
        "aggressor_a_difference": round(aggressor_a["b"] - aggressor_a["a"], 12),
    }
    vectors = _unit(np.asarray(vecs)).astype(np.float32)
    return SyntheticSides(statements, vectors, nar, planted)


_NARRATIVE_COLS = ["narrative_id", "statement_id", "article_id", "date", "speaker",
                   "speaker_side", "agent", "agent_entity", "agent_side", "action", "violent",
                   "patient", "patient_entity", "patient_side", "negated"]

__all__ = ["ACTS", "ACT_CUES", "BASE_ACTS", "SCENARIOS", "SyntheticSides", "synthetic_sides"]
