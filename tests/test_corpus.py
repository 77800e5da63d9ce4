"""The corpus layer: formats, dates, bad input, strict mode, the seed corpus and `stance corpus`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from stance import tables
from stance.cli import main
from stance.read._corpus import CorpusError, corpus_from_articles, read_corpus
from stance.read._dates import DateError, date_from_filename, date_prefix, parse_date
from stance.read._formats import FormatError, decode, is_header_line, parse_header
from stance.read._repair import Edit, Repaired, repair_text

FIX = Path(__file__).resolve().parent / "fixtures" / "corpus"
MIXED = FIX / "mixed"
SEED_CREDIT = "Hikmet Hajiyev/Defense Ministry of Armenia"


# --- dates --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2020-10-05", "2020-10-05T14:30:00Z", "2020-10-05 14:30", "2020/10/05", "05.10.2020",
    "5.10.2020", "5 October 2020", "05 Oct. 2020", "5 October 2020, 09:24", "October 5, 2020",
    "Oct 5 2020", "Oct. 5, 2020 - 12:47 AMT", "5th October 2020",
])
def test_parse_date_accepts_the_forms_real_sources_use(text):
    assert parse_date(text) == dt.date(2020, 10, 5)


def test_dotted_dates_are_day_first_and_other_forms_are_refused():
    assert parse_date("01.02.2021") == dt.date(2021, 2, 1)
    assert parse_date("Sept. 28, 2020") == dt.date(2020, 9, 28)
    for bad in ["10/05/2020", "yesterday", "2020-02-30", "32.01.2020", "", "0001-01-01"]:
        with pytest.raises(DateError):
            parse_date(bad)
    assert parse_date(dt.datetime(2020, 10, 5, 9, 30)) == dt.date(2020, 10, 5)
    with pytest.raises(DateError, match="outside"):
        parse_date(dt.date(1, 1, 1))
    with pytest.raises(DateError, match="YYYY-MM-DD"):
        parse_date("5th of Octember")


def test_date_prefix_and_file_name_dates():
    assert date_prefix("5 October 2020 © Name") == (dt.date(2020, 10, 5), "© Name")
    assert date_prefix("2020-10-05") == (dt.date(2020, 10, 5), "")
    assert date_prefix("no date here") is None
    assert date_from_filename("2020-10-05_report.txt") == dt.date(2020, 10, 5)
    assert date_from_filename("2020-13-05_report.txt") is None
    assert date_from_filename("report-2020-10-05.txt") is None


# --- header lines and decoding -----------------------------------------------------------------

def test_seed_header_gives_date_and_credit_not_text():
    meta, warnings = parse_header(" date 2020-10-05 © Some One/Some Agency")
    assert meta == {"date": "2020-10-05", "credit": "Some One/Some Agency"}
    assert warnings == []


def test_pipe_header_fields_and_their_problems():
    meta, warnings = parse_header("date 2020-10-13 | source x.az | url https://x.az/a|b | color red"
                                  " | title")
    assert meta["date"] == "2020-10-13" and meta["source"] == "x.az"
    assert meta["url"] == "https://x.az/a"
    assert any("'color red'" in w and "line 1" in w for w in warnings)
    assert any("'title' has no value" in w for w in warnings)
    meta, warnings = parse_header("date 2020-10-13 extra words")
    assert meta["date"] == "2020-10-13" and "extra words" in warnings[0]


@pytest.mark.parametrize(("line", "expected"), [
    (" date 2020-10-05 © A/B", True), ("date 5 October 2020", True), ("Date: 2020-10-05", True),
    ("date 31.31.2021", True), ("source x.org | url https://x.org", True),
    ("Date palms grow in the south.", False), ("Source: officials in Baku", False),
    ("Title | subtitle", False), ("The war entered its second week.", False),
])
def test_header_line_detection(line, expected):
    assert is_header_line(line) is expected


def test_seed_form_text_after_the_date_starts_the_body(tmp_path):
    """The scraper put the start of the article after the date: it is body text, not lost."""
    art = tmp_path / "articles"
    _write(art / "a.txt", " date 2021-03-05 NORTHCITY, March 5\n\nThe ministry said so.")
    _write(art / "b.txt", "date 2021-03-06 | source x.org\n date 2021-03-06 Reuters © P. Hoto\n\n"
                          "Officials said the road was open.")
    _write(art / "c.txt", "date 2021-03-07 | source x.org\n\n date 2021-03-01 The talks ended.")
    corpus = read_corpus(tmp_path)
    a = corpus.articles.set_index("article_id")
    assert a.loc["a", "text"] == "NORTHCITY, March 5\n\nThe ministry said so."
    assert a.loc["a", "date"] == pd.Timestamp("2021-03-05") and a.loc["a", "credit"] == ""
    assert a.loc["b", "text"] == "Reuters\n\nOfficials said the road was open."
    assert a.loc["b", "credit"] == "P. Hoto"
    assert a.loc["c", "text"] == "The talks ended."
    assert a.loc["c", "date"] == pd.Timestamp("2021-03-07")
    expected = ("line 3: the scraper's header line has date 2021-03-01, the header "
                "2021-03-07; the header's date is used")
    assert corpus.report.warnings[1:] == [("articles/c.txt", expected)]


def test_first_line_that_is_not_a_header_stays_in_the_text(tmp_path):
    _write(tmp_path / "articles" / "2021-02-02_palms.txt", "Date palms grow here.\nMore text.")
    corpus = read_corpus(tmp_path)
    assert corpus.articles.loc[0, "text"] == "Date palms grow here.\nMore text."
    assert any("no header line" in m for _, m in corpus.report.warnings)


def test_decode_utf8_bom_cp1252_binary():
    assert decode("é\r\nx".encode()) == ("é\nx", "utf-8")
    assert decode(b"\xef\xbb\xbfabc")[0] == "abc"
    text, encoding = decode("caf\u00e9 \u201cq\u201d".encode("cp1252"))
    assert text == "caf\u00e9 \u201cq\u201d" and encoding.startswith("cp1252")
    assert "line 1" in encoding
    with pytest.raises(FormatError, match="binary"):
        decode(b"abc\x00def")
    # bytes no legacy encoding explains: the encoding chosen is named, never silent
    assert "detected by charset-normalizer; not UTF-8: byte 0x81 at line 2" in \
        decode(b"ok\n\x81\x8d")[1]


# --- the fixture corpus with every format ------------------------------------------------------

@pytest.fixture(scope="module")
def mixed():
    return read_corpus(MIXED)


def test_every_format_is_read(mixed):
    a = mixed.articles.set_index("article_id")
    assert list(mixed.articles.columns[:len(tables.ARTICLE_COLUMNS)]) == tables.ARTICLE_COLUMNS
    assert sorted(a.index) == sorted([
        "2021-03-01_pipe-header", "front-matter", "releases-1", "releases-2", "seed-style",
        "statements-s1", "statements-3"])
    assert mixed.name == "fixture-mixed" and mixed.config["time_bin"] == "D"
    dates = {i: d.date().isoformat() for i, d in a["date"].items()}
    assert dates == {"2021-03-01_pipe-header": "2021-03-01", "seed-style": "2021-03-05",
                     "front-matter": "2021-03-06", "statements-s1": "2021-03-07",
                     "statements-3": "2021-03-08", "releases-1": "2021-03-08",
                     "releases-2": "2021-03-09"}
    assert str(mixed.articles["date"].dtype) == "datetime64[ns]"
    # pipe header
    assert a.loc["2021-03-01_pipe-header", "url"] == "https://example.org/news/1?a=b"
    assert a.loc["2021-03-01_pipe-header", "title"] == "Talks resume"
    assert a.loc["2021-03-01_pipe-header", "text"].startswith("The foreign ministers")
    # seed-style header: the credit is metadata, not text, and not an author
    assert a.loc["seed-style", "credit"] == "Jane Doe/Example Photo Agency"
    assert a.loc["seed-style", "author"] == ""
    assert "Jane Doe" not in a.loc["seed-style", "text"]
    # front matter: author marks a primary source
    assert a.loc["front-matter", "author"] == "Ministry of Foreign Affairs of Southland"
    assert a.loc["front-matter", "text"].startswith("The Ministry")
    # jsonl and csv rows
    assert a.loc["statements-s1", "author"] == "President of Northland"
    assert a.loc["statements-3", "url"] == "https://example.com/sdm/8"
    assert a.loc["releases-1", "credit"] == "Example Photo Agency"
    assert a.loc["releases-2", "text"] == ("The mediators welcomed the truce.\n"
                                           "They will meet again next week.")
    assert a.loc["releases-2", "path"] == "articles/releases.csv:2"
    assert mixed.report.skipped == [] and mixed.report.warnings == [
        ("speakers", w) for p, w in mixed.report.warnings if p == "speakers"]
    assert len(mixed.report.files_read) == 5


def test_reading_is_deterministic(mixed):
    again = read_corpus(MIXED)
    pd.testing.assert_frame_equal(mixed.articles, again.articles)
    files = [p.split(":")[0] for p in mixed.articles["path"]]
    assert files == sorted(files)


def test_text_is_the_repaired_body_and_offsets_map_back(mixed):
    row = mixed.articles.iloc[0]
    rep = mixed.repaired(row["article_id"])
    assert isinstance(rep, Repaired)
    assert rep.text == row["text"] == repair_text(rep.raw).text
    assert not rep.raw.startswith("date ")
    with pytest.raises(KeyError, match="nope"):
        mixed.repaired("nope")


def test_repairs_table_and_flags(tmp_path, monkeypatch):
    """The edits of repair_text become corpus.repairs rows and the flags repaired/damaged."""
    def fake_repair(raw: str) -> Repaired:
        if "glued" not in raw:
            return Repaired(text=raw, raw=raw)
        i = raw.index(".T")
        text = raw[:i + 1] + " " + raw[i + 1:]
        edits = [Edit("sentence_space", i, i + 3, i, i + 2, raw[i:i + 2], text[i:i + 3]),
                 Edit("damaged", 0, i + 1, 0, i + 1, raw[:i + 1], raw[:i + 1], "lost object")]
        return Repaired(text=text, raw=raw, edits=edits, anchors=[(0, 0), (i + 2, i + 1)])

    monkeypatch.setattr("stance.read._corpus.repair_text", fake_repair)
    _write(tmp_path / "articles" / "a.txt", "date 2021-01-01\nSome glued.Text here.")
    _write(tmp_path / "articles" / "b.txt", "date 2021-01-02\nClean text.")
    corpus = read_corpus(tmp_path)
    flags = dict(zip(corpus.articles["article_id"], corpus.articles["flags"], strict=True))
    assert flags == {"a": "damaged;repaired", "b": ""}
    assert corpus.articles.loc[0, "text"] == "Some glued. Text here."
    assert list(corpus.repairs["kind"]) == ["sentence_space", "damaged"]
    assert corpus.repairs.loc[0, "before"] == ".T" and corpus.repairs.loc[0, "after"] == ". T"
    assert corpus.repaired("a").to_raw(12) == 11
    summary = corpus.summary()
    assert "repairs: 2 in 1 article" in summary and "sentence_space: 1" in summary


# --- bad input ----------------------------------------------------------------------------------

def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)


@pytest.fixture
def bad_corpus(tmp_path) -> Path:
    art = tmp_path / "articles"
    _write(tmp_path / "corpus.yaml", "name: bad\ndefault_date: null\n")
    _write(art / "01_good.txt", "date 2021-01-01 | source ok.org\nA good article.")
    _write(art / "02_empty.txt", "")
    _write(art / "03_blank.md", "  \n\n")
    _write(art / "04_binary.txt", b"date 2021-01-01\n\x00\x01\x02")
    _write(art / "05_cp1252.txt", "date 2021-01-02\nThe minister\u2019s caf\u00e9.".encode("cp1252"))
    _write(art / "06_bom.txt", b"\xef\xbb\xbfdate 2021-01-03\nWith a byte order mark.")
    _write(art / "07_bad_yaml.md", "---\ndate: 2021-01-04\ntitle: [unclosed\n---\nBody.")
    _write(art / "08_unclosed.md", "---\ndate: 2021-01-04\nBody without end.")
    _write(art / "09_bad_date.txt", "date 31.31.2021 | source x.org\nUnreadable date.")
    _write(art / "10_no_header.txt", "Just a body with no header at all.")
    _write(art / "11_copy.txt", "date 2021-01-05\nA   good\narticle.")
    _write(art / "12_header_only.txt", "date 2021-01-06 | source x.org\n\n")
    _write(art / "dup.txt", "date 2021-01-07\nFirst dup text.")
    _write(art / "dup.md", "---\ndate: 2021-01-07\n---\nSecond dup text.")
    _write(art / "rows.jsonl", '{"text": "Row one.", "date": "2021-01-08"}\n{broken\n'
                               '["a list"]\n{"date": "2021-01-08"}\n'
                               '{"text": "Row five.", "date": "2021-01-08", "mood": "x"}\n')
    _write(art / "no_text.csv", "date,body\n2021-01-09,Something\n")
    _write(art / "photo.jpg", b"\xff\xd8\xff")
    _write(art / ".hidden.txt", "date 2021-01-01\nHidden.")
    return tmp_path


def test_bad_input_is_reported_by_file_and_the_rest_loads(bad_corpus):
    corpus = read_corpus(bad_corpus)
    ids = list(corpus.articles["article_id"])
    # dup.md sorts before dup.txt: the .txt gets an id made unique by its content hash
    second_dup = "dup-" + tables.stable_id("First dup text.", length=8)
    assert ids == ["01_good", "05_cp1252", "06_bom", "dup", second_dup, "rows-1", "rows-5"]
    skipped = dict(corpus.report.skipped)
    warnings = corpus.report.warnings
    a = corpus.articles.set_index("article_id")

    assert skipped["articles/02_empty.txt"] == "empty file"
    assert skipped["articles/03_blank.md"] == "empty file"
    assert "binary" in skipped["articles/04_binary.txt"]
    assert "malformed front matter at line 3" in skipped["articles/07_bad_yaml.md"]
    assert "never closed" in skipped["articles/08_unclosed.md"]
    assert skipped["articles/09_bad_date.txt"].startswith("unreadable date")
    assert any(p == "articles/09_bad_date.txt" and "field date" in m and "31.31.2021" in m
               for p, m in warnings)
    assert skipped["articles/10_no_header.txt"].startswith("no date")
    assert any(p == "articles/10_no_header.txt" and "no header line" in m for p, m in warnings)
    assert "same text as article '01_good'" in skipped["articles/11_copy.txt"]
    assert "no text after the header" in skipped["articles/12_header_only.txt"]
    assert "not an article file" in skipped["articles/photo.jpg"]
    assert skipped["articles/.hidden.txt"] == "hidden file"
    assert "no 'text' column" in skipped["articles/no_text.csv"]
    rows_skips = [r for p, r in corpus.report.skipped if p == "articles/rows.jsonl"]
    assert [r.split(":")[0] for r in rows_skips] == ["line 2", "line 3", "line 4"]
    assert "invalid JSON" in rows_skips[0] and "no text" in rows_skips[2]
    assert any(p == "articles/rows.jsonl" and "mood" in m for p, m in warnings)

    assert a.loc["05_cp1252", "flags"] == "cp1252"
    assert a.loc["05_cp1252", "text"] == "The minister\u2019s caf\u00e9."
    assert any(p == "articles/05_cp1252.txt" and "cp1252" in m for p, m in warnings)
    assert a.loc["06_bom", "text"] == "With a byte order mark." and a.loc["06_bom", "flags"] == ""
    assert any("duplicate article id 'dup'" in m for _, m in warnings)
    table = corpus.report.to_dataframe()
    assert list(table.columns) == ["status", "path", "message"]
    assert (table["status"] == "skipped").sum() == len(corpus.report.skipped)
    assert table.loc[table["path"] == "articles/04_binary.txt", "status"].tolist() == ["skipped"]
    assert "articles/08_unclosed.md: front matter" in corpus.report.summary()
    # every file under articles/ is either read or listed as skipped
    listed = set(corpus.report.files_read) | set(skipped)
    on_disk = {p.relative_to(bad_corpus).as_posix() for p in (bad_corpus / "articles").iterdir()}
    assert on_disk <= listed


def test_default_date_from_corpus_yaml_applies_with_a_warning(bad_corpus):
    _write(bad_corpus / "corpus.yaml", "name: bad\ndefault_date: 1 February 2021\n")
    corpus = read_corpus(bad_corpus)
    a = corpus.articles.set_index("article_id")
    assert a.loc["09_bad_date", "date"] == pd.Timestamp("2021-02-01")
    assert a.loc["10_no_header", "flags"] == "default_date"
    assert any(p == "articles/10_no_header.txt" and "default_date 2021-02-01" in m
               for p, m in corpus.report.warnings)


def test_date_from_the_file_name_when_the_header_has_none(tmp_path):
    _write(tmp_path / "articles" / "2021-04-02_story.txt", "No header, but a dated name.")
    corpus = read_corpus(tmp_path)
    assert corpus.articles.loc[0, "date"] == pd.Timestamp("2021-04-02")
    assert corpus.articles.loc[0, "flags"] == "date_from_filename"


def test_strict_mode_raises_on_the_first_problem(bad_corpus, tmp_path):
    # files are listed before they are read: the unsupported file is the first problem
    with pytest.raises(CorpusError, match=r"articles/photo.jpg: not an article file"):
        read_corpus(bad_corpus, strict=True)
    (bad_corpus / "articles" / "photo.jpg").unlink()
    with pytest.raises(CorpusError, match=r"articles/02_empty.txt: empty file"):
        read_corpus(bad_corpus, strict=True)
    (bad_corpus / "articles" / "02_empty.txt").unlink()
    with pytest.raises(CorpusError, match=r"articles/03_blank.md: empty file"):
        read_corpus(bad_corpus, strict=True)
    assert len(read_corpus(MIXED, strict=True)) == 7


def test_malformed_corpus_yaml_is_an_error_naming_file_and_line(tmp_path):
    """A corpus's own broken settings are never replaced by defaults (issue 16, item 2)."""
    _write(tmp_path / "corpus.yaml", "name: t\naxes: [oops\n")
    _write(tmp_path / "articles" / "a.txt", "date 2021-01-01\nText.")
    with pytest.raises(CorpusError, match=r"corpus.yaml: line \d+: YAML syntax error"):
        read_corpus(tmp_path)


def test_corpus_yaml_fields_are_checked(tmp_path):
    _write(tmp_path / "corpus.yaml", "name: t\ntime_bin: fortnightly\ndefault_date: someday\n")
    _write(tmp_path / "articles" / "a.txt", "date 2021-01-01\nText.")
    corpus = read_corpus(tmp_path)
    assert corpus.config["time_bin"] == "W" and corpus.config["default_date"] is None
    messages = [m for p, m in corpus.report.warnings if p == "corpus.yaml"]
    assert messages[0].startswith("field time_bin: 'fortnightly'")
    assert messages[1].startswith("field default_date: cannot read date 'someday'")


def test_folder_without_corpus_yaml_or_articles_folder(tmp_path):
    """The top-level text files are read; the corpus's own files are listed, not read."""
    _write(tmp_path / "2021-05-01_a.txt", "date 2021-05-01 | source a.org\nFirst.")
    _write(tmp_path / "b.md", "---\ndate: 2021-05-02\n---\nSecond.")
    _write(tmp_path / "README.md", "# About this folder")
    _write(tmp_path / "sources.csv", "date,url\n2021-05-01,https://a.org\n")
    _write(tmp_path / "notes.yaml", "x: 1\n")
    corpus = read_corpus(tmp_path, strict=True)
    assert list(corpus.articles["article_id"]) == ["2021-05-01_a", "b"]
    assert corpus.name == tmp_path.name and corpus.config["time_bin"] == "W"
    skipped = dict(corpus.report.skipped)
    assert set(skipped) == {"README.md", "sources.csv", "notes.yaml"}
    assert corpus.report.warnings[0][0] == "corpus.yaml"


def test_single_file_and_missing_path(tmp_path):
    _write(tmp_path / "one.jsonl", '{"text": "Alone.", "date": "2021-06-01", "id": 7}\n')
    corpus = read_corpus(tmp_path / "one.jsonl")
    assert list(corpus.articles["article_id"]) == ["one-7"]
    with pytest.raises(FileNotFoundError, match="not-there"):
        read_corpus(tmp_path / "not-there")


def test_corpus_from_articles():
    df = pd.DataFrame({"text": ["One.", "Two."], "date": ["2021-01-01", "2021-01-02"]})
    corpus = corpus_from_articles(df, name="t")
    assert list(corpus.articles.columns[:10]) == tables.ARTICLE_COLUMNS
    assert corpus.articles.loc[0, "article_id"] == tables.stable_id("One.")
    assert corpus.repaired(corpus.articles.loc[1, "article_id"]).text == "Two."
    with pytest.raises(CorpusError, match="duplicate"):
        corpus_from_articles(pd.DataFrame({"article_id": ["x", "x"], "text": ["a", "b"],
                                           "date": ["2021-01-01"] * 2}))


# --- the seed corpus and the CLI ----------------------------------------------------------------

def test_seed_corpus(default_corpus_path):
    corpus = read_corpus(default_corpus_path)
    assert len(corpus) == 1
    art = corpus.articles.iloc[0]
    assert art["date"] == pd.Timestamp("2020-10-05")
    assert art["credit"] == SEED_CREDIT and art["author"] == ""
    assert SEED_CREDIT not in art["text"] and art["text"].startswith("Heavy fighting")
    assert corpus.config["time_bin"] == "W" and corpus.name == "nagorno-karabakh-2020"
    assert corpus.report.skipped == []


def test_seed_corpus_body_and_repairs_match_repair_text(default_corpus_path):
    corpus = read_corpus(default_corpus_path)
    art = corpus.articles.iloc[0]
    raw_file = next((default_corpus_path / "articles").iterdir()).read_text(encoding="utf-8")
    header, _, body = raw_file.partition("\n")
    assert header.startswith(" date 2020-10-05 ©")
    rep = corpus.repaired(art["article_id"])
    assert rep.raw == body.lstrip("\n").rstrip()
    expected = repair_text(rep.raw)
    assert art["text"] == expected.text
    assert list(corpus.repairs["kind"]) == [e.kind for e in expected.edits]
    assert list(corpus.repairs["before"]) == [e.before for e in expected.edits]
    kinds = {e.kind for e in expected.edits}
    assert tables.has_flag(art["flags"], "repaired") == bool(kinds - {"damaged"})
    assert tables.has_flag(art["flags"], "damaged") == ("damaged" in kinds)


def test_stance_corpus_command(default_corpus_path, capsys):
    assert main(["corpus", str(default_corpus_path)]) == 0
    out = capsys.readouterr().out
    assert "articles: 1" in out and "2020-10-05 to 2020-10-05" in out and SEED_CREDIT in out
    assert main(["corpus", str(default_corpus_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n_articles"] == 1 and data["credits"] == {SEED_CREDIT: 1}
    assert data["articles"][0]["date"] == "2020-10-05"


def test_stance_corpus_reports_skips_and_strict_exit_code(bad_corpus, capsys):
    assert main(["corpus", str(bad_corpus)]) == 0
    out = capsys.readouterr().out
    assert "articles/04_binary.txt: binary file" in out and "articles: 7" in out
    assert main(["corpus", str(bad_corpus), "--strict"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("stance corpus: error: articles/photo.jpg: not an article file")


def test_stance_run_reads_the_corpus(capsys):
    # the whole run is tested in tests/test_pipeline.py; here: the command takes a corpus PATH
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert "PATH" in out.upper() and "--config" in out and "--out" in out
    with pytest.raises(SystemExit):
        main(["corpus", "--help"])
    assert "--strict" in capsys.readouterr().out
