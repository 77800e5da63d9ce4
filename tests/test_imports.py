"""The package's module-level import graph has no cycle (issue 11).

Each module's top-level imports (not those inside functions, which are deferred on purpose, nor
``if TYPE_CHECKING:`` blocks) are read with :mod:`ast`; names are resolved with :mod:`importlib`
(relative imports, ``from pkg import submodule``). A cycle there means an import order that only
works by accident of which module is imported first.
"""

from __future__ import annotations

import ast
import importlib.util
import pkgutil
import subprocess
import sys
from pathlib import Path

import stance


def _module_files(package: str, path: list[str]) -> dict[str, Path]:
    out = {package: Path(path[0]) / "__init__.py"}
    for info in pkgutil.walk_packages(path, package + "."):
        spec = importlib.util.find_spec(info.name)
        assert spec is not None and spec.origin, info.name
        out[info.name] = Path(spec.origin)
    return out


def _top_level(tree: ast.Module):
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt))


def import_graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the modules of ``files`` it imports at module level."""
    graph: dict[str, set[str]] = {}
    for name, file in files.items():
        package = name if file.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in _top_level(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
                continue
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) \
                if node.level else node.module
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                deps.add(sub if sub in files else base)
        graph[name] = {d for d in deps if d in files and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle a depth-first search meets (each as a closed path)."""
    state: dict[str, int] = {}
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def test_the_package_import_graph_has_no_cycle():
    files = _module_files("stance", list(stance.__path__))
    assert {"stance.read._corpus", "stance.figures._registry", "stance.targets._spec"} <= set(files)
    graph = import_graph(files)
    assert "stance.read._corpus" in graph["stance.read"]      # the graph sees real edges
    assert cycles(graph) == []


def test_the_check_finds_a_cycle_and_ignores_deferred_imports(tmp_path, monkeypatch):
    pkg = tmp_path / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from cyclepkg._a import A\n", encoding="utf-8")
    (pkg / "_a.py").write_text("from ._b import B\nA = 1\n", encoding="utf-8")
    (pkg / "_b.py").write_text("import cyclepkg._c\nB = 2\n", encoding="utf-8")
    (pkg / "_c.py").write_text("from cyclepkg import _a\n", encoding="utf-8")
    (pkg / "_d.py").write_text("def f():\n    from cyclepkg import _a\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = import_graph(_module_files("cyclepkg", [str(pkg)]))
    assert graph["cyclepkg._d"] == set()
    assert cycles(graph) == [["cyclepkg._a", "cyclepkg._b", "cyclepkg._c", "cyclepkg._a"]]


def test_importing_stance_the_pipeline_and_extract_loads_no_heavy_library():
    code = ("import sys, stance, stance.pipeline, stance.tables, stance.cli, stance.extract\n"
            "heavy = [m for m in ('torch', 'spacy', 'sentence_transformers', 'matplotlib', "
            "'umap', 'sklearn') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(stance.__file__).parents[1])
    assert out.stdout.strip() == ""


def _all_imports(file: Path, name: str, files: dict[str, Path]) -> set[str]:
    """The modules of ``files`` that ``name`` imports anywhere (deferred imports included)."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    deps: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            deps |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package) \
                if node.level else node.module
            deps |= {f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                     for a in node.names}
    return {d for d in deps if d in files and d != name}


def test_no_top_level_module_is_private_to_one_stage():
    # issue 11: a module that only one stage package imports belongs inside that package
    files = _module_files("stance", list(stance.__path__))
    # the stage packages; ``commands`` (one module per subcommand) is the CLI, not a stage
    stages = {n for n, f in files.items() if n.count(".") == 1 and f.name == "__init__.py"
              and n != "stance.commands"}
    assert {"stance.read", "stance.extract", "stance.frames", "stance.figures"} <= stages
    users: dict[str, set[str]] = {}
    for name, file in files.items():
        unit = ".".join(name.split(".")[:2])
        for dep in _all_imports(file, name, files):
            users.setdefault(dep, set()).add(unit)
    top = [n for n, f in files.items() if n.count(".") == 1 and f.name != "__init__.py"
           and n != "stance.__main__"]
    assert "stance.pipeline" in top and "stance._exact" in top
    private = {m: sorted(users[m]) for m in top
               if users.get(m) and len(users[m] - {m}) == 1 and (users[m] - {m}) <= stages}
    assert private == {}
    assert {"stance.frames", "stance.targets", "stance.figures"} <= users["stance._exact"]
