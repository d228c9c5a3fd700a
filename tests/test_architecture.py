"""The house rules, read from the source: SimPy's public API, one-way layers, small rooms.

* No project code reads or writes a SimPy attribute whose name starts with ``_``: the names
  are SimPy's own, collected from its source, so a new private name is caught too.
* Layers import one way: ``abm`` (engine, finance core) <- ``agents`` <- ``worlds`` <-
  ``experiments`` <- ``benchmarks`` <- ``neocloud_abm`` (facade and command line), counting
  imports inside functions and under ``TYPE_CHECKING``; no module imports a project module
  by a computed name; and no two modules import each other, however indirectly.
* No module is over 400 lines, and no run of six or more code lines stands twice.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest
import simpy

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("abm", "agents", "worlds", "experiments", "benchmarks", "neocloud_abm")
MAX_LINES = 400
REPEAT_LINES = 6


def _sources() -> dict[str, Path]:
    """Every module of the project's packages by dotted name."""
    found = {}
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


SOURCES = _sources()


def _simpy_private_names() -> set[str]:
    """Names starting with one underscore that SimPy's own code defines or assigns."""
    names: set[str] = set()
    for path in Path(simpy.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute):
                name = node.attr
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                name = node.name
            elif isinstance(node, ast.Name):
                name = node.id
            else:
                continue
            if name.startswith("_") and not name.startswith("__"):
                names.add(name)
    return names


def test_no_simpy_private_name_is_touched() -> None:
    private = _simpy_private_names()
    assert {"_now", "_queue", "_eid", "_resume", "_value", "_ok"} <= private  # the oracle works
    touched = []
    for name, path in SOURCES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in private:
                touched.append(f"{name}:{node.lineno} .{node.attr}")
            elif (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("simpy")
                  and any(a.name.startswith("_") for a in node.names)):
                touched.append(f"{name}:{node.lineno} from {node.module} import _...")
    assert not touched, f"SimPy private names used: {touched}"


def _resolve(module: str) -> str | None:
    """The project module an import names (a name in a module resolves to the module)."""
    while module:
        if module in SOURCES:
            return module
        if "." not in module:
            return None
        module = module.rsplit(".", 1)[0]
    return None


def _imports(name: str, path: Path) -> tuple[set[str], list[str]]:
    """(project modules ``name`` imports anywhere in its file, computed imports found)."""
    found: set[str] = set()
    computed = []
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_package else name.split(".")[:-1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        elif (isinstance(node, ast.Call)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                  "import_module", "__import__")):
            arg = node.args[0] if node.args else None
            if not (isinstance(arg, ast.Constant) and _resolve(str(arg.value)) is None):
                computed.append(f"{name}:{node.lineno}")
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != name:
                found.add(resolved)
                break  # ``from a.b import c``: c if it is a module, else a.b
    return found, computed


def _graph() -> tuple[nx.DiGraph, list[str]]:
    graph: nx.DiGraph = nx.DiGraph()
    computed = []
    for name, path in SOURCES.items():
        graph.add_node(name)
        imported, dynamic = _imports(name, path)
        computed += dynamic
        graph.add_edges_from((name, other) for other in imported)
    return graph, computed


def test_layers_import_downward_only_and_never_by_a_computed_name() -> None:
    graph, computed = _graph()
    assert not computed, f"imports by a computed name: {computed}"
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    upward = [f"{a} -> {b}" for a, b in graph.edges
              if rank[b.split(".")[0]] > rank[a.split(".")[0]]]
    assert not upward, f"imports up the layers: {upward}"
    assert graph.has_edge("agents.neoclouds.neocloud", "abm.agent")  # the graph is read


def test_no_import_circles_between_modules() -> None:
    graph, _ = _graph()
    graph.remove_edge("abm.agent", "abm.model")  # the Agent/Model pair (a type only)
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("package", [*LAYERS, "tests"])
def test_no_module_is_over_the_line_limit(package: str) -> None:
    long = {p.relative_to(ROOT).as_posix(): n for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


_SKIP = re.compile(r"^(#|import |from \S+ import |[()\[\]{},:]*$|\"\"\"$|'''$)")


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text folded) of the lines that carry code (not blank, comment, import)."""
    kept = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = " ".join(line.split())
        if text and not _SKIP.match(text):
            kept.append((number, text))
    return kept


def test_no_run_of_six_code_lines_stands_twice() -> None:
    seen: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for package in (*LAYERS, "tests", "examples"):
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = _code_lines(path)
            for i in range(len(lines) - REPEAT_LINES + 1):
                window = tuple(text for _, text in lines[i:i + REPEAT_LINES])
                seen[window].append(f"{path.relative_to(ROOT)}:{lines[i][0]}")
    repeated = {places[0]: places[1:] for places in seen.values() if len(places) > 1}
    assert not repeated, f"runs of {REPEAT_LINES} code lines repeated: {repeated}"
