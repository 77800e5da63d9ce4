"""stance.embed: vectors, order, the content-addressed cache and its robustness."""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import stance
from stance.cli import main as cli_main
from stance.embedding import _embed as E

TEXTS = [
    "The defence ministry said the town was shelled overnight.",
    "The co-chairs called for an immediate cessation of hostilities.",
    "An adviser to the president threatened to destroy military targets.",
    "The co-chairs called for an immediate cessation of hostilities.",  # duplicate of 1
    "",
]


class Counting:
    """Wraps a sentence-transformers model and records the texts sent to ``encode``: each once per
    call (a small batch is filled up with copies of its own texts; see ``stance.embed``)."""

    def __init__(self, model):
        self._model = model
        self.seen: list[str] = []
        self.calls = 0

    def encode(self, texts, **kwargs):  # a model object of its own: precision="fast" only
        self.calls += 1
        self.seen.extend(dict.fromkeys(texts))
        return self._model.encode(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self._model, name)


def _model_copy(tmp_path: Path, edit_config: bool) -> Path:
    """A copy of the default model folder: weights symlinked, configs copied (optionally edited)."""
    src = E.default_model_path()
    dst = tmp_path / "model-copy"
    for f in src.rglob("*"):
        target = dst / f.relative_to(src)
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if f.stat().st_size > 1_000_000:
            target.symlink_to(f)
        else:
            shutil.copyfile(f, target)
    if edit_config:
        cfg = dst / "sentence_bert_config.json"
        data = json.loads(cfg.read_text())
        data["max_seq_length"] = 128
        cfg.write_text(json.dumps(data))
    return dst


def test_vectors_shape_dtype_norm_order(st_model, tmp_path):
    vecs = stance.embed(TEXTS, cache_dir=tmp_path)  # the module is callable
    assert vecs.shape == (len(TEXTS), 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # row order = input order: each row equals the model's own (normalised) vector of that text
    direct = st_model.encode(TEXTS, convert_to_numpy=True)
    direct = direct / np.linalg.norm(direct, axis=1, keepdims=True)
    np.testing.assert_allclose(vecs, direct, atol=1e-5)
    assert np.array_equal(vecs[1], vecs[3])
    # reversed input gives reversed rows
    rev = E.embed(TEXTS[::-1], cache_dir=tmp_path)
    assert np.array_equal(rev, vecs[::-1])


def test_a_vector_does_not_depend_on_what_it_is_embedded_with(st_model):
    """Padding a text to a longer batch-mate changes its vector in the last digits on the CPU;
    the embedder batches equal-length texts only, so the bytes repeat whatever the company (and
    the cache keeps the same vector whichever run computed it first)."""
    text = "Azerbaijan will destroy military targets both inside Armenia and on occupied lands."
    long_text = ("The co-chairs called for an immediate cessation of hostilities between the "
                 "relevant military forces and a return to negotiations without delay.")
    company = [text, "Ceasefire.", long_text, "word " * 600]
    alone = E.embed([text], model=st_model, use_cache=False)
    together = E.embed(company, model=st_model, use_cache=False)
    assert alone[0].tobytes() == together[0].tobytes()
    assert E.embed(company[::-1], model=st_model, use_cache=False)[::-1].tobytes() \
        == together.tobytes()
    # a short text alone, with one other and among many of its own length (the shape and the
    # row of a small batch select other kernels on the CPU)
    short = "a crushing response"
    words = ["in the city", "near the town", "a severe response", "the big guns", "on the front",
             "at the border", "a new truce", "the second city", "by the river", "in the north"]
    alone = E.embed([short], model=st_model, use_cache=False)[0].tobytes()
    for k in (1, 3, len(words)):
        for batch in ([short, *words[:k]], [*words[:k], short]):
            vectors = E.embed(batch, model=st_model, use_cache=False)
            assert vectors[batch.index(short)].tobytes() == alone, (k, batch)


def test_statements_table_uses_text_column(st_model, tmp_path):
    table = pd.DataFrame({"speaker": list("abcde"), "text": TEXTS})
    assert np.array_equal(E.embed(table, cache_dir=tmp_path), E.embed(TEXTS, cache_dir=tmp_path))


def test_duplicates_embedded_once_and_cache_hit_skips_model(st_model, tmp_path):
    counting = Counting(st_model)
    first = E.embed(TEXTS, counting, cache_dir=tmp_path, precision="fast")
    assert sorted(counting.seen) == sorted(set(TEXTS))
    counting.seen.clear()
    counting.calls = 0
    second = E.embed(TEXTS + ["A new sentence about talks in Moscow."], counting,
                     cache_dir=tmp_path, precision="fast")
    assert counting.seen == ["A new sentence about talks in Moscow."]
    assert np.array_equal(second[:-1], first)
    counting.calls = 0
    E.embed(TEXTS, counting, cache_dir=tmp_path, precision="fast")
    assert counting.calls == 0
    assert len(E.EmbeddingCache(tmp_path)) == len(set(TEXTS)) + 1


def test_warm_cache_does_not_load_the_model(st_model, tmp_path, monkeypatch):
    cold = E.embed(TEXTS, cache_dir=tmp_path)

    def refuse(model=None):
        raise AssertionError("model loaded although every text is cached")

    monkeypatch.setattr(E, "load_model", refuse)
    assert np.array_equal(E.embed(TEXTS, cache_dir=tmp_path), cold)


def test_cache_dir_from_environment(st_model, tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "env-cache"))
    assert E.default_cache_dir() == tmp_path / "env-cache"
    E.embed(TEXTS[:2])
    assert len(E.EmbeddingCache()) == 2
    assert (tmp_path / "env-cache" / E.CACHE_FILE).exists()


def test_no_cache_writes_nothing(st_model, tmp_path):
    vecs = E.embed(TEXTS[:2], cache_dir=tmp_path / "c", use_cache=False)
    assert vecs.shape == (2, 384)
    assert not (tmp_path / "c").exists()


def test_fingerprint_is_content_not_name(st_model, tmp_path):
    default_fp = E.model_fingerprint(None)
    assert default_fp == E.model_fingerprint(st_model) == E.model_fingerprint("all-MiniLM-L6-v2")
    same = _model_copy(tmp_path / "same", edit_config=False)
    (same / "README.md").write_text("a different model card does not change the model")
    assert E.model_fingerprint(same) == default_fp
    edited = _model_copy(tmp_path / "edited", edit_config=True)
    assert E.model_fingerprint(edited) != default_fp


def test_different_fingerprint_gives_different_entries(st_model, tmp_path):
    edited = _model_copy(tmp_path / "m", edit_config=True)
    other = Counting(st_model)
    other._stance_folder = edited  # the same encoder, fingerprinted as the edited folder
    E.embed(TEXTS, cache_dir=tmp_path / "cache", precision="fast")
    E.embed(TEXTS, other, cache_dir=tmp_path / "cache", precision="fast")
    assert sorted(other.seen) == sorted(set(TEXTS))  # nothing reused across fingerprints
    info = E.EmbeddingCache(tmp_path / "cache").info()
    assert [m["entries"] for m in info["models"]] == [len(set(TEXTS))] * 2
    assert {m["fingerprint"] for m in info["models"]} == {
        E.cache_model_key(E.model_fingerprint(None), "fast"),
        E.cache_model_key(E.model_fingerprint(edited), "fast")}


def test_fingerprint_memoised_and_invalidated_by_change(tmp_path, monkeypatch):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text('{"a": 1}')
    (folder / "model.safetensors").write_bytes(b"\x00" * 64)
    cache = E.EmbeddingCache(tmp_path / "cache")
    fp = E.model_fingerprint(folder, cache=cache)
    E._FINGERPRINTS.clear()  # as in a new process: the stored fingerprint is used

    def no_hashing(*args):
        raise AssertionError("model files hashed again although unchanged")

    monkeypatch.setattr(E, "_hash_folder", no_hashing)
    assert E.model_fingerprint(folder, cache=cache) == fp
    monkeypatch.undo()
    (folder / "model.safetensors").write_bytes(b"\x01" * 64)
    assert E.model_fingerprint(folder, cache=cache) != fp


@pytest.mark.parametrize("damage", ["truncate", "flip", "wrong_dim", "swap"])
def test_damaged_entry_is_recomputed(st_model, tmp_path, damage):
    good = E.embed(TEXTS, cache_dir=tmp_path, precision="fast")
    fp = E.cache_model_key(E.model_fingerprint(None), "fast")
    victim, other = E.text_key(TEXTS[0]), E.text_key(TEXTS[2])
    con = sqlite3.connect(tmp_path / E.CACHE_FILE)
    vec = con.execute("SELECT vec FROM vectors WHERE key = ?", (victim,)).fetchone()[0]
    if damage == "truncate":
        con.execute("UPDATE vectors SET vec = ? WHERE key = ?", (vec[:-7], victim))
    elif damage == "flip":
        flipped = bytearray(vec)
        flipped[100] ^= 0x10
        con.execute("UPDATE vectors SET vec = ? WHERE key = ?", (bytes(flipped), victim))
    elif damage == "wrong_dim":
        con.execute("UPDATE vectors SET vec = ?, dim = 192 WHERE key = ?", (vec[:768], victim))
    else:  # another text's vector and checksum under this key
        vec2, check2 = con.execute("SELECT vec, checksum FROM vectors WHERE key = ?",
                                   (other,)).fetchone()
        con.execute("UPDATE vectors SET vec = ?, checksum = ? WHERE key = ?",
                    (vec2, check2, victim))
    con.commit()
    con.close()

    cache = E.EmbeddingCache(tmp_path)
    assert E.text_key(TEXTS[0]) not in cache.get_many(fp, [victim, other])
    assert cache.damaged == 1
    counting = Counting(st_model)
    again = E.embed(TEXTS, counting, cache_dir=tmp_path, precision="fast")
    assert counting.seen == [TEXTS[0]]
    np.testing.assert_allclose(again, good, atol=1e-6)
    assert len(cache.get_many(fp, [victim])) == 1  # repaired in the cache


def test_damaged_database_file_is_moved_aside(st_model, tmp_path, caplog):
    good = E.embed(TEXTS, cache_dir=tmp_path)
    (tmp_path / E.CACHE_FILE).write_bytes(b"this is not a database" * 200)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"{E.CACHE_FILE}{suffix}").unlink(missing_ok=True)
    with caplog.at_level("WARNING", logger="stance.embed"):
        again = E.embed(TEXTS, cache_dir=tmp_path)
    np.testing.assert_allclose(again, good, atol=1e-6)
    assert "damaged" in caplog.text
    assert list(tmp_path.glob(f"{E.CACHE_FILE}.damaged-*"))
    assert len(E.EmbeddingCache(tmp_path)) == len(set(TEXTS))


_WRITER = textwrap.dedent("""
    import sys, numpy as np
    from stance.embedding._embed import EmbeddingCache, text_key
    cache_dir, start, stop, forever = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    cache = EmbeddingCache(cache_dir)
    while True:
        for i in range(start, stop, 10):
            items = [(text_key(f"text {j}"), np.full(384, j, dtype=np.float32))
                     for j in range(i, min(i + 10, stop))]
            cache.put_many("fp-test", items, name="synthetic")
            cache.get_many("fp-test", [k for k, _ in items])
        if forever != "forever":
            break
""")


def _writer(cache_dir: Path, start: int, stop: int, forever: bool = False) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(cache_dir), str(start), str(stop),
                             "forever" if forever else "once"])


def _check_all_valid(cache_dir: Path, n: int) -> dict:
    con = sqlite3.connect(cache_dir / E.CACHE_FILE)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    cache = E.EmbeddingCache(cache_dir)
    found = cache.get_many("fp-test", [E.text_key(f"text {j}") for j in range(n)])
    for j in range(n):
        key = E.text_key(f"text {j}")
        if key in found:
            assert np.array_equal(found[key], np.full(384, j, dtype=np.float32))
    assert cache.damaged == 0
    return found


def test_concurrent_writers_leave_a_valid_cache(tmp_path):
    procs = [_writer(tmp_path, 0, 600), _writer(tmp_path, 300, 900)]  # overlapping keys
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    found = _check_all_valid(tmp_path, 900)
    assert len(found) == 900
    assert len(E.EmbeddingCache(tmp_path)) == 900


def test_killed_writer_leaves_a_valid_cache(tmp_path):
    proc = _writer(tmp_path, 0, 5000, forever=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.2)
        path = tmp_path / E.CACHE_FILE
        if path.exists():
            try:
                if len(E.EmbeddingCache(tmp_path)) >= 200:
                    break
            except sqlite3.OperationalError:
                continue
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    found = _check_all_valid(tmp_path, 5000)
    assert len(found) >= 200
    assert len(found) % 10 == 0  # whole transactions only


def test_size_info_and_clear(tmp_path):
    cache = E.EmbeddingCache(tmp_path)
    assert len(cache) == 0 and cache.size() == 0 and cache.clear() == 0
    vec = np.ones(8, dtype=np.float32)
    cache.put_many("fp-a", [(E.text_key(f"a{i}"), vec) for i in range(30)], name="model a")
    cache.put_many("fp-b", [(E.text_key(f"b{i}"), vec) for i in range(20)], name="model b")
    info = cache.info()
    assert info["entries"] == 50 == len(cache)
    assert [(m["name"], m["dim"], m["entries"]) for m in info["models"]] == [
        ("model a", 8, 30), ("model b", 8, 20)]
    assert cache.size() > 0 and info["bytes"] == cache.size()
    assert cache.clear("fp-a") == 30
    assert [m["fingerprint"] for m in cache.info()["models"]] == ["fp-b"]
    assert cache.clear() == 20
    assert len(cache) == 0


def test_cache_command(tmp_path, capsys):
    cache = E.EmbeddingCache(tmp_path)
    cache.put_many("ab" * 32, [(E.text_key(f"t{i}"), np.ones(4, np.float32)) for i in range(7)],
                   name="tiny")
    assert cli_main(["cache", "info", "--cache-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "entries: 7" in out and "tiny" in out and str(tmp_path) in out
    assert cli_main(["cache", "clear", "--cache-dir", str(tmp_path), "--model", "cd"]) == 1
    assert len(cache) == 7
    assert cli_main(["cache", "clear", "--cache-dir", str(tmp_path)]) == 0
    assert "cleared 7 entries" in capsys.readouterr().out
    assert len(cache) == 0
    # a model's vectors in both precisions: one prefix clears both, a suffix only one
    for precision in ("portable", "fast"):
        cache.put_many(E.cache_model_key("ab" * 32, precision),
                       [(E.text_key("t"), np.ones(4, np.float32))], name="tiny")
    assert cli_main(["cache", "info", "--cache-dir", str(tmp_path)]) == 0
    assert "portable" in capsys.readouterr().out
    assert cli_main(["cache", "clear", "--cache-dir", str(tmp_path), "--model",
                     "ab" * 32 + ":fast"]) == 0
    assert [m["fingerprint"][-9:] for m in cache.info()["models"]] == [":portable"]
    cache.put_many(E.cache_model_key("ab" * 32, "fast"), [(E.text_key("t"), np.ones(4, np.float32))])
    assert cli_main(["cache", "clear", "--cache-dir", str(tmp_path), "--model", "abab"]) == 0
    assert len(cache) == 0


def test_bad_input_errors(tmp_path):
    with pytest.raises(TypeError, match="not one string"):
        E.embed("one text", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="no 'text' column"):
        E.embed(pd.DataFrame({"body": ["x"]}), cache_dir=tmp_path)
    with pytest.raises(ValueError, match="statements row 1 is float"):
        E.embed(pd.DataFrame({"text": ["x", None]}), cache_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        E.load_model(tmp_path / "no-such-model")


def test_empty_input(st_model, tmp_path):
    assert E.embed([], cache_dir=tmp_path).shape == (0, 384)


def test_load_model_cached_per_process(st_model):
    assert E.load_model() is st_model
    assert E.load_model("all-MiniLM-L6-v2") is st_model
    assert E.load_model(st_model) is st_model
