"""Corpora of any size for the scale benchmark and the partition tests.

    python benchmarks/scale_corpus.py OUT_DIR --articles 1000 [--texts DIR] [--seed 0]

Generated articles (default): news reports of the invented Two Rivers conflict of
``tests/fixtures/pipeline/two-rivers`` (its ``corpus.yaml`` and ``speakers.yaml`` are copied), each
6-14 sentences mixing quoted, reported and unattributed sentences from templates, with numbers and
place names drawn at random so that every article and most statements are distinct; dates spread
over 52 weeks. ``--texts DIR``: the ``.txt`` files of DIR (read in name order, reused in turn)
instead, each copy given a new date, so a user's own texts can be scaled the same way (the issue's
measurements replicated PolNeAR articles this way). Files are ``articles/<date>_<n>.txt`` with a
``date ... | source ... | title ...`` header line, the format ``stance`` reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
TEMPLATE_CORPUS = REPO / "tests" / "fixtures" / "pipeline" / "two-rivers"

_PLACES = ["Mirel", "Osta", "Vannic", "the ridge", "the northern bank", "Delra", "Kesh",
           "the valley road", "the lower ford", "Tamsin", "the old bridge", "Brel"]
_QUOTED = [
    ('"Our forces repelled the attack near {p} and destroyed {n} enemy tanks," Ana Ferro, a '
     'spokeswoman for the Northland Defense Ministry, said.'),
    '"Civilians were killed in their homes in {p}," Tomas Vell said.',
    '"A ceasefire is the only way to protect the {n} families of {p}," the Lake Council said.',
    '"Northland artillery shelled a school in {p} on {d}," Tomas Vell told reporters.',
    '"Our army will not retreat from {p}," Ana Ferro said on {d}.',
    '"Negotiations must resume before more people die in {p}," the Lake Council said in a statement.',
]
_REPORTED = [
    "Tomas Vell, an adviser to Southland's president, said that Northland drones had hit {n} homes in {p}.",
    "Ana Ferro said Southland troops had violated the truce near {p} at least {n} times.",
    "The Northland Defense Ministry said its units had taken {n} positions around {p}.",
    "The Lake Council called for an immediate ceasefire and the exchange of {n} prisoners.",
    "Tomas Vell accused Northland of blocking aid convoys at {p}.",
    "The Southland government said it was ready for talks but would not give up {p}.",
    "Ana Ferro denied that Northland forces had fired on civilians in {p}.",
]
_PLAIN = [
    "Fighting continued around {p} on {d}.",
    "Roads near {p} were closed for {n} hours.",
    "Residents of {p} spent the night in basements.",
    "Power was cut in {p} for the {n}th day.",
    "Aid workers counted {n} damaged buildings in {p}.",
    "The front line near {p} has barely moved in weeks.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_START = dt.date(2021, 1, 4)


def _sentence(rng: np.random.Generator, pool: list[str]) -> str:
    return pool[rng.integers(len(pool))].format(p=_PLACES[rng.integers(len(_PLACES))],
                                                n=int(rng.integers(2, 400)),
                                                d=_DAYS[rng.integers(7)])


def generated_article(k: int, rng: np.random.Generator) -> tuple[str, str]:
    """(title, body) of generated article number ``k``."""
    sentences = []
    for _ in range(int(rng.integers(6, 15))):
        r = rng.random()
        pool = _QUOTED if r < 0.3 else _REPORTED if r < 0.65 else _PLAIN
        sentences.append(_sentence(rng, pool))
    title = f"Report {k}: {_sentence(rng, _PLAIN).rstrip('.')}"
    return title, " ".join(sentences)


def write_corpus(out: str | Path, n_articles: int, *, seed: int = 0,
                 texts: str | Path | None = None) -> Path:
    """Write a corpus folder of ``n_articles`` articles to ``out`` (replaced if it exists).

    Examples
    --------
    >>> folder = write_corpus("/tmp/scale-100", 100)   # doctest: +SKIP
    >>> len(list((folder / "articles").iterdir()))        # doctest: +SKIP
    100
    """
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "articles").mkdir(parents=True)
    for name in ("corpus.yaml", "speakers.yaml"):
        shutil.copy2(TEMPLATE_CORPUS / name, out / name)
    rng = np.random.default_rng(seed)
    sources = sorted(Path(texts).glob("*.txt")) if texts else []
    if texts and not sources:
        raise ValueError(f"--texts {texts}: no .txt files there")
    for k in range(n_articles):
        date = _START + dt.timedelta(days=int(k * 364 // max(n_articles, 1)))
        if sources:
            body = sources[k % len(sources)].read_text(encoding="utf-8", errors="replace")
            title = f"{sources[k % len(sources)].stem} (copy {k // len(sources)})"
        else:
            title, body = generated_article(k, rng)
        header = f"date {date.isoformat()} | source scale-{k % 7}.example | title {title}"
        (out / "articles" / f"{date.isoformat()}_{k:06d}.txt").write_text(
            f"{header}\n\n{body}\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--texts", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    folder = write_corpus(args.out, args.articles, seed=args.seed, texts=args.texts)
    print(f"wrote {args.articles} articles to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
