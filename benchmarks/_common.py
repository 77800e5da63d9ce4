"""Shared helpers of the benchmarks: paths, the PolNeAR (BRAT) reader, span scoring, the peers.

Nothing here is part of the ``stance`` package: these are measuring instruments. The third-party
gold sets are read at run time from ``../shared`` (next to the checkout) and never copied.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

#: the checkout (``benchmarks/..``)
REPO_ROOT = Path(__file__).resolve().parent.parent
#: the shared data folder next to the checkout (gold sets, development corpus, scorers)
SHARED_DIR = REPO_ROOT.parent / "shared"
#: default PolNeAR data folder
POLNEAR_DIR = SHARED_DIR / "eval" / "polnear" / "data"

Span = tuple[int, int]


# --------------------------------------------------------------------------------------------
# BRAT standoff (.ann) reading
# --------------------------------------------------------------------------------------------

class BratSpan(NamedTuple):
    """A text-bound annotation (``T<n>``): its type and its (possibly discontinuous) spans."""

    id: str  # "T12"
    type: str  # Source, Cue, Content, ...
    spans: tuple[Span, ...]  # sorted character spans into the text
    text: str  # the surface text as the file gives it


@dataclass(frozen=True)
class GoldRelation:
    """One attribution relation (``E<n>``): one gold statement.

    ``content``/``source``/``cue`` are character spans into the article's text; ``source`` is
    empty for a relation without a source (``Attribution-no-source``). Repeated roles
    (BRAT numbers them ``Content2``, ...) are merged into the role's spans.
    """

    id: str
    trigger: str
    content: tuple[Span, ...]
    source: tuple[Span, ...] = ()
    cue: tuple[Span, ...] = ()


@dataclass
class BratDocument:
    """The parsed ``.ann`` file: spans by id, relations with a content, relations skipped."""

    path: Path
    spans: dict[str, BratSpan] = field(default_factory=dict)
    relations: list[GoldRelation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # relation ids without a Content span


_ANN_LINE = re.compile(r"^([TERAMN]\d+|#\d*|\*)\t")


def _parse_offsets(value: str, where: str) -> tuple[Span, ...]:
    spans = []
    for frag in value.split(";"):
        parts = frag.split()
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"{where}: bad span offsets {value!r} (expected 'START END[;START END]')")
        start, end = int(parts[0]), int(parts[1])
        if end < start:
            raise ValueError(f"{where}: span end {end} before start {start}")
        spans.append((start, end))
    return tuple(sorted(spans))


def read_brat(path: str | Path, text_length: int | None = None) -> BratDocument:
    """Read a BRAT standoff file with attribution relations (PolNeAR's layout).

    ``T`` lines give typed spans (discontinuous fragments joined by ``;``; the surface text may
    run onto the next line), ``E`` lines the relations ``Attribution:T4 Source:T1 Cue:T2
    Content:T3``; notes (``#``) and other annotation kinds are ignored. With ``text_length``,
    spans past the end of the text raise. Errors name the file and line.
    """
    path = Path(path)
    doc = BratDocument(path=path)
    events: list[tuple[str, list[str], str]] = []
    last_t: str | None = None
    raw = path.read_bytes().decode("utf-8")
    lines = raw.split("\n")
    if lines and lines[-1] == "":  # the file's final line end
        lines.pop()
    for lineno, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        where = f"{path}:{lineno}"
        if not _ANN_LINE.match(line):
            if last_t is not None:  # the surface text ran onto this line
                prev = doc.spans[last_t]
                doc.spans[last_t] = BratSpan(prev.id, prev.type, prev.spans, prev.text + "\n" + line)
                continue
            if not line.strip():
                continue
            raise ValueError(f"{where}: not a BRAT standoff line: {line[:60]!r}")
        ident, _, rest = line.partition("\t")
        last_t = None
        if ident.startswith("T"):
            head, _, surface = rest.partition("\t")
            kind, _, offsets = head.partition(" ")
            if not kind or not offsets:
                raise ValueError(f"{where}: span line without type or offsets")
            spans = _parse_offsets(offsets, where)
            if text_length is not None and spans[-1][1] > text_length:
                raise ValueError(f"{where}: span {spans[-1]} runs past the end of the text "
                                 f"({text_length} characters)")
            doc.spans[ident] = BratSpan(ident, kind, spans, surface)
            last_t = ident
        elif ident.startswith("E"):
            args = rest.split()
            if not args or ":" not in args[0]:
                raise ValueError(f"{where}: relation line without a trigger 'Type:T<n>'")
            events.append((ident, args, where))
    for ident, args, where in events:
        trigger, _, trigger_ref = args[0].partition(":")
        if trigger_ref not in doc.spans:
            raise ValueError(f"{where}: relation {ident} refers to unknown span {trigger_ref}")
        roles: dict[str, list[Span]] = {"Content": [], "Source": [], "Cue": []}
        for arg in args[1:]:
            role, sep, ref = arg.partition(":")
            if not sep:
                raise ValueError(f"{where}: bad relation argument {arg!r} (expected 'Role:T<n>')")
            if ref not in doc.spans:
                raise ValueError(f"{where}: relation {ident} refers to unknown span {ref}")
            base = re.sub(r"\d+$", "", role)
            if base in roles:
                roles[base].extend(doc.spans[ref].spans)
        if not roles["Content"]:
            doc.skipped.append(ident)
            continue
        doc.relations.append(GoldRelation(
            id=ident, trigger=trigger, content=merge_spans(roles["Content"]),
            source=merge_spans(roles["Source"]), cue=merge_spans(roles["Cue"]),
        ))
    return doc


@dataclass(frozen=True)
class PolnearArticle:
    """One PolNeAR article: its id (the text file's stem), its exact text and gold relations."""

    article_id: str
    text: str
    relations: tuple[GoldRelation, ...]
    ann_path: Path
    skipped: int = 0  # relations without content


def polnear_split_dir(data_dir: str | Path, split: str) -> Path:
    """The folder of one split (``DATA/<split>``) holding ``text/`` and ``attributions/``."""
    return Path(data_dir) / split


def load_polnear(data_dir: str | Path, split: str = "dev", limit: int | None = None,
                 ) -> list[PolnearArticle]:
    """Read one split of PolNeAR: ``DATA/<split>/text/<article>.txt`` with
    ``DATA/<split>/attributions/<article>_<annotator>.ann``.

    Keeps the first ``.ann`` in sorted order per article (as the gold set's README says). Texts
    are decoded as UTF-8 without newline translation, so the BRAT offsets hold. Articles come in
    sorted order; ``limit`` keeps the first N. Raises FileNotFoundError when the split is absent
    and ValueError naming the file for an annotation without its text.
    """
    split_dir = polnear_split_dir(data_dir, split)
    text_dir, ann_dir = split_dir / "text", split_dir / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise FileNotFoundError(f"no PolNeAR split {split!r} at {split_dir} "
                                "(expected text/ and attributions/)")
    first_ann: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem, sep, _annotator = ann.stem.rpartition("_")
        if not sep:
            raise ValueError(f"{ann}: file name is not <article>_<annotator>.ann")
        first_ann.setdefault(stem, ann)
    articles = []
    for article_id in sorted(first_ann):
        if limit is not None and len(articles) >= limit:
            break
        txt = text_dir / f"{article_id}.txt"
        if not txt.is_file():
            raise ValueError(f"{first_ann[article_id]}: no text file {txt}")
        text = txt.read_bytes().decode("utf-8")
        doc = read_brat(first_ann[article_id], text_length=len(text))
        articles.append(PolnearArticle(article_id, text, tuple(doc.relations),
                                       first_ann[article_id], len(doc.skipped)))
    return articles


# --------------------------------------------------------------------------------------------
# span scoring
# --------------------------------------------------------------------------------------------

def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sort spans and merge the ones that overlap or touch."""
    out: list[list[int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return tuple((s, e) for s, e in out)


def span_length(spans: Sequence[Span]) -> int:
    """Number of characters covered by (merged) spans."""
    return sum(e - s for s, e in spans)


def overlap(spans: Sequence[Span], start: int, end: int) -> int:
    """Number of characters of the (merged) ``spans`` that fall inside ``[start, end)``."""
    return sum(max(0, min(e, end) - max(s, start)) for s, e in spans)


@dataclass(frozen=True)
class Predicted:
    """A predicted statement: content span and speaker-mention span (-1 when no speaker)."""

    start: int
    end: int
    mention_start: int = -1
    mention_end: int = -1

    @property
    def has_speaker(self) -> bool:
        return 0 <= self.mention_start < self.mention_end


def speaker_right(gold: GoldRelation, pred: Predicted) -> bool:
    """The speaker is right when the predicted mention overlaps the gold Source; a relation
    without a Source is right only when the prediction has no speaker."""
    if not gold.source:
        return not pred.has_speaker
    return pred.has_speaker and overlap(gold.source, pred.mention_start, pred.mention_end) > 0


def match_spans(gold: Sequence[GoldRelation], pred: Sequence[Predicted],
                min_overlap: float = 0.3) -> list[tuple[int, int]]:
    """One-to-one greedy matching of predictions to gold relations of one article.

    A pair is a candidate when the predicted content span covers at least ``min_overlap`` of
    the gold Content's length; candidates are taken greedily by that share (then by the
    characters shared, then by position, for determinism). Returns (gold index, pred index).
    """
    from stance.extract import greedy_match

    cands = []
    for i, g in enumerate(gold):
        glen = span_length(g.content)
        if glen == 0:
            continue
        for j, p in enumerate(pred):
            ov = overlap(g.content, p.start, p.end)
            if ov and ov / glen >= min_overlap:
                cands.append(((-ov / glen, -ov, i, j), i, j))
    return sorted(greedy_match(cands))


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 when undefined)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class AttributionScore:
    """Counts and error lists of one system on a set of articles (see :func:`score_attribution`)."""

    articles: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_right: int = 0
    # (article_id, gold index, pred index, speaker right) / (article_id, gold index) / (article_id, pred index)
    pairs: list[tuple[str, int, int, bool]] = field(default_factory=list)
    misses: list[tuple[str, int]] = field(default_factory=list)
    false_positives: list[tuple[str, int]] = field(default_factory=list)

    def summary(self, digits: int = 3) -> dict[str, Any]:
        """The figures the benchmark reports, rounded."""
        p, r, f = prf(self.matched, self.predicted, self.gold)
        ep, er, ef = prf(self.speaker_right, self.predicted, self.gold)
        acc = self.speaker_right / self.matched if self.matched else 0.0
        return {
            "articles": self.articles, "gold": self.gold, "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(p, digits), "recall": round(r, digits), "f1": round(f, digits),
            "speaker_accuracy": round(acc, digits),
            "end_to_end_precision": round(ep, digits), "end_to_end_recall": round(er, digits),
            "end_to_end_f1": round(ef, digits),
        }


def score_attribution(gold: Mapping[str, Sequence[GoldRelation]],
                      pred: Mapping[str, Sequence[Predicted]],
                      min_overlap: float = 0.3) -> AttributionScore:
    """Score predictions against gold relations, article by article, as PolNeAR's README in
    ``../shared/eval/polnear`` defines: match on content overlap >= ``min_overlap`` of the gold
    length (one-to-one, greedy), speaker right on mention/Source overlap. Predictions for an
    article without gold count as false positives."""
    out = AttributionScore()
    for aid in sorted(set(gold) | set(pred)):
        gs, ps = list(gold.get(aid, ())), list(pred.get(aid, ()))
        out.articles += aid in gold
        out.gold += len(gs)
        out.predicted += len(ps)
        pairs = match_spans(gs, ps, min_overlap)
        for i, j in pairs:
            ok = speaker_right(gs[i], ps[j])
            out.matched += 1
            out.speaker_right += ok
            out.pairs.append((aid, i, j, ok))
        hit_g = {i for i, _ in pairs}
        hit_p = {j for _, j in pairs}
        out.misses.extend((aid, i) for i in range(len(gs)) if i not in hit_g)
        out.false_positives.extend((aid, j) for j in range(len(ps)) if j not in hit_p)
    return out


# --------------------------------------------------------------------------------------------
# the systems: ours, textacy's direct quotations, a cue-verb baseline
# --------------------------------------------------------------------------------------------

def articles_frame(texts: Mapping[str, str], author: str = "") -> Any:
    """An articles table (``stance.tables.ARTICLE_COLUMNS``) for plain texts keyed by id; the
    text is kept exactly so that offsets into it are offsets into the source file."""
    import pandas as pd

    from stance.tables import normalize_articles

    ids = list(texts)
    return normalize_articles(pd.DataFrame({
        "article_id": ids, "date": pd.Timestamp("2000-01-01"), "source": "", "url": "",
        "title": "", "author": author, "credit": "", "text": [texts[i] for i in ids],
        "path": "", "flags": "",
    }))


def empty_registry() -> Any:
    """An empty speaker registry (speaker resolution is not what PolNeAR scores)."""
    from stance.speakers import Registry

    return Registry.empty()


def statements_to_predictions(statements: Any) -> dict[str, list[Predicted]]:
    """Our statements table -> predicted spans per article."""
    out: dict[str, list[Predicted]] = {}
    for row in statements.itertuples(index=False):
        out.setdefault(str(row.article_id), []).append(Predicted(
            int(row.start), int(row.end), int(row.mention_start), int(row.mention_end)))
    return out


@dataclass(frozen=True)
class PeerQuote:
    """One quotation found by textacy: content and speaker spans as character offsets."""

    start: int
    end: int
    mention_start: int
    mention_end: int
    mention: str
    content: str
    cue: str


def _paragraphs(doc: Any) -> list[Any]:
    """Spans of ``doc`` between whitespace tokens that hold a line break."""
    spans, begin = [], 0
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            if tok.i > begin:
                spans.append(doc[begin:tok.i])
            begin = tok.i + 1
    if begin < len(doc):
        spans.append(doc[begin:])
    return spans


def textacy_quotes(doc: Any) -> tuple[list[PeerQuote], bool]:
    """textacy's rule-based ``direct_quotations`` (textacy 0.13) on a parsed doc.

    textacy refuses a whole document with an odd number of quotation marks; we then run it on
    each paragraph (lines) on its own so that one unclosed quote does not cost the peer the whole
    article. Returns the quotes and whether that fallback was needed.
    """
    from textacy.extract.triples import direct_quotations

    pieces = [(doc, 0)]
    fallback = False
    try:
        triples = [(t, 0, doc) for t in direct_quotations(doc)]
    except ValueError:
        fallback = True
        triples = []
        pieces = [(span.as_doc(), span.start_char) for span in _paragraphs(doc)]
        for sub, base in pieces:
            try:
                triples.extend((t, base, sub) for t in direct_quotations(sub))
            except ValueError:
                continue
    out = []
    for t, base, sub in triples:
        ms = min(tok.idx for tok in t.speaker)
        me = max(tok.idx + len(tok.text) for tok in t.speaker)
        out.append(PeerQuote(
            start=base + t.content.start_char, end=base + t.content.end_char,
            mention_start=base + ms, mention_end=base + me, mention=sub.text[ms:me],
            content=t.content.text.strip(QUOTE_CHARS + " "),
            cue=" ".join(tok.text for tok in t.cue),
        ))
    return out, fallback


QUOTE_CHARS = "\"'“”‘’«»„‚`"

#: cue lemmas of the sentence-with-a-cue-verb baseline (the issue's list of news/diplomacy cues)
CUE_LEMMAS = frozenset({
    "say", "tell", "accuse", "deny", "claim", "allege", "confirm", "report", "warn", "vow",
    "threaten", "insist", "stress", "note", "add", "state", "announce", "declare", "call",
    "urge", "demand", "appeal", "condemn", "reject", "release", "publish", "issue",
})


#: verbs of saying (lemmas): gold statements whose cue is one of these are what a statement
#: extractor is for; PolNeAR also annotates beliefs, intentions, evidence and actions
SPEECH_CUE_LEMMAS = frozenset({
    "say", "tell", "add", "note", "state", "claim", "allege", "insist", "stress", "emphasize",
    "argue", "assert", "explain", "write", "tweet", "admit", "acknowledge", "suggest", "reply",
    "answer", "respond", "comment", "recall", "reveal", "reiterate", "repeat", "complain",
    "mention", "observe", "remark", "contend", "maintain", "concede", "predict", "describe",
    "report", "confirm", "deny", "announce", "declare", "warn", "threaten", "vow", "pledge",
    "promise", "accuse", "charge", "demand", "urge", "call", "ask", "question", "criticize",
    "condemn", "reject", "dismiss", "praise", "welcome", "propose", "appeal", "testify", "cite",
    "quote", "according to", "speak", "blast", "slam", "joke", "boast", "caution", "point",
})


def cue_lemma(doc: Any) -> str:
    """The lemma that carries a parsed cue phrase ("has said" -> say, "according to")."""
    low = doc.text.lower()
    if "according to" in low:
        return "according to"
    verbs = [t for t in doc if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    return verbs[-1].lemma_.lower() if verbs else low.strip()


def resolve(registry: Any, mention: str) -> tuple[str, str, str]:
    """(speaker id, name, side) of a mention through the registry, empty strings when none."""
    if registry is None or not mention.strip():
        return "", "", ""
    sp = registry.resolve(mention)
    if sp is None:
        return "", "", ""
    return sp.id, sp.name, sp.side


def cue_sentence_baseline(doc: Any, registry: Any) -> list[dict[str, Any]]:
    """Every sentence with a cue verb (or "according to") is a statement; its speaker is the
    first named entity of the sentence that the registry resolves (none when none does)."""
    rows = []
    for sent in doc.sents:
        toks = list(sent)
        has_cue = any(
            (t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in CUE_LEMMAS)
            or (t.lower_ == "according" and k + 1 < len(toks) and toks[k + 1].lower_ == "to")
            for k, t in enumerate(toks)
        )
        if not has_cue:
            continue
        row = {"text": sent.text.strip(), "start": sent.start_char, "end": sent.end_char,
               "mention": "", "mention_start": -1, "mention_end": -1,
               "speaker": "", "speaker_name": "", "side": ""}
        for ent in sent.ents:
            sid, name, side = resolve(registry, ent.text)
            if sid:
                row.update(mention=ent.text, mention_start=ent.start_char,
                           mention_end=ent.end_char, speaker=sid, speaker_name=name, side=side)
                break
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# the development corpus
# --------------------------------------------------------------------------------------------

#: the development corpus (18 real news excerpts; never copied into the repository)
DEV_CORPUS = SHARED_DIR / "corpora" / "nk2020-dev"


def dev_parser(doc: str) -> Any:
    """The argument parser of a benchmark on the development corpus: ``--corpus``,
    ``--n-boot`` and ``--n-perm`` (1,000 and 999)."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEV_CORPUS)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--n-perm", type=int, default=999)
    return parser


def dev_statements(corpus_dir: str | Path = DEV_CORPUS, progress: bool = True) -> tuple[Any, ...]:
    """``(corpus, statements, vectors)`` of a corpus read with the default corpus's speaker
    registry, extracted and embedded with the defaults (default embedding cache)."""
    import stance

    default = REPO_ROOT / "corpora" / "nagorno-karabakh-2020"
    corpus = stance.read_corpus(corpus_dir, speakers=default / "speakers.yaml")
    statements = stance.extract_statements(corpus, progress=progress)
    return corpus, statements, stance.embed(statements, progress=progress)


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------

def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (95% by default) of a rate of ``k`` in ``n``, rounded to 4 places."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(centre - half, 4), round(centre + half, 4)


def print_json(obj: Mapping[str, Any]) -> None:
    """Print the one JSON object a benchmark reports."""
    print(json.dumps(obj, indent=1, ensure_ascii=False))


def skip(message: str) -> None:
    """Say why a benchmark cannot run here and exit with status 0."""
    print(f"skipped: {message}", file=sys.stderr)
    print(json.dumps({"skipped": message}))
    raise SystemExit(0)
