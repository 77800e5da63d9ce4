"""Stance toward targets: zero-shot, logistic regression and SetFit on the development labels.

    python benchmarks/stance_methods.py [--shared DIR] [--labels FILE] [--n-boot N] [--cv K]
                                        [--num-iterations N] [--methods zero-shot,logistic,setfit]

The hand labels of ``benchmarks/labels/ceasefire-nk2020-dev.csv`` (statement_id, target,
position; the texts stay in ``../shared``) against the statements that ``stance`` extracts from
``../shared/corpora/nk2020-dev`` with the default corpus's registry, scored by
:func:`stance.targets.compare_stance_methods`:

* ``zero-shot``: the default zero-shot model (its thresholds were chosen on written examples,
  not on these labels), over all labelled statements;
* ``logistic``: :class:`stance.targets.StanceClassifier` on the embeddings, out-of-fold;
* ``setfit``: :class:`stance.targets.SetFitStance` (SetFit fine-tuning of the bundled
  all-MiniLM-L6-v2 on pairs of the training folds' labels, then a logistic head), out-of-fold,
  on the same folds (stratified group k-fold by article, seed 0).

Accuracy and macro-F1 with 95 % bootstrap intervals resampling articles, each trained method's
accuracy minus zero-shot's with a paired interval, the majority-label baseline, and the method
:func:`stance.targets.corpus_stance` (``method="cv"``) would choose. These are numbers on the
development labels: the zero-shot thresholds and the SetFit settings were not tuned on them, but
the same 44 labels also chose nothing else, so there is no held-out set yet. Deterministic (CPU,
fixed seeds); SetFit costs about a minute of CPU per fold. Prints one JSON object; skipped with a
message when ``../shared`` is absent.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import print_json
from benchmarks.stance_agreement import DEFAULT_CORPUS, dev_parser


def dev_methods(shared: Path, labels_path: Path, methods: list[str], *, n_boot: int, cv: int,
                setfit_params: dict[str, Any]) -> dict[str, Any]:
    """The three stance methods against the hand labels of nk2020-dev, per labelled target."""
    from stance.embedding import embed
    from stance.extract import extract_statements
    from stance.read import read_corpus
    from stance.targets import compare_stance_methods, get_target, load_targets, read_labels

    targets = load_targets(read_corpus(DEFAULT_CORPUS).config, str(DEFAULT_CORPUS / "corpus.yaml"))
    corpus = read_corpus(shared / "corpora" / "nk2020-dev",
                         speakers=DEFAULT_CORPUS / "speakers.yaml")
    statements = extract_statements(corpus, progress=False)
    vectors = embed(statements, progress=False)
    labels = read_labels(labels_path, targets)

    def embed_fn(texts: Any) -> Any:
        return embed(list(texts), progress=False)

    out: dict[str, Any] = {"statements": len(statements), "articles": len(corpus.articles),
                           "setfit_params": setfit_params}
    for name in sorted(set(labels["target"])):
        start = time.perf_counter()
        out[name] = compare_stance_methods(labels, statements, vectors, get_target(targets, name),
                                           embed_fn, methods=methods, cv=cv, n_boot=n_boot,
                                           seed=0, setfit_params=setfit_params)
        out[name]["seconds"] = round(time.perf_counter() - start, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = dev_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--num-iterations", type=int, default=None,
                        help="SetFit pairs per labelled text / 2 (default: SetFitStance's)")
    parser.add_argument("--methods", default="zero-shot,logistic,setfit")
    args = parser.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    setfit_params = ({} if args.num_iterations is None
                     else {"num_iterations": args.num_iterations})
    dev = args.shared / "corpora" / "nk2020-dev"
    if not dev.is_dir():
        msg = f"{dev} not found: the development corpus is read from ../shared at run time"
        print(f"skipped: {msg}", file=sys.stderr)
        print_json({"dev": {"skipped": msg}})
        return 0
    print_json({"dev": dev_methods(args.shared, args.labels, methods, n_boot=args.n_boot,
                                   cv=args.cv, setfit_params=setfit_params)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
