"""Lazy re-exports (``embedlab.lazy``): a name loads its module on first use, shows in
``dir()``, and an unknown name is a plain AttributeError naming the package."""

from __future__ import annotations

import subprocess
import sys
import types

import embedlab
import pytest
from embedlab.lazy import lazy_exports


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """A package ``lazypkg`` whose ``Thing`` lives in ``lazypkg.things`` (not yet imported)."""
    pkg = types.ModuleType("lazypkg")
    pkg.__path__ = []
    things = types.ModuleType("lazypkg.things")
    things.Thing = object()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lazypkg", pkg)
    monkeypatch.setitem(sys.modules, "lazypkg.things", things)
    pkg.__getattr__, pkg.__dir__ = lazy_exports(  # type: ignore[attr-defined]
        "lazypkg", {"Thing": ".things", "Other": "lazypkg.things"})
    return pkg


def test_a_lazy_name_loads_once_and_stays(package: types.ModuleType) -> None:
    thing = sys.modules["lazypkg.things"].Thing  # type: ignore[attr-defined]
    assert "Thing" not in vars(package)
    assert package.Thing is thing
    assert vars(package)["Thing"] is thing  # kept: the next access is a plain attribute


def test_dir_lists_lazy_names(package: types.ModuleType) -> None:
    assert {"Thing", "Other", "__getattr__"} <= set(dir(package))


def test_unknown_and_missing_names_are_attribute_errors(package: types.ModuleType) -> None:
    with pytest.raises(AttributeError, match=r"'lazypkg' has no attribute 'Nope'"):
        package.Nope  # noqa: B018
    with pytest.raises(AttributeError, match="Other"):
        package.Other  # noqa: B018  (declared, but its module does not define it)
    assert not hasattr(package, "Nope")


@pytest.mark.parametrize("module", ["embedlab", "embedlab.adapter", "embedlab_local",
                                    "embedlab_cohere", "embedlab_openai"])
def test_packages_list_their_lazy_names(module: str) -> None:
    import importlib

    mod = importlib.import_module(module)
    assert set(mod.__all__) <= set(dir(mod))


def test_embedlab_loads_the_workflow_only_when_asked() -> None:
    code = ("import sys, embedlab; assert 'embedlab._compare.comparison' not in sys.modules; "
            "assert 'compare' in dir(embedlab); embedlab.compare; "
            "assert 'embedlab._compare.comparison' in sys.modules")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert embedlab.compare is sys.modules["embedlab._compare.comparison"].compare
