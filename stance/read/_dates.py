"""Read the dates that real sources write, with explicit formats and no guessing.

Accepted forms (the month may be a full or a three-letter English name, with or without a dot):

- ISO ``2020-10-05`` (also with a time: ``2020-10-05T14:30:00Z``, ``2020-10-05 14:30``)
- ``2020/10/05`` (year first, slashes)
- ``5 October 2020``, ``5 Oct. 2020``, ``05 October 2020, 09:24``
- ``October 5, 2020``, ``Oct. 5 2020``, ``Sept. 28, 2020``
- ``05.10.2020`` and ``5.10.2020``: dotted dates are always **day first** (5 October, never May 10)

Anything else raises :class:`DateError` naming the value and the expected forms; ambiguous forms such
as ``10/05/2020`` are refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import math
import re

#: a short description of the accepted forms, used in error messages
EXPECTED_FORMS = ('YYYY-MM-DD, YYYY/MM/DD, DD.MM.YYYY (day first), "5 October 2020" '
                  'or "October 5, 2020"')

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_MONTH_RE = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
             r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# an optional time (and zone) after the date: "T14:30:00Z", " 14:30", ", 09:24", " - 12:47 AMT"
_TIME_TAIL = r"(?:\s*(?:[T ,]|\s-\s)\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Z]{2,4})?)?"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})" + _TIME_TAIL), "iso"),
    (re.compile(r"(?P<year>\d{4})/(?P<mon>\d{1,2})/(?P<day>\d{1,2})" + _TIME_TAIL), "slash"),
    (re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})" + _TIME_TAIL), "dotted"),
    (re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(?P<year>\d{4})"
                + _TIME_TAIL, re.IGNORECASE), "day-month"),
    (re.compile(_MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
                + _TIME_TAIL, re.IGNORECASE), "month-day"),
]


#: the years a pandas datetime64[ns] column can hold (whole years)
MIN_YEAR, MAX_YEAR = 1678, 2261


class DateError(ValueError):
    """A value that is not a date in one of the accepted forms."""


def _month_number(name: str) -> int:
    name = name.lower().rstrip(".")
    for full, number in _MONTHS.items():
        if full.startswith(name) or (name == "sept" and full == "september"):
            return number
    raise DateError(f"unknown month name {name!r}")  # pragma: no cover (the regex only lets names through)


def parse_date(value: object) -> dt.date:
    """Read one date. ``value`` may be a string in one of the accepted forms, or a ``date``/
    ``datetime`` (YAML front matter parses ISO dates itself). Raises :class:`DateError` otherwise."""
    if isinstance(value, dt.date):
        date = value.date() if isinstance(value, dt.datetime) else value
        if not MIN_YEAR <= date.year <= MAX_YEAR:
            raise DateError(f"{date.isoformat()}: year {date.year} is outside {MIN_YEAR}-{MAX_YEAR}")
        return date
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise DateError("no date given; expected " + EXPECTED_FORMS)
    text = str(value).strip()
    if not text:
        raise DateError("empty date; expected " + EXPECTED_FORMS)
    for pattern, _form in _PATTERNS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        g = m.groupdict()
        month = int(g["mon"]) if g.get("mon") else _month_number(g["month"])
        year = int(g["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DateError(f"{text!r}: year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
        try:
            return dt.date(year, month, int(g["day"]))
        except ValueError as exc:
            raise DateError(f"{text!r} is not a real date ({exc})") from None
    raise DateError(f"cannot read date {text!r}; expected " + EXPECTED_FORMS)


def date_prefix(text: str) -> tuple[dt.date, str] | None:
    """Read a date at the start of ``text`` and return it with the rest of the text, or ``None``.

    The longest prefix of whitespace-separated words that is a date wins, so
    ``"5 October 2020 © Name"`` gives ``(2020-10-05, "© Name")``."""
    words = text.split()
    for n in range(min(len(words), 6), 0, -1):
        try:
            date = parse_date(" ".join(words[:n]))
        except DateError:
            continue
        rest = text.strip()
        for w in words[:n]:
            rest = rest[rest.index(w) + len(w):]
        return date, rest.strip()
    return None


_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[_\-. ]|$)")


def date_from_filename(name: str) -> dt.date | None:
    """The ISO date a file name starts with (``2020-10-05_report.txt``), or ``None``."""
    m = _FILENAME_DATE.match(name)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
