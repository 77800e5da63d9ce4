"""The notebooks are stored without outputs, start with a parameters cell, and run top to bottom on
the default corpus (in a python3 kernel of this interpreter)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_statements", "02_framing_by_speaker", "03_framing_over_time",
         "04_sides_on_the_same_events"]
#: a call of a drawing function of stance.figures (``plot_*``; not its table helpers)
FIGURE_CALL = re.compile(r"\bstance\.figures\.plot_\w+\(")


def _read(name: str):
    # importing nbformat takes seconds (jsonschema's format checkers): only the runs need it
    import nbformat

    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def _stored(name: str) -> dict:
    """The notebook file as stored (nbformat 4 JSON), each cell's source as one string."""
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4, name
    for cell in nb["cells"]:
        if isinstance(cell["source"], list):
            cell["source"] = "".join(cell["source"])
    return nb


def test_python3_kernel_runs_this_interpreter():
    """The ``python3`` kernelspec (installed into the venv by ipykernel, or ipykernel's built-in
    one) starts this interpreter: jupyter_client replaces a bare ``python`` with sys.executable."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    cmd = km.format_kernel_cmd()
    assert cmd[0] == sys.executable or Path(cmd[0]).resolve() == Path(sys.executable).resolve()


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts += [str(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(parts)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_clean_with_a_parameters_cell(name):
    code = [c for c in _stored(name)["cells"] if c["cell_type"] == "code"]
    assert code and "parameters" in code[0]["metadata"].get("tags", [])
    assert "CORPUS = None" in code[0]["source"]
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, "stored with outputs"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_default_corpus(name, tmp_path):
    from nbclient import NotebookClient

    nb = _read(name)
    env_before = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}})
        client.execute()
    finally:
        if env_before is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_before
    outputs = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
    assert "Traceback" not in outputs
    # every cell that draws a figure shows it as an image, not as "<Figure size ...>" text
    drawing = [c for c in nb.cells if c.cell_type == "code" and FIGURE_CALL.search(c.source)]
    for cell in drawing:
        kinds = {k for out in cell.outputs for k in out.get("data", {})}
        assert "image/png" in kinds, f"no image shown by the cell:\n{cell.source}"
    if name == "01_statements":
        assert "statements;" in outputs and "unresolved before:" in outputs
    elif name == "02_framing_by_speaker":
        assert "Clusterer" in outputs                  # FrameModel.method_ was printed
        assert len(drawing) == 3
    elif name == "04_sides_on_the_same_events":
        assert "narratives in" in outputs and "sides compared:" in outputs
        assert len(drawing) == 2                       # the speech-act and blame figures
    else:
        assert len(drawing) == 2
