"""Figure 1, the statement map: every statement as a point in 2-D, coloured by side, marked by speaker,
with the frames labelled at their centres.

The 2-D layout is UMAP (McInnes et al. 2018) on cosine distance with ``n_neighbors = min(15, n - 1)``
and a fixed ``random_state``; below five statements, where UMAP's neighbourhood graph is not
meaningful, it is PCA. Distances in the map are only roughly faithful; the axes have no units.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from stance.figures import _style as st
from stance.figures._base import FigureInput, FigureSpec, frame_label, frame_labels, group_labels

#: statements below which the map uses PCA instead of UMAP
MIN_UMAP = 5
#: above this many statements UMAP is fitted on a sample and the others are placed by transform
MAX_UMAP_FIT = 20_000

#: columns of the table behind the map
POINT_COLUMNS = ["statement_id", "speaker", "speaker_label", "side", "frame", "frame_label", "x",
                 "y"]


def project_statements(vectors: np.ndarray, seed: int = 0) -> tuple[np.ndarray, str]:
    """2-D coordinates of statement vectors and the method used (``"UMAP"`` or ``"PCA"``).

    UMAP with cosine distance, ``n_neighbors = min(15, n - 1)``, ``min_dist=0.1`` and
    ``random_state=seed``, made portable (:class:`stance._exact.PortableUMAP`: exact cosine
    neighbours, a PCA start rounded to 4 significant digits, UMAP's curve parameters fixed, one
    thread, numba compiled for a generic CPU), so the layout is the same on any x86-64 CPU; PCA
    for fewer than :data:`MIN_UMAP` statements. Coordinates are rounded to 6 decimals.
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    n = len(vectors)
    if n == 0:
        return np.zeros((0, 2)), "PCA"
    if n < MIN_UMAP:
        from sklearn.decomposition import PCA

        k = min(2, n - 1) if n > 1 else 0
        xy = np.zeros((n, 2))
        if k > 0:
            xy[:, :k] = PCA(n_components=k, random_state=seed).fit_transform(vectors)
        return np.round(xy, 6), "PCA"
    from stance._exact import PortableUMAP

    if n <= MAX_UMAP_FIT:
        reducer = PortableUMAP(n_components=2, n_neighbors=min(15, n - 1), min_dist=0.1,
                               random_state=seed)
        return np.round(np.asarray(reducer.fit_transform(vectors), dtype=np.float64), 6), "UMAP"
    import umap

    # above MAX_UMAP_FIT: fit on a seeded sample, place the others with UMAP's transform (its
    # neighbour search index is pynndescent's, not exact: this path is not made portable)
    reducer = umap.UMAP(n_neighbors=min(15, n - 1), n_components=2, metric="cosine",
                        init="pca", random_state=seed, n_jobs=1, min_dist=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sample = np.sort(np.random.default_rng(seed).choice(n, MAX_UMAP_FIT, replace=False))
        xy = np.zeros((n, 2))
        xy[sample] = reducer.fit_transform(vectors[sample])
        rest = np.setdiff1d(np.arange(n), sample)
        for start in range(0, len(rest), 50_000):
            rows = rest[start:start + 50_000]
            xy[rows] = reducer.transform(vectors[rows])
        method = f"UMAP (fitted on a random sample of {MAX_UMAP_FIT:,} statements)"
    return np.round(np.asarray(xy, dtype=np.float64), 6), method


def _speaker_markers(points: pd.DataFrame, max_speakers: int) -> dict[str, str]:
    counts = (points[points["speaker"] != ""].groupby("speaker").size()
              .reset_index(name="n").sort_values(["n", "speaker"], ascending=[False, True]))
    top = counts["speaker"].head(min(max_speakers, len(st.MARKERS))).tolist()
    return {sp: st.MARKERS[i] for i, sp in enumerate(top)}


def _label_positions(centres: list[tuple[float, float]], min_dy: float) -> list[float]:
    """y positions for labels at ``centres`` nudged apart so that close labels do not overlap."""
    order = sorted(range(len(centres)), key=lambda i: (centres[i][1], centres[i][0]))
    ys = [c[1] for c in centres]
    placed: list[int] = []
    for i in order:
        for j in placed:
            if abs(centres[i][0] - centres[j][0]) < 6 * min_dy and abs(ys[i] - ys[j]) < min_dy:
                ys[i] = ys[j] + min_dy
        placed.append(i)
    return ys


def plot_statement_map(points: pd.DataFrame, registry: Any = None, *, method: str = "UMAP",
                  max_speakers: int = 10, title: str | None = None) -> Figure:
    """The statement map from a table with :data:`POINT_COLUMNS` (see :func:`project_statements`).

    Colour = the speaker's side (registry colours), marker = speaker (the ``max_speakers`` most
    frequent; others are small dots), text = frame id and label at the frame's median position,
    with thin grey lines from each label to the frame's statements.
    """
    if st.is_note(points) or len(points) == 0:
        msg = points["note"].iloc[0] if st.is_note(points) else "No statements to map."
        return st.note_figure("Statement map", msg, st.DOUBLE)
    markers = _speaker_markers(points, max_speakers)
    with st.style():
        fig = st.new_figure(st.DOUBLE, 5.2)
        ax = fig.add_subplot()
        for (side, speaker), grp in points.groupby(["side", "speaker"], sort=True):
            colour = st.side_colour(registry, side)
            marker = markers.get(speaker)
            ax.scatter(grp["x"], grp["y"], s=22 if marker else 9, marker=marker or "o",
                       c=colour, edgecolors="white" if marker else "none", linewidths=0.3,
                       alpha=0.9, zorder=3)
        frames = points[points["frame"] >= 0].groupby(["frame", "frame_label"], sort=True)
        centres = [(float(g["x"].median()), float(g["y"].median())) for _, g in frames]
        span = float(np.ptp(points["y"])) or 1.0
        ys = _label_positions(centres, 0.045 * span)
        for ((_frame, _label), grp), (cx, _cy), y in zip(frames, centres, ys, strict=True):
            for px, py in zip(grp["x"], grp["y"], strict=True):    # label -> members
                ax.plot([cx, px], [y, py], color="0.55", lw=0.35, alpha=0.45, zorder=1)
        for ((frame, label), _), (cx, _cy), y in zip(frames, centres, ys, strict=True):
            # below the points (zorder 3) and see-through: a label never hides a statement
            ax.annotate(f"F{frame}: {st.short(label, 28)}", (cx, y), ha="center", va="center",
                        fontsize=st.SMALL, zorder=2,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "0.6",
                              "lw": 0.4, "alpha": 0.6})
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{method} 1 (no units)")
        ax.set_ylabel(f"{method} 2 (no units)")
        ax.set_title(title or f"Statement map ({len(points)} statements, {method} of sentence "
                     "embeddings)", loc="left")
        st.footnote(fig, "Colour: side; marker: speaker. Grey lines join each frame's label "
                    "(F<id>: its top keywords) to its statements. Distances are only roughly "
                    "kept; the axes have no units.")
        sides = sorted(set(points["side"]), key=lambda s: (-int((points["side"] == s).sum()), s))
        side_handles = [Line2D([], [], ls="", marker="s", ms=6, color=st.side_colour(registry, s),
                               label=f"{st.side_label(registry, s)} ({int((points['side'] == s).sum())})")
                        for s in sides]
        labels = points.drop_duplicates("speaker").set_index("speaker")["speaker_label"]
        sp_handles = [Line2D([], [], ls="", marker=m, ms=5, color="0.25",
                             label=st.wrap(labels.get(sp, sp) or sp, 34)) for sp, m in markers.items()]
        if len(points["speaker"].unique()) > len(markers):
            sp_handles.append(Line2D([], [], ls="", marker="o", ms=3, color="0.25",
                                     label="other speakers"))
        heading = [Line2D([], [], ls="", label=" "), Line2D([], [], ls="", label="speaker")]
        fig.legend(handles=side_handles + (heading + sp_handles if sp_handles else []),
                   title="side (statements)", loc="outside right upper")
    return fig


# ------------------------------------------------------------------ the table


def map_points(statements: pd.DataFrame, vectors: np.ndarray, frames: pd.DataFrame | None,
               registry: Any, seed: int) -> tuple[pd.DataFrame, str]:
    """Figure 1's table and the projection method."""
    xy, method = project_statements(vectors, seed=seed)
    labels = frame_labels(frames)
    names = group_labels(sorted(set(statements["speaker"])), registry, statements, "speaker")
    pts = pd.DataFrame({
        "statement_id": statements["statement_id"].to_numpy(),
        "speaker": statements["speaker"].to_numpy(),
        "speaker_label": [names.get(s, s) if s else "unresolved" for s in statements["speaker"]],
        "side": statements["side"].to_numpy(),
        "frame": statements["frame"].astype(int).to_numpy(),
        "frame_label": [frame_label(f, labels) for f in statements["frame"]],
        "x": xy[:, 0], "y": xy[:, 1]})
    return pts[POINT_COLUMNS], method


# ------------------------------------------------------------------ registry entries


def compute_statement_map(inp: FigureInput) -> pd.DataFrame:
    """Figure 1's table (:data:`POINT_COLUMNS`); records the projection method for the drawing."""
    table, inp.map_method = map_points(inp.statements, inp.vectors, inp.frames, inp.registry,
                                       inp.settings.seed)
    return table


def _plot(table: pd.DataFrame, registry: Any, figs: Any) -> Figure:
    return plot_statement_map(table, registry, method=figs.map_method)


SPECS = (FigureSpec("statement_map", compute_statement_map, _plot),)
