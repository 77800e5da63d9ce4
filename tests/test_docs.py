"""The documentation site: it builds without a warning (``mkdocs build --strict``, as ``make docs``),
every page under docs/ is in the nav, the README stays a README, and every Python example in the
docs runs, page by page, from the repository root on the default corpus."""

from __future__ import annotations

import ast
import doctest
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

DOCS = ROOT / "docs"
#: an example that calls one of these loads the sentence transformer, runs UMAP or a whole run, or
#: parses a corpus with spaCy (extract_statements), or loads UMAP (numba compiles as it loads) or
#: setfit (torch, transformers, datasets)
HEAVY = re.compile(r"\bstance\.(embed|run|FrameModel|zero_shot_stance|corpus_stance)\b"
                   r"|\bcompare\.frame_axes\b|\bload_model\b|\bextract_statements\b"
                   r"|\b(portable_umap|PortableUMAP|setfit_available)\(")
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*") if p.suffix in (".md", ".ipynb")
                  and "hooks" not in p.relative_to(DOCS).parts)


def _examples(page: Path) -> str:
    """The page's fenced ``python`` blocks, in order, as one script (a page builds on itself)."""
    return "\n\n".join(FENCE.findall(page.read_text(encoding="utf-8")))


def _nav_files(nav) -> list[str]:
    out = []
    for item in nav:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out += _nav_files(value) if isinstance(value, list) else [value]
    return out


def _mkdocs_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may use !ENV and python tags; the nav needs none of them
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def test_every_page_is_in_the_nav():
    nav = set(_nav_files(_mkdocs_config()["nav"]))
    pages = {p.relative_to(DOCS).as_posix() for p in _pages()}
    assert pages - nav == set(), "add these pages to the nav of mkdocs.yml"
    assert nav - pages == set(), "the nav lists pages that do not exist"


def test_the_readme_is_short_and_names_the_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 180
    for command in ("make figures", "make test", "make test-fast", "make docs"):
        assert command in readme
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("figures", "test", "test-fast", "docs"):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target
    # every docs page the README links to exists
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).is_file(), link


def test_the_benchmarks_page_lists_every_benchmark():
    page = (DOCS / "benchmarks.md").read_text(encoding="utf-8")
    for script in sorted((ROOT / "benchmarks").glob("[!_]*.py")):
        assert f"`{script.name}" in page, f"add {script.name} to docs/benchmarks.md"


def test_the_cli_page_covers_every_command():
    """The command-line page is generated from the parser (docs/hooks/cli_help.py)."""
    sys.path.insert(0, str(DOCS / "hooks"))
    try:
        from cli_help import MARKER, cli_reference
    finally:
        sys.path.pop(0)
    from stance.cli import build_parser

    assert MARKER in (DOCS / "guide" / "cli.md").read_text(encoding="utf-8")
    text = cli_reference()
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in sub.choices:
        assert f"## `stance {name}`" in text
        assert f"usage: stance {name}" in text
    assert "### `stance label export`" in text


@pytest.mark.slow
def test_the_site_builds_without_warnings(tmp_path):
    # the notebooks are rendered as stored here; they run in tests/test_notebooks.py
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", STANCE_DOCS_EXECUTE="false")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, env=env,
                         timeout=900)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-4000:]
    assert "WARNING" not in log, log[-4000:]
    site = tmp_path / "site"
    for page in ("index.html", "reference/extract/index.html", "guide/cli/index.html",
                 "tutorials/01_statements/index.html", "benchmarks/index.html"):
        assert (site / page).is_file(), page
    # the API pages were generated from the docstrings, not left empty
    html = (site / "reference" / "extract" / "index.html").read_text(encoding="utf-8")
    assert "extract_statements" in html and "doc-function" in html
    # reStructuredText roles and simple tables of the docstrings became Markdown
    # (docs/hooks/griffe_rst.py)
    compare = (site / "reference" / "compare" / "index.html").read_text(encoding="utf-8")
    assert ":func:" not in compare and ":class:" not in compare and "=====" not in compare
    assert "usage: stance run" in (site / "guide" / "cli" / "index.html").read_text("utf-8")


EXAMPLE_PAGES = [p for p in _pages() if p.suffix == ".md" and _examples(p)]


def test_the_docs_have_python_examples():
    names = {p.relative_to(DOCS).as_posix() for p in EXAMPLE_PAGES}
    assert {"getting-started.md", "guide/read.md", "guide/extract.md", "guide/frames.md",
            "guide/compare.md", "guide/pipeline.md"} <= names


@pytest.mark.parametrize(
    "page",
    [pytest.param(p, id=p.relative_to(DOCS).as_posix(),
                  marks=[pytest.mark.slow] if HEAVY.search(_examples(p)) else [])
     for p in EXAMPLE_PAGES])
def test_python_examples_run(page, tmp_path):
    """Each page's examples, as one script in a fresh interpreter, from the repository root."""
    script = tmp_path / "example.py"
    script.write_text(_examples(page), encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True,
                         check=False, env=env, timeout=900)
    assert out.returncode == 0, f"{page.name}:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"


def _docstring_examples() -> list[tuple[str, str, str]]:
    """(module, name, docstring) of every top-level function or class of ``stance`` whose
    docstring has an example; found with ``ast``, so collecting imports nothing heavy."""
    found = []
    for path in sorted((ROOT / "stance").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                doc = ast.get_docstring(node) or ""
                if ">>>" in doc:
                    found.append((module, node.name, doc))
    return found


DOCSTRING_EXAMPLES = _docstring_examples()


def test_the_public_api_has_examples():
    """The public functions of each stage carry an Examples section (numpydoc)."""
    named = {f"{module}.{name}" for module, name, _ in DOCSTRING_EXAMPLES}
    for public in ("stance.read._corpus.read_corpus", "stance.read._repair.repair_text",
                   "stance.speakers.load_registry", "stance.extract._extract.extract_statements",
                   "stance.embedding._embed.embed", "stance.frames._model.FrameModel",
                   "stance.targets._zero_shot.zero_shot_stance",
                   "stance.targets._classifier.StanceClassifier",
                   "stance.compare._shares.frame_shares", "stance.pipeline.run"):
        assert public in named, public
    for _, _, doc in DOCSTRING_EXAMPLES:
        assert "Examples\n--------" in doc


@pytest.mark.parametrize(
    ("module", "name"),
    [pytest.param(m, n, id=f"{m}.{n}", marks=[pytest.mark.slow] if HEAVY.search(d) else [])
     for m, n, d in DOCSTRING_EXAMPLES])
def test_docstring_examples_run(module, name, monkeypatch):
    """The examples of the API reference run and print what they show, from the repo root."""
    monkeypatch.chdir(ROOT)
    mod = importlib.import_module(module)
    obj = getattr(mod, name)
    # the module's own names are in scope, as with ``python -m doctest`` and pytest's doctests
    tests = doctest.DocTestFinder(recurse=False).find(obj, f"{module}.{name}", globs=vars(mod).copy())
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0
