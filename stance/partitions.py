"""Streamed, partitioned extraction and embedding: a few hundred articles at a time.

``extract_and_embed(corpus, ...)`` splits the articles (in corpus order) into partitions of
``partition_size`` articles and runs ``run_partition`` on each: extract the partition's statements
(``stance.extract_statements``) and embed them (``stance.embed``). Each partition's statements are
written as one Parquet file, ``<cache>/partitions/statements-v1/<key>.parquet`` (through a
temporary file and a rename: a file is there whole or not at all), named by the partition's
*content key*: sha256 over its articles (every column), its repairs, the speaker registry file,
the embedding model's fingerprint and the source of the ``stance`` package. A re-run, or a run
after an interruption, only extracts the partitions whose key has no file; the vectors of their
texts come from the embedding cache. Memory per partition is bounded by the partition, not the
corpus.

Where the partitions run:

* in this process (default, ``workers=1``);
* ``workers=N``: N worker processes of this machine (``concurrent.futures.ProcessPoolExecutor``);
* ``scheduler="dask://HOST:PORT"`` or ``client=`` a ``dask.distributed.Client``: the same
  function, ``run_partition``, on a Dask cluster. Workers need the same ``stance`` installed;
  they return the statements and vectors, and this process writes the files and the cache, so
  the outputs are the same bytes as a local run (on workers with the same CPU and thread count;
  see ``stance.embed`` on what a vector depends on).

Partitions are independent because extraction works article by article (its results for an
article do not depend on the other articles) and ``stance.embed`` makes a text's vector depend on
the text alone; ``tests/test_partitions.py`` checks that partitioned, parallel and Dask runs give
the same tables as one whole-corpus pass.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

#: articles per partition (a few hundred: small enough for flat memory, large enough that a
#: worker's set-up is a small share of its time)
PARTITION_SIZE = 200

#: format version of the partition files: a change makes new names
STORE_VERSION = 1

_CODE_HASH: str | None = None


def code_hash() -> str:
    """sha256 of the source of the ``stance`` package (every ``.py`` file, with its path).

    Any change to the code changes every content key made with it, so cached stage results are
    never reused across code versions."""
    global _CODE_HASH
    if _CODE_HASH is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256(b"stance-code-v1\x00")
        for path in sorted(root.rglob("*.py"), key=lambda p: p.relative_to(root).as_posix()):
            if "__pycache__" in path.parts:
                continue
            h.update(path.relative_to(root).as_posix().encode() + b"\x00")
            h.update(path.read_bytes())
        _CODE_HASH = h.hexdigest()
    return _CODE_HASH


def hash_frame(df: pd.DataFrame | None, h: Any = None) -> Any:
    """Feed a table's columns, dtypes and values (as ``repr``) to a hash object (sha256 default)."""
    h = h if h is not None else hashlib.sha256()
    if df is None:
        h.update(b"<none>")
        return h
    h.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    for row in df.itertuples(index=False, name=None):
        h.update(repr(row).encode("utf-8", "surrogatepass") + b"\n")
    return h


@dataclass
class PartitionTask:
    """What one partition needs: its articles and repairs, the registry, the model, the cache."""

    index: int
    key: str
    articles: pd.DataFrame
    repairs: pd.DataFrame | None
    registry: Any
    model: Any
    cache_dir: str | None
    embed: bool = True
    precision: str = "portable"
    extraction: str | None = None  # corpus.yaml's extraction method (None: the default)
    cues: str | None = None  # corpus.yaml's tagger cues (None: the default)


@dataclass
class PartitionResult:
    """A partition's statements and the vectors of their distinct texts (rows in text order).

    ``seconds``: wall time in the process that ran it, ``setup`` (loading spaCy and the embedding
    model: only in a process's first partition), ``extract`` (parse and rules) and ``embed``;
    ``process``: the id of that process."""

    index: int
    key: str
    statements: pd.DataFrame
    texts: list[str]
    vectors: np.ndarray
    seconds: dict[str, float] | None = None
    process: int = 0


_NLP: Any = None


def _nlp() -> Any:
    global _NLP
    if _NLP is None:
        from stance.extract import load_nlp

        _NLP = load_nlp()
    return _NLP


def run_partition(task: PartitionTask, nlp: Any = None) -> PartitionResult:
    """Extract and embed one partition (the function every scheduler runs).

    Parameters
    ----------
    task : PartitionTask
        The partition (see ``plan_partitions``).
    nlp : spaCy Language, optional
        A loaded pipeline (default: loaded once per process).

    Returns
    -------
    PartitionResult
        Its statements, and its distinct texts with their vectors (when ``task.embed``).

    Examples
    --------
    >>> from stance.read import read_corpus
    >>> tasks = plan_partitions(read_corpus("corpora/nagorno-karabakh-2020"), embed=False)
    >>> run_partition(tasks[0]).statements.shape[0] > 10
    True
    """
    from stance import tables as T
    from stance.extract import extract_statements

    clock = time.perf_counter
    start = clock()
    nlp = nlp if nlp is not None else _nlp()
    setup = clock() - start
    view = SimpleNamespace(articles=task.articles, registry=task.registry, repairs=task.repairs)
    start = clock()
    statements = T.normalize_statements(extract_statements(
        view, nlp=nlp, progress=False, method=task.extraction, cues=task.cues))
    texts = list(dict.fromkeys(statements["text"].tolist()))
    extract = clock() - start
    embed_s = 0.0
    if task.embed and texts:
        from stance.embedding import embed, prepare_model

        start = clock()
        prepare_model(task.model, task.precision)  # once per process: set-up, not embedding
        setup += clock() - start
        start = clock()
        vectors = embed(texts, task.model, cache_dir=task.cache_dir, progress=False,
                        precision=task.precision)
        embed_s = clock() - start
    else:
        vectors = np.zeros((0, 0), dtype=np.float32)
        texts = texts if task.embed else []
    return PartitionResult(task.index, task.key, statements, texts, vectors,
                           {"setup": setup, "extract": extract, "embed": embed_s}, os.getpid())


def _registry_hash(registry: Any) -> str:
    path = getattr(registry, "path", None)
    if path is not None and Path(path).is_file():
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return hashlib.sha256(repr(sorted(getattr(registry, "speakers", {}).items())).encode()
                          ).hexdigest() if registry is not None else "none"


def plan_partitions(corpus: Any, *, size: int = PARTITION_SIZE, model: Any = None,
                    cache_dir: str | Path | None = None, embed: bool = True,
                    model_fp: str = "", precision: str = "portable") -> list[PartitionTask]:
    """The corpus's articles cut into partitions of ``size`` (in corpus order), with their keys.

    Examples
    --------
    >>> from stance.read import read_corpus
    >>> tasks = plan_partitions(read_corpus("corpora/nagorno-karabakh-2020"), size=200)
    >>> [len(t.articles) for t in tasks], len(tasks[0].key)
    ([1], 64)
    """
    from stance.embedding import check_precision

    if size < 1:
        raise ValueError(f"partition size must be at least 1, got {size}")
    check_precision(precision)
    articles = corpus.articles.reset_index(drop=True)
    repairs = getattr(corpus, "repairs", None)
    registry = corpus.registry
    base = hashlib.sha256(b"stance-partition-v%d\x00" % STORE_VERSION)
    # a partition file says its vectors are in the cache: for this model in this precision
    base.update(f"{code_hash()}\x00{_registry_hash(registry)}\x00{model_fp}\x00{embed}"
                f"\x00{precision if embed else ''}".encode())
    config = getattr(corpus, "config", None) or {}
    extraction, cues = config.get("extraction"), config.get("cues")
    if extraction is not None or cues is not None:
        # corpus.yaml's extraction settings (and the tagger model they use) make other
        # statements; the default's keys stay as they were
        tagger_fp = ""
        if extraction in ("tagger", "both"):
            from stance.extract._tagger import fingerprint

            tagger_fp = fingerprint()
        base.update(f"\x00extraction={extraction}\x00cues={cues}\x00{tagger_fp}".encode())
    model_spec = model if model is None or isinstance(model, (str, Path)) else None
    tasks = []
    for index, start in enumerate(range(0, len(articles), size)):
        part = articles.iloc[start:start + size].reset_index(drop=True)
        ids = set(part["article_id"])
        rep = (repairs[repairs["article_id"].isin(ids)].reset_index(drop=True)
               if isinstance(repairs, pd.DataFrame) and "article_id" in repairs.columns else None)
        h = base.copy()
        hash_frame(part, h)
        hash_frame(rep, h)
        tasks.append(PartitionTask(index, h.hexdigest(), part, rep, registry,
                                   model if model_spec is None else str(model_spec),
                                   str(cache_dir) if cache_dir is not None else None, embed,
                                   precision, extraction, cues))
    return tasks


def store_dir(cache_dir: str | Path | None = None) -> Path:
    """Folder of the partition files: ``partitions/statements-v1/`` beside the embedding cache."""
    from stance.embedding import default_cache_dir

    base = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return base / "partitions" / f"statements-v{STORE_VERSION}"


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    import io

    from stance.output import atomic_write_bytes

    buf = io.BytesIO()
    df.to_parquet(buf, index=False, compression="zstd")
    atomic_write_bytes(path, buf.getvalue())


def _read_parquet(path: Path) -> pd.DataFrame | None:
    from stance import tables as T

    try:
        return T.normalize_statements(pd.read_parquet(path))
    except Exception:  # noqa: BLE001 - a damaged file is recomputed, not trusted
        path.unlink(missing_ok=True)
        return None


def _parse_scheduler(scheduler: str) -> str:
    if not scheduler.startswith("dask://"):
        raise ValueError(f"scheduler {scheduler!r}: expected dask://HOST:PORT (the address of a "
                         "running dask scheduler)")
    return "tcp://" + scheduler[len("dask://"):]


def _results(pending: list[PartitionTask], *, workers: int, scheduler: str | None,
             client: Any, nlp: Any) -> Iterator[PartitionResult]:
    """Run the pending partitions where asked; yield results as they finish."""
    if not pending:
        return
    if client is None and scheduler is not None:
        from dask.distributed import Client

        with Client(_parse_scheduler(scheduler)) as own:
            yield from _results(pending, workers=workers, scheduler=None, client=own, nlp=nlp)
        return
    if client is not None:
        import dataclasses

        from dask.distributed import as_completed

        # a worker embeds into its own cache folder (its STANCE_CACHE_DIR), never a path of
        # this machine; its vectors come back with the result and join this machine's cache
        pending = [dataclasses.replace(t, cache_dir=None) for t in pending]
        futures = client.map(run_partition, pending, key=[f"stance-partition-{t.key}"
                                                          for t in pending], pure=False)
        for future in as_completed(futures):
            yield future.result()
        return
    if workers <= 1 or len(pending) == 1:
        for task in pending:
            yield run_partition(task, nlp)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    ctx = multiprocessing.get_context("spawn")  # no fork of a process with torch threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                             initializer=_worker_init, initargs=(workers,)) as pool:
        futures = [pool.submit(run_partition, t) for t in pending]
        for future in as_completed(futures):
            yield future.result()


def _worker_init(workers: int) -> None:
    """Each of ``workers`` processes gets an equal share of the cores: for torch (intra- and
    inter-op threads) and for the BLAS and OpenMP pools numpy and torch load, so that N
    workers never run more than the machine's cores of threads."""
    import torch
    from threadpoolctl import threadpool_limits

    share = max(1, (os.cpu_count() or 1) // workers)
    torch.set_num_threads(share)
    try:
        torch.set_num_interop_threads(share)
    except RuntimeError:  # pragma: no cover - only settable before torch's first parallel work
        pass
    threadpool_limits(limits=share)


def extract_and_embed(corpus: Any, *, model: Any = None, cache_dir: str | Path | None = None,
                      partition_size: int = PARTITION_SIZE, workers: int = 1,
                      scheduler: str | None = None, client: Any = None, nlp: Any = None,
                      embed: bool = True, precision: str = "portable",
                      progress: bool | None = None,
                      report: Callable[[str], None] | None = None,
                      timings: list[dict] | None = None) -> pd.DataFrame:
    """The corpus's statements, extracted (and embedded) a partition at a time, resumable.

    Parameters
    ----------
    corpus : Corpus
        As from ``stance.read_corpus``.
    model : str, path or loaded model, optional
        The embedding model (default: the bundled MiniLM).
    cache_dir : path, optional
        Embedding cache folder; the partition files go to ``partitions/`` inside it.
    partition_size : int
        Articles per partition.
    workers : int
        Processes on this machine (1: this process).
    scheduler : str, optional
        ``dask://HOST:PORT`` of a running Dask scheduler.
    client : dask.distributed.Client, optional
        A connected client (instead of ``scheduler``).
    nlp : spaCy Language, optional
        A loaded pipeline for partitions run in this process.
    embed : bool
        Also embed each partition (fills the embedding cache).
    precision : {"portable", "fast"}
        The precision the partitions embed in (``stance.embed``): the run's, so that its
        vectors are the ones the later stages read from the cache.
    progress : bool, optional
        A bar over partitions (None: when there are more than two).
    report : callable, optional
        Receives one line saying how many partitions were reused and computed.
    timings : list, optional
        Receives one dict per computed partition: ``index``, ``process`` (id of the process
        that ran it) and its wall seconds of ``setup``, ``extract`` and ``embed`` there.

    Returns
    -------
    DataFrame
        The statements table (``tables.STATEMENT_COLUMNS``), partitions in corpus order.

    Examples
    --------
    >>> import tempfile
    >>> from stance.read import read_corpus
    >>> corpus = read_corpus("corpora/nagorno-karabakh-2020")
    >>> cache = tempfile.mkdtemp()
    >>> lines = []
    >>> table = extract_and_embed(corpus, cache_dir=cache, embed=False, report=lines.append)
    >>> again = extract_and_embed(corpus, cache_dir=cache, embed=False, report=lines.append)
    >>> lines[-1]
    '1 partition(s) of up to 200 articles: 1 reused, 0 to compute'
    >>> again.equals(table)
    True
    """
    from stance import tables as T
    from stance.embedding import EmbeddingCache, cache_model_key, model_fingerprint, text_key

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    store = EmbeddingCache(cache_dir)
    fp = model_fingerprint(model, cache=store) if embed else ""
    tasks = plan_partitions(corpus, size=partition_size, model=model, cache_dir=cache_dir,
                            embed=embed, model_fp=fp, precision=precision)
    cache_key = cache_model_key(fp, precision) if embed else ""
    folder = store_dir(cache_dir)
    parts: dict[int, pd.DataFrame] = {}
    pending = []
    for task in tasks:
        path = folder / f"{task.key}.parquet"
        table = _read_parquet(path) if path.is_file() else None
        if table is None:
            pending.append(task)
        else:
            parts[task.index] = table
    if report is not None:
        report(f"{len(tasks)} partition(s) of up to {partition_size} articles: "
               f"{len(parts)} reused, {len(pending)} to compute"
               + (f" on {workers} workers" if workers > 1 and not (scheduler or client) else "")
               + (" on the Dask cluster" if scheduler or client else ""))
    show = progress if progress is not None else len(pending) > 2
    from tqdm.auto import tqdm

    with tqdm(total=len(pending), desc="partitions", unit="partition", disable=not show,
              file=sys.stderr) as bar:
        for result in _results(pending, workers=workers, scheduler=scheduler, client=client,
                               nlp=nlp):
            if embed and result.texts:  # vectors computed elsewhere join this cache
                keys = [text_key(t) for t in result.texts]
                have = store.get_many(cache_key, keys)
                new = [(k, v) for k, v in zip(keys, result.vectors, strict=True) if k not in have]
                store.put_many(cache_key, new)
            if timings is not None and result.seconds is not None:
                timings.append({"index": result.index, "process": result.process,
                                **{k: round(v, 3) for k, v in result.seconds.items()}})
            _write_parquet(result.statements, folder / f"{result.key}.parquet")
            parts[result.index] = result.statements
            bar.update(1)
    tables_ = [parts[i] for i in range(len(tasks))]
    if not tables_ or not sum(len(t) for t in tables_):
        return T.empty_statements()
    return T.normalize_statements(pd.concat([t for t in tables_ if len(t)], ignore_index=True))

