"""The frames ``stance.FrameModel`` finds on the development corpus nk2020-dev, as JSON.

    python benchmarks/frames_dev.py [--corpus DIR] [--speakers YAML] [--out DIR]

Reads ``../shared/corpora/nk2020-dev`` with the default corpus's speaker registry, extracts and
embeds the statements (default model, default cache), fits ``FrameModel()`` with its defaults, and
reports: the method that ran, each frame's size, label and keywords, the statements per side and
frame, the time each stage took, whether a second fit gives identical frames, and whether a
saved and reloaded model assigns the statements identically. Prints numbers and keywords only,
never statement text. Exits 0 with a message when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "corpora" / "nk2020-dev"
SPEAKERS = REPO / "corpora" / "nagorno-karabakh-2020" / "speakers.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEV)
    parser.add_argument("--speakers", type=Path, default=SPEAKERS)
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no development corpus at {args.corpus}; nothing to do")
        return 0
    import numpy as np
    import pandas as pd

    import stance

    times = {}
    t = time.perf_counter()
    corpus = stance.read_corpus(args.corpus, speakers=args.speakers)
    statements = stance.extract_statements(corpus, progress=False)
    times["read_and_extract"] = time.perf_counter() - t
    t = time.perf_counter()
    vectors = stance.embed(statements, progress=False)
    times["embed"] = time.perf_counter() - t
    t = time.perf_counter()
    model = stance.FrameModel().fit(statements, vectors)
    times["fit"] = time.perf_counter() - t
    again = stance.FrameModel().fit(statements, vectors)
    with tempfile.TemporaryDirectory() as tmp:
        loaded = stance.FrameModel.load(model.save(tmp))
        same_after_load = bool(np.array_equal(loaded.predict(None, vectors),
                                              model.predict(None, vectors)))
    st = model.statements_
    by_side = pd.crosstab(st["side"].replace("", "(unresolved)"), st["frame"])
    print(json.dumps({
        "corpus": str(args.corpus), "articles": len(corpus.articles),
        "statements": len(statements), "method": model.method_,
        "frames": [{"frame": int(r.frame), "size": int(r.size), "label": r.label,
                    "keywords": list(r.keywords)} for r in model.frames_.itertuples()],
        "outliers": int((st["frame"] < 0).sum()),
        "statements_by_side_and_frame": {side: {str(k): int(v) for k, v in row.items() if v}
                                         for side, row in by_side.iterrows()},
        "identical_on_refit": bool(again.frames_.equals(model.frames_)
                                   and again.statements_.equals(model.statements_)),
        "identical_after_save_load": same_after_load,
        "seconds": {k: round(v, 2) for k, v in times.items()},
    }, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
