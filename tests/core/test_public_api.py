"""The line between public and internal: what ``embedlab`` exports, the plugin-author API the
first-party adapters and plugins keep to; the module paths from before 0.2 are gone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import embedlab
import pytest

REPO = Path(__file__).resolve().parents[2]
#: The modules a plugin may import (docs/plugins.md, "The plugin-author API").
PLUGIN_API = {"embedlab", "embedlab.hookspecs", "embedlab.hosted", "embedlab.settings",
              "embedlab.progress", "embedlab.lazy", "embedlab.adapter", "embedlab.testing"}


#: Exports that are values, not functions or classes.
VALUES = {"__version__", "INPUT_TYPES", "hookimpl"}


@pytest.mark.parametrize("name", sorted(set(embedlab.__all__) - VALUES))
def test_every_export_is_embedlabs_own_function_or_class(name: str) -> None:
    value = getattr(embedlab, name)
    assert getattr(value, "__name__", None) == name
    assert value.__module__.split(".")[0] == "embedlab", value.__module__


def test_the_top_level_namespace_holds_only_public_names_and_the_public_modules() -> None:
    # ``annotations`` and ``TYPE_CHECKING``: the __future__ import and typing's flag.
    public = {n for n in dir(embedlab) if not n.startswith("_")} - {"annotations",
                                                                     "TYPE_CHECKING"}
    modules = {n for n in public if isinstance(getattr(embedlab, n), type(embedlab))}
    assert public - modules == set(embedlab.__all__) - {"__version__"}


def _python(code: str) -> str:
    """Run ``code`` in a fresh interpreter (nothing imported yet); its stdout."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _imports(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {m for m in modules if m.split(".")[0] == "embedlab"}


def _plugin_sources() -> list[Path]:
    roots = [REPO / "adapters", REPO / "plugins" / "embedlab-model2vec" / "src"]
    return sorted(p for root in roots for p in root.rglob("*.py"))


def test_first_party_plugins_use_only_the_plugin_author_api() -> None:
    sources = _plugin_sources()
    assert len(sources) > 10, "the adapters were not found"
    outside = {f"{p.relative_to(REPO)}: {m}" for p in sources for m in _imports(p)
               if m not in PLUGIN_API and not m.startswith("embedlab.testing.")}
    assert not outside, "imports beyond the plugin-author API:\n" + "\n".join(sorted(outside))


def test_every_plugin_api_module_is_named_in_the_plugin_guide() -> None:
    guide = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = guide.split("## The plugin-author API", 1)[1].split("\n## ", 1)[0]
    assert all(f"`{module}`" in section for module in PLUGIN_API), section


def test_the_module_paths_from_before_0_2_are_gone() -> None:
    code = (
        "import embedlab\n"
        "try:\n"
        "    from embedlab.errors import RateLimitError\n"
        "except ImportError as e:\n"
        "    print('import:', e)\n"
        "try:\n"
        "    embedlab.pipeline\n"
        "except AttributeError as e:\n"
        "    print('attr:', e)\n"
    )
    out = _python(code)
    assert "import: No module named 'embedlab.errors'" in out
    assert "attr: module 'embedlab' has no attribute 'pipeline'" in out


def test_compare_stays_a_function_after_the_cli_and_modules_load() -> None:
    # A module named like a lazily exported function would replace it on import.
    _python(
        "import embedlab.cli, embedlab._compare.comparison, embedlab._compare.report\n"
        "import embedlab._datasets.sample\n"
        "import embedlab\n"
        "from embedlab import compare, Comparison, sample_dataset_path\n"
        "assert callable(compare) and compare.__name__ == 'compare', compare\n"
        "assert embedlab.compare is compare\n"
        "assert isinstance(Comparison, type)\n"
        "assert sample_dataset_path().name == 'airline_intents.csv'\n"
    )
