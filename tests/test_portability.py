"""Figures that regenerate byte for byte on another x86-64 CPU (issue 13).

The slow test runs the pipeline in subprocesses under simulated CPUs: the libraries' own dispatch
switches make torch, MKL, OpenBLAS and numpy pick the kernels of an older CPU or another thread
count, and each run starts from an empty embedding cache. Every output must have the same bytes,
and ``stance verify --rerun`` under the older CPU must say so. The fast tests check the pieces:
the precision in the cache key, the process-wide numba setting, and the comparison report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stance.manifest import MANIFEST_NAME
from stance.output import sha256_file

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "pipeline" / "two-rivers"

#: an older CPU (no AVX for torch's kernels, SSE4.x for MKL, oneDNN and OpenBLAS, x86-64-v2 for
#: numpy, glibc's libm without FMA), one thread; every cap is safe on any x86-64 CPU since it only lowers what is used
OLD_CPU = {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
           "ONEDNN_MAX_CPU_ISA": "SSE41", "OPENBLAS_CORETYPE": "Nehalem",
           "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F,-AVX512DQ,-AVX512BW,-AVX512VL",
           "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
           "NUMBA_CPU_NAME": "generic",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
#: AVX2 kernels, four threads for the BLAS pools (more than this machine may have: another
#: partition of the work)
AVX2_4_THREADS = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_ENABLE_INSTRUCTIONS": "AVX2",
                  "ONEDNN_MAX_CPU_ISA": "AVX2", "OPENBLAS_CORETYPE": "Haswell",
                  "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
                  "OMP_NUM_THREADS": "4", "MKL_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "4"}
_SWITCHES = set(OLD_CPU) | set(AVX2_4_THREADS) | {"STANCE_NO_RUNTIME_DEFAULTS"}

#: UMAP + HDBSCAN frames (not the small-corpus default), fewer resamples: quick, and every
#: numba-compiled step runs
RUN_CONFIG = ("frames: {reducer: umap, clusterer: hdbscan, min_frame_size: 3, "
              "reassign_outliers: true}\n"
              "n_boot: 200\nn_perm: 199\n")


def _env(env_extra: dict, cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _SWITCHES}
    env.update(env_extra, STANCE_CACHE_DIR=str(cache), HF_HUB_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(ROOT))
    return env


def _stance(args: list[str], env_extra: dict, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stance", *args], env=_env(env_extra, cache),
                          cwd=ROOT, capture_output=True, text=True, check=False, timeout=1200)


def _stance_runs(jobs: dict[str, tuple[list[str], dict, Path]], log_dir: Path) -> dict[str, str]:
    """Start ``stance`` once per job side by side (2 cores: two runs take about as long as one);
    the stderr of each that failed."""
    procs = {}
    for name, (args, env_extra, cache) in jobs.items():
        log = (log_dir / f"{name}.log").open("w")
        procs[name] = (subprocess.Popen([sys.executable, "-m", "stance", *args], cwd=ROOT,
                                        env=_env(env_extra, cache), stdout=log,
                                        stderr=subprocess.STDOUT), log)
    failed = {}
    for name, (proc, log) in procs.items():
        code = proc.wait(timeout=1200)
        log.close()
        if code != 0:
            failed[name] = (log_dir / f"{name}.log").read_text()[-3000:]
    return failed


def _files(folder: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted(folder.iterdir())
            if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")}


def _manifest_without_runtime(folder: Path) -> dict:
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest.pop("runtime")
    return manifest


@pytest.mark.slow
def test_outputs_are_identical_under_simulated_cpus_and_thread_counts(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text(RUN_CONFIG, encoding="utf-8")
    runs = {name: tmp_path / name for name in ("host", "avx2-4-threads")}
    failed = _stance_runs({name: (["run", str(CORPUS), "--config", str(config), "--out",
                                   str(runs[name]), "--quiet"], env, tmp_path / f"cache-{name}")
                           for name, env in (("host", {}), ("avx2-4-threads", AVX2_4_THREADS))},
                          tmp_path)
    assert failed == {}
    host, other = _files(runs["host"]), _files(runs["avx2-4-threads"])
    assert len(host) > 30 and set(host) == set(other)
    assert [n for n in host if host[n] != other[n]] == []
    assert (_manifest_without_runtime(runs["host"])
            == _manifest_without_runtime(runs["avx2-4-threads"]))
    host_rt = json.loads((runs["host"] / MANIFEST_NAME).read_text())["runtime"]
    other_rt = json.loads((runs["avx2-4-threads"] / MANIFEST_NAME).read_text())["runtime"]
    # the switches took effect (torch caps its threads at the cores; 1 thread is the rerun below)
    assert other_rt["torch_cpu_capability"] == "AVX2" != host_rt["torch_cpu_capability"]
    assert other_rt["environment"]["OPENBLAS_CORETYPE"] == "Haswell"
    assert host_rt["numba_cpu_name"] == "generic"

    # the older CPU, one thread: `stance verify --rerun` re-runs the host's manifest and agrees
    proc = _stance(["verify", "--rerun", str(runs["host"])], OLD_CPU, tmp_path / "cache-old")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "OK: the outputs reproduce byte for byte" in proc.stdout


# ------------------------------------------------------------------------------- fast pieces


def test_import_stance_sets_a_generic_numba_target_before_numba_loads():
    code = ("import stance, numba.core.config as c, os; "
            "print(os.environ['NUMBA_CPU_NAME'], c.CPU_NAME, repr(c.CPU_FEATURES))")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "STANCE_NO"))}
    env["PYTHONPATH"] = str(ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["generic", "generic", "''"]


def _fake_run(folder: Path, tables: dict[str, pd.DataFrame], extra: dict) -> Path:
    from stance.manifest import write_manifest
    from stance.output import write_table

    folder.mkdir()
    for stem, table in tables.items():
        write_table(table, folder / stem, formats=("csv",))
    write_manifest(folder, inputs=[], input_root=folder, config={"seed": 0}, extra=extra)
    return folder


def test_compare_runs_names_the_differing_columns_and_what_explains_them(tmp_path):
    from stance.reproduce import compare_runs

    statements = pd.DataFrame({"statement_id": ["a", "b"], "frame": [0, 1], "text": ["x", "y"]})
    shares = pd.DataFrame({"speaker": ["s", "t"], "share": [0.25, 0.75], "low": [0.1, 0.5]})
    a = _fake_run(tmp_path / "a", {"statements": statements, "2_frame_shares_by_speaker": shares},
                  {"precision": "portable", "runtime": {"torch_threads": 2}})
    nudged = shares.assign(low=[0.1, 0.5001])
    b = _fake_run(tmp_path / "b", {"statements": statements, "2_frame_shares_by_speaker": nudged},
                  {"precision": "portable", "runtime": {"torch_threads": 8}})
    result = compare_runs(a, b)
    assert not result.passed
    assert result.identical == ["statements.csv"]
    (diff,) = result.differ
    assert diff.path == "2_frame_shares_by_speaker.csv"
    assert diff.columns == {"low": "largest relative difference 0.0002"}
    assert result.agreement["statements"] is True
    assert result.agreement["frame assignments"] is True
    assert result.agreement["frame shares by speaker"] is False
    assert "runtime.torch_threads: 2 -> 8" in result.explanations
    assert "DIFFERS" in result.summary()
    assert compare_runs(a, a).passed


@pytest.mark.slow
def test_portable_and_fast_vectors_are_cached_apart(tmp_path, st_model):
    from stance.embedding import embed

    texts = ["The ministry said the town was shelled overnight.", "Talks resumed."]
    fast = embed(texts, st_model, cache_dir=tmp_path, precision="fast")
    portable = embed(texts, st_model, cache_dir=tmp_path)       # the default: portable
    assert portable.dtype == np.float32
    assert not np.array_equal(fast, portable)                  # float64 rounds differently
    assert np.allclose(fast, portable, atol=1e-5)
    assert np.array_equal(embed(texts, st_model, cache_dir=tmp_path, precision="portable"),
                          portable)
    with pytest.raises(ValueError, match="precision"):
        embed(texts, st_model, cache_dir=tmp_path, precision="double")


def test_exact_cosine_has_the_same_bits_in_any_summation_order():
    from stance._exact import exact_cosine

    rng = np.random.default_rng(3)
    x = rng.normal(size=(40, 384)).astype(np.float32)
    c = exact_cosine(x)
    perm = rng.permutation(384)          # another order of the sums, as another kernel adds
    assert np.array_equal(exact_cosine(x[:, perm]), c)
    blocks = np.vstack([exact_cosine(x[i:i + 7], x) for i in range(0, 40, 7)])
    assert np.array_equal(blocks, c)     # row blocks, as threads split the work
    unit = x.astype(np.float64) / np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)
    assert np.abs(c - unit @ unit.T).max() < 2e-7
    # plain float64 BLAS is not order-free: the permuted product differs in the last bits
    assert not np.array_equal(unit[:, perm] @ unit[:, perm].T, unit @ unit.T)


def test_exact_knn_puts_each_row_first_and_breaks_ties_by_row():
    from stance._exact import exact_knn

    x = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.0]])
    idx, dist = exact_knn(x, 3)
    assert idx[1].tolist() == [1, 2, 3] and idx[2].tolist() == [2, 1, 3]  # duplicates: self first
    assert idx[4].tolist() == [4, 1, 2]         # two rows at the same distance: the lower first
    assert dist.dtype == np.float32 and (dist[:, 0] == 0).all()
    assert np.all(np.diff(dist, axis=1) >= 0)
    with pytest.raises(ValueError, match="k must be"):
        exact_knn(x, 6)


def test_fixed_umap_curve_parameters_are_umaps_own():
    from umap.umap_ import find_ab_params

    from stance._exact import UMAP_AB

    for min_dist, (a, b) in UMAP_AB.items():
        fa, fb = find_ab_params(1.0, min_dist)
        assert abs(fa - a) < 1e-5 and abs(fb - b) < 1e-5


def test_pca_start_is_rounded_and_keeps_repeated_rows_apart():
    from stance._exact import pca_init

    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 16))
    x[5] = x[4]
    xy = pca_init(x)
    assert xy.shape == (20, 2) and xy.dtype == np.float32
    assert len(np.unique(xy, axis=0)) == 20
    assert xy.min() >= 0 and xy.max() <= 10.01
    # a perturbation far below the rounding leaves the start unchanged
    assert np.array_equal(pca_init(x * (1 + 1e-12)), xy)


def test_manifest_keeps_the_order_of_the_config(tmp_path):
    """A target's positions are tabled in their order: a manifest that sorted them made
    `verify --rerun` swap the rows of figures 8 and 9."""
    from stance.manifest import read_manifest, write_manifest

    config = {"seed": 0, "targets": [{"name": "t", "positions": {"supports": ["a"],
                                                                 "rejects": ["b"]}}]}
    write_manifest(tmp_path, inputs=[], input_root=tmp_path, config=config,
                   extra={"zeta": {"b": 1, "a": 2}})
    manifest = read_manifest(tmp_path)
    assert list(manifest["config"]["targets"][0]["positions"]) == ["supports", "rejects"]
    assert list(manifest) == sorted(manifest) and list(manifest["zeta"]) == ["a", "b"]
