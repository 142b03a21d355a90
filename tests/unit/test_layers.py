"""The package's layering, read from the source: imports only point down, and never in a circle.

Reads every module of checker/ (and app.py) with ast, builds the import graph (absolute and
relative imports, at module level or inside functions; dynamic importlib calls are not seen)
and fails on
  (a) any cycle between modules (printed as a -> b -> ... -> a);
  (b) any import that points up the layer table LAYERS.
Sibling imports within one layer are allowed as long as they make no cycle.

Imports made by importlib (the plugin loading of checker.checks and checker.commands) are not
in the graph, so a cycle through them is caught only as an upward import: that is why a check
module may not import the triage or the engine.

Run it as a script to print every violation: `PYTHONPATH=$PWD .venv/bin/python tests/test_layers.py`.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Module prefix → layer, top (1) to bottom (6). A module belongs to its longest matching prefix
# (the prefix itself or anything below it); every module must belong somewhere. A key ending
# in "!" names that one module only (the root package, so that it does not place the rest).
LAYERS: dict[str, int] = {
    # 1. interfaces
    "app": 1, "checker.__main__": 1, "checker.cli": 1, "checker.commands": 1, "checker.web": 1,
    # 2. application
    "checker.triage": 2, "checker.fix": 2, "checker.jobs": 2,
    # 3. pipeline (only the engine schedules isolation jobs)
    "checker.engine": 3, "checker.isolation": 3, "checker.report": 3, "checker.workerstart": 3,
    # 4. adapters: call validators, turn results into Findings
    "checker.checks": 4,
    # 5. validators and format parsers
    "checker.identify": 5, "checker.pdf": 5, "checker.pdfa": 5, "checker.pdfscan": 5,
    "checker.signatures": 5, "checker.mail": 5, "checker.message": 5, "checker.verapdf": 5,
    "checker.verapdf_pool": 5, "checker.pdfa_disagreements": 5,
    "checker.zipinspect": 5, "checker.linkfinder": 5, "checker.textfacts": 5, "checker.subjects": 5,
    "checker.xmlguard": 5,
    "checker.pecdomains": 5, "checker.pecsize": 5, "checker.filenames": 5,
    # 6. base
    "checker!": 6, "checker.model": 6, "checker.catalogue": 6, "checker.profiles": 6,
}



# --- the graph ---------------------------------------------------------------------------------

def module_files(root: Path, packages: Sequence[str], modules: Sequence[str] = ()) -> dict[str, Path]:
    """Dotted module name → file, for every .py under the given packages plus single modules."""
    out: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    for name in modules:
        out[name] = root / f"{name.replace('.', '/')}.py"
    return out


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The deepest known module that `import name` runs (None for third-party modules)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imports_of(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The known modules that `module` imports anywhere in its source."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name, known)
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # `from pkg import sub` imports the submodule; `from mod import name`, the module
                target = _resolve(f"{source}.{alias.name}", known) or _resolve(source, known)
                if target:
                    found.add(target)
    found.discard(module)
    return found


def import_graph(known: dict[str, Path]) -> dict[str, set[str]]:
    return {module: imports_of(module, path, known) for module, path in known.items()}


# --- the rules ---------------------------------------------------------------------------------

def layer_of(module: str, layers: dict[str, int]) -> int | None:
    if f"{module}!" in layers:
        return layers[f"{module}!"]
    parts = module.split(".")
    while parts:
        prefix = ".".join(parts)
        if prefix in layers:
            return layers[prefix]
        parts.pop()
    return None


def upward_imports(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    """Each import of a higher layer (a smaller number), as text."""
    out = []
    for module in sorted(graph):
        here = layer_of(module, layers)
        for target in sorted(graph[module]):
            there = layer_of(target, layers)
            if here is not None and there is not None and there < here:
                out.append(f"{module} (layer {here}) imports {target} (layer {there})")
    return out


def unplaced(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    return sorted(m for m in graph if layer_of(m, layers) is None)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan), each
    written as a path that ends where it starts."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(start: str) -> None:
        # iterative, so a long chain of imports cannot hit the recursion limit
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_cycle_through(component, graph) for component in sorted(components)]


def _cycle_through(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """The shortest path from the component's first module back to itself (breadth-first)."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, set()) & members):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start] if len(path) > 1 else [start, node, start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    return component  # not reached: a component of more than one module has a cycle


def without(graph: dict[str, set[str]], edges: set[tuple[str, str]]) -> dict[str, set[str]]:
    return {m: {t for t in targets if (m, t) not in edges} for m, targets in graph.items()}


def project_graph() -> dict[str, set[str]]:
    return import_graph(module_files(ROOT, ["checker"], ["app"]))


# --- the tests ---------------------------------------------------------------------------------

def test_no_import_cycles() -> None:
    found = cycles(project_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_imports_point_down_the_layers() -> None:
    found = upward_imports(project_graph(), LAYERS)
    assert not found, "imports of a higher layer:\n" + "\n".join(found)


def test_every_module_has_a_layer() -> None:
    assert not unplaced(project_graph(), LAYERS), "add these to LAYERS"


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = project_graph()
    assert "checker.engine" in graph["checker.triage.batch"] or "checker.engine" in graph["checker.triage.rows"]
    assert "checker.mail.reader" in graph["checker.checks.pec_message"]     # from ..mail.reader import
    assert "checker.web.triage" in graph["app"]                              # from checker.web import triage
    assert "checker.signatures.cms" in graph["checker.mail.signature"]      # inside a function


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_checker_finds_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    _write(tmp_path, {
        "fake/__init__.py": "",
        "fake/base.py": "def helper():\n    from .top import page  # an interface, from the base\n",
        "fake/top.py": "from . import middle\npage = 1\n",
        "fake/middle/__init__.py": "",
        "fake/middle/a.py": "from .b import x\nimport os\n",
        "fake/middle/b.py": "import fake.middle.c\nx = 1\n",
        "fake/middle/c.py": "from ..middle import a\nfrom fake import base\n",
        "fake/stray.py": "",
    })
    graph = import_graph(module_files(tmp_path, ["fake"]))
    layers = {"fake!": 3, "fake.base": 3, "fake.top": 1, "fake.middle": 2}
    assert cycles(graph) == [["fake.middle.a", "fake.middle.b", "fake.middle.c", "fake.middle.a"]]
    assert upward_imports(graph, layers) == ["fake.base (layer 3) imports fake.top (layer 1)"]
    assert unplaced(graph, layers) == ["fake.stray"]
    assert unplaced(graph, {**layers, "fake": 3}) == []
    assert cycles(without(graph, {("fake.middle.c", "fake.middle.a")})) == []
    assert graph["fake.top"] == {"fake.middle"}


def test_the_checker_finds_a_cycle_of_two_and_ignores_self_imports(tmp_path: Path) -> None:
    _write(tmp_path, {"p/__init__.py": "from . import q\n", "p/q.py": "from p import r\nfrom . import q\n",
                      "p/r.py": "from .q import thing\n"})
    graph = import_graph(module_files(tmp_path, ["p"]))
    assert cycles(graph) == [["p.q", "p.r", "p.q"]]


if __name__ == "__main__":
    g = project_graph()
    problems = [" -> ".join(c) for c in cycles(g)] + upward_imports(g, LAYERS) + \
        [f"{m}: no layer" for m in unplaced(g, LAYERS)]
    print("\n".join(problems) or "layers: ok")
    sys.exit(1 if problems else 0)
