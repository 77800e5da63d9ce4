"""Distinctive terms of two groups: log-odds ratios with an informative Dirichlet prior."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from stance.compare import _base as B

#: words: runs of letters, with inner hyphens or apostrophes ("cease-fire", "don't")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['\u2019]s$")


def _stop_set(stop_words: str | Collection[str] | None) -> frozenset[str]:
    if stop_words is None:
        return frozenset()
    if isinstance(stop_words, str):
        if stop_words != "english":
            raise ValueError(f"stop_words must be 'english', None or a collection of words, "
                             f"got {stop_words!r}")
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        return frozenset(ENGLISH_STOP_WORDS)
    return frozenset(w.lower() for w in stop_words)


def tokenize(text: str, stop_words: str | Collection[str] | None = "english") -> list[str]:
    """Lowercased words of ``text``.

    A word is a run of letters (any script) with inner hyphens or apostrophes kept
    (``"cease-fire"``); digits and punctuation are dropped; a possessive ``'s`` is removed
    (``"Azerbaijan's"`` -> ``"azerbaijan"``). ``stop_words="english"`` drops scikit-learn's
    English stop-word list, ``None`` keeps every word, a collection drops those words.
    """
    stops = _stop_set(stop_words)
    words = (_POSSESSIVE.sub("", w) for w in _WORD.findall(str(text).lower()))
    return [w for w in words if w and w not in stops]


def _count(texts: Iterable[str], stops: frozenset[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(tokenize(text, stop_words=stops))
    return counts


def distinctive_terms(statements: pd.DataFrame, a: Any, b: Any, by: str = "side",
                      text_col: str = "text", *,
                      prior: str | Mapping[str, float] = "corpus",
                      prior_scale: float | None = None,
                      stop_words: str | Collection[str] | None = "english",
                      min_count: int = 2, top: int | None = None) -> pd.DataFrame:
    """Words that distinguish group ``a`` from group ``b`` ("Fightin' Words").

    Implements the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi and
    Quinn (2008, eq. 22) and its z-score. With ``y_w^i`` the count of word ``w`` in group ``i``,
    ``n^i`` the group's total word count, ``alpha_w`` the prior count of ``w`` and ``alpha_0`` the
    sum of all prior counts::

        delta_w = log((y_w^a + alpha_w) / (n^a + alpha_0 - y_w^a - alpha_w))
                - log((y_w^b + alpha_w) / (n^b + alpha_0 - y_w^b - alpha_w))
        var(delta_w) ~= 1 / (y_w^a + alpha_w) + 1 / (y_w^b + alpha_w)
        z_w = delta_w / sqrt(var(delta_w))

    Positive ``z`` favours ``a``; |z| > 1.96 is the usual reading of "distinctive". The prior
    shrinks rare words towards zero, so a word said once by one side does not top the list.

    Args:
        statements: needs ``by`` and ``text_col``. Tokenisation: :func:`tokenize`.
        a, b: the two groups (values of ``by``).
        prior: ``"corpus"`` (default): ``alpha_w`` = the word's count in the whole table (all
            groups), the informative prior of the paper; ``"uniform"``: ``alpha_w = 0.01`` for
            every word of ``a`` and ``b`` (the uninformative prior); or a mapping word -> prior
            count from a background corpus (words it lacks get 0.01).
        prior_scale: rescale the prior counts to sum to this ``alpha_0`` (weaker or stronger
            shrinkage); ``None`` keeps them as they are.
        stop_words: as in :func:`tokenize`.
        min_count: report words used at least this often by ``a`` and ``b`` together.
        top: keep the ``top`` words most distinctive of each group (both ends); ``None`` = all.

    Returns:
        Columns ``term``, ``count_a``, ``count_b``, ``freq`` (``count_a + count_b``), ``prior``
        (``alpha_w``), ``log_odds`` (``delta_w``), ``z``, ``favours`` (``a`` or ``b``), sorted by
        ``z`` from most ``a``-like to most ``b``-like (ties by term).

    Examples
    --------
    >>> from stance import compare
    >>> statements, vectors = compare.example_statements()
    >>> terms = compare.distinctive_terms(statements, "armenia", "azerbaijan")
    >>> terms[["term", "count_a", "count_b", "favours"]].head(2)
            term  count_a  count_b  favours
    0  civilians        3        0  armenia
    1   shelling        2        0  armenia
    """
    where = f"distinctive_terms(a={a!r}, b={b!r}, by={by!r})"
    B.check_columns(statements, [by, text_col], where)
    B.check_group_values(statements, by, where)
    if a == b:
        raise ValueError(f"{where}: a and b must be different groups")
    B.select_groups(statements, by, [a, b], where)
    B.check_positive("min_count", min_count, where)
    stops = _stop_set(stop_words)
    texts = statements[text_col].fillna("").astype(str)
    count_a = _count(texts[statements[by] == a], stops)
    count_b = _count(texts[statements[by] == b], stops)
    vocab = sorted(set(count_a) | set(count_b))
    if isinstance(prior, str) and prior == "corpus":
        background = _count(texts, stops)
    elif isinstance(prior, str) and prior == "uniform":
        background = {w: 0.01 for w in vocab}
    elif isinstance(prior, Mapping):
        background = {str(w): float(v) for w, v in prior.items()}
        if any(v < 0 for v in background.values()):
            raise ValueError(f"{where}: prior counts must be >= 0")
        background.update({w: 0.01 for w in vocab if background.get(w, 0.0) <= 0})
    else:
        raise ValueError(f"{where}: prior must be 'corpus', 'uniform' or a mapping word -> "
                         f"count, got {prior!r}")
    alpha0 = float(sum(background.values()))
    scale = 1.0 if prior_scale is None else float(prior_scale) / alpha0
    if prior_scale is not None and prior_scale <= 0:
        raise ValueError(f"{where}: prior_scale must be > 0, got {prior_scale}")
    alpha0 *= scale
    n_a, n_b = float(sum(count_a.values())), float(sum(count_b.values()))
    ya = np.array([count_a.get(w, 0) for w in vocab], dtype=np.float64)
    yb = np.array([count_b.get(w, 0) for w in vocab], dtype=np.float64)
    alpha = np.array([background.get(w, 0.0) for w in vocab], dtype=np.float64) * scale
    delta = (np.log((ya + alpha) / (n_a + alpha0 - ya - alpha))
             - np.log((yb + alpha) / (n_b + alpha0 - yb - alpha)))
    z = delta / np.sqrt(1.0 / (ya + alpha) + 1.0 / (yb + alpha))
    out = pd.DataFrame({"term": vocab, "count_a": ya.astype(np.int64),
                        "count_b": yb.astype(np.int64), "freq": (ya + yb).astype(np.int64),
                        "prior": alpha, "log_odds": delta, "z": z})
    out["favours"] = np.where(out["z"] >= 0, str(a), str(b))
    out = out.loc[out["freq"] >= min_count]
    out = out.sort_values(["z", "term"], ascending=[False, True], kind="mergesort")
    if top is not None:
        B.check_positive("top", top, where)
        if len(out) > 2 * top:
            out = pd.concat([out.head(top), out.tail(top)])
    return out.reset_index(drop=True)
