"""Read a corpus folder into the articles table, with a read report that lists every problem.

A corpus folder holds ``corpus.yaml`` (name, description, language, time_bin, speakers, sources,
default_date), a speaker registry and the articles: every file under ``articles/`` (recursively), or,
when there is no ``articles/`` folder, the ``.txt``/``.md``/``.jsonl``/``.csv`` files at the top of
the corpus folder (except the files ``corpus.yaml`` names and ``README*``). Files are read in
sorted path order, so the same folder always gives the same table. Formats: :mod:`stance.read._formats`;
dates: :mod:`stance.read._dates`. Body text goes through :func:`stance.read._repair.repair_text`.

Nothing is dropped silently: every file is either read or listed in ``report.skipped`` with its
reason, and every problem met on the way is in ``report.warnings``. With ``strict=True`` the first
problem raises :class:`CorpusError` instead.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from stance import tables
from stance.read._dates import DateError, date_from_filename, parse_date
from stance.read._formats import SUFFIXES, FormatError, Record, decode, parse_file
from stance.read._repair import Repaired, repair_text

#: the columns of ``Corpus.repairs`` (one row per repair.Edit)
REPAIR_COLUMNS = ["article_id", "kind", "start", "end", "raw_start", "raw_end", "before", "after",
                  "note"]

CONFIG_DEFAULTS: dict[str, Any] = {
    "name": None, "description": "", "language": "en", "time_bin": "W", "speakers": None,
    "sources": None, "default_date": None, "extraction": None, "cues": None,
    "max_article_chars": None,
}
#: articles longer than this many characters are skipped with a message unless corpus.yaml's
#: ``max_article_chars`` says otherwise (spaCy's own default ``nlp.max_length``): a text that
#: long is rarely one article, and its statements would cost minutes and gigabytes
MAX_ARTICLE_CHARS = 1_000_000


#: the keys corpus.yaml may hold (the reader's and those of a run, stance.pipeline.CORPUS_KEYS)
KNOWN_CONFIG_KEYS = tuple(CONFIG_DEFAULTS) + ("axes", "targets", "model", "seed", "sides", "level")


class CorpusError(ValueError):
    """A problem with a corpus in strict mode (or a corpus that cannot be read at all)."""


@dataclass(eq=False)
class ReadReport:
    """What reading a corpus did: files read, files (or rows) skipped and why, warnings, repairs.

    Paths are relative to the corpus folder. ``strict=True`` makes :meth:`warn` and :meth:`skip`
    raise :class:`CorpusError` for problems."""

    files_read: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    repairs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPAIR_COLUMNS))
    strict: bool = False

    def warn(self, path: str, message: str, *, problem: bool = True) -> None:
        """Record a warning (raises in strict mode when it is a problem with the data)."""
        if self.strict and problem:
            raise CorpusError(f"{path}: {message}")
        self.warnings.append((path, message))

    def skip(self, path: str, reason: str, *, problem: bool = True) -> None:
        """Record a skipped file or row with its reason (raises in strict mode for problems)."""
        if self.strict and problem:
            raise CorpusError(f"{path}: {reason}")
        self.skipped.append((path, reason))

    def to_dataframe(self) -> pd.DataFrame:
        """One row per file read, skip and warning: columns ``status``, ``path``, ``message``."""
        rows = [("read", p, "") for p in self.files_read]
        rows += [("skipped", p, r) for p, r in self.skipped]
        rows += [("warning", p, m) for p, m in self.warnings]
        return pd.DataFrame(rows, columns=["status", "path", "message"])

    def summary(self, examples: int = 3) -> str:
        """Files read, repairs by kind (with a few examples), skipped files and warnings."""
        from stance.read._summary import report_text

        return report_text(self, examples=examples)


@dataclass(eq=False)
class Corpus:
    """A read corpus: its config, articles table, speaker registry, read report and repairs."""

    path: Path
    name: str
    config: dict
    articles: pd.DataFrame
    registry: Any
    report: ReadReport
    repairs: pd.DataFrame
    _repaired: dict[str, Repaired] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.articles)

    def repaired(self, article_id: str) -> Repaired:
        """The :class:`~stance.read._repair.Repaired` of an article: raw body, edits, ``to_raw`` map."""
        if article_id not in self._repaired:
            raise KeyError(f"no article {article_id!r} in corpus {self.name!r}")
        return self._repaired[article_id]

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (``stance corpus --json``)."""
        from stance.read._summary import corpus_dict

        return corpus_dict(self)

    def summary(self, max_articles: int = 25) -> str:
        """A readable summary: articles, dates, sources, authors, credits, repairs, flags, skips."""
        from stance.read._summary import corpus_text

        return corpus_text(self, max_articles=max_articles)


# --- reading ------------------------------------------------------------------------------------

def read_corpus(path: str | Path | None = None, *, strict: bool = False,
                speakers: str | Path | None = None) -> Corpus:
    """Read a corpus folder (or a single article file) into a :class:`Corpus`.

    ``path`` defaults to :func:`stance.config.default_corpus_path`. ``speakers`` overrides the
    registry file named in ``corpus.yaml``. With ``strict=True`` the first problem raises
    :class:`CorpusError`; otherwise problems are listed in ``corpus.report`` and the rest loads.

    Examples
    --------
    >>> import stance
    >>> corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")
    >>> corpus.articles["article_id"].tolist()
    ['2020-10-05_nk-war-second-week']
    >>> corpus.report.skipped     # every skipped file would be listed with its reason
    []
    >>> "sentence_space" in set(corpus.repairs["kind"])
    True
    """
    if path is None:
        from stance.config import default_corpus_path

        path = default_corpus_path()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"corpus {path} not found (expected a folder with articles/ and "
                                "corpus.yaml, or an article file)")
    report = ReadReport(strict=strict)
    root = path if path.is_dir() else path.parent
    config = load_config(root, report, name=path.resolve().name if path.is_dir() else path.stem,
                         single_file=not path.is_dir())
    files = [path] if path.is_file() else _article_files(root, config, report)
    rows: list[dict[str, Any]] = []
    for file in _progress(files, "reading corpus", "file"):
        rows += _read_file(file, root, config, report)
    rows = _deduplicate(rows, report)
    articles, repairs, repaired = _repair(rows)
    report.repairs = repairs
    registry = _load_registry(root, config, speakers, report)
    return Corpus(path=path, name=str(config["name"]), config=config, articles=articles,
                  registry=registry, report=report, repairs=repairs, _repaired=repaired)


def corpus_yaml_path(path: str | Path) -> Path:
    """The ``corpus.yaml`` of a corpus folder, or ``path`` itself when it names a file."""
    path = Path(path)
    return path / "corpus.yaml" if path.is_dir() else path


def read_corpus_yaml(path: str | Path) -> dict[str, Any]:
    """The settings of a ``corpus.yaml`` as written (no defaults filled in): the one place that
    parses the file.

    Parameters
    ----------
    path : str or Path
        A corpus folder or its ``corpus.yaml``.

    Returns
    -------
    dict
        The mapping in the file (``{}`` for an empty file).

    Raises
    ------
    FileNotFoundError
        No such file.
    CorpusError
        The file is not UTF-8 YAML or not a mapping of ``key: value``; the message names the file.

    Examples
    --------
    >>> from stance.read import read_corpus_yaml
    >>> read_corpus_yaml("corpora/nagorno-karabakh-2020")["name"]
    'nagorno-karabakh-2020'
    """
    file = corpus_yaml_path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no corpus.yaml at {file}")
    return _read_corpus_yaml(file)


def load_config(root: Path, report: ReadReport, *, name: str,
                single_file: bool = False) -> dict[str, Any]:
    """``corpus.yaml`` with defaults filled in (a missing file gives defaults and a note)."""
    config = dict(CONFIG_DEFAULTS, name=name)
    file = root / "corpus.yaml"
    if single_file:
        pass
    elif not file.exists():
        report.warn("corpus.yaml", "no corpus.yaml; using defaults (name from the folder name, "
                    "language en, time_bin W)", problem=False)
        config["speakers"] = "speakers.yaml" if (root / "speakers.yaml").exists() else None
        config["sources"] = "sources.csv" if (root / "sources.csv").exists() else None
    else:
        loaded = read_corpus_yaml(file)
        unknown = sorted(str(k) for k in loaded if str(k) not in KNOWN_CONFIG_KEYS)
        for key in unknown:
            close = difflib.get_close_matches(key, KNOWN_CONFIG_KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            report.warn("corpus.yaml", f"unknown key {key!r} ignored{hint} (known: "
                        f"{', '.join(KNOWN_CONFIG_KEYS)})")
        config.update({str(k): v for k, v in loaded.items() if v is not None or k not in config})
        config["name"] = str(config["name"] or name)
        if config["speakers"] is None and (root / "speakers.yaml").exists():
            config["speakers"] = "speakers.yaml"
    try:
        pd.tseries.frequencies.to_offset(str(config["time_bin"]))
    except ValueError:
        report.warn("corpus.yaml", f"field time_bin: {config['time_bin']!r} is not a pandas "
                    "frequency (expected e.g. D, W, MS); using W")
        config["time_bin"] = "W"
    if config["extraction"] is not None and config["extraction"] not in ("rules", "tagger",
                                                                         "both"):
        report.warn("corpus.yaml", f"field extraction: {config['extraction']!r} is not one of "
                    "rules, tagger, both; using the default")
        config["extraction"] = None
    if config["cues"] is not None and config["cues"] not in ("speech", "all"):
        report.warn("corpus.yaml", f"field cues: {config['cues']!r} is not one of speech, all; "
                    "using speech")
        config["cues"] = None
    limit = config["max_article_chars"]
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        report.warn("corpus.yaml", f"field max_article_chars: {limit!r} is not a positive whole "
                    f"number; using {MAX_ARTICLE_CHARS:,}")
        config["max_article_chars"] = None
    if config["default_date"] is not None:
        try:
            config["default_date"] = parse_date(config["default_date"]).isoformat()
        except DateError as exc:
            report.warn("corpus.yaml", f"field default_date: {exc}; no default date is used")
            config["default_date"] = None
    return config


def _read_corpus_yaml(file: Path) -> dict[str, Any]:
    """The mapping in ``corpus.yaml``; a file that cannot be read is an error naming its line (a
    corpus's own broken settings are never replaced by defaults or another corpus's)."""
    try:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}:" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CorpusError(f"{file}:{line} YAML syntax error: {problem}; expected 'key: value' "
                          "lines (fix the file; nothing was run)") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{file}: not UTF-8 text ({exc.reason})") from None
    if not isinstance(loaded, dict):
        raise CorpusError(f"{file}: not a mapping of 'key: value' lines "
                          f"(got a {type(loaded).__name__})")
    return loaded


def _article_files(root: Path, config: dict, report: ReadReport) -> list[Path]:
    """The files to read, sorted by path; everything else in the folder is listed as skipped."""
    articles = root / "articles"
    if articles.is_dir():
        candidates = sorted(p for p in articles.rglob("*") if p.is_file())
        top_level = False
    else:
        candidates = sorted(root.iterdir())
        top_level = True
    own = {str(config.get(k)) for k in ("speakers", "sources") if config.get(k)} | {"corpus.yaml"}
    files = []
    for p in candidates:
        rel = p.relative_to(root).as_posix()
        if any(part.startswith(".") for part in p.relative_to(root).parts):
            report.skip(rel, "hidden file", problem=False)
        elif top_level and p.is_dir():
            report.skip(rel, "folder (without an articles/ folder only the top level is read)",
                        problem=False)
        elif top_level and (rel in own or p.name.lower().startswith("readme")):
            report.skip(rel, "the corpus's own file (config, registry, sources or readme)",
                        problem=False)
        elif p.suffix.lower() not in SUFFIXES:
            report.skip(rel, f"not an article file (expected {', '.join(SUFFIXES)})",
                        problem=not top_level)
        else:
            files.append(p)
    if not files:
        report.warn(".", "no article files found (expected articles/*.txt, .md, .jsonl or .csv)")
    return files


def _progress(items: list, desc: str, unit: str):
    """A tqdm progress bar on stderr for long work (200 items or more), else the items."""
    if len(items) < 200:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit=unit)


def _read_file(file: Path, root: Path, config: dict, report: ReadReport) -> list[dict[str, Any]]:
    rel = file.relative_to(root).as_posix()
    try:
        data = file.read_bytes()
    except OSError as exc:
        report.skip(rel, f"cannot read the file ({exc.strerror})")
        return []
    if not data.strip():
        report.skip(rel, "empty file")
        return []
    flags: list[str] = []
    try:
        text, encoding = decode(data)
        if not encoding.startswith("utf-8"):
            report.warn(rel, f"decoded as {encoding}; please save it as UTF-8")
            flags.append(encoding.split()[0])
        parsed = parse_file(file.suffix, text)
    except FormatError as exc:
        report.skip(rel, str(exc))
        return []
    report.files_read.append(rel)
    for message in parsed.warnings:
        report.warn(rel, message)
    for where, reason in parsed.skipped:
        report.skip(rel, f"{where}: {reason}")
    rows = []
    for record in parsed.records:
        row = _record_row(record, file, rel, config, report, flags)
        if row is not None:
            rows.append(row)
    return rows


def _record_row(record: Record, file: Path, rel: str, config: dict, report: ReadReport,
                flags: list[str]) -> dict[str, Any] | None:
    where = f"{record.where}: " if record.where else ""
    for message in record.warnings:
        report.warn(rel, where + message)
    if not record.text.strip():
        report.skip(rel, f"{where}no text after the header")
        return None
    limit = config.get("max_article_chars") or MAX_ARTICLE_CHARS
    if len(record.text) > limit:
        report.skip(rel, f"{where}{len(record.text):,} characters, more than the limit of "
                    f"{limit:,} (max_article_chars in corpus.yaml); split it into articles, or "
                    "raise the limit (texts under it are parsed in pieces)")
        return None
    meta = record.meta
    row_flags = list(flags)
    date = None
    if "date" in meta:
        try:
            date = parse_date(meta["date"])
        except DateError as exc:
            report.warn(rel, f"{where}field date: {exc}")
    if date is None:
        date = _fallback_date(file, rel, where, config, report, row_flags, "date" in meta)
        if date is None:
            return None
    article_id = file.stem if record.row is None else f"{file.stem}-{meta.get('id', record.row)}"
    return {
        "article_id": article_id, "date": pd.Timestamp(date), "source": meta.get("source", ""),
        "url": meta.get("url", ""), "title": meta.get("title", ""),
        "author": meta.get("author", ""), "byline": meta.get("byline", ""),
        "credit": meta.get("credit", ""), "text": record.text,
        "path": rel + (f":{record.row}" if record.row is not None else ""),
        "flags": row_flags,
    }


def _fallback_date(file: Path, rel: str, where: str, config: dict, report: ReadReport,
                   flags: list[str], had_date: bool) -> dt.date | None:
    missing = "unreadable date" if had_date else "no date"
    from_name = date_from_filename(file.name)
    if from_name is not None:
        report.warn(rel, f"{where}{missing}; using the date in the file name, {from_name}")
        flags.append("date_from_filename")
        return from_name
    if config.get("default_date"):
        report.warn(rel, f"{where}{missing}; using default_date {config['default_date']} "
                    "from corpus.yaml")
        flags.append("default_date")
        return parse_date(config["default_date"])
    report.skip(rel, f"{where}{missing} (expected a date field; set default_date in "
                "corpus.yaml to use one for such articles)")
    return None


def _deduplicate(rows: list[dict[str, Any]], report: ReadReport) -> list[dict[str, Any]]:
    """Drop repeated texts (keeping the first) and make repeated ids unique, reporting both."""
    by_text: dict[str, dict[str, Any]] = {}
    ids: set[str] = set()
    kept = []
    for row in rows:
        key = " ".join(row["text"].split())
        if key in by_text:
            first = by_text[key]
            report.skip(row["path"], f"same text as article {first['article_id']!r} "
                        f"({first['path']}); the first is kept")
            continue
        by_text[key] = row
        if row["article_id"] in ids:
            new = f"{row['article_id']}-{tables.stable_id(row['text'], length=8)}"
            report.warn(row["path"], f"duplicate article id {row['article_id']!r}; "
                        f"read as {new!r}")
            row["article_id"] = new
        ids.add(row["article_id"])
        kept.append(row)
    return kept


def _repair(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Repaired]]:
    edits: list[dict[str, Any]] = []
    repaired: dict[str, Repaired] = {}
    for row in _progress(rows, "repairing text", "article"):
        rep = repair_text(row["text"])
        repaired[row["article_id"]] = rep
        row["text"] = rep.text
        kinds = {e.kind for e in rep.edits}
        row["flags"] = tables.join_flags(row["flags"] + ["repaired"] * bool(kinds - {"damaged"})
                                         + ["damaged"] * ("damaged" in kinds))
        edits += [{"article_id": row["article_id"], "kind": e.kind, "start": e.start,
                   "end": e.end, "raw_start": e.raw_start, "raw_end": e.raw_end,
                   "before": e.before, "after": e.after, "note": e.note} for e in rep.edits]
    columns = tables.ARTICLE_COLUMNS + tables.OPTIONAL_ARTICLE_COLUMNS
    articles = (tables.normalize_articles(pd.DataFrame(rows, columns=columns))
                if rows else tables.empty_articles())
    repairs = pd.DataFrame(edits, columns=REPAIR_COLUMNS)
    for c in ("start", "end", "raw_start", "raw_end"):
        repairs[c] = repairs[c].astype("int64")
    return articles, repairs, repaired


def _load_registry(root: Path, config: dict, speakers: str | Path | None, report: ReadReport):
    from stance import speakers as registry_module

    file = Path(speakers) if speakers else (root / config["speakers"] if config.get("speakers")
                                            else None)
    if file is None:
        return registry_module.Registry.empty()
    shown = file.as_posix() if speakers else f"{root / str(config['speakers'])}"
    if not file.exists():
        where = "--speakers" if speakers else "corpus.yaml field speakers"
        raise CorpusError(f"{shown}: speakers file not found ({where} names it); fix the name, "
                          "or remove the field to run without a registry")
    return registry_module.load_registry(file)


def corpus_from_articles(articles: pd.DataFrame, registry: Any = None, name: str = "adhoc", *,
                         repair: bool = False) -> Corpus:
    """A :class:`Corpus` from an articles table (tests, notebooks). Missing columns are filled
    with ``""``; a missing ``article_id`` is a content hash; ``repair=True`` repairs the text."""
    df = articles.copy()
    for c in tables.ARTICLE_COLUMNS:
        if c not in df.columns:
            df[c] = pd.NaT if c == "date" else ""
    missing_id = df["article_id"].fillna("").astype(str) == ""
    df.loc[missing_id, "article_id"] = [tables.stable_id(t) for t in df.loc[missing_id, "text"]]
    if df["article_id"].duplicated().any():
        dupes = sorted(set(df.loc[df["article_id"].duplicated(), "article_id"]))
        raise CorpusError(f"duplicate article_id values: {dupes[:5]}")
    rows = df.to_dict("records")
    for row in rows:
        row["flags"] = tables.split_flags(row["flags"])
    if repair:
        out, repairs, repaired = _repair(rows)
    else:
        out = tables.normalize_articles(pd.DataFrame(rows).assign(
            flags=[tables.join_flags(r["flags"]) for r in rows])) if rows else \
            tables.empty_articles()
        repairs = pd.DataFrame(columns=REPAIR_COLUMNS)
        repaired = {r["article_id"]: Repaired(text=r["text"], raw=r["text"]) for r in rows}
    if registry is None:
        from stance.speakers import Registry

        registry = Registry.empty()
    report = ReadReport(repairs=repairs)
    return Corpus(path=Path("."), name=name, config=dict(CONFIG_DEFAULTS, name=name),
                  articles=out, registry=registry, report=report, repairs=repairs,
                  _repaired=repaired)


def summarize_corpus(path: str | Path | None = None, *, strict: bool = False,
                     as_json: bool = False, speakers: str | Path | None = None) -> str:
    """Read a corpus and return its summary (text, or JSON with ``as_json``): the body of
    ``stance corpus`` and, for now, ``stance run``."""
    corpus = read_corpus(path, strict=strict, speakers=speakers)
    if as_json:
        import json

        return json.dumps(corpus.to_dict(), indent=2, ensure_ascii=False)
    return corpus.summary()
