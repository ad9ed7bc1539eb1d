"""No import cycles among embedlab's own modules, lazy imports included (DESIGN: a module that
needs another's job at run time is a sign that the job lives in the wrong module). Imports
under ``if TYPE_CHECKING:`` do not run and do not count; package ``__init__`` files re-export
and are left out. Public names keep working from ``embedlab``."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import embedlab
import pytest

PACKAGE = Path(embedlab.__file__).parent


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for child in node.body for n in ast.walk(child))
    return skipped


def import_graph(package: Path, *, types: bool = False) -> dict[str, set[str]]:
    """``module -> modules it imports`` for every non-``__init__`` module under ``package``;
    ``types``: imports under ``if TYPE_CHECKING:`` count too (a loop a reader still follows)."""
    root = package.parent
    files = {_module_name(p, root): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = set() if types else _type_checking_nodes(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = name.split(".")[: -node.level]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in files else base)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        graph[name] = {t for t in targets if t in files and t != name
                       and files[t].name != "__init__.py"}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return []


def test_the_check_sees_a_lazy_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import g\n\ndef f():\n    return g()\n")
    (pkg / "b.py").write_text("def g():\n    from .a import f\n    return f\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    from .a import f\n")
    graph = import_graph(pkg)
    assert graph["pkg.c"] == set()
    assert set(_cycle(graph)) == {"pkg.a", "pkg.b"}


def test_embedlab_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE)
    assert "embedlab._datasets.dataset" in graph and "embedlab._lookup" in graph
    cycle = _cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_check_with_types_sees_a_type_only_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .b import g\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    from .a import f\n")
    assert _cycle(import_graph(pkg)) == []
    assert set(_cycle(import_graph(pkg, types=True))) == {"pkg.a", "pkg.b"}


def test_embedlab_has_no_cycle_through_type_only_imports() -> None:
    cycle = _cycle(import_graph(PACKAGE, types=True))
    assert not cycle, "import cycle (type-only imports counted): " + " -> ".join(cycle)


@pytest.mark.parametrize(("module", "name", "home"), [
    ("embedlab", "load_custom_model", "embedlab._lookup"),
    ("embedlab", "ValidationIssue", "embedlab._datasets.issues"),
    ("embedlab", "FinetuneConfig", "embedlab._finetune_config"),
])
def test_public_names_are_the_objects_of_their_home_module(module: str, name: str,
                                                        home: str) -> None:
    import importlib

    old, new = importlib.import_module(module), importlib.import_module(home)
    assert getattr(old, name) is getattr(new, name)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        embedlab.no_such_name  # noqa: B018
