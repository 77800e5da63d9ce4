"""Which CPU dispatch switches change which results, and is the portable path immune to them?

    python benchmarks/portability.py [--texts 100] [--jobs 2] [--only NAME ...] [--skip-downstream]

Each *variant* is a child process started with environment variables that make the libraries
pick the kernels another x86-64 CPU would get (or another thread count), on this machine:

* torch's own kernels (softmax, layer norm, GELU, ...): ``ATEN_CPU_CAPABILITY=default|avx2``
* oneDNN: ``ONEDNN_MAX_CPU_ISA``; MKL (torch's BLAS): ``MKL_ENABLE_INSTRUCTIONS``, ``MKL_CBWR``
* threads: ``OMP_NUM_THREADS`` and ``torch.set_num_threads`` (1, 2, 4)
* numpy's BLAS (OpenBLAS, DYNAMIC_ARCH): ``OPENBLAS_CORETYPE``; numpy's own SIMD loops:
  ``NPY_DISABLE_CPU_FEATURES``; numba (UMAP, pynndescent): ``NUMBA_CPU_NAME``; glibc's libm
  variants (``exp``, ``pow`` with or without FMA): ``GLIBC_TUNABLES``

Every child reports what it actually got (``torch.backends.cpu.get_cpu_capability()``, the
OpenBLAS core from threadpoolctl, numpy's enabled SIMD targets, numba's target CPU, and the ISA
oneDNN and MKL print in verbose mode for one small call), so a switch that silently did nothing
is visible. It then hashes:

* single operations on fixed random inputs, float32 and float64: linear layer, softmax,
  layer norm, GELU (torch); matmul, row norms, sum, exp (numpy);
* the embeddings of ``--texts`` texts (the default corpus's sentences, then invented ones)
  through ``stance.embed`` in ``precision="fast"`` (float32, today's path) and in
  ``precision="portable"``;
* the downstream given identical vectors (the host's portable vectors, passed to every child):
  the UMAP statement map (stance's portable one, and plain UMAP as stance called it before),
  UMAP + HDBSCAN frames, agglomerative frames, PCA, and a whole
  ``stance run`` of the default corpus on a cache filled with those vectors (sha256 of every
  output file).

A result is *stable* when it has the same hash in every variant. The host child also times the
two precisions on the same texts, alternating, three rounds each: ``portable_cost`` is the
median ratio (fast texts/s over portable texts/s). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._common import REPO_ROOT, print_json

#: variants: name -> environment variables of the child (on top of the parent's)
VARIANTS: dict[str, dict[str, str]] = {
    "host": {},
    "aten-default": {"ATEN_CPU_CAPABILITY": "default"},
    "aten-avx2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "onednn-avx2": {"ONEDNN_MAX_CPU_ISA": "AVX2"},
    "mkl-avx2": {"MKL_ENABLE_INSTRUCTIONS": "AVX2"},
    "mkl-sse42": {"MKL_ENABLE_INSTRUCTIONS": "SSE4_2"},
    "mkl-cbwr-compatible": {"MKL_CBWR": "COMPATIBLE"},
    "threads-1": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    "threads-4": {"OMP_NUM_THREADS": "4", "MKL_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "4"},
    "openblas-haswell": {"OPENBLAS_CORETYPE": "Haswell"},
    "openblas-nehalem": {"OPENBLAS_CORETYPE": "Nehalem"},
    "numpy-x86v3": {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"},
    "numpy-x86v2": {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR"},
    "numba-haswell": {"NUMBA_CPU_NAME": "haswell"},
    "numba-generic": {"NUMBA_CPU_NAME": "generic"},
    "glibc-no-fma": {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F,-AVX512DQ,"
                                       "-AVX512BW,-AVX512VL"},
    "old-cpu": {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41",
                "MKL_ENABLE_INSTRUCTIONS": "SSE4_2", "OPENBLAS_CORETYPE": "Nehalem",
                "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
                "NUMBA_CPU_NAME": "nehalem", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1"},
}

_TORCH = ("embed",)
_DOWN = ("downstream",)
#: what each variant runs: the embeddings (torch's switches), the downstream (numpy's, numba's),
#: a whole pipeline run (a few, it is slow); single operations always
PARTS: dict[str, tuple[str, ...]] = {
    **{n: _TORCH for n in VARIANTS if n.startswith(("aten", "onednn", "mkl"))},
    **{n: _DOWN for n in VARIANTS if n.startswith(("openblas", "numpy", "numba", "glibc"))},
    "threads-1": ("embed", "downstream", "run"), "threads-4": ("embed", "downstream"),
    "old-cpu": ("embed", "downstream", "run"),
}

#: switches that stance itself may set on import (they must not leak in from the parent)
_CLEARED = ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR",
            "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
            "NPY_DISABLE_CPU_FEATURES", "NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES")

WORDS = ["the", "ministry", "said", "forces", "shelled", "positions", "near", "town", "overnight",
         "officials", "reported", "talks", "resumed", "after", "ceasefire", "agreed", "both",
         "sides", "army", "civilians", "killed", "river", "we", "will", "not", "accept",
         "occupation", "international", "community", "must", "condemn", "aggression"]


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        import numpy as np

        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode() + str(a.shape).encode() + a.tobytes())
    return h.hexdigest()[:16]


def _texts(n: int) -> list[str]:
    """The default corpus's sentences, then invented texts, ``n`` in all, all distinct."""
    arts = sorted((REPO_ROOT / "corpora" / "nagorno-karabakh-2020" / "articles").glob("*"))
    texts: list[str] = []
    for path in arts:
        if path.suffix in (".txt", ".md"):
            body = path.read_text(encoding="utf-8")
            texts += [s.strip() for s in re.split(r"(?<=[.!?])\s+", body) if len(s.strip()) > 20]
    rng = random.Random(0)
    while len(texts) < n:
        texts.append(" ".join(rng.choices(WORDS, k=rng.randint(3, 60))))
    return list(dict.fromkeys(texts))[:n]


# ----------------------------------------------------------------------------------- the child


def _effective() -> dict:
    """What the libraries actually dispatch to in this process."""
    import numba
    import numpy as np
    import torch
    from numpy._core import _multiarray_umath as mu
    from threadpoolctl import threadpool_info

    out = {"torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
           "torch_threads": torch.get_num_threads(),
           "numba_cpu": numba.config.CPU_NAME or "host",
           "numpy_simd": [k for k in ("X86_V3", "X86_V4", "AVX512_ICL")
                          if mu.__cpu_features__.get(k)
                          and k not in os.environ.get("NPY_DISABLE_CPU_FEATURES", "")]}
    for info in threadpool_info():
        if info.get("internal_api") == "openblas":
            out.setdefault("openblas", f"{info.get('architecture')} x{info['num_threads']}")
    # oneDNN prints its ISA when verbose, if any of its primitives runs (a linear layer as the
    # model has it); MKL prints its reproducibility mode (CNR) and threads for one small call
    a = torch.randn(64, 64)
    sys.stdout.flush()
    with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
        torch.nn.functional.linear(torch.randn(64, 384), torch.randn(1536, 384))
    with torch.backends.mkl.verbose(torch.backends.mkl.VERBOSE_ON):
        a @ a
    sys.stdout.flush()
    # MKL names no ISA on every CPU: its sgemm speed shows whether a cap took effect
    big = torch.randn(1024, 1024)
    big @ big
    t0 = time.perf_counter()
    for _ in range(5):
        big @ big
    out["mkl_sgemm_gflops"] = round(5 * 2 * 1024 ** 3 / (time.perf_counter() - t0) / 1e9, 1)
    del np
    return out


def _ops() -> dict[str, str]:
    """Hashes of single operations on fixed inputs (float32 and float64)."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(0)
    out = {}
    for dtype in (torch.float32, torch.float64):
        name = "f32" if dtype == torch.float32 else "f64"
        x = torch.randn(128, 384, generator=g, dtype=torch.float64).to(dtype)
        w = torch.randn(1536, 384, generator=g, dtype=torch.float64).to(dtype) / 20
        with torch.inference_mode():
            out[f"torch linear {name}"] = _digest(F.linear(x, w).numpy())
            out[f"torch softmax {name}"] = _digest(torch.softmax(x * 3, dim=-1).numpy())
            out[f"torch layer_norm {name}"] = _digest(F.layer_norm(x, (384,)).numpy())
            out[f"torch gelu {name}"] = _digest(F.gelu(x).numpy())
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 384))
    for name, A in (("f32", X.astype(np.float32)), ("f64", X)):
        out[f"numpy matmul {name}"] = _digest(A @ A.T)
        out[f"numpy row norms {name}"] = _digest(np.linalg.norm(A, axis=1))
        out[f"numpy sum {name}"] = _digest(A.sum(axis=0), A.sum(axis=1))
        out[f"numpy exp {name}"] = _digest(np.exp(A))
    return out


def _embeddings(texts: list[str], time_it: bool) -> tuple[dict, dict, object]:
    import numpy as np

    from stance.embedding import embed

    fast = embed(texts, precision="fast", use_cache=False, progress=False)
    portable = embed(texts, precision="portable", use_cache=False, progress=False)
    hashes = {"embed fast (float32)": _digest(fast),
              "embed portable": _digest(portable)}
    timing = {}
    if time_it:
        rounds: dict[str, list[float]] = {"fast": [], "portable": []}
        for _ in range(3):
            for mode in ("fast", "portable"):
                t0 = time.perf_counter()
                embed(texts, precision=mode, use_cache=False, progress=False)
                rounds[mode].append(time.perf_counter() - t0)
        med = {m: float(np.median(v)) for m, v in rounds.items()}
        timing = {"texts": len(texts), "seconds": rounds,
                  "texts_per_s": {m: round(len(texts) / s, 1) for m, s in med.items()},
                  "portable_cost": round(med["portable"] / med["fast"], 2)}
    return hashes, timing, (fast, portable)


def _downstream(vectors_file: Path, cache_dir: Path, whole_run: bool) -> dict[str, str]:
    """Hashes of the stages after the embedding, on the host's vectors (identical input)."""
    import numpy as np

    from stance.figures import project_statements
    from stance.frames import FrameModel

    data = np.load(vectors_file)
    V = data["portable"]
    texts = [str(t) for t in data["texts"]]
    out = {}
    xy, _ = project_statements(V, seed=0)
    out["statement map layout (2-D)"] = _digest(xy)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from umap import UMAP

        # UMAP as stance called it before the portable path (its own neighbours, PCA start, a/b)
        plain = UMAP(n_neighbors=15, n_components=2, metric="cosine", init="pca",
                     random_state=0, n_jobs=1, min_dist=0.1).fit_transform(V)
        out["statement map, plain UMAP (before)"] = _digest(plain)
    m = FrameModel(reducer="umap", clusterer="hdbscan", random_state=0).fit(texts, V)
    out["frames: UMAP 5-D"] = _digest(m.reduced_)
    out["frames: HDBSCAN labels"] = _digest(m.labels_)
    m = FrameModel(reducer=None, clusterer="agglomerative").fit(texts[:40], V[:40])
    out["frames: agglomerative labels"] = _digest(m.labels_, m.centroids_)
    from sklearn.decomposition import PCA

    out["PCA (scikit-learn)"] = _digest(PCA(2, random_state=0).fit_transform(V.astype(float)))

    if not whole_run:
        return out
    from stance import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        res = pipeline.run(REPO_ROOT / "corpora" / "nagorno-karabakh-2020", out=tmp,
                           progress=False, cache_dir=cache_dir)
        from stance.output import sha256_file

        for p in sorted(Path(tmp).iterdir()):
            out[f"run: {p.name}"] = sha256_file(p)[:16]
        del res
    return out


def child(args: argparse.Namespace) -> int:
    threads = os.environ.get("OMP_NUM_THREADS")
    import torch

    if threads:
        torch.set_num_threads(int(threads))
    parts = set(args.parts.split(","))
    report: dict = {"effective": _effective(), "hashes": _ops(), "timing": {}}
    if "embed" in parts:
        texts = _texts(args.texts)
        hashes, report["timing"], (fast, portable) = _embeddings(texts, args.time)
        report["hashes"].update(hashes)
        if args.save_vectors:
            import numpy as np

            np.savez(args.save_vectors, fast=fast, portable=portable, texts=np.array(texts))
    if "downstream" in parts:
        report["hashes"].update(_downstream(Path(args.vectors), Path(args.cache_dir),
                                            "run" in parts))
    sys.stdout.flush()
    print("\n@@REPORT@@" + json.dumps(report), flush=True)
    return 0


# ---------------------------------------------------------------------------------- the parent


def _verbose_isa(stdout: str) -> dict:
    isa = {}
    m = re.search(r"onednn_verbose[^\n]*,info,cpu,isa:([^\n]*)", stdout)
    if m:
        isa["onednn_isa"] = m.group(1).strip()
    else:
        isa["onednn_isa"] = "no oneDNN primitive ran (linear layers go to MKL)"
    m = re.search(r"MKL_VERBOSE SGEMM.*?(CNR:\S+).*?(NThr:\d+)", stdout)
    if m:
        isa["mkl"] = f"{m.group(1)} {m.group(2)}"
    return isa


def _run_child(name: str, env_extra: dict, argv: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(env_extra)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["STANCE_NO_RUNTIME_DEFAULTS"] = "1"  # measure the libraries, not stance's own settings
    proc = subprocess.run([sys.executable, __file__, "--child", *argv], env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode or "@@REPORT@@" not in proc.stdout:
        raise RuntimeError(f"variant {name} failed:\n{proc.stderr[-3000:]}")
    head, _, tail = proc.stdout.rpartition("@@REPORT@@")
    report = json.loads(tail)
    report["effective"].update(_verbose_isa(head))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=100)
    parser.add_argument("--only", nargs="+", choices=list(VARIANTS), help="variants to run")
    parser.add_argument("--skip-downstream", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, help="variants run side by side")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--time", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parts", default="embed", help=argparse.SUPPRESS)
    parser.add_argument("--save-vectors", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    names = ["host"] + [n for n in (args.only or VARIANTS) if n != "host"]
    reports = {}
    with tempfile.TemporaryDirectory(prefix="stance-portability-") as tmp:
        vec = Path(tmp) / "vectors.npz"
        cache = Path(tmp) / "cache"
        base = ["--texts", str(args.texts)]
        down = ["--vectors", str(vec), "--cache-dir", str(cache)]
        reports["host"] = _run_child("host", {}, [*base, "--time", "--save-vectors", str(vec)])
        if not args.skip_downstream:
            # the host's own downstream; its pipeline run fills the cache with the host's
            # vectors of the default corpus, so every child's run starts from identical vectors
            reports["host"]["hashes"].update(_run_child(
                "host", {}, [*base, *down, "--parts", "downstream,run"])["hashes"])
        def one(name: str) -> None:
            parts = [p for p in PARTS[name] if not (args.skip_downstream and p != "embed")]
            if parts:
                reports[name] = _run_child(name, VARIANTS[name],
                                           [*base, *down, "--parts", ",".join(parts)])
                print(f"{name}: done", file=sys.stderr, flush=True)

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(args.jobs) as pool:
            list(pool.map(one, names[1:]))
        names = [n for n in names if n in reports]

    ref = reports["host"]["hashes"]
    changed_by = {key: [n for n in names[1:] if reports[n]["hashes"].get(key, value) != value]
                  for key, value in ref.items()}
    tried = {key: [n for n in names[1:] if key in reports[n]["hashes"]] for key in ref}
    print_json({
        "texts": args.texts,
        "variants": {n: VARIANTS[n] for n in names},
        "effective": {n: reports[n]["effective"] for n in names},
        "changed_by": changed_by,
        "stable": sorted(k for k, v in changed_by.items() if not v),
        "variants_tried": {k: len(v) for k, v in tried.items()},
        "timing": reports["host"]["timing"],
    })
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
