"""The narratives table of a statements table: parse, resolve, cluster the actions, cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stance import tables
from stance.narratives._parse import narratives_of_doc
from stance.narratives._resolve import EntityResolver

#: bump when the rules change: cached tables of an older version are not reused
RULES_VERSION = "2"
#: at most this many action clusters
MAX_CLUSTERS = 8
#: statements above which a progress bar is shown by default
PROGRESS_MIN = 200

EmbedFn = Callable[[Sequence[str]], np.ndarray]


def _articles(corpus_or_articles: Any) -> tuple[pd.DataFrame, Any]:
    if isinstance(corpus_or_articles, pd.DataFrame):
        return corpus_or_articles, None
    arts = getattr(corpus_or_articles, "articles", None)
    if not isinstance(arts, pd.DataFrame):
        raise TypeError("extract_narratives: articles must be a Corpus or an articles DataFrame, "
                        f"got {type(corpus_or_articles).__name__}")
    return arts, getattr(corpus_or_articles, "registry", None)


def _locate(text: str, sentence: str, start: int, end: int) -> int:
    """Article offset of the statement's sentence, or -1 when it does not hold the statement."""
    if not sentence:
        return -1
    at = text.rfind(sentence, 0, start + len(sentence))
    while at >= 0:
        if at <= start and end <= at + len(sentence):
            return at
        at = text.rfind(sentence, 0, at + len(sentence) - 1)
    return -1


def _registry_key(registry: Any) -> str:
    if registry is None:
        return "none"
    parts = [repr(sorted(registry.speakers.items())), repr(sorted(registry.sides.items())),
             repr(sorted(getattr(registry, "entities", {}).items())),
             repr(sorted(getattr(registry, "opponents", {}).items())), repr(registry.exclude)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def _cache_key(statements: pd.DataFrame, registry: Any, nlp: Any) -> str:
    meta = getattr(nlp, "meta", {}) or {}
    h = hashlib.sha256()
    for part in (RULES_VERSION, meta.get("name", ""), meta.get("version", ""),
                 _registry_key(registry)):
        h.update(str(part).encode("utf-8") + b"\x00")
    cols = ["statement_id", "article_id", "date", "speaker", "side", "cue", "kind", "text",
            "sentence", "start", "end"]
    h.update(pd.util.hash_pandas_object(statements[cols].astype(str), index=False)
             .to_numpy().tobytes())
    return h.hexdigest()[:32]


def _cache_path(cache_dir: str | Path | None) -> Path:
    if cache_dir is None:
        from stance.embedding import default_cache_dir

        cache_dir = default_cache_dir()
    return Path(cache_dir) / "narratives"


def parse_narratives(statements: pd.DataFrame, articles: pd.DataFrame, registry: Any, nlp: Any,
                     *, batch_size: int = 32, progress: bool | None = None) -> pd.DataFrame:
    """The narratives of every statement, without action clusters (``action_cluster`` -1)."""
    texts = articles.drop_duplicates("article_id").set_index("article_id")["text"]
    resolver = EntityResolver(registry)
    jobs: list[tuple[int, str]] = []      # (article offset of the parsed text, text)
    for st in statements.itertuples(index=False):
        art = texts.get(st.article_id, "")
        at = _locate(art, st.sentence, int(st.start), int(st.end))
        jobs.append((at, st.sentence) if at >= 0 else (int(st.start), st.text))
    unique = list(dict.fromkeys(t for _, t in jobs))
    from stance.extract._parse import parse

    docs_iter = parse(nlp, unique, batch_size=batch_size)
    if progress is None:
        progress = len(unique) > PROGRESS_MIN
    if progress:
        from tqdm.auto import tqdm

        docs_iter = tqdm(docs_iter, total=len(unique), desc="narratives", unit="sentence")
    docs = dict(zip(unique, docs_iter, strict=True))
    rows: list[dict] = []
    for st, (base, text) in zip(statements.itertuples(index=False), jobs, strict=True):
        found = narratives_of_doc(docs[text], base, (int(st.start), int(st.end)), cue=st.cue,
                                  kind=st.kind, speaker_side=st.side, resolver=resolver)
        for k, row in enumerate(found):
            row.update(narrative_id=tables.stable_id(st.statement_id, k, row["action_start"]),
                       statement_id=st.statement_id, article_id=st.article_id, date=st.date,
                       speaker=st.speaker, speaker_side=st.side, action_cluster=-1,
                       action_label="")
            rows.append(row)
    if not rows:
        return tables.empty_narratives()
    return tables.normalize_narratives(pd.DataFrame(rows))


def cluster_actions(actions: pd.Series, embed_fn: EmbedFn,
                    n_clusters: int | None = None) -> tuple[np.ndarray, dict[int, str]]:
    """Group actions into a few clusters of similar verb phrases.

    The distinct actions are embedded with ``embed_fn`` and clustered agglomeratively (average
    linkage on cosine distance, deterministic); clusters are numbered by size (0 the largest,
    counting every narrative) and labelled by their three most frequent actions.

    Returns ``(cluster id per row of actions, {cluster id: label})``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> vecs = {"shell": [1, 0], "bomb": [0.9, 0.1], "say": [0, 1]}
    >>> ids, labels = cluster_actions(pd.Series(["shell", "bomb", "shell", "say"]),
    ...                               lambda xs: np.array([vecs[x] for x in xs]), n_clusters=2)
    >>> ids.tolist(), labels[0]
    ([0, 0, 0, 1], 'shell, bomb')
    """
    from sklearn.cluster import AgglomerativeClustering

    counts = actions.value_counts()
    uniq = sorted(counts.index)
    if not uniq:
        return np.zeros(0, dtype=np.int64), {}
    k = n_clusters if n_clusters is not None else min(MAX_CLUSTERS, max(1, len(uniq) // 4))
    k = max(1, min(k, len(uniq)))
    if k == 1 or len(uniq) < 2:
        raw = np.zeros(len(uniq), dtype=np.int64)
    else:
        vecs = np.asarray(embed_fn(uniq), dtype=np.float64)
        raw = AgglomerativeClustering(n_clusters=k, metric="cosine",
                                      linkage="average").fit_predict(vecs)
    by_action = dict(zip(uniq, raw, strict=True))
    sizes: dict[int, int] = {}
    for action, n in counts.items():
        sizes[by_action[action]] = sizes.get(by_action[action], 0) + int(n)
    order = sorted(sizes, key=lambda c: (-sizes[c], min(a for a in uniq if by_action[a] == c)))
    renum = {old: new for new, old in enumerate(order)}
    labels: dict[int, str] = {}
    for old in order:
        members = sorted((-int(counts[a]), a) for a in uniq if by_action[a] == old)
        labels[renum[old]] = ", ".join(a for _, a in members[:3])
    ids = np.array([renum[by_action[a]] for a in actions], dtype=np.int64)
    return ids, labels


def extract_narratives(statements: pd.DataFrame, corpus_or_articles: Any, registry: Any = None,
                       *, nlp: Any = None, embed_fn: EmbedFn | None = None,
                       n_clusters: int | None = None, cache_dir: str | Path | None = None,
                       use_cache: bool = True, batch_size: int = 32,
                       progress: bool | None = None) -> pd.DataFrame:
    """The narratives table (``tables.NARRATIVE_COLUMNS``) of a statements table.

    Parameters
    ----------
    statements
        A statements table (``tables.STATEMENT_COLUMNS``).
    corpus_or_articles
        The :class:`stance.read.Corpus` the statements come from (its registry is used unless
        ``registry`` is given), or its articles table.
    registry
        The :class:`stance.speakers.Registry` that resolves agents and patients (speakers,
        places, groups, opponents); default: the corpus's.
    nlp
        A spaCy pipeline; default ``stance.extract.load_nlp()``.
    embed_fn
        Texts -> vectors for the action clusters; default :func:`stance.embed` with the default
        model. Actions are clustered only when there are narratives.
    n_clusters
        Number of action clusters; default ``min(8, distinct actions // 4)``.
    cache_dir, use_cache
        The parse is cached in ``<cache_dir>/narratives/`` (default: the embedding cache's
        folder), keyed by the statements, the registry, the spaCy model and the rules version.

    Examples
    --------
    >>> import stance
    >>> corpus = stance.read_corpus("corpora/nagorno-karabakh-2020")   # doctest: +SKIP
    >>> statements = stance.extract_statements(corpus)                 # doctest: +SKIP
    >>> narratives = extract_narratives(statements, corpus)             # doctest: +SKIP
    >>> narratives[["agent_side", "action", "patient_side"]].head()     # doctest: +SKIP
    """
    articles, corpus_registry = _articles(corpus_or_articles)
    registry = registry if registry is not None else corpus_registry
    statements = tables.normalize_statements(statements)
    if nlp is None:
        from stance.extract import load_nlp

        nlp = load_nlp()
    path = _cache_path(cache_dir) / f"{_cache_key(statements, registry, nlp)}.parquet"
    table = None
    if use_cache and path.is_file():
        try:
            table = tables.normalize_narratives(pd.read_parquet(path))
        except (OSError, ValueError):
            table = None
    if table is None:
        table = parse_narratives(statements, articles, registry, nlp, batch_size=batch_size,
                                 progress=progress)
        if use_cache:
            from stance.output import write_table

            path.parent.mkdir(parents=True, exist_ok=True)
            write_table(table, path.with_suffix(""), formats=("parquet",))
    if len(table):
        if embed_fn is None:
            from stance.embedding import embed

            def embed_fn(texts: Sequence[str]) -> np.ndarray:
                return embed(list(texts), progress=False, cache_dir=cache_dir)
        ids, labels = cluster_actions(table["action"], embed_fn, n_clusters)
        table = table.assign(action_cluster=ids, action_label=[labels[i] for i in ids])
    return tables.normalize_narratives(table)
