"""``stance cache info|clear``: size and entries of the embedding cache; empty it."""

from __future__ import annotations

import argparse

NAME = "cache"
HELP = "show the embedding cache (folder, size, entries per model) or clear it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["info", "clear"],
                        help="info: folder, bytes and entries per model; clear: delete entries")
    parser.add_argument("--cache-dir", default=None,
                        help="cache folder (default: $STANCE_CACHE_DIR, else "
                             "~/.cache/stance/embeddings)")
    parser.add_argument("--model", default=None, metavar="FINGERPRINT",
                        help="clear: only the entries of this model fingerprint (or a prefix of "
                             "it, as shown by `stance cache info`), in every precision, or in "
                             "one: FINGERPRINT:portable or FINGERPRINT:fast")


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def run(args: argparse.Namespace) -> int:
    from stance.embedding._embed import EmbeddingCache

    cache = EmbeddingCache(args.cache_dir)
    info = cache.info()
    if args.action == "info":
        print(f"cache: {info['file']}")
        print(f"size: {_human(info['bytes'])} ({info['bytes']} bytes), "
              f"entries: {info['entries']}")
        for m in info["models"]:
            fp, _, precision = m["fingerprint"].partition(":")
            print(f"  {fp[:16]}  {precision or '(old)':<8}  dim {m['dim']:>4}  "
                  f"{m['entries']:>8} entries  {m['name']}")
        return 0
    fp = None
    if args.model:
        # a model's entries are kept per precision ("<fingerprint>:portable", ":fast")
        matches = [m["fingerprint"] for m in info["models"]
                   if m["fingerprint"].startswith(args.model)]
        if len({m.partition(":")[0] for m in matches}) != 1:
            raise ValueError(f"--model {args.model!r} matches {len(matches)} models in the cache "
                             f"{info['file']} (see `stance cache info`)")
        fp = matches
    removed = sum(cache.clear(m) for m in fp) if fp else cache.clear()
    print(f"cleared {removed} entries from {info['file']}; now {_human(cache.size())}")
    return 0
