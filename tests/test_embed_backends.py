"""The ONNX Runtime int8 backend of the bundled MiniLM: exported once, close to fp32, text-only."""

from __future__ import annotations

import numpy as np
import pytest

import stance

TEXTS = ["The ceasefire was violated near the northern bank.",
         "Our forces will not retreat.",
         "Negotiations must resume before more civilians are killed in the valley.",
         "Drones hit homes."]


@pytest.mark.slow
def test_int8_backend_is_exported_once_keyed_and_close_to_fp32(tmp_path, st_model):
    from stance.embedding import model_fingerprint
    from stance.embedding._backends import models_dir

    int8 = stance.embed(TEXTS, "minilm-int8", cache_dir=tmp_path, progress=False,
                        precision="fast")
    folders = [p for p in models_dir().iterdir() if p.name.startswith("minilm-int8-")]
    assert len(folders) == 1 and (folders[0] / "model.onnx").is_file()
    again = stance.embed(TEXTS, "minilm-int8", cache_dir=tmp_path, progress=False,
                        precision="fast")
    assert [p for p in models_dir().iterdir() if p.name.startswith("minilm-int8-")] == folders
    assert again.tobytes() == int8.tobytes()
    # its own cache key: never the fp32 model's vectors
    assert model_fingerprint(folders[0]) == model_fingerprint("minilm-int8")
    assert model_fingerprint("minilm-int8") != model_fingerprint(None)
    fp32 = stance.embed(TEXTS, st_model, use_cache=False, progress=False)
    cosines = np.sum(int8 * fp32, axis=1)
    assert cosines.min() > 0.95
    # a text's vector depends on the text alone, not on its batch-mates
    alone = stance.embed(TEXTS[2:3], "minilm-int8", use_cache=False, progress=False,
                         precision="fast")
    assert alone.tobytes() == int8[2:3].tobytes()
