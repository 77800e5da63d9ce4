"""Class-based TF-IDF keywords for groups of texts (c-TF-IDF, as in BERTopic).

Grootendorst (2022), "BERTopic: Neural topic modeling with a class-based TF-IDF procedure",
arXiv:2203.05794. All texts of a class count as one document; a term's weight in class c is

    W(t, c) = tf(t, c) / sum_t' tf(t', c)  *  log(1 + A / f(t))

with ``tf`` the term's count in the class, ``f(t)`` its count over all classes and ``A`` the average
number of terms per class. Terms (words and two-word phrases; a phrase never spans two texts) come
from scikit-learn's ``CountVectorizer`` with its English stop word list.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

#: words of two or more characters that start with a letter (no bare numbers)
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'-]*\w\b"


def class_tfidf(texts: Sequence[str], labels: Sequence[int], n_keywords: int = 8,
                ngram_range: tuple[int, int] = (1, 2)) -> dict[int, list[tuple[str, float]]]:
    """Top ``n_keywords`` (term, weight) pairs for each label, best first.

    Every label (including an outlier label, if present) counts for the term frequencies
    ``f(t)``. Ties (common in small frames, where most terms occur once) go to the term found in
    more of the class's texts, then alphabetically, so the result is deterministic. A term whose
    words are all in better keywords already ("military targets" after "military" and "targets")
    is skipped. A class whose texts hold only stop words gets no keywords.
    """
    labels = np.asarray(labels)
    classes = sorted(set(labels.tolist()))
    vectorizer = CountVectorizer(stop_words="english", ngram_range=ngram_range,
                                 token_pattern=TOKEN_PATTERN, lowercase=True)
    try:
        per_text = vectorizer.fit_transform(list(texts)).tocsr()
    except ValueError:  # empty vocabulary: only stop words or no words at all
        return {c: [] for c in classes}
    terms = vectorizer.get_feature_names_out()
    counts = np.vstack([np.asarray(per_text[labels == c].sum(axis=0)).ravel() for c in classes])
    in_texts = np.vstack([np.asarray((per_text[labels == c] > 0).sum(axis=0)).ravel()
                          for c in classes])
    counts = counts.astype(np.float64)
    idf = np.log(1.0 + counts.sum(axis=1).mean() / counts.sum(axis=0))
    row_sums = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, row_sums, out=np.zeros_like(counts), where=row_sums > 0)
    weights = tf * idf
    out: dict[int, list[tuple[str, float]]] = {}
    for i, c in enumerate(classes):
        candidates = sorted(np.flatnonzero(weights[i] > 0),
                            key=lambda j: (-round(weights[i, j], 12), -in_texts[i, j], terms[j]))
        chosen: list[tuple[str, float]] = []
        covered: set[str] = set()
        for j in candidates:
            words = set(terms[j].split())
            if words <= covered:
                continue
            chosen.append((str(terms[j]), float(weights[i, j])))
            covered |= words
            if len(chosen) == n_keywords:
                break
        out[c] = chosen
    return out
