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

#: the statements table (``extract_statements``)
STATEMENT_COLUMNS: list[str] = [
    "statement_id", "article_id", "date", "speaker", "speaker_name", "side", "mention", "cue",
    "kind", "text", "sentence", "start", "end", "mention_start", "mention_end", "flags",
    "confidence",
]

#: allowed values of ``statements.kind``
STATEMENT_KINDS = ("direct", "indirect", "mixed", "act", "authored")

FLAG_SEPARATOR = ";"

#: the stance table (``stance.targets.zero_shot_stance``, ``predict_stance``, ``corpus_stance``):
#: one row per statement and target
STANCE_COLUMNS: list[str] = ["statement_id", "target", "relevance", "relevant", "position", "score",
                             "margin"]
#: ``position`` of a statement that does not concern the target
NONE = "none"
#: ``position`` of a relevant statement whose nearest positions are too close to call
UNCLEAR = "unclear"

_INT_COLUMNS = ("start", "end", "mention_start", "mention_end")


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


def normalize_statements(df: pd.DataFrame) -> pd.DataFrame:
    """Check and order the statements columns, with fixed dtypes (offsets int, confidence float)."""
    out = _normalize(df, STATEMENT_COLUMNS)
    for c in STATEMENT_COLUMNS:
        if c in _INT_COLUMNS:
            out[c] = out[c].fillna(-1).astype("int64")
        elif c == "confidence":
            out[c] = out[c].astype("float64")
        elif c != "date":
            out[c] = out[c].fillna("").astype(str)
    return out
