"""Speaker registry: resolution speed (uncached vs cached, side by side) and, when ``../shared`` is
present, how the registry resolves the speaker mentions of the development corpus's gold.

    python benchmarks/speakers_resolve.py [--registry FILE] [--gold DIR] [--mentions N]

Prints one JSON object. Speed: ``--mentions`` mentions (default 200,000, about 10,000 articles of
20 speaker mentions) drawn with a fixed seed from the registry's own names, aliases and role phrases
in the forms news text uses ("X, a spokesman", "Y's", "the Z"); each is resolved once by a fresh
registry without a cache (every call computed) and once with the cache. Gold: every gold mention that
is not a pronoun or a document ("he", "the statement") is resolved; ``side_right`` counts the
mentions whose speaker has the gold side, ``name_right`` those whose canonical name equals the gold's.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import REPO_ROOT, SHARED_DIR
from stance.speakers import Registry, load_registry

DEFAULT_REGISTRY = REPO_ROOT / "corpora" / "nagorno-karabakh-2020" / "speakers.yaml"
DEFAULT_GOLD = SHARED_DIR / "corpora" / "nk2020-dev-gold"
_NOT_NAMES = {"he", "she", "it", "they", "the statement", "the statements", "the ministry", ""}
_FORMS = ["{}", "the {}", "{}'s", "{}, a spokesman", "{} on Monday", "{}, speaking to reporters",
          "a source close to {}", "{} (pictured)"]


def _mentions(registry: Registry, n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    names = sorted({a for sp in registry.speakers.values() for a in (sp.name, *sp.aliases)})
    names += ["Monday", "the journalist", "residents of the town", "International law"]
    distinct = [form.format(name) for name in names for form in _FORMS]
    # a news corpus repeats its mentions: draw with a heavy head (Zipf-like) over the variants
    weights = [1.0 / (k + 1) for k in range(len(distinct))]
    rng.shuffle(distinct)
    return rng.choices(distinct, weights=weights, k=n)


def speed(path: Path, n: int) -> dict:
    mentions = _mentions(load_registry(path), n)
    uncached = load_registry(path)
    t0 = time.perf_counter()
    for m in mentions:
        uncached.clear_cache()
        uncached.resolve(m)
    t_uncached = time.perf_counter() - t0
    cached = load_registry(path)
    t0 = time.perf_counter()
    for m in mentions:
        cached.resolve(m)
    t_cached = time.perf_counter() - t0
    return {"mentions": n, "distinct": len(set(mentions)),
            "uncached_us_per_mention": round(t_uncached / n * 1e6, 2),
            "cached_us_per_mention": round(t_cached / n * 1e6, 2),
            "uncached_seconds": round(t_uncached, 3), "cached_seconds": round(t_cached, 3),
            "speedup_of_cache": round(t_uncached / t_cached, 1) if t_cached else None}


def gold(path: Path, gold_dir: Path) -> dict | None:
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        return None
    registry = load_registry(path)
    total = side_right = name_right = unresolved = 0
    wrong: list[dict] = []
    for f in files:
        for s in json.loads(f.read_text(encoding="utf-8")).get("statements", []):
            mention = s.get("mention", "")
            if mention.strip().lower() in _NOT_NAMES:
                continue
            total += 1
            sp = registry.resolve(mention)
            if sp is None:
                unresolved += 1
                wrong.append({"mention": mention, "gold": s["speaker"], "got": None})
                continue
            side_right += sp.side == s["side"]
            name_right += sp.name == s["speaker"]
            if sp.side != s["side"]:
                wrong.append({"mention": mention, "gold": s["speaker"], "got": sp.name})
    return {"gold_mentions": total, "side_right": side_right, "name_right": name_right,
            "unresolved": unresolved, "side_accuracy": round(side_right / total, 3) if total else None,
            "not_right": wrong}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY)
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--mentions", type=int, default=200_000)
    args = ap.parse_args(argv)
    out = {"registry": str(args.registry), "speed": speed(args.registry, args.mentions)}
    if args.gold.is_dir():
        out["dev_gold"] = gold(args.registry, args.gold)
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
