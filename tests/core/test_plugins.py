"""Plugin loading: entry points, broken plugins skipped with a warning, EMBEDLAB_PLUGINS,
providers whose extra is missing, and in-process registration."""

from __future__ import annotations

import subprocess
import sys
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from embedlab import _plugins as plugins
from embedlab import get_embedder, get_finetuner, providers
from embedlab._errors import BrokenPluginError, ProviderUnavailableError, UnknownProviderError
from embedlab._lookup import ProviderInfo
from embedlab.cli import cli
from embedlab.testing import FakeEmbedder, use_plugin

HERE = Path(__file__).resolve().parent
FIRST_PARTY = {"local", "cohere", "openai"}

#: Entry-point name -> module under plugins_for_tests/.
TEST_PLUGINS = {
    "broken": "plugins_for_tests.broken_import",
    "raising": "plugins_for_tests.raising_hook",
    "badarg": "plugins_for_tests.bad_argument",
    "misspelled": "plugins_for_tests.misspelled_hook",
    "badcall": "plugins_for_tests.bad_register_call",
    "good": "plugins_for_tests.good",
    "halfway": "plugins_for_tests.halfway",
}

Install = Callable[..., None]


@pytest.fixture
def install_entry_points(monkeypatch: pytest.MonkeyPatch) -> Install:
    """Add crafted ``embedlab`` entry points (beside the installed ones) pointing at
    modules under plugins_for_tests/."""
    monkeypatch.syspath_prepend(str(HERE))
    real = metadata.entry_points

    def install(*names: str) -> None:
        crafted = [metadata.EntryPoint(name=n, value=TEST_PLUGINS[n], group="embedlab")
                   for n in names]

        def entry_points(**params: Any) -> Any:
            if params.get("group") != "embedlab":
                return real(**params)
            return [*real(group="embedlab"), *crafted]

        monkeypatch.setattr(plugins.metadata, "entry_points", entry_points)
        plugins.reset()

    return install


def _rows() -> dict[str, ProviderInfo]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {row.name: row for row in providers()}


def _load_warnings() -> list[str]:
    plugins.reset()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plugins.get_registry()
    return [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]


def test_first_party_providers_load_through_entry_points() -> None:
    rows = _rows()
    assert set(rows) >= FIRST_PARTY
    for name in FIRST_PARTY:
        assert rows[name].source == "embedlab"
        assert rows[name].plugin == name
        assert rows[name].status in {"available", "unavailable"}


@pytest.mark.parametrize("name, hook, error", [
    ("broken", None, "ModuleNotFoundError: No module named "
                     "'embedlab_plugin_dependency_that_is_not_installed'"),
    ("raising", "embedlab_register_embedders", "RuntimeError: the raising plugin's hook blew up"),
    ("badarg", "embedlab_register_embedders", "Argument(s) {'settings'} are declared in the "
                                              "hookimpl but can not be found in the hookspec"),
    ("misspelled", "embedlab_register_embeders", "is not an embedlab hook"),
    ("badcall", "embedlab_register_embedders", "register() needs a name without ':'"),
])
def test_a_broken_plugin_is_skipped_with_a_warning(install_entry_points: Install, name: str,
                                                   hook: str | None, error: str) -> None:
    install_entry_points(name, "good")
    messages = _load_warnings()
    about = [m for m in messages if f"skipped plugin {name!r}" in m]
    assert len(about) == 1, messages
    assert error in about[0]
    if hook:
        assert hook in about[0]
    rows = _rows()
    # The others still load.
    assert {"goodfake", *FIRST_PARTY} <= set(rows)
    assert rows["goodfake"].status == "available"
    assert get_embedder("goodfake").provider == "goodfake"
    # The broken one is listed with its error, and registered nothing.
    assert rows[name].status == "broken"
    assert error in rows[name].hint
    assert [r.name for r in rows.values() if r.plugin == name and r.status != "broken"] == []


def test_providers_command_shows_broken_plugins_with_their_error(
        install_entry_points: Install) -> None:
    install_entry_points("broken", "raising", "good")
    result = CliRunner().invoke(cli, ["providers"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith("broken"))
    assert "broken" in lines[broken].split()[1]
    assert "error: ModuleNotFoundError" in lines[broken + 1]
    raising = next(i for i, line in enumerate(lines) if line.startswith("raising"))
    assert "error: RuntimeError: the raising plugin's hook blew up" in lines[raising + 1]
    assert "goodfake" in result.output


def test_embedlab_plugins_limits_the_entry_points_loaded(install_entry_points: Install,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    install_entry_points("broken", "good")
    monkeypatch.setenv("EMBEDLAB_PLUGINS", "good, local")
    assert _load_warnings() == []  # "broken" was not even imported
    names = set(_rows())
    assert {"goodfake", "local"} <= names
    assert not {"cohere", "openai", "broken"} & names


def test_embedlab_plugins_empty_loads_no_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDLAB_PLUGINS", "")
    plugins.reset()
    assert not FIRST_PARTY & set(_rows())
    with pytest.raises(UnknownProviderError, match="none is installed"):
        get_embedder("local")


def test_a_provider_with_a_missing_requirement_is_unavailable(
        install_entry_points: Install) -> None:
    install_entry_points("good")
    row = _rows()["needsextra"]
    assert row.status == "unavailable"
    assert row.hint == "pip install 'embedlab-needsextra[sdk]'"
    with pytest.raises(ProviderUnavailableError) as info:
        get_embedder("needsextra")
    assert "embedlab_sdk_that_is_not_installed" in str(info.value)
    assert "pip install 'embedlab-needsextra[sdk]'" in str(info.value)
    output = CliRunner().invoke(cli, ["providers"]).output
    assert "install: pip install 'embedlab-needsextra[sdk]'" in output


def test_two_plugins_registering_one_name_keep_the_first(
        install_entry_points: Install, monkeypatch: pytest.MonkeyPatch) -> None:
    install_entry_points("good")
    monkeypatch.syspath_prepend(str(HERE))
    from plugins_for_tests import clashing

    with use_plugin(clashing, "clashing"):
        messages = _load_warnings()
        assert any("'clashing' registers embedder 'goodfake'" in m
                   and "keeping 'good'" in m for m in messages), messages
        assert get_embedder("goodfake").model == "good-default"


def test_in_process_plugin_survives_reset_until_unregistered() -> None:
    from embedlab.testing import fake_plugin

    plugins.register_plugin(fake_plugin, "fake-plugin")
    try:
        plugins.reset()
        assert isinstance(get_embedder("fake"), FakeEmbedder)
        assert _rows()["fake"].source == "in-process"
    finally:
        plugins.unregister_plugin("fake-plugin")
    with pytest.raises(UnknownProviderError):
        get_embedder("fake")


def test_in_process_plugins_are_not_limited_by_embedlab_plugins(
        monkeypatch: pytest.MonkeyPatch, embedlab_fake_provider: str) -> None:
    monkeypatch.setenv("EMBEDLAB_PLUGINS", "local")
    plugins.reset()
    assert {"fake", "local"} <= set(_rows())


@pytest.mark.parametrize("name, provider, hook, error", [
    ("broken", "broken", "while loading", "ModuleNotFoundError"),
    ("raising", "raising", "in hook embedlab_register_embedders",
     "RuntimeError: the raising plugin's hook blew up"),
    ("halfway", "halfwayfake", "in hook embedlab_register_embedders",
     "RuntimeError: the second registration failed"),
])
def test_using_a_broken_plugins_provider_says_it_is_broken(
        install_entry_points: Install, name: str, provider: str, hook: str,
        error: str) -> None:
    install_entry_points(name, "good")
    with pytest.warns(plugins.PluginLoadWarning, match=f"skipped plugin {name!r}"):
        plugins.get_registry()
    for lookup in (lambda: get_embedder(provider), lambda: get_embedder(f"{provider}:m"),
                   lambda: get_finetuner(provider)):
        with pytest.raises(BrokenPluginError) as info:
            lookup()
        message = str(info.value)
        assert "installed but its plugin is broken" in message
        assert f"plugin {name!r}" in message and hook in message and error in message
        assert "no embedding provider named" not in message
        assert isinstance(info.value, UnknownProviderError)  # older handlers still catch it
    result = CliRunner().invoke(cli, ["embed", "--model", provider, "hello", "--out", "x.npy"])
    assert result.exit_code != 0
    assert "installed but its plugin is broken" in result.output
    # A name nobody registered is still just unknown.
    with pytest.raises(UnknownProviderError, match="no embedding provider named 'nobody'"):
        get_embedder("nobody")


def test_mypy_checks_a_plugins_register_calls(tmp_path: Path) -> None:
    """The hooks' ``register`` protocols let mypy catch a misspelt or mistyped argument."""
    plugin = tmp_path / "typed_plugin.py"
    plugin.write_text(
        "from typing import Any\n\n"
        "import embedlab\n"
        "from embedlab.hookspecs import RegisterEmbedder, RegisterVisualizer\n\n\n"
        "def factory(model: str, **options: Any) -> embedlab.Embedder:\n"
        "    raise NotImplementedError\n\n\n"
        "@embedlab.hookimpl\n"
        "def embedlab_register_embedders(register: RegisterEmbedder) -> None:\n"
        "    register('ok', factory, default_model='m', install='pip install ok')\n"
        "    register('typo', factory, default_modle='m')\n\n\n"
        "@embedlab.hookimpl\n"
        "def embedlab_register_visualizers(register: RegisterVisualizer) -> None:\n"
        "    register('wrong', factory, install=3)\n", encoding="utf-8")
    repo = HERE.parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context",
         str(plugin)], cwd=repo, capture_output=True, text=True, timeout=300, check=False)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["14", "19", "19"], result.stdout
    assert '"default_modle"' in errors[0] and 'did you mean "default_model"' in errors[0]
    assert '"install"' in " ".join(errors[1:]) and "Visualizer" in " ".join(errors[1:])
