"""The file formats of a corpus: decoding, header lines, YAML front matter, JSON Lines and CSV.

Each parser turns the text of one file into :class:`Record` objects (metadata + body) and lists
the problems it met, each naming the line (or row) and what was expected. Nothing here decides what
to do about a problem: :mod:`stance.read._corpus` does (warn, skip, or raise in strict mode).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from stance.read._dates import date_prefix

#: the metadata fields a header, front matter block or row may carry
#: (``author`` is the issuer of a primary source; ``byline`` the journalist of a news report: metadata,
#: never a speaker)
META_FIELDS = ("date", "source", "url", "title", "author", "byline", "credit")
#: ... plus ``id`` in rows of .jsonl and .csv files
ROW_FIELDS = ("text", "id") + META_FIELDS
#: file types read as one article per file / one article or statement per row
TEXT_SUFFIXES = (".txt", ".md")
ROW_SUFFIXES = (".jsonl", ".csv")
SUFFIXES = TEXT_SUFFIXES + ROW_SUFFIXES

HEADER_EXAMPLE = "'date 2020-10-13 | source outlet | url https://...'"


class FormatError(ValueError):
    """A whole file cannot be read (binary, undecodable, malformed front matter, ...)."""


@dataclass
class Record:
    """One article (or primary-source statement) read from a file, before validation."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    #: where in the file: "" for a whole .txt/.md file, "line 3" (.jsonl) or "row 3" (.csv)
    where: str = ""
    #: the row number of a .jsonl/.csv record (line number / data row number), else None
    row: int | None = None
    #: warnings about this record, each naming the line or field
    warnings: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    """The result of parsing one file: its records, file-level warnings, skipped rows."""

    records: list[Record] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: rows that could not be read: (where, reason)
    skipped: list[tuple[str, str]] = field(default_factory=list)


# --- decoding -----------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes: UTF-8 (a BOM is removed), else the encoding charset-normalizer finds
    most likely (windows-1251, cp1252, ISO-8859-x, ...). Returns ``(text, encoding)``, where
    ``encoding`` names the chosen encoding and, when it is not UTF-8, why (the first byte that is
    not UTF-8 and its line), with line endings normalised to ``\\n``. Raises
    :class:`FormatError` for binary or undecodable data.

    Examples
    --------
    >>> decode("Привет, мир".encode("utf-8"))
    ('Привет, мир', 'utf-8')
    >>> text, encoding = decode(("Министерство обороны Армении заявило, что ночью "
    ...                          "противник обстрелял Степанакерт.").encode("cp1251"))
    >>> text.split()[0], encoding.split()[0]
    ('Министерство', 'cp1251')
    """
    if b"\x00" in data[:8192]:
        raise FormatError("binary file (contains NUL bytes); expected UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, data = "utf-8-sig", data[3:]
    else:
        encoding = "utf-8"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        where = f"byte 0x{data[exc.start]:02x} at line {line}"
        found = detect_encoding(data)
        if found is None:
            raise FormatError(f"cannot decode: not UTF-8 ({where}) and no other encoding fits "
                              "(charset-normalizer)") from None
        text = data.decode(found)
        encoding = f"{found} (detected by charset-normalizer; not UTF-8: {where})"
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def detect_encoding(data: bytes) -> str | None:
    """The most likely encoding of bytes that are not UTF-8 (charset-normalizer), as a Python
    codec name, or ``None`` when nothing decodes them. When charset-normalizer cannot tell
    cp1252 from other candidates (equal chaos and coherence: short Western text), cp1252, the
    usual legacy encoding of such files, is chosen.

    Examples
    --------
    >>> detect_encoding("The café “quoted” – a naïve résumé".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("Министерство обороны Армении заявило, что ночью противник "
    ...                 "обстрелял Степанакерт.".encode("cp1251"))
    'cp1251'
    """
    import codecs

    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return "cp1252" if _decodes(data, "cp1252") else None
    best = matches[0]
    tied = [codecs.lookup(m.encoding).name for m in matches
            if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    if "cp1252" in tied or (best.coherence == 0 and _decodes(data, "cp1252")):
        return "cp1252"     # no evidence against the usual legacy encoding
    return codecs.lookup(best.encoding).name


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# --- .txt / .md ---------------------------------------------------------------------------------

_FIELD_START = re.compile(r"^\s*(?P<key>[A-Za-z_]+):?\s+(?P<first>\S+)")


def is_header_line(line: str) -> bool:
    """Is this first line a header? Either ``date`` followed by a word with a digit (a date,
    perhaps malformed), or at least two ``|``-separated fields that start with a known key. So a
    body that starts with "Date palms ..." or "Source: officials" is not taken for a header."""
    fields = [_FIELD_START.match(part) for part in line.split("|")]
    keys = [m["key"].lower() for m in fields if m and m["key"].lower() in META_FIELDS]
    first = fields[0]
    if first and first["key"].lower() == "date" and any(c.isdigit() for c in first["first"]):
        return True
    return len(keys) >= 2


def parse_header(line: str, lineno: int = 1) -> tuple[dict[str, Any], list[str]]:
    """Parse a header line into metadata and warnings.

    Two forms: ``key value`` fields separated by ``|`` (``date 2020-10-13 | source x | url y``),
    and the seed's `` date 2020-10-05 © Name`` (a date, then an optional © photo credit)."""
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    for part in re.split(r"\s*\|\s*", line.strip()):
        if not part:
            warnings.append(f"line {lineno}: empty field between '|' in the header")
            continue
        m = re.match(r"(?P<key>[A-Za-z_]+):?(?:\s+(?P<value>.*))?$", part)
        key = m["key"].lower() if m else ""
        if key not in META_FIELDS:
            warnings.append(f"line {lineno}: header field {part[:40]!r} ignored; expected "
                            f"'key value' with key one of {', '.join(META_FIELDS)}")
            continue
        value = (m["value"] or "").strip()
        if not value:
            warnings.append(f"line {lineno}: header field {key!r} has no value")
            continue
        if key in meta:
            warnings.append(f"line {lineno}: header field {key!r} given twice; the first is kept")
            continue
        if key == "date":
            value = _split_date_credit(value, meta, warnings, lineno)
        if key == "credit":
            value = value.lstrip("©").strip()
        if value:
            meta[key] = value
    return meta, warnings


def _split_date_credit(value: str, meta: dict, warnings: list[str], lineno: int) -> str:
    """``2020-10-05 © Name`` -> date ``2020-10-05`` and credit ``Name`` (stored in ``meta``)."""
    date_part, sep, credit = value.partition("©")
    if sep and credit.strip():
        meta.setdefault("credit", credit.strip())
    found = date_prefix(date_part)
    if found is None:
        return date_part.strip()  # reported later as an unreadable date
    date, rest = found
    if rest:
        warnings.append(f"line {lineno}: text after the header date ignored: {rest[:60]!r} "
                        f"(expected '© credit' or '| key value' fields)")
    return date.isoformat()


_SEED_LINE = re.compile(r"^\s*date:?\s+(?P<rest>[^|]*)$", re.IGNORECASE)


def seed_line(line: str) -> tuple[str, str, str] | None:
    """Read a header line in the scraper's form `` date 2020-10-05 [text] [© credit]``.

    Returns ``(iso date, credit, text)`` or ``None`` when the line is not in that form (or its date
    cannot be read). ``text`` is what the scraper put between the date and the credit: the start of
    the article (a dateline, a byline, a first paragraph), which belongs to the body."""
    m = _SEED_LINE.match(line)
    if not m:
        return None
    before, _, credit = m["rest"].partition("©")
    found = date_prefix(before)
    if found is None:
        return None
    return found[0].isoformat(), credit.strip(), found[1]


def parse_text_file(text: str) -> Parsed:
    """A .txt or .md file: YAML front matter or a header line, then the body.

    In the seed's header form the text after the date (other than a © credit) starts the body. A
    first body line in that form right after another header (the scraper's own header line under
    a ``date | source | url`` header) loses its ``date ...`` marker the same way."""
    lines = text.split("\n")
    out = Parsed()
    seed = seed_line(lines[0]) if lines else None
    if lines and lines[0].strip() == "---":
        meta, body_start = _front_matter(lines, out)
    elif seed is not None:
        meta = {"date": seed[0], **({"credit": seed[1]} if seed[1] else {})}
        lines[0], body_start = seed[2], 0
    elif lines and is_header_line(lines[0]):
        meta, warnings = parse_header(lines[0], 1)
        out.warnings += warnings
        body_start = 1
    else:
        meta, body_start = {}, 0
        out.warnings.append(f"line 1: no header line; expected {HEADER_EXAMPLE}, "
                            "' date YYYY-MM-DD © credit' or YAML front matter")
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    if meta and body_start > 0 and body_start < len(lines):
        _second_seed_line(lines, body_start, meta, out)
    while body_start < len(lines) and not lines[body_start].strip():
        body_start += 1
    body = "\n".join(lines[body_start:]).rstrip()
    out.records.append(Record(text=body, meta=meta))
    return out


def _second_seed_line(lines: list[str], i: int, meta: dict[str, Any], out: Parsed) -> None:
    seed = seed_line(lines[i])
    if seed is None:
        return
    date, credit, rest = seed
    if credit:
        meta.setdefault("credit", credit)
    if str(meta.get("date", date)) != date:
        out.warnings.append(f"line {i + 1}: the scraper's header line has date {date}, the header "
                            f"{meta['date']}; the header's date is used")
    lines[i] = rest


def _front_matter(lines: list[str], out: Parsed) -> tuple[dict[str, Any], int]:
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FormatError("front matter opened by '---' at line 1 is never closed "
                          "(expected a line '---' after the metadata)")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else f"lines 2-{end}"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FormatError(f"malformed front matter at {where}: {problem}; "
                          "expected 'key: value' lines") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FormatError(f"front matter (lines 2-{end}) is not a mapping; expected 'key: value' "
                          f"lines with keys {', '.join(META_FIELDS)}")
    clean: dict[str, Any] = {}
    for key, value in meta.items():
        k = str(key).lower()
        if k not in META_FIELDS:
            out.warnings.append(f"front matter field {key!r} ignored; expected one of "
                                f"{', '.join(META_FIELDS)}")
        elif value is not None and str(value).strip():
            clean[k] = value if k == "date" else str(value).strip()
    return clean, end + 1


# --- .jsonl / .csv ------------------------------------------------------------------------------

def _row_record(row: dict[str, Any], where: str, number: int, out: Parsed) -> None:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        out.skipped.append((where, "no text (expected a non-empty 'text' field)"))
        return
    meta = {k: row[k] for k in ("id",) + META_FIELDS
            if row.get(k) is not None and str(row[k]).strip()}
    meta = {k: (v if k == "date" else str(v).strip()) for k, v in meta.items()}
    if "credit" in meta:
        meta["credit"] = meta["credit"].lstrip("©").strip()
    out.records.append(Record(text=text.replace("\r\n", "\n").strip(), meta=meta, where=where,
                              row=number))


def _unknown_fields(keys: set[str], out: Parsed) -> None:
    unknown = sorted(k for k in keys if k not in ROW_FIELDS)
    if unknown:
        out.warnings.append(f"field(s) {', '.join(unknown)} ignored; known fields are "
                            f"{', '.join(ROW_FIELDS)}")


def parse_jsonl(text: str) -> Parsed:
    """A .jsonl file: one JSON object per line; the row number is the line number."""
    out = Parsed()
    seen: set[str] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            out.skipped.append((where, f"invalid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(row, dict):
            out.skipped.append((where, "not a JSON object; expected {\"text\": ..., \"date\": ...}"))
            continue
        row = {str(k).lower(): v for k, v in row.items()}
        seen |= set(row)
        _row_record(row, where, number, out)
    _unknown_fields(seen, out)
    return out


def parse_csv(text: str) -> Parsed:
    """A .csv file with a header row; the row number counts data rows (the header is row 0).

    A quoted field left open (``"He said, hello,2020-10-01``) makes the CSV reader swallow the
    rows after it into one field. A row that spans several lines, one of which reads on its own
    as a complete row (the header's number of fields, a readable date in the ``date`` column), is
    taken for that: it is skipped with the reason, and reading resumes at its next line, so the
    swallowed rows are read."""
    out = Parsed()
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise FormatError("no header row; expected columns text, date, ...")
        columns = [c.strip().lower() for c in header]
        if "text" not in columns:
            raise FormatError(f"no 'text' column in the header row (found: {', '.join(columns)}); "
                              f"expected columns {', '.join(ROW_FIELDS)}")
        _unknown_fields(set(columns) - {""}, out)
        number, base, last = 0, 0, reader.line_num      # base: lines before the current reader
        while True:
            values = next(reader, None)
            if values is None:
                break
            first, end = base + last + 1, base + reader.line_num    # 1-based physical lines
            last = reader.line_num
            if not any(v.strip() for v in values):
                continue
            number += 1
            where = f"row {number} (line {first})"
            swallowed = _swallowed_row(lines, first, end, columns) if end > first else None
            if swallowed is not None:
                span = f"lines {first + 1}-{end}" if end > first + 1 else f"line {end}"
                reason = (f"a quote opened in this row is never closed: it swallowed {span} "
                          f"(line {swallowed} reads as a row of its own); the row is skipped "
                          "and the lines after it are read again")
                out.skipped.append((where, reason))
                base = first
                reader = csv.reader(io.StringIO("\n".join(lines[first:]), newline=""))
                last = 0
                continue
            if len(values) != len(columns):
                out.warnings.append(f"{where}: {len(values)} fields, the header has "
                                    f"{len(columns)}")
            _row_record(dict(zip(columns, values, strict=False)), where, number, out)
    except csv.Error as exc:
        raise FormatError(f"line {base + reader.line_num}: malformed CSV ({exc})") from None
    return out


def _swallowed_row(lines: list[str], first: int, end: int, columns: list[str]) -> int | None:
    """The first line (1-based) among ``first+1 .. end`` that parses alone as a complete row, or
    None. A complete row has no quote mark, the header's number of fields, text in the ``text``
    column and, when there is a ``date`` column, a readable date there."""
    from stance.read._dates import DateError, parse_date

    for k in range(first, min(end, len(lines))):
        if '"' in lines[k]:
            continue        # inside an open quote a line has none (the first one closes it)
        try:
            values = next(csv.reader([lines[k]]), [])
        except csv.Error:
            continue
        if len(values) != len(columns):
            continue
        row = dict(zip(columns, values, strict=True))
        if not row.get("text", "").strip():
            continue
        if "date" in row:
            try:
                parse_date(row["date"])
            except DateError:
                continue
        return k + 1
    return None


def parse_file(suffix: str, text: str) -> Parsed:
    """Parse the decoded text of a file by its suffix (one of :data:`SUFFIXES`)."""
    suffix = suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return parse_text_file(text)
    if suffix == ".jsonl":
        return parse_jsonl(text)
    if suffix == ".csv":
        return parse_csv(text)
    raise FormatError(f"unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}")
