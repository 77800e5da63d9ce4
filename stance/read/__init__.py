"""Read a corpus: a folder of article files (or one file) into the articles table.

:func:`read_corpus` reads ``corpus.yaml`` (:func:`read_corpus_yaml`, the one place that parses
it), every article file (formats: ``.txt``/``.md`` with a header or front matter, ``.jsonl``,
``.csv``), their dates, repairs damaged text (:func:`repair_text`) and loads the speaker registry.
Every problem is in the :class:`ReadReport`; nothing is dropped silently.

Insides: ``_dates`` -> ``_formats`` -> ``_repair`` -> ``_corpus`` -> ``_summary``.
"""

from __future__ import annotations

from stance.read._corpus import (
    CONFIG_DEFAULTS,
    REPAIR_COLUMNS,
    Corpus,
    CorpusError,
    ReadReport,
    corpus_from_articles,
    corpus_yaml_path,
    load_config,
    read_corpus,
    read_corpus_yaml,
    summarize_corpus,
)
from stance.read._dates import DateError, parse_date
from stance.read._formats import SUFFIXES, FormatError, Record
from stance.read._repair import EDIT_KINDS, Edit, Repaired, repair_text

__all__ = [
    "CONFIG_DEFAULTS", "EDIT_KINDS", "REPAIR_COLUMNS", "SUFFIXES", "Corpus", "CorpusError",
    "DateError", "Edit", "FormatError", "ReadReport", "Record", "Repaired", "corpus_from_articles",
    "corpus_yaml_path", "load_config", "parse_date", "read_corpus", "read_corpus_yaml",
    "repair_text", "summarize_corpus",
]
