"""The package's shape: no module of `plugins/coe` imports, directly or through others, a
module that imports it, counting imports inside functions (which hide a cycle rather than
remove it) and relative imports, and no function is longer than 100 lines.

Imports under ``if TYPE_CHECKING:`` are left out: they never run, so they cannot make the
import order matter, and the type checker resolves them lazily. Implicit imports of parent
packages are left out too (every ``coe.x`` import runs ``coe/__init__.py`` first): they
only ever find the package already in ``sys.modules``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "coe"
MAX_FUNCTION_LINES = 100


def _modules() -> dict[str, tuple[Path, bool]]:
    """Each module's dotted name, to its file and whether it is a package's ``__init__``."""
    modules: dict[str, tuple[Path, bool]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        modules[".".join(parts)] = (path, is_package)
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """Every module an import statement names, wherever it is (functions included)."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.names: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for statement in node.orelse:
                self.visit(statement)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.names.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        self.names.add(module)
        # `from . import rules` imports the module `rules`, not a name in `.`
        self.names.update(f"{module}.{alias.name}" for alias in node.names)


def all_imports() -> dict[str, set[str]]:
    """Each module, to every module it names in an import, inside the package or not."""
    imports: dict[str, set[str]] = {}
    for name, (path, is_package) in _modules().items():
        visitor = _Imports(name if is_package else name.rpartition(".")[0])
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        imports[name] = visitor.names
    return imports


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {target for target in names if target in modules} - {name}
        for name, names in all_imports().items()
    }


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively: the groups of modules that reach each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    groups.append(sorted(group))
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(sorted(graph[target]))))
            elif target in on_stack:
                low[node] = min(low[node], index[target])
    return groups


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(g for g in strongly_connected(graph) if len(g) > 1) == [["a", "b", "c"]]


def test_the_graph_sees_relative_and_function_level_imports() -> None:
    graph = import_graph()
    assert "coe.core.findings" in graph["coe.core.checker"]  # `from .findings import`
    assert "coe.core.rules" in graph["coe.core.checker"]
    assert "coe.core.rules.loading" in graph["coe.core.rules"]  # `from . import loading`
    assert "coe.core.config" in graph["coe.plugin.config"]  # `from ..core.config import`


def test_no_import_cycle() -> None:
    cycles = [group for group in strongly_connected(import_graph()) if len(group) > 1]
    assert cycles == [], f"modules that import each other: {cycles}"


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("coe.core", ("coe.site", "coe.plugin", "coe.cli", "coe.reporters", "mkdocs", "material")),
        ("coe.site", ("coe.plugin", "coe.cli", "mkdocs", "material")),
        ("coe.cli", ("coe.plugin", "mkdocs")),
    ],
)
def test_layers_import_only_what_is_below_them(layer: str, forbidden: tuple[str, ...]) -> None:
    """The core is framework-free, the site renders without MkDocs, and the two adapters
    (the plugin and the CLI) do not lean on each other. The CLI may ask the site how a
    page renders: `coe renumber` rewrites exactly the mentions a page links."""
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in all_imports().items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    )
    assert wrong == []


def test_no_function_over_100_lines() -> None:
    long: list[str] = []
    for name, (path, _) in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert long == []
