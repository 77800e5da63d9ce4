"""Deterministic figure and table writers, manifest and verify."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from stance.cli import main
from stance.manifest import verify_outputs, write_manifest
from stance.output import save_figure, sha256_file, write_table


def _figure():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [1, 3, 2], label="line")
    ax.set_title("A title")
    ax.legend()
    return fig


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_figure_bytes_repeat_and_carry_no_timestamp(tmp_path, fmt):
    a = save_figure(_figure(), tmp_path / "a", formats=[fmt])[0]
    b = save_figure(_figure(), tmp_path / "b", formats=[fmt])[0]
    assert a.read_bytes() == b.read_bytes()
    data = a.read_bytes()
    for marker in (b"CreationDate", b"Matplotlib version", b"<dc:date>"):
        assert marker not in data
    plt.close("all")


def test_png_is_300_dpi(tmp_path):
    from PIL import Image

    path = save_figure(_figure(), tmp_path / "f", formats=["png"])[0]
    assert Image.open(path).size == (900, 600)
    plt.close("all")


def test_unknown_figure_format_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unsupported figure format"):
        save_figure(_figure(), tmp_path / "f", formats=["gif"])
    plt.close("all")


def test_tables_repeat_byte_for_byte(tmp_path):
    df = pd.DataFrame({"date": pd.to_datetime(["2020-10-05", "2020-10-12"]), "x": [0.1, 2 / 3],
                       "terms": [["a", "b"], ["c"]]})
    first = [p.read_bytes() for p in write_table(df, tmp_path / "t1")]
    second = [p.read_bytes() for p in write_table(df, tmp_path / "t2")]
    assert first == second
    assert (tmp_path / "t1.csv").read_text().splitlines() == [
        "date,x,terms", "2020-10-05,0.1,a;b", "2020-10-12,0.666667,c"]
    assert pd.read_parquet(tmp_path / "t1.parquet")["x"].tolist() == [0.1, 2 / 3]


def test_manifest_and_verify_report_changes(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("input")
    out = tmp_path / "out"
    write_table(pd.DataFrame({"a": [1]}), out / "tables" / "t")
    write_manifest(out, inputs=[src], input_root=tmp_path, config={"seed": 0},
                   extra={"model_fingerprint": "abc"})
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"] == {"in.txt": sha256_file(src)}
    assert set(manifest["outputs"]) == {"tables/t.csv", "tables/t.parquet"}
    assert manifest["config"] == {"seed": 0} and manifest["model_fingerprint"] == "abc"
    assert verify_outputs(out).passed
    assert main(["verify", str(out)]) == 0

    (out / "tables" / "t.csv").write_text("a\n2\n")
    (out / "extra.txt").write_text("new")
    (out / "tables" / "t.parquet").unlink()
    result = verify_outputs(out)
    assert result.changed == ["tables/t.csv"]
    assert result.missing == ["tables/t.parquet"]
    assert result.unlisted == ["extra.txt"]
    assert main(["verify", str(out)]) == 1
    assert "DIFFERS" in capsys.readouterr().out


def test_verify_without_manifest_is_a_clear_error(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 1
    assert "no manifest" in capsys.readouterr().err
