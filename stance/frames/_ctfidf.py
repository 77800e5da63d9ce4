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
                ngram_range: tuple[int, int] = (1, 2),
                centrality: Sequence[float] | None = None) -> dict[int, list[tuple[str, float]]]:
    """Top ``n_keywords`` (term, weight) pairs for each label, best first.

    Every label (including an outlier label, if present) counts for the term frequencies
    ``f(t)``. Ties (common in small frames, where most terms occur once) go to the term found in
    more of the class's texts, then to the term of the class's most central text (``centrality``:
    one number per text, such as its cosine to the class centroid; a frame is then labelled by
    the words of its most typical statement rather than by the alphabet), then alphabetically, so
    the result is deterministic. A term whose words are all in better keywords already
    ("military targets" after "military" and "targets") is skipped. A class whose texts hold only
    stop words gets no keywords.

    Examples
    --------
    >>> texts = ["zebra crossing closed", "apple harvest", "zebra herd"]
    >>> class_tfidf(texts, [0, 1, 0], n_keywords=1)[0]
    [('zebra', 0.33...)]
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
    cent = (np.asarray(centrality, dtype=np.float64) if centrality is not None
            else np.zeros(len(labels)))
    # a term's tie-breaker in a class: the centrality of the most central text holding it
    shift = cent - cent.min() + 1.0 if len(cent) else cent        # > 0, same order
    central = np.vstack([np.asarray((per_text[labels == c] > 0).multiply(
        shift[labels == c][:, None]).max(axis=0).todense()).ravel() for c in classes])
    counts = counts.astype(np.float64)
    idf = np.log(1.0 + counts.sum(axis=1).mean() / counts.sum(axis=0))
    row_sums = counts.sum(axis=1, keepdims=True)
    tf = np.divide(counts, row_sums, out=np.zeros_like(counts), where=row_sums > 0)
    weights = tf * idf
    out: dict[int, list[tuple[str, float]]] = {}
    for i, c in enumerate(classes):
        candidates = sorted(np.flatnonzero(weights[i] > 0),
                            key=lambda j: (-round(weights[i, j], 12), -in_texts[i, j],
                                           -round(central[i, j], 9), terms[j]))
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
