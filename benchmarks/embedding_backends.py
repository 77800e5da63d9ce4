"""Fast embedding backends of the bundled MiniLM beside ``SentenceTransformer.encode``, one run.

    python benchmarks/embedding_backends.py [--n-speed 1000] [--rounds 3] [--skip NAME ...]

Backends (each built from the offline model folder, nothing downloaded):

* ``encode``: ``SentenceTransformer.encode`` (PyTorch, fp32), the reference.
* ``onnx-fp32``: the transformer exported with ``torch.onnx.export``, run by ONNX Runtime
  (``stance.embedding._backends``, model name ``minilm-onnx``).
* ``onnx-int8``: the same export quantised by ONNX Runtime's ``quantize_dynamic`` (int8 weights
  per channel, int8 activations), one text per call as ``stance`` runs it (model ``minilm-int8``).
* ``onnx-int8-batched``: the same model fed batches of 64 (faster, but a text's vector then
  depends on its batch-mates; for information).
* ``openvino-fp32`` / ``openvino-int8``: OpenVINO's runtime on the same two ONNX files (when the
  ``openvino`` package is installed; optimum-intel is not needed).
* ``model2vec``: a static model2vec distillation of the same MiniLM (``model2vec.distill``,
  PCA to 256 dimensions), when ``model2vec`` is installed.

Throughput: texts per second on ``--n-speed`` generated statement-like texts of mixed length
(``benchmarks/embedding_speed.make_texts``), every backend timed in each of ``--rounds`` rounds in
a rotating order; the ratio to ``encode`` is the median of the per-round ratios (each round's
backends ran back to back), in wall time and in CPU time of this process (less sensitive to the
other processes of a shared machine). Quality against the fp32 vectors of ``encode`` on real statements:
the Spearman correlation of all pairwise cosine similarities, and the adjusted Rand index between
the frames ``FrameModel()`` finds with the backend's vectors and with the fp32 ones (and the same
with agglomerative frames without UMAP, ``frame_ari_agglomerative``), beside a noise floor: the
same measures for the fp32 vectors plus noise of 1e-6 per coordinate, which shows how much of an
ARI below 1 is UMAP's sensitivity to the last digits rather than the backend; on the
development corpus (``../shared/corpora/nk2020-dev``, the issue's measure) and, held out, on the
default corpus (``corpora/nagorno-karabakh-2020``). Targets: Spearman >= 0.98 and ARI >= 0.9 on
both; throughput >= 2.5x ``encode``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, SHARED_DIR, print_json
from benchmarks.embedding_speed import make_texts

SPEARMAN_TARGET = 0.98
ARI_TARGET = 0.9
SPEED_TARGET = 2.5
DEV = SHARED_DIR / "corpora" / "nk2020-dev"
HELD_OUT = REPO_ROOT / "corpora" / "nagorno-karabakh-2020"
SPEAKERS = HELD_OUT / "speakers.yaml"

Encoder = Callable[[list[str]], np.ndarray]


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def _pooled(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask.astype(np.float32)[..., None]
    return (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)


def build_encoders(tmp: Path, skip: set[str]) -> tuple[dict[str, Encoder], dict[str, str]]:
    """{backend name: texts -> vectors} and {backend: why it is missing}."""
    from stance.embedding import load_model
    from stance.embedding._backends import OnnxEncoder, backend_folder

    st = load_model()
    encoders: dict[str, Encoder] = {
        "encode": lambda t: st.encode(t, batch_size=64, convert_to_numpy=True,
                                      show_progress_bar=False)}
    missing: dict[str, str] = {}
    folders = {"fp32": backend_folder("minilm-onnx", tmp), "int8": backend_folder("minilm-int8",
                                                                                     tmp)}
    onnx32, onnx8 = OnnxEncoder(folders["fp32"]), OnnxEncoder(folders["int8"])
    encoders["onnx-fp32"] = lambda t: onnx32.encode(t, batch_size=64)
    encoders["onnx-int8"] = onnx8.encode
    encoders["onnx-int8-batched"] = lambda t: np.concatenate(
        [onnx8._run(onnx8.tokenize(t[i:i + 64])) for i in range(0, len(t), 64)])
    try:
        import openvino as ov
    except ImportError:
        missing["openvino"] = "the openvino package is not installed"
    else:
        core = ov.Core()
        for kind, folder in folders.items():
            name = f"openvino-{kind}"
            if name in skip:
                continue
            try:
                compiled = core.compile_model(str(folder / "model.onnx"), "CPU")
            except Exception as exc:  # noqa: BLE001 - report why a backend is missing
                missing[name] = f"OpenVINO cannot compile it: {exc}"[:300]
                continue

            def run_ov(texts: list[str], compiled=compiled, tok=onnx32) -> np.ndarray:
                out = []
                for i in range(0, len(texts), 64):
                    f = tok.tokenize(texts[i:i + 64])
                    feeds = {k: f[k].astype(np.int64) for k in tok.inputs}
                    out.append(_pooled(compiled(feeds)[0], f["attention_mask"]))
                return np.concatenate(out)

            encoders[name] = run_ov
    if "model2vec" not in skip:
        try:
            from model2vec.distill import distill
        except ImportError:
            missing["model2vec"] = "the model2vec package is not installed"
        else:
            from stance.embedding import default_model_path

            static = distill(model_name=str(default_model_path()), pca_dims=256)
            encoders["model2vec"] = lambda t: static.encode(t, batch_size=1024)
    return {k: v for k, v in encoders.items() if k not in skip}, missing


def statements_of(corpus: Path) -> tuple[list[str], object]:
    import stance

    c = stance.read_corpus(corpus, speakers=SPEAKERS)
    st = stance.extract_statements(c, progress=False)
    return st["text"].tolist(), st


def spearman_pairwise(ref: np.ndarray, other: np.ndarray) -> float:
    from scipy.stats import spearmanr

    iu = np.triu_indices(len(ref), k=1)
    a, b = _unit(ref), _unit(other)
    return float(spearmanr((a @ a.T)[iu], (b @ b.T)[iu]).statistic)


def frame_ari(statements, ref: np.ndarray, other: np.ndarray, **params) -> float:
    """ARI between the frames ``FrameModel(**params)`` finds with ``ref`` and with ``other``."""
    from sklearn.metrics import adjusted_rand_score

    import stance

    labels = [stance.FrameModel(**params).fit(statements, v.astype(np.float32))
              .statements_["frame"] for v in (_unit(ref), _unit(other))]
    return float(adjusted_rand_score(labels[0], labels[1]))


#: frames without UMAP (agglomerative on cosine distance): what the vectors decide, without
#: UMAP's sensitivity to the last digits
STABLE_FRAMES = {"reducer": None, "clusterer": "agglomerative"}


def noise_floor(statements, ref: np.ndarray, seed: int = 0) -> dict:
    """Frame ARI of fp32 against fp32 plus noise of 1e-6 per coordinate (far below any backend's
    differences): how much of a backend's ARI is the frame method's own instability; and of two
    fits on the very same vectors (1.0: the frame method is deterministic)."""
    rng = np.random.default_rng(seed)
    noisy = _unit(ref) + rng.normal(scale=1e-6, size=ref.shape)
    return {"frame_ari_same_vectors_twice": round(frame_ari(statements, ref, ref), 4),
            "frame_ari": round(frame_ari(statements, ref, noisy), 4),
            "frame_ari_agglomerative": round(frame_ari(statements, ref, noisy, **STABLE_FRAMES),
                                             4),
            "spearman_pairwise_cosine": round(spearman_pairwise(ref, noisy), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-speed", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[])
    parser.add_argument("--model2vec", action="store_true",
                        help="also distil and measure a model2vec static model (minutes; needs "
                             "model2vec[distill], whose pins conflict with transformers 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stance-backends-") as tmp:
        t = time.perf_counter()
        skip = set(args.skip) | (set() if args.model2vec else {"model2vec"})
        encoders, missing = build_encoders(Path(tmp), skip)
        if not args.model2vec:
            missing["model2vec"] = "not asked for (--model2vec)"
        setup = time.perf_counter() - t
        texts = make_texts(args.n_speed, seed=3)
        for enc in encoders.values():  # warm-up: threads, allocators, compiled kernels
            enc(texts[:64])
        times: dict[str, list[float]] = {k: [] for k in encoders}
        cpu: dict[str, list[float]] = {k: [] for k in encoders}
        names = list(encoders)
        for r in range(args.rounds):
            for name in names[r % len(names):] + names[:r % len(names)]:
                t, c = time.perf_counter(), time.process_time()
                encoders[name](texts)
                times[name].append(time.perf_counter() - t)
                cpu[name].append(time.process_time() - c)
        sets = {"dev (nk2020-dev)": DEV, "held-out (nagorno-karabakh-2020)": HELD_OUT}
        quality: dict[str, dict] = {}
        for label, folder in sets.items():
            if not folder.is_dir():
                quality[label] = {"skipped": f"no corpus at {folder}"}
                continue
            stexts, table = statements_of(folder)
            ref = encoders["encode"](stexts)
            rows = {}
            for name, enc in encoders.items():
                if name == "encode":
                    continue
                vec = enc(stexts)
                rows[name] = {"spearman_pairwise_cosine": round(spearman_pairwise(ref, vec), 4),
                              "frame_ari": round(frame_ari(table, ref, vec), 4),
                              "frame_ari_agglomerative": round(
                                  frame_ari(table, ref, vec, **STABLE_FRAMES), 4),
                              # a model of other dimensions (model2vec: 256) has no
                              # vector-to-vector cosine with fp32, only the pairwise measures
                              "mean_cosine_to_fp32": round(float(np.mean(np.sum(
                                  _unit(ref) * _unit(vec), axis=1))), 4)
                              if vec.shape == ref.shape else None}
            quality[label] = {"statements": len(stexts), "backends": rows,
                              "noise_floor_fp32_plus_1e-6": noise_floor(table, ref)}
    speed = {}
    for name in encoders:
        ratios = [e / t for e, t in zip(times["encode"], times[name], strict=True)]
        cpu_ratios = [e / t for e, t in zip(cpu["encode"], cpu[name], strict=True)]
        speed[name] = {"texts_per_second": round(args.n_speed / min(times[name]), 1),
                       "ratio_to_encode_median_of_rounds": round(float(np.median(ratios)), 3),
                       "cpu_time_ratio_to_encode_median_of_rounds": round(
                           float(np.median(cpu_ratios)), 3),
                       "seconds": [round(x, 3) for x in times[name]],
                       "cpu_seconds": [round(x, 3) for x in cpu[name]]}
    verdict = {}
    for name in encoders:
        if name == "encode":
            continue
        q = [quality[k]["backends"][name] for k in quality if "backends" in quality[k]]
        keeps = all(r["spearman_pairwise_cosine"] >= SPEARMAN_TARGET
                    and r["frame_ari"] >= ARI_TARGET for r in q)
        keeps_stable = all(r["spearman_pairwise_cosine"] >= SPEARMAN_TARGET
                           and r["frame_ari_agglomerative"] >= ARI_TARGET for r in q)
        best = max(speed[name]["ratio_to_encode_median_of_rounds"],
                   speed[name]["cpu_time_ratio_to_encode_median_of_rounds"])
        verdict[name] = {"keeps_quality_default_frames": keeps,
                         "keeps_quality_agglomerative_frames": keeps_stable,
                         "speed_target_met": best >= SPEED_TARGET}
    import onnxruntime

    print_json({"texts_for_speed": args.n_speed, "rounds": args.rounds,
                "setup_seconds": round(setup, 1), "onnxruntime": onnxruntime.__version__,
                "targets": {"spearman": SPEARMAN_TARGET, "frame_ari": ARI_TARGET,
                            "speed_ratio": SPEED_TARGET},
                "speed": speed, "quality": quality, "verdict": verdict, "missing": missing})
    return 0


if __name__ == "__main__":
    sys.exit(main())
