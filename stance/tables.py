"""The data contracts: the fixed columns of the tables that pass between stages.

Every stage takes a table and returns a table (pandas DataFrames). Flags are stored as one string,
flag names joined by ``;`` (e.g. ``"coref;damaged"``), so that the tables round-trip through CSV and
Parquet unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pandas as pd

#: the articles table (``Corpus.articles``)
ARTICLE_COLUMNS: list[str] = [
    "article_id", "date", "source", "url", "title", "author", "credit", "text", "path", "flags",
]

#: optional article columns, filled with "" when absent: ``byline`` is the journalist of a news
#: report (metadata, never a speaker; ``author`` is the issuer of a primary source)
OPTIONAL_ARTICLE_COLUMNS: list[str] = ["byline"]

#: the statements table (``extract_statements``). ``text`` is the content that is embedded and
#: labelled; ``start``/``end`` span it verbatim in the article's ``text``. ``pieces`` gives the
#: article offsets that make up ``text`` (``"a-b"``, or ``"a-b;c-d"`` joined by one space when a
#: cue interrupts a quotation: ``"We will not retreat," said the minister, "not one step."`` has
#: the text ``We will not retreat, not one step.`` and the cue stays in ``article[start:end]``).
#: ``polarity`` says whether the speaker asserts the content or denies it (see
#: :data:`POLARITIES`); the content of a denial is kept as written ("denied their military
#: sustained any losses": text "their military sustained any losses", polarity ``denied``).
STATEMENT_COLUMNS: list[str] = [
    "statement_id", "article_id", "date", "speaker", "speaker_name", "side", "mention", "cue",
    "kind", "text", "sentence", "start", "end", "mention_start", "mention_end", "flags",
    "confidence", "polarity", "pieces",
]

#: allowed values of ``statements.kind``
STATEMENT_KINDS = ("direct", "indirect", "mixed", "act", "authored")

#: ``statements.polarity``: ``asserted`` (the speaker says, claims, calls for the content);
#: ``denied`` (the speaker denies, rejects, refutes or dismisses it: "denied that ...", "rejected
#: the claims that ...", "the ministry's denial that ..."); ``negated`` (the cue itself is negated:
#: "did not confirm that ...", "has not denied ...": the speaker neither asserts nor denies it)
POLARITIES = ("asserted", "denied", "negated")
ASSERTED, DENIED, NEGATED = POLARITIES

#: statement columns a table written before they existed may lack; filled on normalisation
#: (``polarity`` "asserted", ``pieces`` from ``start`` and ``end``)
LATER_STATEMENT_COLUMNS = ("polarity", "pieces")
#: the narratives table (``stance.narratives.extract_narratives``): one row per agent-action-
#: patient structure inside a statement's content. ``speaker`` and ``speaker_side`` are the
#: statement's (who tells the narrative); ``agent``/``patient`` are the phrases as written,
#: ``*_entity`` the registry speaker, place or group they resolve to and ``*_side`` its side
#: ("" when unresolved; ``*_how`` says which rule resolved it: speaker, place, group, pronoun,
#: enemy). ``action`` is the verb lemma (with particle, or light verb + event noun: "launch
#: attack"; an event noun alone for ``voice == "nominal"``), ``action_cluster`` the id of its
#: cluster of similar actions and ``action_label`` that cluster's most typical actions.
#: ``violent``: the action is in the violence lexicon (``stance.narratives.VIOLENT_VERBS`` or
#: an event noun). ``negated``: the statement presents the act as not having happened (a negated
#: verb, or any act under a denial cue). ``via``: "accused" when the agent is the accused of an
#: accusing cue ("X accused Y of shelling Z"). Offsets are into the article's ``text``; -1
#: where a part is missing.
NARRATIVE_COLUMNS: list[str] = [
    "narrative_id", "statement_id", "article_id", "date", "speaker", "speaker_side",
    "agent", "agent_entity", "agent_side", "agent_how", "action", "action_cluster",
    "action_label", "voice", "violent", "patient", "patient_entity", "patient_side",
    "patient_how", "negated", "via", "agent_start", "agent_end", "action_start", "action_end",
    "patient_start", "patient_end",
]

#: allowed values of ``narratives.voice``
NARRATIVE_VOICES = ("active", "passive", "nominal")

#: columns added to the statements table by ``stance.narratives.speech_acts``:
#: ``speech_act`` (one of ``stance.narratives.SPEECH_ACTS``) and ``speech_act_basis`` ("cue":
#: from the cue verb; "content": a neutral cue, from a pattern in the content; "narrative": a
#: neutral cue, and the statement tells a violent act by another side; "default": none of these,
#: counted as "claims")
SPEECH_ACT_COLUMNS: list[str] = ["speech_act", "speech_act_basis"]

FLAG_SEPARATOR = ";"

#: the stance table (``stance.targets.zero_shot_stance``, ``predict_stance``, ``corpus_stance``):
#: one row per statement and target. ``position`` is the speaker's (after
#: ``stance.targets.apply_polarity``), ``content_position`` the one of the content as written,
#: ``polarity`` the statement's (:data:`POLARITIES`)
STANCE_COLUMNS: list[str] = ["statement_id", "target", "relevance", "relevant", "position", "score",
                             "margin", "polarity", "content_position"]
#: ``position`` of a statement that does not concern the target
NONE = "none"
#: ``position`` of a relevant statement whose nearest positions are too close to call
UNCLEAR = "unclear"

_INT_COLUMNS = ("start", "end", "mention_start", "mention_end")
_NARRATIVE_INT = ("action_cluster", "agent_start", "agent_end", "action_start", "action_end",
                  "patient_start", "patient_end")


def join_flags(flags: Iterable[str]) -> str:
    """Join flag names into the stored form: sorted, unique, ``;``-separated."""
    return FLAG_SEPARATOR.join(sorted({f for f in flags if f}))


def split_flags(value: str | float | None) -> list[str]:
    """Split a stored flags string back into a list (empty or missing gives ``[]``)."""
    if not isinstance(value, str) or not value:
        return []
    return [f for f in value.split(FLAG_SEPARATOR) if f]


def has_flag(value: str | None, flag: str) -> bool:
    """True when the stored flags string ``value`` contains ``flag``."""
    return flag in split_flags(value)


def stable_id(*parts: object, length: int = 16) -> str:
    """A stable hexadecimal id from the parts (sha256 of their ``repr`` joined by NUL)."""
    data = "\x00".join(str(p) for p in parts).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:length]


def empty_articles() -> pd.DataFrame:
    """An articles table with no rows and the right dtypes."""
    return normalize_articles(pd.DataFrame(columns=ARTICLE_COLUMNS))


def empty_statements() -> pd.DataFrame:
    """A statements table with no rows and the right dtypes."""
    return normalize_statements(pd.DataFrame(columns=STATEMENT_COLUMNS))


def _normalize(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"table is missing columns {missing}; expected {columns}")
    out = df.loc[:, columns + [c for c in df.columns if c not in columns]].copy()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]").dt.normalize()
    return out.reset_index(drop=True)


def normalize_articles(df: pd.DataFrame) -> pd.DataFrame:
    """Check and order the articles columns; ``date`` becomes datetime64 (day); text is str."""
    df = df.assign(**{c: "" for c in OPTIONAL_ARTICLE_COLUMNS if c not in df.columns})
    out = _normalize(df, ARTICLE_COLUMNS + OPTIONAL_ARTICLE_COLUMNS)
    for c in ARTICLE_COLUMNS + OPTIONAL_ARTICLE_COLUMNS:
        if c != "date":
            out[c] = out[c].fillna("").astype(str)
    return out


def join_pieces(pieces: Iterable[tuple[int, int]]) -> str:
    """The stored form of ``statements.pieces``: ``"a-b;c-d"``."""
    return FLAG_SEPARATOR.join(f"{a}-{b}" for a, b in pieces)


def split_pieces(value: str | float | None) -> list[tuple[int, int]]:
    """``statements.pieces`` back as (start, end) pairs (empty or missing gives ``[]``).

    Examples
    --------
    >>> split_pieces("1-20;45-60")
    [(1, 20), (45, 60)]
    """
    if not isinstance(value, str) or not value:
        return []
    out = []
    for part in value.split(FLAG_SEPARATOR):
        a, _, b = part.partition("-")
        out.append((int(a), int(b)))
    return out


def normalize_statements(df: pd.DataFrame) -> pd.DataFrame:
    """Check and order the statements columns, with fixed dtypes (offsets int, confidence float).

    A table without the later columns (:data:`LATER_STATEMENT_COLUMNS`) gets them: every
    statement asserted, one piece from ``start`` to ``end``."""
    if "polarity" not in df.columns:
        df = df.assign(polarity=ASSERTED)
    if "pieces" not in df.columns and {"start", "end"} <= set(df.columns):
        df = df.assign(pieces=[join_pieces([(int(a), int(b))]) if pd.notna(a) and pd.notna(b)
                               else "" for a, b in zip(df["start"], df["end"], strict=True)])
    out = _normalize(df, STATEMENT_COLUMNS)
    for c in STATEMENT_COLUMNS:
        if c in _INT_COLUMNS:
            out[c] = out[c].fillna(-1).astype("int64")
        elif c == "confidence":
            out[c] = out[c].astype("float64")
        elif c != "date":
            out[c] = out[c].fillna("").astype(str)
    out["polarity"] = out["polarity"].replace("", ASSERTED)
    bad = sorted(set(out["polarity"]) - set(POLARITIES))
    if bad:
        raise ValueError(f"statements.polarity: unknown value(s) {bad}; use one of "
                         f"{list(POLARITIES)}")
    return out


def empty_narratives() -> pd.DataFrame:
    """A narratives table with no rows and the right dtypes."""
    return normalize_narratives(pd.DataFrame(columns=NARRATIVE_COLUMNS))


def normalize_narratives(df: pd.DataFrame) -> pd.DataFrame:
    """Check and order the narratives columns, with fixed dtypes (offsets and cluster int,
    ``violent`` and ``negated`` bool, text columns str)."""
    out = _normalize(df, NARRATIVE_COLUMNS)
    for c in NARRATIVE_COLUMNS:
        if c in _NARRATIVE_INT:
            out[c] = out[c].fillna(-1).astype("int64")
        elif c in ("violent", "negated"):
            out[c] = out[c].fillna(False).astype(bool)
        elif c != "date":
            out[c] = out[c].fillna("").astype(str)
    bad = sorted(set(out["voice"]) - set(NARRATIVE_VOICES))
    if bad:
        raise ValueError(f"narratives table: unknown voice(s) {bad}; expected {NARRATIVE_VOICES}")
    return out
