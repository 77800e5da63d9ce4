"""Build a corpus from a list of sources: download pages politely and extract their articles.

``fetch_corpus`` reads a corpus's sources file (``corpus.yaml`` key ``sources``, default
``sources.csv``; columns ``date,outlet,perspective,url,date_basis``), downloads every row whose
article file is missing, extracts the main text, title, byline (the journalist, stored as ``byline``: never a speaker
or an ``author``, which marks a primary source's issuer) and date with trafilatura (from the
HTML string downloaded here; trafilatura never fetches anything) and writes one article per page in
the corpus header format::

    date 2020-10-05 | source outlet.example | url https://... | title ... | byline ...

    body text ...

``import_html`` does the same for HTML files saved by hand. Every row ends in a report
(``fetch-report.csv`` / ``import-report.csv``) with its status and, for failures, the reason.

Politeness: requests run one at a time, with a per-host delay between them (``HostThrottle``), a
user agent that names the toolkit, robots.txt respected (RFC 9309), connect/read timeouts plus an
overall deadline per page, a size limit enforced while streaming, and a bounded number of
redirects. Page content is parsed (lxml via
trafilatura), never executed. Files are written atomically (temp file + ``os.replace``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from stance import __version__
from stance.output import atomic_write_bytes

#: the user agent of every request unless ``--user-agent`` gives one; it names no contact (the
#: toolkit has none to give): put your own address in it for a large fetch
USER_AGENT = f"stance/{__version__} (research toolkit; no contact given)"
#: columns of a sources file (``date``, ``outlet`` and ``url`` are required)
SOURCE_COLUMNS = ("date", "outlet", "perspective", "url", "date_basis")
REQUIRED_SOURCE_COLUMNS = ("date", "outlet", "url")
#: columns of ``fetch-report.csv``
FETCH_REPORT_COLUMNS = ("url", "status", "reason")
#: columns of ``import-report.csv``
IMPORT_REPORT_COLUMNS = ("file", "url", "status", "reason")
FETCH_REPORT = "fetch-report.csv"
IMPORT_REPORT = "import-report.csv"
ARTICLES_DIR = "articles"

DEFAULT_DELAY = 2.0
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_MAX_REDIRECTS = 5
#: robots.txt files larger than this are not read (RFC 9309 asks parsers to read 500 KiB)
ROBOTS_MAX_BYTES = 512_000
#: an overall deadline per page, as a multiple of the connect/read timeout (stops slow trickles)
DEADLINE_FACTOR = 5.0
#: at most this share of undecodable bytes is replaced (U+FFFD); more and the page is reported
MAX_BAD_BYTE_SHARE = 0.001

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECT_CODES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)


class FetchError(Exception):
    """A page that could not be fetched or extracted; ``reason`` is the text for the report."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status  # the HTTP status code, when the server answered


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """One row of a sources file; ``line`` is its line number in the file (header = line 1)."""

    date: str
    outlet: str
    url: str
    perspective: str = ""
    date_basis: str = ""
    line: int = 0


def read_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources CSV (UTF-8); errors name the file, line and field."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: sources file not found")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED_SOURCE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}; expected {list(SOURCE_COLUMNS)}")
        rows: list[Source] = []
        seen: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            values = {k: (row.get(k) or "").strip() for k in SOURCE_COLUMNS}
            if not any(values.values()):
                continue
            if not _valid_date(values["date"]):
                raise ValueError(f"{path}, line {line}, field 'date': {values['date']!r} "
                                 "is not a date YYYY-MM-DD")
            if not values["outlet"]:
                raise ValueError(f"{path}, line {line}, field 'outlet': empty")
            if urlsplit(values["url"]).scheme not in ("http", "https"):
                raise ValueError(f"{path}, line {line}, field 'url': {values['url']!r} "
                                 "is not an http(s) URL")
            if values["url"] in seen:
                raise ValueError(f"{path}, line {line}, field 'url': duplicate of line "
                                 f"{seen[values['url']]}")
            seen[values["url"]] = line
            rows.append(Source(line=line, **values))
    return rows


def _valid_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def sources_path(corpus_path: str | Path) -> Path:
    """The sources file of a corpus: ``corpus.yaml`` key ``sources`` (default ``sources.csv``)."""
    from stance.read._corpus import ReadReport, load_config

    corpus_path = Path(corpus_path)
    config = load_config(corpus_path, ReadReport(strict=True), name=corpus_path.name)
    name = str(config.get("sources") or "sources.csv")
    return corpus_path / name


# --------------------------------------------------------------------------- article files


def article_filename(date: str, outlet: str, key: str) -> str:
    """Deterministic file name of an article: ``<date>_<outlet slug>_<sha1(key)[:10]>.txt``.

    ``key`` is the URL (or, for a saved page without one, a hash of its bytes).
    """
    slug = re.sub(r"[^a-z0-9.]+", "-", outlet.lower()).strip("-.") or "unknown"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return f"{date}_{slug}_{digest}.txt"


def sanitize_header_value(value: str | None) -> str:
    """A header value on one line without ``|`` (the field separator): whitespace collapsed."""
    if not value:
        return ""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    text = text.replace("|", "/")
    return " ".join(text.split())


def _sanitize_url(url: str) -> str:
    return "".join(url.split()).replace("|", "%7C")


def format_article(*, date: str, source: str, url: str = "", title: str = "", byline: str = "",
                   body: str) -> str:
    """The article file text: the header line, a blank line, the body (fields left out if empty)."""
    fields = [("date", date), ("source", sanitize_header_value(source)),
              ("url", _sanitize_url(url)), ("title", sanitize_header_value(title)),
              ("byline", sanitize_header_value(byline))]
    header = " | ".join(f"{k} {v}" for k, v in fields if v)
    return f"{header}\n\n{body.strip()}\n"


def write_report(path: str | Path, rows: Iterable[dict], columns: tuple[str, ...]) -> None:
    """Write a report CSV atomically (one row per source or file)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(path, buf.getvalue())


# --------------------------------------------------------------------------- decoding, extraction


def decode_html(body: bytes, charset: str | None = None) -> str:
    """Decode page bytes (see :func:`decode_html_encoding`, which also says which encoding)."""
    return decode_html_encoding(body, charset)[0]


def decode_html_encoding(body: bytes, charset: str | None = None) -> tuple[str, str]:
    """Decode page bytes: the declared charset (HTTP header, else ``<meta charset>``), else UTF-8,
    else the encoding charset-normalizer finds (``stance.read._formats.detect_encoding``). Returns
    ``(text, note)``: ``note`` is ``""`` for a declared or UTF-8 page, else names the encoding
    chosen. A page with more than ``MAX_BAD_BYTE_SHARE`` undecodable bytes, or an unknown
    charset, raises ``FetchError``.

    Examples
    --------
    >>> decode_html_encoding("<p>Степанакерт обстреляли ночью, заявило министерство.</p>"
    ...                      .encode("cp1251"))[1]
    'no charset declared; decoded as cp1251 (detected by charset-normalizer)'
    """
    from stance.read._formats import detect_encoding

    declared = charset
    if not declared:
        match = _META_CHARSET_RE.search(body[:4096])
        declared = match.group(1).decode("ascii") if match else None
    if body.startswith(b"\xef\xbb\xbf"):
        declared, body = "utf-8", body[3:]
    note = ""
    if declared:
        candidates = [declared]
    else:
        try:
            return body.decode("utf-8"), ""
        except UnicodeDecodeError:
            found = detect_encoding(body) or "cp1252"
            candidates = [found]
            note = f"no charset declared; decoded as {found} (detected by charset-normalizer)"
    problem = ""
    for enc in candidates:
        try:
            return body.decode(enc), note
        except LookupError:
            raise FetchError(f"encoding: unknown charset {enc!r}") from None
        except UnicodeDecodeError:
            text = body.decode(enc, errors="replace")
            bad = text.count("\ufffd")
            if bad <= MAX_BAD_BYTE_SHARE * max(len(body), 1):
                return text, note
            problem = f"encoding: {bad} of {len(body)} bytes are not valid {enc}"
    raise FetchError(problem)


@dataclass(frozen=True)
class Extracted:
    """What trafilatura found in a page (empty strings when absent)."""

    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    sitename: str = ""


def extract_page(html: str, url: str | None = None) -> Extracted:
    """Main text, title, author, date and URL of an HTML page (trafilatura ``bare_extraction`` on
    the string; nothing is fetched or executed). Raises ``FetchError`` when no text is found."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                          include_comments=False, include_images=False)
    except Exception as exc:  # noqa: BLE001 - a malformed page is a report entry, not a crash
        raise FetchError(f"extraction failed: {type(exc).__name__}: {exc}") from None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise FetchError("empty extraction: no main text found")
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    date = doc.date or ""
    return Extracted(
        text="\n\n".join(paragraphs),
        title=doc.title or "",
        author=doc.author or "",
        date=date if _valid_date(date) else "",
        url=doc.url or "",
        sitename=doc.sitename or "",
    )


# --------------------------------------------------------------------------- HTTP


class HostThrottle:
    """At least ``delay`` seconds between the end of one request to a host and the next one.

    ``clock`` and ``sleep`` are injectable (tests use a fake clock).
    """

    def __init__(self, delay: float = DEFAULT_DELAY, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if delay < 0:
            raise ValueError(f"delay must be >= 0, got {delay}")
        self.delay = float(delay)
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, host: str) -> float:
        """Sleep until ``host`` may be asked again; returns the seconds slept."""
        last = self._last.get(host)
        if last is None:
            return 0.0
        remaining = last + self.delay - self.clock()
        if remaining > 0:
            self.sleep(remaining)
            return remaining
        return 0.0

    def done(self, host: str) -> None:
        """Record that a request to ``host`` just finished."""
        self._last[host] = self.clock()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by ``Fetcher`` itself (throttled, loop-checked, http(s) only)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Page:
    """A downloaded page: the final URL after redirects and the decoded HTML."""

    url: str
    html: str
    redirects: list[str] = field(default_factory=list)
    #: how the page was decoded when it declared no charset and was not UTF-8 ("" otherwise)
    encoding_note: str = ""


class Fetcher:
    """Downloads one HTML page at a time, politely (see the module docstring).

    ``get(url)`` returns a ``Page`` or raises ``FetchError`` with the reason for the report.
    """

    def __init__(self, *, user_agent: str = USER_AGENT, timeout: float = DEFAULT_TIMEOUT,
                 max_bytes: int = DEFAULT_MAX_BYTES, max_redirects: int = DEFAULT_MAX_REDIRECTS,
                 delay: float = DEFAULT_DELAY, throttle: HostThrottle | None = None,
                 respect_robots: bool = True) -> None:
        if timeout <= 0 or max_bytes <= 0 or max_redirects < 0:
            raise ValueError("timeout and max_bytes must be > 0 and max_redirects >= 0")
        self.user_agent = user_agent
        self.timeout = float(timeout)
        self.max_bytes = int(max_bytes)
        self.max_redirects = int(max_redirects)
        self.throttle = throttle or HostThrottle(delay)
        self.respect_robots = respect_robots
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser, str]] = {}
        self._opener = urllib.request.build_opener(_NoRedirect())
        self.requests = 0

    def get(self, url: str) -> Page:
        """Download the HTML page at ``url`` (following at most ``max_redirects`` redirects);
        with ``respect_robots``, a URL the site's robots.txt disallows is not requested."""
        if self.respect_robots:
            self._check_robots(url)
        return self._get(url)

    def _get(self, url: str, *, html: bool = True, max_bytes: int | None = None) -> Page:
        chain = [url]
        current = url
        while True:
            location = self._request(current, html=html, max_bytes=max_bytes or self.max_bytes)
            if isinstance(location, Page):
                location.redirects = chain[1:]
                return location
            nxt = urljoin(current, location)
            if nxt in chain:
                raise FetchError("redirect loop: " + " -> ".join(chain + [nxt]))
            if len(chain) > self.max_redirects:
                raise FetchError(f"too many redirects (more than {self.max_redirects})")
            chain.append(nxt)
            current = nxt

    def _check_robots(self, url: str) -> None:
        """Raise ``FetchError`` when robots.txt (RFC 9309, read once per site) disallows ``url``:
        a robots.txt answered with 4xx allows everything; one that cannot be read (5xx, timeout,
        network error) disallows the site."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            rules = urllib.robotparser.RobotFileParser()
            try:
                page = self._get(site + "/robots.txt", html=False, max_bytes=ROBOTS_MAX_BYTES)
                rules.parse(page.html.splitlines())
                self._robots[site] = (rules, "")
            except FetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500:
                    rules.allow_all = True
                    self._robots[site] = (rules, "")
                else:
                    rules.disallow_all = True
                    self._robots[site] = (rules, f"robots.txt unreadable ({exc.reason})")
        rules, why = self._robots[site]
        if not rules.can_fetch(self.user_agent, url):
            raise FetchError(why or "robots.txt disallows this URL")

    def _request(self, url: str, *, html: bool, max_bytes: int) -> Page | str:
        """One request: a ``Page``, or the ``Location`` of a redirect."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"bad url: {url!r} (only http and https are fetched)")
        host = parts.hostname.lower()
        self.throttle.wait(host)
        self.requests += 1
        request = urllib.request.Request(url, headers={
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "identity",
        })
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return self._read(url, response, html=html, max_bytes=max_bytes)
        except urllib.error.HTTPError as exc:
            try:
                if exc.code in _REDIRECT_CODES:
                    location = exc.headers.get("Location")
                    if not location:
                        raise FetchError(f"http {exc.code}: redirect without Location") from None
                    return location
                raise FetchError(f"http {exc.code}: {exc.reason}", exc.code) from None
            finally:
                exc.close()
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise FetchError(f"timeout: no answer within {self.timeout:g} s") from None
            raise FetchError(f"network: {exc.reason}") from None
        except TimeoutError:
            raise FetchError(f"timeout: no data within {self.timeout:g} s") from None
        except (HTTPException, OSError) as exc:
            raise FetchError(f"network: {type(exc).__name__}: {exc}") from None
        finally:
            self.throttle.done(host)

    def _read(self, url: str, response, *, html: bool, max_bytes: int) -> Page:
        declared = response.headers.get("Content-Type") is not None
        ctype = response.headers.get_content_type()
        if html and declared and ctype not in _HTML_TYPES:
            raise FetchError(f"not html: content type {ctype}")
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchError(f"too large: Content-Length {length} > {max_bytes} bytes")
        deadline = time.monotonic() + self.timeout * DEADLINE_FACTOR
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"too large: more than {max_bytes} bytes")
            if time.monotonic() > deadline:
                raise FetchError(f"timeout: page not complete after "
                                 f"{self.timeout * DEADLINE_FACTOR:g} s")
            chunks.append(chunk)
        body = b"".join(chunks)
        if html and not declared and not _looks_like_html(body):
            raise FetchError("not html: no content type and the body does not look like HTML")
        text, note = decode_html_encoding(body, response.headers.get_content_charset())
        return Page(url=response.geturl() or url, html=text, encoding_note=note)


def _looks_like_html(body: bytes) -> bool:
    """Sniff a body sent without a content type (the start of an HTML document)."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))


# --------------------------------------------------------------------------- the two commands


@dataclass
class RunSummary:
    """What a fetch or import run did: one report row per source (or file)."""

    rows: list[dict]
    report_path: Path
    written: list[Path] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r["status"] == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to do"
        return f"{parts}; report: {self.report_path}"


def _corpus_dir(path: str | Path | None) -> Path:
    from stance.config import default_corpus_path

    corpus = Path(path) if path is not None else default_corpus_path()
    if not corpus.is_dir():
        raise FileNotFoundError(f"{corpus}: corpus folder not found")
    return corpus


def _progress(items: list, desc: str, progress: bool):
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="page", disable=not progress or not items)


def fetch_corpus(path: str | Path | None = None, *, delay: float = DEFAULT_DELAY,
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 limit: int | None = None, user_agent: str = USER_AGENT,
                 respect_robots: bool = True, fetcher: Fetcher | None = None,
                 progress: bool = True) -> RunSummary:
    """Download every source of the corpus at ``path`` whose article file is missing.

    Writes ``articles/<date>_<outlet>_<sha1(url)[:10]>.txt`` per page (the date of the sources file
    is kept; a page date that differs is noted in the report) and ``fetch-report.csv`` with one row
    per source: status ``present`` (already there), ``fetched``, ``failed`` (with the reason) or
    ``pending`` (beyond ``limit``).

    Examples
    --------
    Downloading needs a network, so this example is not run by the test suite:

    >>> from stance.fetch import fetch_corpus
    >>> summary = fetch_corpus("corpora/nagorno-karabakh-2020", limit=2)  # doctest: +SKIP
    >>> summary.count("fetched"), summary.report_path.name  # doctest: +SKIP
    (2, 'fetch-report.csv')
    """
    corpus = _corpus_dir(path)
    sources = read_sources(sources_path(corpus))
    articles = corpus / ARTICLES_DIR
    fetcher = fetcher or Fetcher(user_agent=user_agent, timeout=timeout, max_bytes=max_bytes,
                                 delay=delay, respect_robots=respect_robots)
    rows: dict[int, dict] = {}
    todo: list[tuple[int, Source, Path]] = []
    for i, src in enumerate(sources):
        target = articles / article_filename(src.date, src.outlet, src.url)
        if target.exists():
            rows[i] = {"url": src.url, "status": "present", "reason": target.name}
        elif limit is not None and len(todo) >= limit:
            rows[i] = {"url": src.url, "status": "pending", "reason": "beyond --limit"}
        else:
            todo.append((i, src, target))
    written: list[Path] = []
    report_path = corpus / FETCH_REPORT
    try:
        for i, src, target in _progress(todo, "fetch", progress):
            try:
                page = fetcher.get(src.url)
                found = extract_page(page.html, page.url)
            except FetchError as exc:
                rows[i] = {"url": src.url, "status": "failed", "reason": exc.reason}
                continue
            atomic_write_bytes(target, format_article(
                date=src.date, source=src.outlet, url=src.url, title=found.title,
                byline=found.author, body=found.text))
            written.append(target)
            note = target.name
            if found.date and found.date != src.date:
                note += f"; page date {found.date} differs, sources date {src.date} kept"
            elif not found.date:
                note += f"; page gives no date, sources date {src.date} used"
            if page.encoding_note:
                note += f"; {page.encoding_note}"
            rows[i] = {"url": src.url, "status": "fetched", "reason": note}
    finally:
        # an interrupted run still reports what it did; the rest stays pending
        for i, src, _ in todo:
            rows.setdefault(i, {"url": src.url, "status": "pending", "reason": "interrupted"})
        ordered = [rows[i] for i in sorted(rows)]
        write_report(report_path, ordered, FETCH_REPORT_COLUMNS)
    return RunSummary(rows=ordered, report_path=report_path, written=written)


def _page_url(html: str) -> str:
    """``<link rel=canonical>`` else ``og:url`` of a page (absolute http(s) only), else ``""``."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    candidates = tree.xpath("//link[contains(concat(' ', normalize-space(translate(@rel,"
                            "'CANOICL','canoicl')), ' '), ' canonical ')]/@href")
    candidates += tree.xpath("//meta[@property='og:url' or @name='og:url']/@content")
    for url in candidates:
        url = url.strip()
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
            return url
    return ""


def _url_key(url: str) -> str:
    """A URL for matching: scheme and ``www.`` ignored, no fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def import_html(directory: str | Path, path: str | Path | None = None, *,
                progress: bool = True) -> RunSummary:
    """Extract articles from saved ``.html``/``.htm`` files in ``directory`` into a corpus.

    The URL comes from ``<link rel=canonical>`` or ``og:url``. A page whose URL is in the corpus's
    sources file takes that row's date, outlet and URL (so the file name ``stance fetch`` uses);
    otherwise the date comes from the page (a page without one is reported as failed) and the
    outlet from the site name or host. Writes ``import-report.csv`` (file, url, status, reason).
    """
    corpus = _corpus_dir(path)
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: folder of saved HTML pages not found")
    src_file = sources_path(corpus)
    by_url = {_url_key(s.url): s for s in read_sources(src_file)} if src_file.is_file() else {}
    files = sorted(p for p in directory.iterdir()
                   if p.is_file() and p.suffix.lower() in (".html", ".htm"))
    rows: list[dict] = []
    written: list[Path] = []
    for file in _progress(files, "import-html", progress):
        row = {"file": file.name, "url": "", "status": "failed", "reason": ""}
        rows.append(row)
        try:
            raw = file.read_bytes()
            html, encoding_note = decode_html_encoding(raw)
            url = _page_url(html)
            row["url"] = url
            found = extract_page(html, url or None)
            src = by_url.get(_url_key(url)) if url else None
            if src is not None:  # the same article file as `stance fetch` would write
                date, outlet, url = src.date, src.outlet, src.url
            elif found.date:
                date = found.date
                host = (urlsplit(url).hostname or "").removeprefix("www.")
                outlet = host or found.sitename or "unknown"
            else:
                raise FetchError("no date: the page gives none and its URL is not in "
                                 f"{src_file.name}")
        except FetchError as exc:
            row["reason"] = exc.reason
            continue
        except OSError as exc:
            row["reason"] = f"unreadable: {exc}"
            continue
        key = url or "sha1:" + hashlib.sha1(raw).hexdigest()
        target = corpus / ARTICLES_DIR / article_filename(date, outlet, key)
        if target.exists():
            row.update(status="present", reason=target.name)
            continue
        atomic_write_bytes(target, format_article(date=date, source=outlet, url=url,
                                                  title=found.title,
                                                  byline=found.author, body=found.text))
        written.append(target)
        row.update(status="imported", reason=target.name + (f"; {encoding_note}"
                                                            if encoding_note else ""))
    report_path = corpus / IMPORT_REPORT
    write_report(report_path, rows, IMPORT_REPORT_COLUMNS)
    return RunSummary(rows=rows, report_path=report_path, written=written)
