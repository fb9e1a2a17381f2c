"""The floor plan stays true: no app imports a higher one, and no two modules import each other.

    ntm_portal (the ground and frame) ← communes ← criteria ← sponsorships ← reports

Read from the source (every import, also those inside functions, and the dotted task names given
to `enqueue_after_commit`), so a new arrow that runs back up fails here before review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"ntm_portal": 0, "communes": 1, "criteria": 2, "sponsorships": 3, "reports": 4}


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path, *, tasks: bool = True, root: Path = ROOT) -> set[str]:
    """Every module this file imports at run time (relative imports resolved), and with `tasks`
    the modules of the tasks it sends by name (a message, not an import: no circle, but a floor)."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if _type_checking_only(node)
        for statement in node.body
        for child in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            # `from ntm_portal import rosters` imports the submodule ntm_portal.rosters.
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            tasks
            and isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "enqueue_after_commit"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value.rpartition(".")[0])
    return found


def _house(*, tasks: bool) -> dict[str, set[str]]:
    modules = {
        _module_name(path): path
        for app in FLOORS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }
    graph = {}
    for name, path in modules.items():
        imported = set()
        for target in _imports(path, tasks=tasks):
            # The longest known module the import names (a name imported from a module is not one).
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                imported.add(target)
        graph[name] = imported
    return graph


HOUSE = _house(tasks=True)
IMPORTS = _house(tasks=False)


def test_the_house_is_read() -> None:
    assert "ntm_portal.access" in HOUSE
    assert "reports.demo" in HOUSE
    assert "communes.models" in HOUSE["criteria.models"]


@pytest.mark.parametrize("module", sorted(HOUSE))
def test_no_module_imports_a_higher_floor(module: str) -> None:
    floor = FLOORS[module.split(".")[0]]
    higher = sorted(target for target in HOUSE[module] if FLOORS[target.split(".")[0]] > floor)
    assert not higher, f"{module} (floor {floor}) imports a higher floor: {higher}"


def test_no_two_modules_import_each_other_in_a_circle() -> None:
    """Circles through any number of files (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in IMPORTS[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(IMPORTS):
        if node not in index:
            visit(node)
    assert not circles, f"modules that import each other: {circles}"


def test_a_higher_import_is_caught(tmp_path: Path) -> None:
    """The check itself can fail: upward imports in a lower app are seen, however written."""
    probe = tmp_path / "communes" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(
        "from reports.models import Document\n"
        "from ..sponsorships import services\n"
        "def later():\n    import criteria.rules\n"
        "enqueue_after_commit('reports.tasks.render_document', [1])\n"
    )
    found = _imports(probe, root=tmp_path)
    assert {"reports.models", "sponsorships.services", "criteria.rules", "reports.tasks"} <= found
    assert "reports.tasks" not in _imports(probe, root=tmp_path, tasks=False)
