"""The summary of a read corpus, as text (``stance corpus``) or plain data (``--json``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance import tables

if TYPE_CHECKING:
    from stance.read._corpus import Corpus, ReadReport


def _counts(values) -> dict[str, int]:
    """Non-empty values with their counts, most frequent first, then alphabetical."""
    counter = Counter(v for v in values if isinstance(v, str) and v)
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _flag_counts(flags) -> dict[str, int]:
    return _counts(f for value in flags for f in tables.split_flags(value))


def _date_range(corpus: Corpus) -> list[str] | None:
    dates = corpus.articles["date"].dropna()
    if dates.empty:
        return None
    return [dates.min().date().isoformat(), dates.max().date().isoformat()]


def _registry_info(registry: Any) -> dict[str, Any] | None:
    if registry is None:
        return None
    path = getattr(registry, "path", None)
    return {"path": Path(path).as_posix() if path else None,
            "speakers": len(getattr(registry, "speakers", {}) or {}),
            "sides": len(getattr(registry, "sides", {}) or {})}


def corpus_dict(corpus: Corpus, examples: int = 3) -> dict[str, Any]:
    """The summary as JSON-ready data: counts, per-article metadata, repairs, skips, warnings."""
    a = corpus.articles
    reps = corpus.repairs
    by_kind = {}
    for kind, group in reps.groupby("kind", sort=True):
        by_kind[str(kind)] = {
            "count": len(group),
            "examples": [{"article_id": r.article_id, "before": r.before, "after": r.after}
                         for r in group.head(examples).itertuples()],
        }
    return {
        "name": corpus.name,
        "path": corpus.path.as_posix(),
        "n_articles": len(a),
        "date_range": _date_range(corpus),
        "sources": _counts(a["source"]),
        "authors": _counts(a["author"]),
        "credits": _counts(a["credit"]),
        "flags": _flag_counts(a["flags"]),
        "registry": _registry_info(corpus.registry),
        "repairs": {"count": len(reps), "by_kind": by_kind},
        "files_read": list(corpus.report.files_read),
        "skipped": [{"path": p, "reason": r} for p, r in corpus.report.skipped],
        "warnings": [{"path": p, "message": m} for p, m in corpus.report.warnings],
        "articles": [
            {"article_id": r.article_id, "date": r.date.date().isoformat(), "source": r.source,
             "url": r.url, "title": r.title, "author": r.author, "credit": r.credit,
             "chars": len(r.text), "flags": r.flags, "path": r.path}
            for r in a.itertuples()
        ],
    }


def _count_line(label: str, counts: dict[str, int], limit: int = 12) -> str:
    if not counts:
        return f"{label}: none"
    shown = ", ".join(f"{k} ({v})" for k, v in list(counts.items())[:limit])
    more = f", ... {len(counts) - limit} more" if len(counts) > limit else ""
    return f"{label}: {len(counts)}: {shown}{more}"


def corpus_text(corpus: Corpus, max_articles: int = 25) -> str:
    """A readable summary of the corpus and of its read report."""
    d = corpus_dict(corpus)
    lines = [f"corpus {d['name']} ({d['path']})", f"articles: {d['n_articles']}"]
    if d["date_range"]:
        lines.append(f"dates: {d['date_range'][0]} to {d['date_range'][1]}")
    lines.append(_count_line("sources", d["sources"]))
    lines.append(_count_line("authors (primary sources)", d["authors"]))
    lines.append(_count_line("credits (photo credits, not speakers)", d["credits"]))
    lines.append(_count_line("flags", d["flags"]))
    reg = d["registry"]
    lines.append("speaker registry: " + (
        "none" if reg is None or not reg["path"] else
        f"{reg['speakers']} speakers, {reg['sides']} sides ({Path(reg['path']).name})"))
    for art in d["articles"][:max_articles]:
        meta = "  ".join(x for x in (art["source"] or "-", art["url"],
                                     f"© {art['credit']}" if art["credit"] else "",
                                     f"by {art['author']}" if art["author"] else "",
                                     f"[{art['flags']}]" if art["flags"] else "") if x)
        lines.append(f"  {art['date']}  {art['article_id']}  {art['chars']} chars  {meta}")
    if len(d["articles"]) > max_articles:
        lines.append(f"  ... {len(d['articles']) - max_articles} more articles (--json lists all)")
    lines.append(corpus.report.summary())
    return "\n".join(lines)


def report_text(report: ReadReport, examples: int = 3) -> str:
    """Files read, repairs by kind (with a few examples), skipped files and warnings."""
    lines = [f"files read: {len(report.files_read)}"]
    reps = report.repairs
    if len(reps):
        n_art = reps["article_id"].nunique()
        lines.append(f"repairs: {len(reps)} in {n_art} article{'s' * (n_art != 1)}")
        for kind, group in reps.groupby("kind", sort=True):
            if kind == "damaged":
                shown = ", ".join(repr(b[:60]) for b in group["before"][:examples])
            else:
                shown = ", ".join(f"{b!r} -> {a!r}" for b, a in
                                  zip(group["before"][:examples], group["after"][:examples],
                                      strict=True))
            lines.append(f"  {kind}: {len(group)}  e.g. {shown}")
    else:
        lines.append("repairs: none")
    lines.append(f"skipped: {len(report.skipped) or 'none'}")
    lines += [f"  {p}: {r}" for p, r in report.skipped]
    lines.append(f"warnings: {len(report.warnings) or 'none'}")
    lines += [f"  {p}: {m}" for p, m in report.warnings]
    return "\n".join(lines)
