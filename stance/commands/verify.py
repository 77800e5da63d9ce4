"""``stance verify [DIR] [--hashes | --rerun]``: check a run's outputs.

``--hashes`` (the default) re-hashes the folder's files against its own ``manifest.json``: it
finds files changed after the run, not whether the run reproduces. ``--rerun`` runs the analysis
again from the manifest's recorded inputs and settings into a temporary folder, with an empty
embedding cache, and compares every output: identical, or which files differ and by how much,
and what differs between the two machines' manifests (package versions, CPU, threads). Both exit
with 0 only when everything matches.
"""

from __future__ import annotations

import argparse

NAME = "verify"
HELP = ("check a run's outputs: re-hash them against manifest.json (--hashes, the default), or "
        "re-run the analysis and compare every output byte for byte (--rerun)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", nargs="?", default=None,
                        help="output folder of `stance run` (default: figures/<default corpus>)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--hashes", action="store_true",
                      help="re-hash the files against the folder's manifest (the default)")
    mode.add_argument("--rerun", action="store_true",
                      help="re-run the recorded analysis in a temporary folder and compare")
    parser.add_argument("--corpus", default=None, metavar="PATH",
                        help="with --rerun: the corpus, if not where the manifest records it")
    parser.add_argument("--keep", default=None, metavar="DIR",
                        help="with --rerun: write the re-run into DIR and keep it")
    parser.add_argument("--use-cache", action="store_true",
                        help="with --rerun: reuse the embedding cache (default: an empty one)")
    parser.add_argument("--progress", action="store_true",
                        help="with --rerun: show the pipeline's stage lines")


def run(args: argparse.Namespace) -> int:
    from stance.config import PROJECT_ROOT, default_corpus_path

    out = args.dir or PROJECT_ROOT / "figures" / default_corpus_path().name
    if args.rerun:
        from stance.reproduce import rerun

        result = rerun(out, corpus=args.corpus, keep=args.keep, use_cache=args.use_cache,
                       progress=args.progress)
    else:
        from stance.manifest import verify_outputs

        result = verify_outputs(out)
    print(result.summary())
    return 0 if result.passed else 1
