"""Parse article texts with spaCy in batches, robust to scraped text.

Two fixes run between the tokenizer and the parser (the shared pipeline object is not changed):
quote marks glued to words (``"New``, ``truce“entered``) become tokens of their own, and sentence
starts are preset where the text makes them certain (after a line break; after a glued
``side.Baku`` full stop), because the parser alone runs such sentences together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy loads only when a text is parsed
    from spacy.tokens import Doc

from stance.extract._quotes import QUOTE_CHARS

_ALWAYS_SPLIT = set('"“”„«»‘‹›')
#: contractions and possessives written with a typographic apostrophe: never split
_CLITICS = {"’s", "’re", "’ve", "’ll", "’d", "’m", "n’t", "’t"}


def _split_marks(word: str) -> list[str]:
    """Split quote marks off a token (an apostrophe ’ between letters stays)."""
    if len(word) < 2 or not any(c in QUOTE_CHARS for c in word) or word.lower() in _CLITICS:
        return [word]
    parts: list[str] = []
    buf = ""
    for i, ch in enumerate(word):
        split = ch in _ALWAYS_SPLIT or (
            ch == "’" and not (0 < i < len(word) - 1 and word[i - 1].isalpha()
                               and word[i + 1].isalpha()))
        if split:
            if buf:
                parts.append(buf)
                buf = ""
            parts.append(ch)
        else:
            buf += ch
    if buf:
        parts.append(buf)
    return parts


def make_doc(nlp, text: str) -> Doc:
    """Tokenize ``text`` with the pipeline's tokenizer, split glued quote marks and preset the
    sentence starts that the layout makes certain. ``doc.text == text``."""
    doc = nlp.make_doc(text)
    words: list[str] = []
    spaces: list[bool] = []
    for tok in doc:
        parts = _split_marks(tok.text)
        for j, part in enumerate(parts):
            words.append(part)
            spaces.append(bool(tok.whitespace_) if j == len(parts) - 1 else False)
    if len(words) != len(doc):
        from spacy.tokens import Doc

        doc = Doc(nlp.vocab, words=words, spaces=spaces)
    starts = _sentence_starts(doc)
    for i in starts:
        doc[i].is_sent_start = True
    for i in range(1, len(doc)):
        # a closing mark after a full stop ends that sentence ('ridge."'): never a new one
        if i not in starts and doc[i].text in ('"', "”", "»", "’") and \
                doc[i - 1].text in (".", "!", "?", ",") and not doc[i - 1].whitespace_ and \
                not _opens_glued(doc, i):
            doc[i].is_sent_start = False
    return doc


def _sentence_starts(doc: Doc) -> set[int]:
    starts: set[int] = set()
    n = len(doc)
    for i, tok in enumerate(doc):
        if i + 1 >= n:
            break
        nxt = doc[i + 1]
        if tok.is_space and "\n" in tok.text or "\n" in tok.whitespace_:
            starts.add(i + 1)
        elif tok.text in (".", "!", "?") and not tok.whitespace_ and i > 0 \
                and doc[i - 1].text[-1:].isalpha() and len(doc[i - 1].text) > 2 \
                and (nxt.text[:1].isupper() or _opens_glued(doc, i + 1)):
            # a glued sentence: "side.Baku", 'shelters."New' (the mark then goes to the new one)
            starts.add(i + 1)
        elif tok.text in ('"', "”", "»") and i > 0 and doc[i - 1].text in (".", "!", "?") \
                and not tok.whitespace_ and nxt.text[:1].isupper():
            # 'stated."Azerbaijan' where the mark closes the previous sentence
            starts.add(i + 1)
    # a line that is its own paragraph starts a sentence at its first non-space token
    return {i for i in starts if i < n and not doc[i].is_space} | {
        i + 1 for i in starts if i < n - 1 and doc[i].is_space}


def _opens_glued(doc: Doc, k: int) -> bool:
    """Token ``k`` is a quote mark glued to the capitalised word after it (an opening mark)."""
    return doc[k].text in ('"', "“", "«", "„") and not doc[k].whitespace_ and \
        k + 1 < len(doc) and doc[k + 1].text[:1].isupper()


def parse(nlp, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Run the pipeline over ``texts`` in batches, yielding one parsed Doc per text."""
    docs: Iterable[Doc] = (make_doc(nlp, t) for t in texts)
    for _name, proc in nlp.pipeline:
        if hasattr(proc, "pipe"):
            docs = proc.pipe(docs, batch_size=batch_size)
        else:
            docs = (proc(d) for d in docs)
    yield from docs
