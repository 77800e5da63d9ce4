"""Partitioned extraction and embedding: same tables as one pass, resume, workers, Dask."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import stance
from stance import partitions as P

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.scale_corpus import write_corpus


@pytest.fixture(scope="module")
def generated_folder(tmp_path_factory) -> Path:
    """14 generated articles of the invented Two Rivers conflict."""
    return write_corpus(tmp_path_factory.mktemp("gen") / "corpus", 14, seed=1)


@pytest.fixture(scope="module")
def small_corpus(generated_folder):
    """The first 12 generated articles, as a corpus view."""
    corpus = stance.read_corpus(generated_folder)
    arts = corpus.articles.iloc[:12].reset_index(drop=True)
    reps = corpus.repairs[corpus.repairs["article_id"].isin(set(arts["article_id"]))]
    return SimpleNamespace(articles=arts, registry=corpus.registry,
                           repairs=reps.reset_index(drop=True))


def _lines():
    seen: list[str] = []
    return seen, seen.append


def test_partition_keys_follow_content(small_corpus):
    tasks = P.plan_partitions(small_corpus, size=5, embed=False)
    assert [len(t.articles) for t in tasks] == [5, 5, 2]
    again = P.plan_partitions(small_corpus, size=5, embed=False)
    assert [t.key for t in tasks] == [t.key for t in again]
    changed = small_corpus.articles.copy()
    changed.loc[6, "text"] = changed.loc[6, "text"] + " One more sentence."
    other = P.plan_partitions(SimpleNamespace(articles=changed, registry=small_corpus.registry,
                                              repairs=small_corpus.repairs), size=5, embed=False)
    assert [a.key == b.key for a, b in zip(tasks, other, strict=True)] == [True, False, True]
    with pytest.raises(ValueError, match="at least 1"):
        P.plan_partitions(small_corpus, size=0)


def test_partitions_equal_one_pass_and_resume(small_corpus, nlp, tmp_path):
    whole = stance.extract_statements(small_corpus, nlp=nlp, progress=False)
    lines, report = _lines()
    parts = P.extract_and_embed(small_corpus, cache_dir=tmp_path, partition_size=5, nlp=nlp,
                                embed=False, report=report)
    pd.testing.assert_frame_equal(parts, stance.tables.normalize_statements(whole))
    files = sorted(P.store_dir(tmp_path).glob("*.parquet"))
    assert len(files) == 3 and "0 reused, 3 to compute" in lines[-1]

    # nothing changed: every partition is read back, none recomputed
    again = P.extract_and_embed(small_corpus, cache_dir=tmp_path, partition_size=5, nlp=nlp,
                                embed=False, report=report)
    assert "3 reused, 0 to compute" in lines[-1]
    pd.testing.assert_frame_equal(again, parts)

    # a damaged partition file is recomputed, not trusted
    files[0].write_bytes(b"not parquet")
    fixed = P.extract_and_embed(small_corpus, cache_dir=tmp_path, partition_size=5, nlp=nlp,
                                embed=False, report=report)
    assert "2 reused, 1 to compute" in lines[-1]
    pd.testing.assert_frame_equal(fixed, parts)


class _CountingModel:
    """A stand-in embedding model (no transformer): a text's vector from its hash; counts texts."""

    _stance_fingerprint = "counting-model-v1"

    def __init__(self) -> None:
        self.encoded = 0

    def get_sentence_embedding_dimension(self) -> int:
        return 8

    def encode(self, texts, batch_size=32, convert_to_numpy=True, show_progress_bar=False):
        import hashlib

        self.encoded += len(texts)
        return np.stack([np.frombuffer(hashlib.sha256(t.encode()).digest()[:8], dtype=np.uint8)
                         .astype(np.float32) + 1.0 for t in texts])


def test_partitions_embed_in_the_runs_precision_into_its_cache(small_corpus, nlp, tmp_path,
                                                               monkeypatch):
    """precision='fast' reaches the partitions (a model with no portable mode works), and
    vectors computed where the caller's cache is not (a Dask worker) join that cache under the
    key the later ``embed`` of the run looks up: nothing is embedded twice."""
    model = _CountingModel()
    original = P._results

    def remote(pending, **kw):  # what the Dask path does: workers embed into their own cache
        import dataclasses

        worker = [dataclasses.replace(t, cache_dir=str(tmp_path / "worker")) for t in pending]
        yield from original(worker, **kw)

    monkeypatch.setattr(P, "_results", remote)
    timings: list[dict] = []
    table = P.extract_and_embed(small_corpus, model=model, cache_dir=tmp_path / "main",
                                partition_size=5, nlp=nlp, precision="fast", timings=timings)
    texts = list(dict.fromkeys(table["text"]))
    assert model.encoded == len(texts) > 10
    assert sorted(t["index"] for t in timings) == [0, 1, 2]
    assert all(t["extract"] > 0 and t["embed"] > 0 for t in timings)
    vectors = stance.embed(texts, model, cache_dir=tmp_path / "main", precision="fast",
                           progress=False)
    assert model.encoded == len(texts)  # every vector came from the cache
    fresh = stance.embed(texts, _CountingModel(), use_cache=False, precision="fast",
                         progress=False)
    assert vectors.tobytes() == fresh.tobytes()
    # the partition keys name the precision: a portable run does not reuse them
    fast = P.plan_partitions(small_corpus, size=5, model_fp="m", precision="fast")
    portable = P.plan_partitions(small_corpus, size=5, model_fp="m", precision="portable")
    assert all(a.key != b.key for a, b in zip(fast, portable, strict=True))


@pytest.mark.slow
def test_two_worker_processes_same_tables_and_vectors(small_corpus, nlp, tmp_path):
    one = P.extract_and_embed(small_corpus, cache_dir=tmp_path / "one", partition_size=4,
                              nlp=nlp)
    two = P.extract_and_embed(small_corpus, cache_dir=tmp_path / "two", partition_size=4,
                              workers=2)
    pd.testing.assert_frame_equal(one, two)
    texts = one["text"].tolist()
    v1 = stance.embed(texts, cache_dir=tmp_path / "one", progress=False)
    v2 = stance.embed(texts, cache_dir=tmp_path / "two", progress=False)
    assert v1.tobytes() == v2.tobytes()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_dask_local_cluster_writes_the_same_bytes(generated_folder, tmp_path):
    from dask import distributed

    corpus = generated_folder
    config = {"partition_size": 4, "n_boot": 50, "n_perm": 49, "formats": ["png"]}
    local = stance.pipeline.run(corpus, out=tmp_path / "local", overrides=config,
                                progress=False, cache_dir=tmp_path / "cache-local")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        assert len(client.scheduler_info()["workers"]) == 2
        remote = stance.pipeline.run(corpus, out=tmp_path / "dask", overrides=config,
                                     progress=False, cache_dir=tmp_path / "cache-dask",
                                     client=client)
    finally:
        # workers holding torch and spaCy may take longer to exit than a nanny's 5 s on a
        # loaded machine: retire them through the scheduler first, which waits for them
        client.retire_workers(close_workers=True)
        client.close(timeout=120)
        cluster.close(timeout=120)
    assert len(local.statements) > 20
    a, b = _tree(tmp_path / "local"), _tree(tmp_path / "dask")
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []
    assert len(list(P.store_dir(tmp_path / "cache-dask").glob("*.parquet"))) == 4
    assert np.array_equal(local.statements["statement_id"], remote.statements["statement_id"])
