"""The package's shape: no import circle among copsim's modules, and the model below the rest.

The model (``copsim.model``) owns what a run records each week; the layers that run it,
sweep it, analyse and show it (``copsim.runs``, ``copsim.sweep``, ``copsim.analysis``,
``copsim.viz``) read the model, never the other way round.
"""

import ast
from pathlib import Path

import copsim

SRC = Path(copsim.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """copsim modules that ``path`` imports at run time (TYPE_CHECKING blocks aside)."""
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from package import module` imports the module; `from module import name`,
            # the module.
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found & modules


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in SRC.rglob("*.py")}
    return {name: _imports(path, set(files)) - {name} for name, path in files.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_is_read():
    graph = _graph()
    assert "copsim.model.schema" in graph["copsim.config"]
    assert "copsim.model.mechanisms.casework" in graph["copsim.model.cop_model"]


def test_no_import_circle_among_copsim_modules():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_a_circle_is_found():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


ABOVE_THE_MODEL = ("copsim.runs", "copsim.sweep", "copsim.analysis", "copsim.viz")
"""The layers built on the model, which no module of ``copsim.model`` may import."""


def _imported_names(source: str, module: str) -> set[str]:
    """Every module name ``source`` (the text of ``module``) imports, wherever it does.

    Unlike :func:`_imports`, imports inside functions and ``TYPE_CHECKING`` blocks count,
    relative imports are resolved, and ``import_module("...")`` with a literal name counts.
    """
    package = module.split(".")
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def _above_the_model(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == m or n.startswith(m + ".") for m in ABOVE_THE_MODEL))


def test_no_model_module_imports_the_layers_above_it():
    wrong = {}
    for path in sorted((SRC / "model").rglob("*.py")):
        module = _module_name(path)
        # A package's own name is its __init__'s; relative imports resolve from the package.
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        names = _imported_names(path.read_text(), package + ".x")
        if above := _above_the_model(names):
            wrong[module] = above
    assert not wrong, f"model modules importing the layers above the model: {wrong}"


def test_an_import_of_a_layer_above_the_model_is_found():
    source = """
from typing import TYPE_CHECKING
import copsim.viz.app
if TYPE_CHECKING:
    from copsim.sweep.store import Store

def later():
    from ..runs import outputs
    from copsim.analysis import figures
    return import_module("copsim.runs.runner")
"""
    names = _imported_names(source, "copsim.model.records")
    assert _above_the_model(names) == [
        "copsim.analysis",
        "copsim.analysis.figures",
        "copsim.runs",
        "copsim.runs.outputs",
        "copsim.runs.runner",
        "copsim.sweep.store",
        "copsim.sweep.store.Store",
        "copsim.viz.app",
    ]
    assert not _above_the_model(_imported_names("from copsim.model import records", "x.y"))
