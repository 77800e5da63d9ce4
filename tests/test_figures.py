"""Every figure function returns a Figure on small synthetic tables, draws a note where it must, and
draws the same bytes twice."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from stance import figures
from stance.figures import _style as style
from stance.output import save_figure
from stance.speakers import registry_from_dict

SIDES = ["armenia", "azerbaijan", "mediator"]
BINS = pd.to_datetime(["2020-09-28", "2020-10-05", "2020-10-12", "2020-10-19"])


@pytest.fixture(scope="module")
def registry():
    return registry_from_dict({
        "sides": [{"id": "armenia", "label": "Armenia", "colour": "#D55E00"},
                  {"id": "azerbaijan", "label": "Azerbaijan", "colour": "#0072B2"},
                  {"id": "mediator", "label": "Mediators", "colour": "#009E73"}],
        "speakers": [{"id": f"{s}-{k}", "name": f"{s.title()} speaker {k}", "side": s,
                      "kind": "person"} for s in SIDES for k in range(3)],
    })


def synthetic_tables(bins=BINS, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Small tables in the figures' column contracts, with known structure."""
    rng = np.random.default_rng(seed)
    speakers = [(f"{s}-{k}", f"{s.title()} speaker {k}", s) for s in SIDES for k in range(3)]
    frames = [(0, "ceasefire talks"), (1, "shelling civilians"), (2, "military targets")]
    points = pd.DataFrame([
        {"statement_id": f"s{i}", "speaker": sp, "speaker_label": lab, "side": side,
         "frame": i % 3, "frame_label": frames[i % 3][1],
         "x": float(rng.normal(i % 3 * 3)), "y": float(rng.normal())}
        for i, (sp, lab, side) in enumerate(speakers * 4)])
    rows = []
    for sp, lab, side in speakers:
        counts = rng.integers(0, 6, size=3) + 1
        for (f, fl), c in zip(frames, counts, strict=True):
            share = c / counts.sum()
            rows.append({"group": sp, "group_label": lab, "side": side, "frame": f,
                         "frame_label": fl, "count": int(c), "n": int(counts.sum()),
                         "share": share, "lo": max(0, share - 0.2), "hi": min(1, share + 0.2)})
    speaker_shares = pd.DataFrame(rows)
    rows = []
    for side in SIDES:
        for b in bins:
            counts = rng.integers(0, 5, size=3) + 1
            for (f, fl), c in zip(frames, counts, strict=True):
                share = c / counts.sum()
                rows.append({"group": side, "bin": b, "frame": f, "frame_label": fl,
                             "count": int(c), "n": int(counts.sum()), "share": share,
                             "lo": max(0, share - 0.15), "hi": min(1, share + 0.15)})
    time_shares = pd.DataFrame(rows)
    sim = pd.DataFrame([{"a": a[0], "b": b[0], "a_label": a[1], "b_label": b[1],
                         "similarity": 0.6 + 0.04 * i, "lo": 0.5 + 0.04 * i,
                         "hi": 0.7 + 0.04 * i, "n_a": 5, "n_b": 7, "small_n": i % 2 == 0}
                        for i, (a, b) in enumerate((a, b) for a in speakers for b in speakers
                                                   if a[0] <= b[0])])
    drift = pd.DataFrame([{"bin": b, "a": a, "b": c, "similarity": 0.7 + 0.03 * i,
                           "lo": 0.6 + 0.03 * i, "hi": 0.8 + 0.03 * i, "n_a": 4, "n_b": 6}
                          for a, c in figures._similarity.side_pairs(SIDES)
                          for i, b in enumerate(bins)])
    words = [f"word{i}" for i in range(60)]
    z = np.linspace(-4, 4, len(words))
    terms = pd.DataFrame({"term": words, "count_a": np.arange(60) + 1,
                          "count_b": 60 - np.arange(60), "count": np.full(60, 61), "z": z})
    rows = []
    for axis in ("harm", "escalation"):
        for sp, lab, side in speakers:
            rows.append({"axis": axis, "pole_a": "civilians killed", "pole_b": "targets hit",
                         "level": "speaker", "group": sp, "group_label": lab, "side": side,
                         "bin": pd.NaT, "position": float(rng.normal(0, 0.05)), "lo": -0.1,
                         "hi": 0.1, "n": 4})
        for side in SIDES:
            for b in bins:
                rows.append({"axis": axis, "pole_a": "civilians killed", "pole_b": "targets hit",
                             "level": "side", "group": side, "group_label": side, "side": side,
                             "bin": b, "position": float(rng.normal(0, 0.05)), "lo": -0.1,
                             "hi": 0.1, "n": 4})
    positions = pd.DataFrame(rows, columns=figures.AXIS_COLUMNS)

    def stance(bins) -> pd.DataFrame:
        rows = []
        for side in SIDES:
            for b in bins:
                counts = rng.integers(0, 5, size=2) + 1
                for position, c in zip(("supports", "rejects"), counts, strict=True):
                    share = c / counts.sum()
                    rows.append({"target": "ceasefire", "side": side, "bin": b,
                                 "bin_end": b + pd.Timedelta(days=6), "position": position,
                                 "share": share, "ci_low": max(0, share - 0.2),
                                 "ci_high": min(1, share + 0.2), "n_position": int(c),
                                 "n": int(counts.sum()), "n_articles": int(counts.sum()),
                                 "small_n": bool(counts.sum() < 5)})
        return pd.DataFrame(rows, columns=figures.STANCE_TARGET_COLUMNS)

    from stance.narratives import ROLES, SPEECH_ACTS

    rows = []
    for side in SIDES:
        counts = rng.integers(0, 6, size=len(SPEECH_ACTS)) + 1
        for act, c in zip(SPEECH_ACTS, counts, strict=True):
            share = c / counts.sum()
            rows.append({"side": side, "bin": bins[0], "bin_end": bins[-1], "speech_act": act,
                         "share": share, "ci_low": max(0, share - 0.1),
                         "ci_high": min(1, share + 0.1), "n_act": int(c),
                         "n": int(counts.sum()), "n_articles": 6, "small_n": side == "mediator"})
    acts = pd.DataFrame(rows, columns=figures.SPEECH_ACT_COLUMNS)
    rows = []
    for role in ROLES:
        for speaker in SIDES[:2]:
            for period, when in (("all", [pd.NaT]), ("bin", list(bins))):
                for b in when:
                    counts = rng.integers(0, 4, size=len(SIDES)) + 1
                    for side, c in zip(SIDES, counts, strict=True):
                        share = c / counts.sum()
                        rows.append({"period": period, "role": role, "speaker_side": speaker,
                                     "bin": b, "bin_end": b, "side": side, "share": share,
                                     "ci_low": max(0, share - 0.2),
                                     "ci_high": min(1, share + 0.2), "n_side": int(c),
                                     "n": int(counts.sum()), "n_articles": 4, "small_n": True})
    blame = pd.DataFrame(rows, columns=figures.BLAME_FIGURE_COLUMNS)
    return {"statement_map": points, "frame_shares_by_speaker": speaker_shares,
            "frame_shares_over_time": time_shares, "speaker_similarity": sim,
            "convergence": drift, "distinctive_terms": terms, "frame_axes": positions,
            "stance_by_side": stance([pd.NaT]), "stance_over_time": stance(bins),
            "speech_acts": acts, "blame_victim": blame,
            "equal_topic": figures.equal_topic_table(*equal_topic_inputs(rng),
                                                     ("armenia", "azerbaijan"), n_boot=200)}


def equal_topic_inputs(rng: np.random.Generator, shift: float = 0.6):
    """Statements of two sides in three frames (and one frame only armenia uses), 4 statements
    per article; armenia's statements moved by ``shift`` within every frame."""
    centers = rng.normal(size=(4, 12)) * 2
    direction = rng.normal(size=(4, 12))
    rows, vecs = [], []
    for side in ("armenia", "azerbaijan"):
        for art in range(24):
            frame = art % 3 if side == "azerbaijan" or art < 21 else 3
            for k in range(4):
                rows.append({"side": side, "frame": frame, "article_id": f"{side}{art}"})
                vecs.append(centers[frame] + rng.normal(size=12) * 0.7
                            + (shift * direction[frame] if side == "armenia" else 0.0))
    frame_table = pd.DataFrame({"frame": [0, 1, 2, 3],
                                "label": ["ceasefire", "shelling", "targets", "armenia only"]})
    return pd.DataFrame(rows), np.asarray(vecs), frame_table


def draw(name: str, table: pd.DataFrame, registry) -> Figure:
    """Draw a figure through its registry entry, as ``stance run`` does."""
    figs = figures.FigureTables(tables={name: table}, contrast=("armenia", "azerbaijan"))
    return figs.plot(name, registry)


def test_the_registry_lists_every_figure_the_pipeline_draws():
    from stance import pipeline

    assert len(figures.FIGURES) == 12
    assert tuple(figures.FIGURES) == pipeline.FIGURE_NAMES
    assert sorted(synthetic_tables()) == sorted(figures.FIGURES)
    assert all(isinstance(s, figures.FigureSpec) and s.name == n
               for n, s in figures.FIGURES.items())


def texts(fig: Figure) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_each_figure_is_drawn_from_its_table(name, registry):
    tables = synthetic_tables()
    fig = draw(name, tables[name], registry)
    assert isinstance(fig, Figure)
    width = fig.get_size_inches()[0]
    assert width in (figures.SINGLE, figures.DOUBLE)
    # a real plot, not a note: it has data-bearing axes
    assert any(ax.axison for ax in fig.axes)
    assert "cannot" not in texts(fig) and "not drawn" not in texts(fig)


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_fonts_are_at_least_7_points(name, registry):
    fig = draw(name, synthetic_tables()[name], registry)
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    sizes = [t.get_fontsize() for t in fig.findobj(lambda o: hasattr(o, "get_fontsize"))
             if getattr(t, "get_text", lambda: "")()]
    assert sizes and min(sizes) >= style.SMALL


def test_side_colours_come_from_the_registry(registry):
    fig = draw("frame_shares_over_time", synthetic_tables()["frame_shares_over_time"], registry)
    colours = {line.get_color().upper() for ax in fig.axes for line in ax.get_lines()}
    assert {"#D55E00", "#0072B2", "#009E73"} <= colours


@pytest.mark.parametrize("name", ["frame_shares_over_time", "convergence"])
def test_single_time_bin_draws_a_note_that_says_why(name, registry):
    table = synthetic_tables(bins=BINS[:1])[name]
    fig = draw(name, table, registry)
    assert not any(ax.axison for ax in fig.axes)
    text = texts(fig)
    assert "one week" in text and "at least two" in text


def test_frame_axes_with_one_bin_keeps_speakers_and_notes_time(registry):
    table = synthetic_tables(bins=BINS[:1])["frame_axes"]
    fig = draw("frame_axes", table, registry)
    assert sum(ax.axison for ax in fig.axes) == 2      # the two speaker panels, no time panels
    assert "Over time: not drawn" in texts(fig)


def test_frame_axes_says_which_positions_have_no_interval(registry):
    table = synthetic_tables()["frame_axes"]
    assert "no interval" not in texts(draw("frame_axes", table, registry))
    one_article = table["bin"].isna() & (table["group"] == table["group"].iloc[0])
    table.loc[one_article, ["lo", "hi"]] = np.nan
    assert f"{int(one_article.sum())} of the {int(table['bin'].isna().sum())} positions have no " \
        "interval" in texts(draw("frame_axes", table, registry))


@pytest.mark.parametrize("name", list(figures.FIGURES))
def test_note_tables_become_note_figures(name, registry):
    fig = draw(name, style.note_table("Too few statements: 1 side has statements."), registry)
    assert not any(ax.axison for ax in fig.axes)
    assert "Too few statements" in texts(fig)


@pytest.mark.slow    # draws and saves two figures twice in three formats
def test_figures_repeat_byte_for_byte(tmp_path, registry):
    tables = synthetic_tables()
    for run in ("a", "b"):
        for name in ("statement_map", "distinctive_terms"):
            save_figure(draw(name, tables[name], registry), tmp_path / run / name,
                        formats=("png", "pdf", "svg"))
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


@pytest.mark.slow
def test_projection_is_seeded_and_handles_tiny_inputs():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(12, 8))
    xy1, method = figures.project_statements(vectors, seed=3)
    xy2, _ = figures.project_statements(vectors, seed=3)
    assert method == "UMAP" and xy1.shape == (12, 2)
    assert np.array_equal(xy1, xy2)
    for n in (0, 1, 2, 4):
        xy, method = figures.project_statements(vectors[:n])
        assert xy.shape == (n, 2) and method == "PCA"


def test_grouping_levels_roll_speakers_up():
    from pathlib import Path

    from stance.figures import group_column
    from stance.speakers import load_registry

    reg = load_registry(Path(__file__).parent / "fixtures" / "pipeline" / "two-rivers"
                        / "speakers.yaml")
    st = pd.DataFrame({"speaker": ["ana-ferro", "tomas-vell", "lake-council", ""],
                       "side": ["northland", "southland", "council", ""]})
    assert group_column(st, reg, "speaker").tolist() == ["ana-ferro", "tomas-vell",
                                                         "lake-council", ""]
    assert group_column(st, reg, "organisation").tolist() == [
        "northland-defense-ministry", "southland-government", "lake-council", ""]
    assert group_column(st, reg, "side").tolist() == ["northland", "southland", "council", ""]
    with pytest.raises(ValueError, match="level"):
        group_column(st, reg, "party")


def test_equal_topic_table_finds_the_within_frame_difference(registry):
    rng = np.random.default_rng(3)
    framed, vecs, frame_table = equal_topic_inputs(rng, shift=0.6)
    table = figures.equal_topic_table(framed, vecs, frame_table, ("armenia", "azerbaijan"), n_boot=200)
    assert list(table.columns) == figures.EQUAL_TOPIC_COLUMNS
    assert table.kind.tolist() == ["frame"] * 4 + ["pooled", "topic"]
    assert table.used.tolist() == [True, True, True, False, True, True]
    assert table.label.iloc[:3].tolist() == ["ceasefire", "shelling", "targets"]
    pooled = table.set_index("kind").loc["pooled"]
    assert pooled.p_value <= 0.01 and pooled.similarity < 0.95
    assert pooled.similarity_raw < pooled.null_low          # left of its permutation range
    assert table.weight.iloc[:3].sum() == pytest.approx(1.0)
    fig = draw("equal_topic", table, registry)
    text = " ".join(texts(fig).split())
    assert "within frames p = 0.005" in text and "1 frame used by one side only" in text
    assert "pooled within frames" in text and "topic similarity (all statements)" in text
    same = figures.equal_topic_table(*equal_topic_inputs(np.random.default_rng(3), shift=0.0),
                             ("armenia", "azerbaijan"), n_boot=200)
    assert same.set_index("kind").loc["pooled", "p_value"] > 0.05
    assert "Fewer than two sides" in figures.equal_topic_table(framed, vecs, frame_table, None).note[0]
