"""``stance run [PATH] [--config FILE] [--out DIR]``: the main job, from a corpus to figures.

Reads the corpus, extracts statements, embeds them (with the disk cache, so a re-run is fast),
fits frames, runs the comparisons and draws every figure; writes the tables, figures and
``manifest.json`` into DIR (default ``figures/<corpus name>/``). See ``stance.pipeline.run``.
"""

from __future__ import annotations

import argparse

NAME = "run"
HELP = ("run the whole analysis on a corpus: statements, embeddings, frames, comparisons, "
        "figures, tables and manifest.json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=None,
                        help="corpus folder or article file (default: the default corpus)")
    parser.add_argument("--config", default=None, metavar="FILE",
                        help="run configuration (YAML) overriding corpus.yaml: model, seed, "
                             "time_bin, level, n_boot, sides, axes, figures, formats, ...")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output folder (default: figures/<corpus name>/ of the checkout)")
    parser.add_argument("--precision", choices=("portable", "fast"), default=None,
                        help="embedding precision: portable (the default; the same vectors on "
                             "any x86-64 CPU and thread count) or fast (float32, quicker, "
                             "vectors differ in the last digits between machines)")
    parser.add_argument("--stance-method", choices=("auto", "cv", "zero-shot", "logistic", "setfit"),
                        default=None,
                        help="stance model of a target with enough hand labels in the corpus's "
                             "labels/ folder: auto (the default: logistic), logistic, setfit "
                             "(needs stance[setfit]), zero-shot (never a trained one) or cv (the "
                             "best by cross-validated accuracy); run config key stance_method")
    parser.add_argument("--quiet", action="store_true", help="no stage lines or progress bars")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes for extraction and embedding (default 1; the outputs "
                             "are the same bytes whatever N)")
    parser.add_argument("--scheduler", default=None, metavar="dask://HOST:PORT",
                        help="run extraction and embedding on a running Dask cluster")
    parser.add_argument("--partition-size", type=int, default=None, metavar="ARTICLES",
                        help="articles per partition (default 200)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from stance.pipeline import run as run_pipeline

    if args.config is not None and not Path(args.config).is_file():
        raise FileNotFoundError(f"config file {args.config} not found")
    overrides = {key: value for key, value in (("workers", args.workers),
                                               ("scheduler", args.scheduler),
                                               ("partition_size", args.partition_size),
                                               ("precision", args.precision),
                                               ("stance_method", args.stance_method))
                 if value is not None}
    result = run_pipeline(args.path, config=args.config, out=args.out, progress=not args.quiet,
                          overrides=overrides)
    print(f"wrote {len(result.outputs)} files to {result.out}; check them with "
          f"`stance verify {result.out}`")
    return 0
