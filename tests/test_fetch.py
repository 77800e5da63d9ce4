"""stance fetch / import-html against a local HTTP server on 127.0.0.1 (nothing else is reached)."""

from __future__ import annotations

import csv
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from stance import fetch
from stance.cli import main

FIX = Path(__file__).resolve().parent / "fixtures" / "fetch"
ALLOWED_HOST = "127.0.0.1"


# ----------------------------------------------------------------------------- network guard

class NetworkGuardError(AssertionError):
    pass


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch):
    """Any connect (or name lookup) to an address other than 127.0.0.1 fails the test."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if host != ALLOWED_HOST:
            attempts.append(address)
            raise NetworkGuardError(f"test tried to reach {address!r}")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        check((host,))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
    assert not attempts, f"connections outside 127.0.0.1 were attempted: {attempts}"


def test_guard_blocks_other_addresses(only_localhost):
    with socket.socket() as s, pytest.raises(NetworkGuardError):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed
    with pytest.raises(NetworkGuardError):
        socket.getaddrinfo("example.org", 80)
    with pytest.raises(NetworkGuardError):  # not swallowed by the fetcher's error handling
        fetch.Fetcher(timeout=0.5).get("http://192.0.2.1/")
    assert len(only_localhost) == 3
    only_localhost.clear()  # expected attempts; anything else fails the test at teardown


# ----------------------------------------------------------------------------- the server

ROBOTS = "User-agent: *\nDisallow: /private\n\nUser-agent: otherbot\nDisallow: /\n"
HUGE_CHUNK = b"<p>" + b"x" * 65_000 + b"</p>\n"


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}
    user_agents: ClassVar[list[str]] = []
    huge_sent: ClassVar[list[int]] = [0]
    robots: ClassVar[dict[str, object]] = {}
    lock = threading.Lock()

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, code: int, body: bytes, ctype: str = "text/html; charset=utf-8",
              headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.user_agents.append(self.headers.get("User-Agent", ""))
        try:
            self.route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, path: str) -> None:
        if path == "/robots.txt":
            self._send(int(self.robots.get("status", 200)),
                       str(self.robots.get("body", ROBOTS)).encode(), ctype="text/plain")
        elif path in ("/ok", "/ok2", "/same-host-1", "/same-host-2", "/private/page"):
            self._send(200, (FIX / "article.html").read_bytes())
        elif path == "/nodate":
            self._send(200, (FIX / "nodate.html").read_bytes())
        elif path == "/empty":
            self._send(200, (FIX / "empty.html").read_bytes())
        elif path == "/latin1":
            body = (FIX / "nodate.html").read_text(encoding="utf-8").replace(
                "humanitarian pause so", "humanitarian pause (caf\u00e9 talks) so")
            self._send(200, body.replace('<meta charset="utf-8">', "").encode("latin-1"),
                       ctype="text/html; charset=iso-8859-1")
        elif path == "/404":
            self._send(404, b"<html><body>not here</body></html>")
        elif path == "/500":
            self._send(500, b"<html><body>oops</body></html>")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, (FIX / "article.html").read_bytes())
        elif path == "/huge":
            # no Content-Length: the client must stop reading by itself
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body>")
            for _ in range(800):  # up to ~52 MB
                self.wfile.write(HUGE_CHUNK)
                with self.lock:
                    self.huge_sent[0] += len(HUGE_CHUNK)
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path in ("/no-ctype-html", "/no-ctype-binary"):
            body = (FIX / "nodate.html").read_bytes() if path.endswith("html") else b"\x89PNG.."
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/pdf":
            self._send(200, b"%PDF-1.4 not a page", ctype="application/pdf")
        elif path == "/loop-a":
            self._send(302, b"", headers={"Location": "/loop-b"})
        elif path == "/loop-b":
            self._send(301, b"", headers={"Location": "/loop-a"})
        elif path == "/moved":
            self._send(301, b"", headers={"Location": "/ok2"})
        elif path == "/badenc":
            body = b"<html><head><title>x</title></head><body><article><p>" + \
                bytes(range(0x80, 0x100)) * 8 + b"</p></article></body></html>"
            self._send(200, body, ctype="text/html; charset=utf-8")
        elif path == "/to-file":
            self._send(302, b"", headers={"Location": "file:///etc/passwd"})
        else:
            self._send(404, b"no route")


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer((ALLOWED_HOST, 0), Handler)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://{ALLOWED_HOST}:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture()
def hits():
    Handler.hits.clear()
    Handler.user_agents.clear()
    Handler.huge_sent[0] = 0
    Handler.robots.clear()
    return Handler.hits


def page_hits(hits: dict[str, int]) -> int:
    """Requests for pages (robots.txt aside)."""
    return sum(n for p, n in hits.items() if p != "/robots.txt")


def make_corpus(tmp_path: Path, rows: list[tuple[str, str, str]]) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "articles").mkdir(parents=True)
    (corpus / "corpus.yaml").write_text("name: test\nsources: sources.csv\n", encoding="utf-8")
    with (corpus / "sources.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(fetch.SOURCE_COLUMNS)
        for date, outlet, url in rows:
            w.writerow([date, outlet, "Test perspective, quoted", url, "T"])
    return corpus


def read_report(corpus: Path, name: str = fetch.FETCH_REPORT) -> dict[str, dict]:
    with (corpus / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    key = "url" if name == fetch.FETCH_REPORT else "file"
    return {r[key]: r for r in rows}


def parse_header(text: str) -> dict[str, str]:
    """The header as the corpus reader parses it: `key value` fields separated by `|`."""
    header = text.split("\n", 1)[0]
    out = {}
    for part in header.split("|"):
        key, _, value = part.strip().partition(" ")
        out[key] = value
    return out


# ----------------------------------------------------------------------------- fetch


FAST = {"delay": 0.01, "timeout": 0.5, "max_bytes": 200_000, "progress": False}


def test_fetch_all_cases(tmp_path, server, hits):
    cases = {
        "/ok": "fetched", "/nodate": "fetched", "/latin1": "fetched", "/moved": "fetched",
        "/404": "failed", "/500": "failed", "/slow": "failed", "/huge": "failed",
        "/huge-declared": "failed", "/pdf": "failed", "/loop-a": "failed", "/badenc": "failed",
        "/empty": "failed", "/to-file": "failed",
        "/no-ctype-html": "fetched", "/no-ctype-binary": "failed",
    }
    corpus = make_corpus(tmp_path, [("2020-10-04", "Example Wire", server + p) for p in cases])
    t0 = time.monotonic()
    result = fetch.fetch_corpus(corpus, **FAST)
    assert time.monotonic() - t0 < 20
    report = read_report(corpus)
    assert {p: report[server + p]["status"] for p in cases} == cases
    reasons = {p: report[server + p]["reason"] for p in cases}
    assert reasons["/404"].startswith("http 404")
    assert reasons["/500"].startswith("http 500")
    assert reasons["/slow"].startswith("timeout")
    assert reasons["/huge"].startswith("too large")
    assert reasons["/huge-declared"].startswith("too large")
    assert reasons["/pdf"] == "not html: content type application/pdf"
    assert reasons["/loop-a"].startswith("redirect loop")
    assert reasons["/badenc"].startswith("encoding")
    assert reasons["/empty"].startswith("empty extraction")
    assert reasons["/to-file"].startswith("bad url")
    # the size limit is enforced while streaming: far less than the 52 MB on offer was sent
    assert Handler.huge_sent[0] < 20_000_000
    assert reasons["/no-ctype-binary"].startswith("not html: no content type")
    assert result.failed == 11 and len(result.written) == 5
    assert all(ua == fetch.USER_AGENT for ua in Handler.user_agents)
    assert fetch.USER_AGENT.startswith("stance/")
    assert "contact in README" not in fetch.USER_AGENT    # it pointed to a contact never given

    files = sorted((corpus / "articles").iterdir())
    assert [f.name for f in files] == sorted(p.name for p in result.written)
    ok = corpus / "articles" / fetch.article_filename("2020-10-04", "Example Wire", server + "/ok")
    text = ok.read_text(encoding="utf-8")
    header = parse_header(text)
    # the sources date wins over the page's 2020-10-03; header values carry no "|"
    assert header == {"date": "2020-10-04", "source": "Example Wire", "url": server + "/ok",
                      "title": "Test ministry reports calm night", "byline": "Ana Example"}
    assert "page date 2020-10-03 differs" in reasons["/ok"]
    body = text.split("\n\n", 1)[1]
    assert "first calm night in a week" in body and "SCRIPT RAN" not in body
    assert "Copyright Example Wire" not in body
    nodate = (corpus / "articles" / fetch.article_filename(
        "2020-10-04", "Example Wire", server + "/nodate")).read_text(encoding="utf-8")
    assert parse_header(nodate)["date"] == "2020-10-04"
    assert "byline" not in parse_header(nodate)
    assert "page gives no date" in reasons["/nodate"]
    latin1 = (corpus / "articles" / fetch.article_filename(
        "2020-10-04", "Example Wire", server + "/latin1")).read_text(encoding="utf-8")
    assert "caf\u00e9 talks" in latin1

    # a second run retries only what is missing: the failures, never the fetched pages
    before = dict(hits)
    fetch.fetch_corpus(corpus, **FAST)
    for p in ("/ok", "/nodate", "/latin1", "/moved", "/ok2"):
        assert hits[p] == before[p], p
    assert hits["/404"] == before["/404"] + 1
    report = read_report(corpus)
    assert report[server + "/ok"]["status"] == "present"


def test_second_run_downloads_nothing(tmp_path, server, hits):
    corpus = make_corpus(tmp_path, [("2020-10-01", "a", server + "/ok"),
                                    ("2020-10-02", "b", server + "/nodate")])
    first = fetch.fetch_corpus(corpus, **FAST)
    assert first.count("fetched") == 2 and page_hits(hits) == 2 and hits["/robots.txt"] == 1
    snapshot = {p.name: p.read_bytes() for p in (corpus / "articles").iterdir()}
    second = fetch.fetch_corpus(corpus, **FAST)
    assert sum(hits.values()) == 3  # not even robots.txt is asked again
    assert second.count("present") == 2 and second.written == []
    assert {p.name: p.read_bytes() for p in (corpus / "articles").iterdir()} == snapshot
    # no temp files left behind
    assert not [p for p in corpus.rglob("*.tmp")]


def test_fetched_articles_read_back_with_read_corpus(tmp_path, server, hits):
    from stance.read._corpus import read_corpus

    corpus = make_corpus(tmp_path, [("2020-10-01", "Example Wire", server + "/ok"),
                                    ("2020-10-02", "Other Outlet", server + "/nodate")])
    fetch.fetch_corpus(corpus, **FAST)
    result = read_corpus(corpus, strict=True)
    arts = result.articles.sort_values("date").reset_index(drop=True)
    assert arts["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-10-01", "2020-10-02"]
    assert arts["source"].tolist() == ["Example Wire", "Other Outlet"]
    assert arts["url"].tolist() == [server + "/ok", server + "/nodate"]
    assert arts["title"].tolist() == ["Test ministry reports calm night",
                                      "Mediators call for a humanitarian pause"]
    assert arts["byline"].tolist() == ["Ana Example", ""]
    assert arts["author"].tolist() == ["", ""]  # a journalist is no issuer
    assert "first calm night in a week" in arts["text"][0]
    assert not arts["text"][0].startswith("date ")
    # the one atomic writer of the package: fetched files and reports are 0644 like run outputs
    written = sorted((corpus / "articles").iterdir()) + [corpus / fetch.FETCH_REPORT]
    assert [oct(p.stat().st_mode & 0o777) for p in written] == ["0o644"] * 3
    assert not list(corpus.rglob("*.tmp"))


def test_interrupted_run_keeps_what_it_wrote(tmp_path, server, hits):
    class Interrupting(fetch.Fetcher):
        def get(self, url: str) -> fetch.Page:
            if url.endswith("/nodate"):
                raise KeyboardInterrupt
            return super().get(url)

    corpus = make_corpus(tmp_path, [("2020-10-01", "a", server + "/ok"),
                                    ("2020-10-02", "b", server + "/nodate"),
                                    ("2020-10-03", "c", server + "/ok2")])
    with pytest.raises(KeyboardInterrupt):
        fetch.fetch_corpus(corpus, fetcher=Interrupting(timeout=0.5, delay=0), progress=False)
    report = read_report(corpus)
    assert [r["status"] for r in report.values()] == ["fetched", "pending", "pending"]
    assert len(list((corpus / "articles").iterdir())) == 1  # complete file, no temp file
    resumed = fetch.fetch_corpus(corpus, **FAST)
    assert [r["status"] for r in resumed.rows] == ["present", "fetched", "fetched"]


def test_limit_leaves_the_rest_pending(tmp_path, server, hits):
    corpus = make_corpus(tmp_path, [("2020-10-01", "a", server + "/ok"),
                                    ("2020-10-02", "b", server + "/nodate")])
    result = fetch.fetch_corpus(corpus, limit=1, **FAST)
    assert [r["status"] for r in result.rows] == ["fetched", "pending"]
    assert page_hits(hits) == 1


def test_per_host_delay_is_respected(server, hits):
    now = [100.0]
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    throttle = fetch.HostThrottle(2.0, clock=lambda: now[0], sleep=sleep)
    fetcher = fetch.Fetcher(timeout=1.0, throttle=throttle, respect_robots=False)
    fetcher.get(server + "/same-host-1")
    assert sleeps == []
    now[0] += 0.5  # half a second of other work
    fetcher.get(server + "/same-host-2")
    assert sleeps == [pytest.approx(1.5)]
    # a redirect is a second request to the host: it waits too
    fetcher.get(server + "/moved")
    assert sleeps == [pytest.approx(1.5), pytest.approx(2.0), pytest.approx(2.0)]
    # other hosts are not delayed by this one
    throttle.done("other.example")
    assert throttle.wait("another.example") == 0.0
    assert len(sleeps) == 3


def test_throttle_waits_only_the_remaining_time():
    now = [0.0]
    sleeps: list[float] = []
    throttle = fetch.HostThrottle(2.0, clock=lambda: now[0], sleep=sleeps.append)
    throttle.done("h")
    now[0] = 5.0
    assert throttle.wait("h") == 0.0 and sleeps == []
    with pytest.raises(ValueError):
        fetch.HostThrottle(-1)


def test_cli_fetch(tmp_path, server, hits, capsys):
    corpus = make_corpus(tmp_path, [("2020-10-01", "a", server + "/ok"),
                                    ("2020-10-02", "b", server + "/404")])
    code = main(["fetch", str(corpus), "--delay", "0.01", "--timeout", "0.5",
                 "--max-bytes", "100000", "--user-agent", "tester/1"])
    assert code == 1  # one source failed
    out = capsys.readouterr().out
    assert "fetched 1" in out and "failed 1" in out and fetch.FETCH_REPORT in out
    assert Handler.user_agents == ["tester/1"] * 3  # robots.txt and two pages


def test_robots_txt_is_respected(tmp_path, server, hits):
    corpus = make_corpus(tmp_path, [("2020-10-01", "a", server + "/private/page"),
                                    ("2020-10-02", "b", server + "/ok")])
    result = fetch.fetch_corpus(corpus, **FAST)
    assert (result.rows[0]["status"], result.rows[0]["reason"]) == \
        ("failed", "robots.txt disallows this URL")
    assert result.rows[1]["status"] == "fetched"
    assert "/private/page" not in hits and hits["/robots.txt"] == 1  # read once per site
    # a bot named in robots.txt is kept out of the whole site
    with pytest.raises(fetch.FetchError, match="disallows"):
        fetch.Fetcher(user_agent="otherbot/2", timeout=0.5, delay=0).get(server + "/nodate")
    # --ignore-robots fetches it
    assert main(["fetch", str(corpus), "--delay", "0", "--ignore-robots"]) == 0
    assert hits["/private/page"] == 1


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (503, False)])
def test_robots_txt_missing_or_unreachable(server, hits, status, allowed):
    Handler.robots["status"] = status
    fetcher = fetch.Fetcher(timeout=0.5, delay=0)
    if allowed:  # no robots.txt (4xx): everything is allowed
        assert "calm night" in fetcher.get(server + "/ok").html
    else:  # robots.txt unreachable (5xx): the site is left alone (RFC 9309)
        with pytest.raises(fetch.FetchError, match=r"robots.txt unreadable \(http 503"):
            fetcher.get(server + "/ok")
        assert "/ok" not in hits


def test_bad_sources_file_names_line_and_field(tmp_path, capsys):
    corpus = make_corpus(tmp_path, [("2020-10-01", "a", "http://127.0.0.1:9/x"),
                                    ("2020-13-01", "b", "http://127.0.0.1:9/y")])
    with pytest.raises(ValueError, match=r"sources.csv, line 3, field 'date'"):
        fetch.fetch_corpus(corpus, **FAST)
    assert main(["fetch", str(corpus)]) == 1
    assert "line 3, field 'date'" in capsys.readouterr().err
    make_corpus(tmp_path / "2", [("2020-10-01", "a", "ftp://127.0.0.1/x")])
    with pytest.raises(ValueError, match="field 'url'"):
        fetch.read_sources(tmp_path / "2" / "corpus" / "sources.csv")


def test_default_corpus_sources_are_valid(default_corpus_path):
    sources = fetch.read_sources(fetch.sources_path(default_corpus_path))
    assert len(sources) == 55
    names = {fetch.article_filename(s.date, s.outlet, s.url) for s in sources}
    assert len(names) == 55


# ----------------------------------------------------------------------------- helpers


def test_header_values_are_sanitised():
    text = fetch.format_article(date="2020-10-01", source="A | B", url="http://x/a|b",
                                title="Line one\nline | two", byline="  Jo\tDoe ",
                                body="Body.\n")
    header, blank, body = text.split("\n", 2)
    assert header == ("date 2020-10-01 | source A / B | url http://x/a%7Cb | "
                      "title Line one line / two | byline Jo Doe")
    assert blank == "" and body == "Body.\n"


def test_decode_html():
    assert fetch.decode_html("caf\u00e9".encode("cp1252")) == "caf\u00e9"  # undeclared: cp1252
    # undeclared and not UTF-8: charset-normalizer chooses, and the choice is said (issue 16)
    page = "<p>Министерство обороны заявило, что Степанакерт обстреляли ночью.</p>"
    text, note = fetch.decode_html_encoding(page.encode("cp1251"))
    assert text == page and note == ("no charset declared; decoded as cp1251 (detected by "
                                     "charset-normalizer)")
    assert fetch.decode_html(b'<meta charset="koi8-r">\xc1') == '<meta charset="koi8-r">\u0430'
    # one stray byte in a long page is replaced, not fatal
    assert "\ufffd" in fetch.decode_html(b"a" * 5000 + b"\xff", "utf-8")
    with pytest.raises(fetch.FetchError, match="unknown charset"):
        fetch.decode_html(b"abc", "no-such-charset")
    with pytest.raises(fetch.FetchError, match="not valid utf-8"):
        fetch.decode_html(b"\xff\xfe" * 100, "utf-8")


def test_article_filename_is_deterministic():
    a = fetch.article_filename("2020-10-01", "News.am / English", "https://x.example/1")
    assert a == fetch.article_filename("2020-10-01", "News.am / English", "https://x.example/1")
    assert a.startswith("2020-10-01_news.am-english_") and a.endswith(".txt")
    assert a != fetch.article_filename("2020-10-01", "News.am / English", "https://x.example/2")


# ----------------------------------------------------------------------------- import-html


def test_import_html(tmp_path, capsys):
    listed = "https://example.org/news/envoy-talks"
    corpus = make_corpus(tmp_path, [("2020-10-08", "Example Org", listed)])
    saved = tmp_path / "saved"
    shutil.copytree(FIX / "saved", saved)
    (saved / "notes.txt").write_text("not a page", encoding="utf-8")
    code = main(["import-html", str(saved), str(corpus)])
    assert code == 1  # the undated page fails
    report = read_report(corpus, fetch.IMPORT_REPORT)
    assert set(report) == {"canonical.html", "ogurl.htm", "undated.html"}
    assert report["undated.html"]["status"] == "failed"
    assert report["undated.html"]["reason"].startswith("no date")
    assert report["undated.html"]["url"] == "https://unlisted.example.com/residents-return"

    # canonical URL matches the sources row (www. and trailing slash aside): its date and
    # outlet win, and the file is the one `stance fetch` would write, so fetch skips it
    assert report["canonical.html"]["status"] == "imported"
    target = corpus / "articles" / fetch.article_filename("2020-10-08", "Example Org", listed)
    assert report["canonical.html"]["reason"] == target.name
    header = parse_header(target.read_text(encoding="utf-8"))
    assert header["date"] == "2020-10-08" and header["source"] == "Example Org"
    assert header["url"] == listed
    again = fetch.fetch_corpus(corpus, **FAST)  # nothing to download (the guard would catch it)
    assert again.count("present") == 1

    # og:url, page date, outlet from the host
    og = report["ogurl.htm"]
    assert og["status"] == "imported" and og["url"] == "https://news.example.net/2020/aid-convoy"
    text = (corpus / "articles" / og["reason"]).read_text(encoding="utf-8")
    assert parse_header(text) == {"date": "2020-10-12", "source": "news.example.net",
                                  "url": "https://news.example.net/2020/aid-convoy",
                                  "title": "Aid convoy reaches the valley",
                                  "byline": "Sam Writer"}
    # a second import writes nothing new
    second = fetch.import_html(saved, corpus, progress=False)
    assert second.written == [] and second.count("present") == 2
