"""The floor plan holds: imports only go down, and no module imports itself through others.

The layers (ARCHITECTURE.md): ``cli -> manifest -> checker -> model`` and
``cli/manifest -> properties -> model``. Engines take a Property from their task and never read
the property tables, so ``checker`` does not import ``properties``. The graph is read from the
source with :mod:`ast`, every ``import`` counted wherever it stands: a function-local import that
closes a circle is a circle (STYLE rule 17), and so is one under ``TYPE_CHECKING``.

Run ``python tests/test_layers.py`` to print the graph between packages and the module count.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "model": "kubecheck.model",
    "properties": "kubecheck.properties",
    "checker": "kubecheck.checker",
    "manifest": "kubecheck.manifest",
    "cli": "kubecheck.cli",
    "testing": "kubecheck.testing",
}
#: What each top-level package may import (besides itself): only floors below it.
ALLOWED = {
    "model": set(),
    "properties": {"model"},
    "checker": {"model"},
    "manifest": {"checker", "properties", "model"},
    "cli": {"manifest", "checker", "properties", "model"},
    "testing": {"cli", "manifest", "checker", "properties", "model"},
}


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the five packages."""
    found: dict[str, Path] = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def _imported(tree: ast.AST, modules: dict[str, Path]) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("kubecheck."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kubecheck"):
            assert node.level == 0, "relative imports are not used"
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in modules else node.module


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (anywhere in its body)."""
    modules = module_files()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {m for m in _imported(tree, modules) if m in modules and m != name}
    return graph


def floor(module: str) -> str:
    return module.split(".")[1]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None (iterative DFS)."""
    colour = dict.fromkeys(graph, 0)  # 0 new, 1 on the stack, 2 done
    for root in sorted(graph):
        if colour[root]:
            continue
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        colour[root] = 1
        while stack:
            node, successors = stack[-1]
            child = next(successors, None)
            if child is None:
                colour[node] = 2
                stack.pop()
            elif colour[child] == 1:
                path = [n for n, _ in stack]
                return [*path[path.index(child) :], child]
            elif colour[child] == 0:
                colour[child] = 1
                stack.append((child, iter(sorted(graph[child]))))
    return None


def package_edges(graph: dict[str, set[str]]) -> dict[tuple[str, str], int]:
    """(importing floor, imported floor) -> number of module imports, between different floors."""
    edges: dict[tuple[str, str], int] = {}
    for module, imported in graph.items():
        for other in imported:
            key = (floor(module), floor(other))
            if key[0] != key[1]:
                edges[key] = edges.get(key, 0) + 1
    return edges


GRAPH = import_graph()


@pytest.mark.parametrize("package", list(PACKAGES))
def test_imports_only_go_down_a_floor(package: str) -> None:
    wrong = sorted(
        f"{module} imports {other}"
        for module, imported in GRAPH.items()
        if floor(module) == package
        for other in imported
        if floor(other) != package and floor(other) not in ALLOWED[package]
    )
    assert not wrong, "\n".join(wrong)


def test_there_is_no_import_cycle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found_when_there_is_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_a_function_local_import_is_an_edge() -> None:
    tree = ast.parse("def f():\n    from kubecheck.checker import run\n")
    assert list(_imported(tree, {"kubecheck.checker.run": Path()})) == ["kubecheck.checker.run"]


def test_the_graph_covers_every_package() -> None:
    assert {floor(m) for m in GRAPH} == set(PACKAGES)
    assert "kubecheck.checker.run" in GRAPH and "kubecheck.model.kernel.ops" in GRAPH


def main() -> None:
    print(f"{len(GRAPH)} modules, {sum(map(len, GRAPH.values()))} imports between them")
    for (a, b), n in sorted(package_edges(GRAPH).items()):
        print(f"  {a:10} -> {b:10} {n:3} imports")
    cycle = find_cycle(GRAPH)
    print("no import cycle" if cycle is None else "cycle: " + " -> ".join(cycle))


if __name__ == "__main__":
    sys.exit(main())
