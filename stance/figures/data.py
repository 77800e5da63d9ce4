"""The numbers behind each figure: :func:`figure_tables` runs the comparisons of
:mod:`stance.compare` on a statements table (with a ``frame`` column) and its vectors, and shapes
each result into the table its figure function draws (the ``*_COLUMNS`` of each figure module).

A comparison that cannot be made (too few statements, speakers, sides or time bins; no frame axes)
gives a note table (one column ``note``) saying why, and its figure becomes a note figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from stance.figures.frame_axes import AXIS_COLUMNS
from stance.figures.shares import SPEAKER_SHARE_COLUMNS, TIME_SHARE_COLUMNS
from stance.figures.similarity import CONVERGENCE_COLUMNS, SIMILARITY_COLUMNS, TREND
from stance.figures.statement_map import POINT_COLUMNS, project_statements
from stance.figures.style import note_table, plural
from stance.figures.terms import TERM_COLUMNS

#: sides that are not a party of their own (left out of the side comparisons)
NON_SIDES = ("", "other", "unknown")


@dataclass
class Settings:
    """What the comparisons need from the run config."""

    seed: int = 0
    time_bin: str | None = "W"
    level: str = "speaker"
    n_boot: int = 1000
    sides: list[str] | None = None
    axes: Any = None
    targets: Any = None
    labels_dir: Any = None
    max_groups: int = 12
    max_sides: int = 4
    min_statements: int = 2
    notes: list[str] = field(default_factory=list)


def group_column(statements: pd.DataFrame, registry: Any, level: str) -> pd.Series:
    """The speaker grouping of each statement at ``level`` (speaker | organisation | side);
    empty for statements without a resolved speaker."""
    if level not in ("speaker", "organisation", "person", "side"):
        raise ValueError(f"level must be speaker, organisation or side, got {level!r}")
    if level == "side":
        return statements["side"].where(statements["speaker"] != "", "")
    if level in ("speaker", "person") or registry is None:
        return statements["speaker"].astype(str)

    def up(sp: str) -> str:
        if not sp:
            return ""
        try:
            return registry.roll_up(sp, "organisation")
        except (KeyError, ValueError):
            return sp
    return statements["speaker"].map(up)


def group_labels(groups: list[str], registry: Any, statements: pd.DataFrame,
                 level: str) -> dict[str, str]:
    """Readable names of groups (registry names; side labels at side level)."""
    sides = getattr(registry, "sides", {}) or {}
    speakers = getattr(registry, "speakers", {}) or {}
    names = statements.drop_duplicates("speaker").set_index("speaker")["speaker_name"]
    out = {}
    for g in groups:
        if level == "side" and g in sides:
            out[g] = sides[g].label
        elif g in speakers:
            out[g] = speakers[g].name
        else:
            out[g] = str(names.get(g, g) or g)
    return out


def _group_side(statements: pd.DataFrame) -> dict[str, str]:
    sides = statements.groupby("group")["side"].agg(lambda s: s.value_counts().index[0])
    return sides.to_dict()


def choose_sides(statements: pd.DataFrame, settings: Settings) -> list[str]:
    """The sides to compare: the configured ones first, then the sides with most statements (not
    other/unknown), at most ``max_sides``."""
    counts = statements.loc[~statements["side"].isin(NON_SIDES), "side"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    chosen = [s for s in (settings.sides or []) if s in counts.index]
    chosen += [s for s in counts.index if s not in chosen]
    return chosen[: max(settings.max_sides, len(settings.sides or []))]


def choose_groups(statements: pd.DataFrame, settings: Settings) -> list[str]:
    """The speaker groups with at least ``min_statements`` statements, most statements first
    (at most ``max_groups``)."""
    counts = statements.loc[statements["group"] != "", "group"].value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    return [g for g, n in counts.items() if n >= settings.min_statements][: settings.max_groups]


def omitted_note(statements: pd.DataFrame, s: Settings) -> str:
    """Which statements the speaker figures leave out, in words."""
    kept = set(choose_groups(statements, s))
    counts = statements.loc[statements["group"] != "", "group"].value_counts()
    few = counts[[g not in kept for g in counts.index]]
    unresolved = int((statements["group"] == "").sum())
    parts = []
    if len(few):
        parts.append(f"{len(few)} speakers with fewer statements ({int(few.sum())} statements)"
                     if len(kept) >= s.max_groups else
                     f"{len(few)} speakers with fewer than {s.min_statements} statements "
                     f"({int(few.sum())} statements)")
    if unresolved:
        parts.append(f"{plural(unresolved, 'statement')} without a resolved speaker")
    return f"Left out: {' and '.join(parts)}." if parts else ""


def _frame_labels(frames: pd.DataFrame | None) -> dict[int, str]:
    if frames is None or len(frames) == 0 or "label" not in frames.columns:
        return {}
    return dict(zip(frames["frame"].astype(int), frames["label"].astype(str), strict=True))


def _label(frame: int, labels: dict[int, str]) -> str:
    return labels.get(int(frame), "outliers" if int(frame) < 0 else f"frame {frame}")


def map_points(statements: pd.DataFrame, vectors: np.ndarray, frames: pd.DataFrame | None,
               registry: Any, seed: int) -> tuple[pd.DataFrame, str]:
    """Figure 1's table and the projection method."""
    xy, method = project_statements(vectors, seed=seed)
    labels = _frame_labels(frames)
    names = group_labels(sorted(set(statements["speaker"])), registry, statements, "speaker")
    pts = pd.DataFrame({
        "statement_id": statements["statement_id"].to_numpy(),
        "speaker": statements["speaker"].to_numpy(),
        "speaker_label": [names.get(s, s) if s else "unresolved" for s in statements["speaker"]],
        "side": statements["side"].to_numpy(),
        "frame": statements["frame"].astype(int).to_numpy(),
        "frame_label": [_label(f, labels) for f in statements["frame"]],
        "x": xy[:, 0], "y": xy[:, 1]})
    return pts[POINT_COLUMNS], method


def speaker_shares(statements: pd.DataFrame, frames: pd.DataFrame | None, registry: Any,
                   s: Settings) -> pd.DataFrame:
    """Figure 2's table: frame shares per speaker group over the whole corpus."""
    from stance.compare import frame_shares

    groups = choose_groups(statements, s)
    if not groups:
        return note_table(f"No speaker has at least {s.min_statements} attributed statements "
                          "(statements without a resolved speaker are left out).")
    sub = statements[statements["group"].isin(groups)]
    res = frame_shares(sub, by="group", freq=None, n_boot=s.n_boot, seed=s.seed, groups=groups)
    labels, names, sides = _frame_labels(frames), group_labels(groups, registry, sub, s.level), \
        _group_side(sub)
    return pd.DataFrame({
        "group": res["group"], "group_label": res["group"].map(names),
        "side": res["group"].map(sides), "frame": res["frame"].astype(int),
        "frame_label": [_label(f, labels) for f in res["frame"]], "count": res["n_frame"],
        "n": res["n"], "share": res["share"], "lo": res["ci_low"], "hi": res["ci_high"],
    })[SPEAKER_SHARE_COLUMNS]


def _side_statements(statements: pd.DataFrame, s: Settings) -> tuple[pd.DataFrame, list[str]]:
    sides = choose_sides(statements, s)
    return statements[statements["side"].isin(sides)], sides


def time_shares(statements: pd.DataFrame, frames: pd.DataFrame | None,
                s: Settings) -> pd.DataFrame:
    """Figure 3's table: frame shares per side and time bin."""
    from stance.compare import frame_shares

    sub, sides = _side_statements(statements, s)
    if not sides:
        return note_table("No statement is attributed to a side, so there are no sides to "
                          "follow over time.")
    res = frame_shares(sub, by="side", freq=s.time_bin, n_boot=s.n_boot, seed=s.seed,
                       groups=sides)
    labels = _frame_labels(frames)
    return pd.DataFrame({
        "group": res["side"], "bin": res["bin"], "frame": res["frame"].astype(int),
        "frame_label": [_label(f, labels) for f in res["frame"]], "count": res["n_frame"],
        "n": res["n"], "share": res["share"], "lo": res["ci_low"], "hi": res["ci_high"],
        "small_n": res["small_n"],
    })[TIME_SHARE_COLUMNS]


def speaker_similarity(statements: pd.DataFrame, vectors: np.ndarray, registry: Any,
                       s: Settings) -> pd.DataFrame:
    """Figure 4's table: centroid similarity of each pair of speaker groups (a <= b)."""
    from stance.compare import similarity

    groups = choose_groups(statements, s)
    if len(groups) < 2:
        return note_table(f"Fewer than two speakers with at least {s.min_statements} "
                          f"attributed statements ({len(groups)}): nothing to compare.")
    mask = statements["group"].isin(groups).to_numpy()
    sub = statements[mask]
    res = similarity(sub, vectors[mask], by="group", n_boot=s.n_boot, seed=s.seed, groups=groups)
    order = {g: i for i, g in enumerate(groups)}
    res = res[[order[a] <= order[b] for a, b in zip(res["group_a"], res["group_b"], strict=True)]]
    names = group_labels(groups, registry, sub, s.level)
    return pd.DataFrame({
        "a": res["group_a"], "b": res["group_b"], "a_label": res["group_a"].map(names),
        "b_label": res["group_b"].map(names), "similarity": res["similarity"],
        "lo": res["ci_low"], "hi": res["ci_high"], "n_a": res["n_a"], "n_b": res["n_b"],
        "small_n": res["small_n"],
    })[SIMILARITY_COLUMNS].reset_index(drop=True)


def side_convergence(statements: pd.DataFrame, vectors: np.ndarray,
                     s: Settings) -> pd.DataFrame:
    """Figure 5's table: similarity of each pair of sides per time bin."""
    from stance.compare import drift

    if not s.time_bin:
        return note_table("No time bin is set (time_bin: null), so there is no time axis.")
    mask = statements["side"].isin(choose_sides(statements, s)).to_numpy()
    sub = statements[mask]
    sides = choose_sides(statements, s)
    if len(sides) < 2:
        return note_table(f"Fewer than two sides have statements ({len(sides)}): no pair of "
                          "sides to follow over time.")
    result = drift(sub, vectors[mask], by="side", freq=s.time_bin, n_boot=s.n_boot,
                   seed=s.seed, groups=sides)
    res = result.pairs
    trend = result.trend.set_index(["side_a", "side_b"])
    key = list(zip(res["side_a"], res["side_b"], strict=True))
    return pd.DataFrame({
        "bin": res["bin"], "a": res["side_a"], "b": res["side_b"],
        "similarity": res["similarity"], "lo": res["ci_low"], "hi": res["ci_high"],
        "n_a": res["n_a"], "n_b": res["n_b"], "small_n": res["small_n"],
        "trend": [trend.at[k, "direction"] for k in key],
        "trend_slope": [trend.at[k, "slope"] for k in key],
        "trend_lo": [trend.at[k, "ci_low"] for k in key],
        "trend_hi": [trend.at[k, "ci_high"] for k in key],
        "trend_p": [trend.at[k, "p_value"] for k in key]})[CONVERGENCE_COLUMNS + TREND]


def contrast_pair(statements: pd.DataFrame, s: Settings) -> tuple[str, str] | None:
    """The two sides to contrast: ``sides`` of the config, else the two with most statements."""
    sides = choose_sides(statements, s)
    return (sides[0], sides[1]) if len(sides) >= 2 else None


def side_terms(statements: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """Figure 6's table: distinctive terms between the two contrasted sides."""
    from stance.compare import distinctive_terms

    pair = contrast_pair(statements, s)
    if pair is None:
        return note_table("Fewer than two sides have statements: no pair of sides to contrast.")
    res = distinctive_terms(statements, pair[0], pair[1], by="side")
    if len(res) == 0:
        return note_table(f"No word is used at least twice by {pair[0]} and {pair[1]} together.")
    return pd.DataFrame({"term": res["term"], "count_a": res["count_a"],
                         "count_b": res["count_b"], "count": res["freq"],
                         "z": res["z"]})[TERM_COLUMNS]


def axis_positions(statements: pd.DataFrame, vectors: np.ndarray, registry: Any, s: Settings,
                   embed_fn: Callable[[list[str]], np.ndarray]) -> pd.DataFrame:
    """Figure 7's table: speakers' positions on each axis over the whole corpus, and sides'
    positions per time bin. Positions are relative to the mean of all statements (FrameAxis
    positions share an offset from the embedding space, so only differences are read)."""
    from stance.compare import frame_axes

    if not s.axes:
        return note_table("The corpus has no frame axes (axes: in corpus.yaml or the run "
                          "config), so there are no positions to draw.")
    groups = choose_groups(statements, s)
    if not groups:
        return note_table(f"No speaker has at least {s.min_statements} attributed statements.")
    # baseline = all statements, so that relative positions of the two panels agree
    parts = []
    gstat = statements.assign(g=statements["group"].where(statements["group"].isin(groups),
                                                          "~rest"))
    res = frame_axes(gstat, vectors, s.axes, by="g", n_boot=s.n_boot, seed=s.seed,
                     embed_fn=embed_fn)
    names = group_labels(groups, registry, statements, s.level)
    sides = _group_side(statements[statements["group"].isin(groups)])
    b = res.biases[res.biases["g"] != "~rest"]
    parts.append(pd.DataFrame({"axis": b["axis"], "level": s.level, "group": b["g"],
                               "group_label": b["g"].map(names), "side": b["g"].map(sides),
                               "bin": pd.NaT, "position": b["relative"],
                               "lo": b["ci_low"] - b["baseline"],
                               "hi": b["ci_high"] - b["baseline"], "n": b["n"]}))
    side_list = choose_sides(statements, s)
    if s.time_bin and side_list:
        sstat = statements.assign(g=statements["side"].where(statements["side"].isin(side_list),
                                                             "~rest"))
        res_t = frame_axes(sstat, vectors, s.axes, by="g", freq=s.time_bin, n_boot=s.n_boot,
                           seed=s.seed, embed_fn=embed_fn)
        bt = res_t.biases[res_t.biases["g"] != "~rest"]
        parts.append(pd.DataFrame({"axis": bt["axis"], "level": "side", "group": bt["g"],
                                   "group_label": bt["g"], "side": bt["g"], "bin": bt["bin"],
                                   "position": bt["relative"], "lo": bt["ci_low"] - bt["baseline"],
                                   "hi": bt["ci_high"] - bt["baseline"], "n": bt["n"]}))
    poles = res.axes.set_index("axis")
    out = pd.concat(parts, ignore_index=True)
    out["pole_a"] = out["axis"].map(poles["positive"])
    out["pole_b"] = out["axis"].map(poles["negative"])
    out["bin"] = pd.to_datetime(out["bin"])
    return out[AXIS_COLUMNS]


def stance_tables(statements: pd.DataFrame, vectors: np.ndarray, s: Settings,
                  embed_fn: Callable[[list[str]], np.ndarray]) -> dict[str, Any]:
    """Stance toward the corpus's targets (:mod:`stance.targets`): the per-statement table and
    the tables of figures 8 (by side) and 9 (by side over time). A target with enough hand labels
    in ``labels_dir`` (``<target>.csv``) uses the supervised classifier, the others zero-shot
    (:func:`stance.targets.corpus_stance`; column ``method``)."""
    from stance.targets import corpus_stance, load_targets, stance_by_group

    targets = load_targets(s.targets if s.targets is not None else None, "run config targets")
    if not targets:
        note = note_table("The corpus has no stance targets (targets: in corpus.yaml or the run "
                          "config).")
        return {"stance_by_side": note, "stance_over_time": note, "_targets": []}
    zs = corpus_stance(statements, vectors, targets, embed_fn=embed_fn, labels_dir=s.labels_dir)
    st_in = statements.assign(side=statements["side"].replace("", "unknown"))
    kw = {"by": "side", "targets": targets, "n_boot": s.n_boot, "seed": s.seed}
    out = {"statement_stance": zs, "_targets": targets,
           "stance_by_side": stance_by_group(zs, st_in, freq=None, **kw)}
    out["stance_over_time"] = (stance_by_group(zs, st_in, freq=s.time_bin, **kw) if s.time_bin
                               else note_table("No time bin is set (time_bin: null)."))
    return out


def figure_tables(statements: pd.DataFrame, vectors: np.ndarray, frames: pd.DataFrame | None,
                  registry: Any, settings: Settings | None = None, *,
                  embed_fn: Callable[[list[str]], np.ndarray] | None = None,
                  names: list[str] | None = None,
                  progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every figure's table (or note table), keyed by figure name, plus ``"_map_method"`` and
    other ``_``-prefixed values the figures need (contrasted sides, speakers' sides, notes).

    ``statements`` needs the statements columns and ``frame`` (``FrameModel.statements_``);
    ``vectors`` one row per statement; ``frames`` is ``FrameModel.frames_``. ``settings``
    defaults to :class:`Settings` (seed 0, weekly bins); ``embed_fn`` (for axis and target
    phrases) to :func:`stance.embed.embed` with the default model; ``names`` restricts the tables.
    A comparison that raises ``ValueError`` (too little data) becomes a note table with its message.
    """
    if settings is None:
        settings = Settings()
    if embed_fn is None:
        def embed_fn(texts: list[str]) -> np.ndarray:
            from stance.embed import embed

            return embed(list(texts), progress=False)
    st = statements.reset_index(drop=True).copy()
    st["group"] = group_column(st, registry, settings.level)
    vectors = np.asarray(vectors)
    s = settings
    steps: dict[str, Callable[[], Any]] = {
        "statement_map": lambda: map_points(st, vectors, frames, registry, s.seed),
        "frame_shares_by_speaker": lambda: speaker_shares(st, frames, registry, s),
        "frame_shares_over_time": lambda: time_shares(st, frames, s),
        "speaker_similarity": lambda: speaker_similarity(st, vectors, registry, s),
        "convergence": lambda: side_convergence(st, vectors, s),
        "distinctive_terms": lambda: side_terms(st, s),
        "frame_axes": lambda: axis_positions(st, vectors, registry, s, embed_fn),
        "stance_by_side": lambda: stance_parts("stance_by_side"),
        "stance_over_time": lambda: stance_parts("stance_over_time"),
    }
    cache: dict[str, Any] = {}

    def stance_parts(name: str) -> Any:
        if not cache:
            try:
                cache.update(stance_tables(st, vectors, s, embed_fn))
            except ValueError as exc:
                note = note_table(f"Not computed: {exc}")
                cache.update({"stance_by_side": note, "stance_over_time": note,
                              "_targets": []})
        return cache[name]

    out: dict[str, Any] = {}
    for name, step in steps.items():
        if names is not None and name not in names:
            continue
        if progress:
            progress(name)
        if len(st) == 0:
            out[name] = note_table("The corpus gave no statements.")
            continue
        try:
            result = step()
        except ValueError as exc:
            result = note_table(f"Not computed: {exc}")
        if name == "statement_map" and isinstance(result, tuple):
            out["_map_method"] = result[1]
            result = result[0]
        out[name] = result
    out["_contrast"] = contrast_pair(st, s) if len(st) else None
    out["_omitted"] = omitted_note(st, s)
    out["_targets"] = cache.get("_targets", [])
    if "statement_stance" in cache:
        out["statement_stance"] = cache["statement_stance"]
    out["_group_sides"] = _group_side(st) if len(st) else {}
    return out
