"""Optional libraries a run needs (umap-learn for the maps, matplotlib for the PNG) are
checked before anything is embedded or trained, and the error says what to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedlab._compare.report import check_requirements
from embedlab._errors import ConfigurationError
from embedlab.cli import cli


def _uninstall(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` look not installed: neither importable nor found by find_spec."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_missing_umap_fails_for_the_umap_projection_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, "umap")
    with pytest.raises(ConfigurationError, match=r"umap-learn.*pip install 'embedlab\[report\]'"):
        check_requirements(projection="umap")
    with pytest.raises(ConfigurationError, match="umap-learn"):
        check_requirements(projection="UMAP", visualizers=("html",))
    check_requirements(projection="pca", visualizers=("html",))
    check_requirements(projection="tsne")


def test_missing_matplotlib_fails_for_the_png_only(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, "matplotlib")
    with pytest.raises(ConfigurationError) as caught:
        check_requirements(projection="pca", visualizers=("png", "html"))
    message = str(caught.value)
    assert "matplotlib for the png visualizer" in message
    assert "pip install 'embedlab[report]'" in message and "umap" not in message
    check_requirements(projection="pca", visualizers=("html",))


def test_every_missing_library_is_named_once(monkeypatch: pytest.MonkeyPatch) -> None:
    _uninstall(monkeypatch, "umap", "matplotlib")
    with pytest.raises(ConfigurationError) as caught:
        check_requirements(projection="umap", visualizers=("png", "png", "html"))
    message = str(caught.value)
    assert "umap-learn" in message and message.count("matplotlib") == 1
    assert message.count("pip install 'embedlab[report]'") == 1  # one command installs both


def test_cli_compare_fails_before_any_work(monkeypatch: pytest.MonkeyPatch, fake_provider: str,
                                           tiny_csv: Path, tmp_path: Path) -> None:
    import embedlab._compare.comparison

    def started(*args: object, **kwargs: object) -> None:
        raise AssertionError("compare() started although a library it needs is missing")

    monkeypatch.setattr(embedlab._compare.comparison, "compare", started)
    _uninstall(monkeypatch, "umap")
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["compare", str(tiny_csv), "-p", fake_provider,
                                      "--out", str(out)])
    assert result.exit_code != 0
    assert "umap-learn" in result.output and "embedlab[report]" in result.output
    assert "Traceback" not in result.output and not out.exists()
