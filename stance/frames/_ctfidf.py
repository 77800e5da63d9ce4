"""Class-based TF-IDF keywords for groups of texts (c-TF-IDF, as in BERTopic).

Grootendorst (2022), "BERTopic: Neural topic modeling with a class-based TF-IDF procedure",
arXiv:2203.05794. All texts of a class count as one document; a term's weight in class c is

    W(t, c) = tf(t, c) / sum_t' tf(t', c)  *  log(1 + A / f(t))

with ``tf`` the term's count in the class, ``f(t)`` its count over all classes and ``A`` the average
number of terms per class. Terms (words and two-word phrases; a phrase never spans two texts) come
from scikit-learn's ``CountVectorizer`` with its English stop word list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

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


# ----------------------------------------------------------------- party names left out

#: endings that a one-word party name also masks: demonyms and plurals ("Armenia" -> "Armenian",
#: "Armenians"; "Azerbaijan" -> "Azerbaijani"); a possessive "'s" always goes with the name
DEMONYM_ENDINGS = ("n", "ns", "i", "is", "ian", "ians", "ese", "s")
#: sides whose names are not a party's (their labels are ordinary words)
NON_PARTY_SIDES = ("other", "unknown")
_WORD = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)


def party_terms(registry: Any) -> list[str]:
    """The names a frame must not be labelled by, from a speaker registry.

    Every side's id and label (a parenthesised part counts on its own: "Nagorno-Karabakh
    (Artsakh)" gives both), every speaker's name and aliases, and the side adjectives: a
    capitalised word that opens the names or aliases of two or more speakers of one side and of no
    speaker of another side ("Turkish" from "Turkish government" and "Turkish Defense Ministry";
    "Foreign", which opens names on both sides, is not one). Two kinds of entry are left alone:
    the sides ``other`` and ``unknown`` (their labels are common words), and ``collective``
    speakers of those sides ("witnesses", "residents", "media", "the international community":
    bystanders, not parties, whose words are part of how a frame speaks of victims).
    Metonyms go with their speaker: "Baku", "Yerevan" and "Stepanakert" leave the keywords too.
    Regular-expression ``patterns`` of the registry are not names and are not used.

    Parameters
    ----------
    registry : stance.speakers.Registry or None
        The corpus's registry; None or an empty registry gives no terms.

    Returns
    -------
    list of str
        Distinct terms (case-insensitively), longest first.

    Examples
    --------
    >>> from stance.speakers import registry_from_dict
    >>> reg = registry_from_dict({"sides": [{"id": "north", "label": "Northland",
    ...                                      "colour": "#000000"}],
    ...     "speakers": [{"id": "n-gov", "name": "Northish government", "side": "north",
    ...                   "kind": "government"},
    ...                  {"id": "n-army", "name": "Northish army", "side": "north",
    ...                   "kind": "group", "aliases": ["General Staff"]}]})
    >>> party_terms(reg)
    ['Northish government', 'General Staff', 'Northish army', 'Northland', 'Northish', 'north']
    """
    if registry is None:
        return []
    terms: list[str] = []
    for side in registry.sides.values():
        if side.id in NON_PARTY_SIDES:
            continue
        label = side.label or ""
        inner = re.findall(r"\(([^)]*)\)", label)
        terms += [side.id.replace("-", " "), re.sub(r"\([^)]*\)", " ", label).strip(), *inner]
    openers: dict[str, set[str]] = {}
    for sp in registry.speakers.values():
        if sp.kind == "collective" and sp.side in NON_PARTY_SIDES:
            continue
        names = [sp.name, *sp.aliases]
        terms += names
        for word in {n.split()[0] for n in names if n.split()}:
            if word[:1].isupper() and word.isalpha():
                openers.setdefault(word, set()).add(sp.id)
    side_of = {sp.id: sp.side for sp in registry.speakers.values()}
    for word, owners in openers.items():
        sides = {side_of[o] for o in owners} - set(NON_PARTY_SIDES)
        if len(owners) >= 2 and len(sides) == 1:
            terms.append(word)
    seen: dict[str, str] = {}
    for term in terms:
        term = " ".join(term.split())
        if term and term.lower() not in seen:
            seen[term.lower()] = term
    return sorted(seen.values(), key=lambda t: (-len(t), t.lower()))


def mask_terms(texts: Sequence[str], terms: Sequence[str]) -> list[str]:
    """``texts`` with every occurrence of ``terms`` replaced by a space.

    Whole words only, case-insensitive, longest term first; a term may be followed by a
    possessive ``'s``, and a one-word term also takes the endings of :data:`DEMONYM_ENDINGS`
    ("Armenia" masks "Armenian" and "Armenians"). Used so that c-TF-IDF never labels a frame
    after a party (:func:`party_terms`).

    Examples
    --------
    >>> mask_terms(["Armenian forces shelled Azerbaijan's Ganja"], ["Armenia", "Azerbaijan"])
    ['  forces shelled   Ganja']
    """
    words = [t for t in dict.fromkeys(" ".join(t.split()) for t in terms) if t]
    if not words:
        return list(texts)
    single = sorted({w for w in words if " " not in w and _WORD.fullmatch(w)}, key=len,
                    reverse=True)
    multi = sorted(set(words) - set(single), key=len, reverse=True)
    ends = "|".join(DEMONYM_ENDINGS)
    parts = [r"\s+".join(map(re.escape, w.split())) for w in multi]
    if single:
        parts.append(f"(?:{'|'.join(map(re.escape, single))})(?:{ends})?")
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?:['\u2019]s)?(?!\w)",
                         re.IGNORECASE)
    return [pattern.sub(" ", text) for text in texts]
