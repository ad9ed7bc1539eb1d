"""The command line: --version, providers (table and JSON), and check."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType

import embedlab
import pytest
from click.testing import CliRunner
from embedlab.cli import cli
from embedlab.testing import use_plugin

HERE = Path(__file__).resolve().parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def reversing(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The plugin module whose provider returns rows in reverse."""
    monkeypatch.syspath_prepend(str(HERE))
    return importlib.import_module("plugins_for_tests.reversing")


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"embedlab, version {embedlab.__version__}"


def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("providers", "check"):
        assert command in result.output


def test_providers_table_shows_first_party_providers(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["providers"])
    assert result.exit_code == 0, result.output
    for name, model in [("local", "all-MiniLM-L6-v2"), ("cohere", "embed-english-v3.0"),
                        ("openai", "text-embedding-3-small")]:
        assert name in result.output
        assert f"default model: {model}" in result.output


def test_providers_json_includes_an_in_process_provider(runner: CliRunner,
                                                        embedlab_fake_provider: str) -> None:
    result = runner.invoke(cli, ["providers", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert {"local", "cohere", "openai", "fake"} <= set(rows)
    fake = rows["fake"]
    assert fake["status"] == "available"
    assert fake["default_model"] == "bow"
    assert fake["source"] == "in-process"
    assert rows["local"]["source"] == "embedlab"
    assert set(rows["local"]) >= {"status", "models", "finetune_methods", "plugin", "version",
                                  "hint"}


def test_check_passes_for_the_fake_provider(runner: CliRunner,
                                            embedlab_fake_provider: str) -> None:
    result = runner.invoke(cli, ["check", "fake"])
    assert result.exit_code == 0, result.output
    assert "embedlab check fake: meets the contract" in result.output
    assert "0 failed" in result.output
    # The default fake truncates, so the rejection test is skipped, with its reason.
    assert "skipped TestProviderEmbedder::test_too_long_text_is_rejected" in result.output


def test_check_takes_a_model_and_caps_batch_tests(runner: CliRunner,
                                                  embedlab_fake_provider: str) -> None:
    result = runner.invoke(cli, ["check", "fake", "--model", "other", "--max-texts", "20",
                                 "-k", "batch_sizes"])
    assert result.exit_code == 0, result.output
    assert "embedlab check fake:other: meets the contract (0 passed, 0 failed, 3 skipped)" \
        in result.output
    assert "33 texts is over max_texts_per_test=20" in result.output


def test_check_finetune_runs_the_finetuner_contract(runner: CliRunner,
                                                    embedlab_fake_provider: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HERE))
    centroid = importlib.import_module("plugins_for_tests.centroid")
    with use_plugin(centroid, "centroid"):
        result = runner.invoke(cli, ["check", "fake", "--finetune", "full", "-k", "Finetuner"])
    assert result.exit_code == 0, result.output
    assert re.search(r"embedlab check fake: meets the contract \([1-9]\d* passed, 0 failed, "
                     r"0 skipped\)", result.output), result.output


def test_check_finetune_fails_without_a_finetuner(runner: CliRunner,
                                                  embedlab_fake_provider: str) -> None:
    result = runner.invoke(cli, ["check", "fake", "--finetune", "full", "-k", "Finetuner"])
    assert result.exit_code == 1, result.output
    assert "FAILS the contract" in result.output
    assert "has no full method" in result.output


def test_check_fails_a_provider_that_breaks_the_contract(runner: CliRunner,
                                                        reversing: ModuleType) -> None:
    with use_plugin(reversing, "reversing-plugin"):
        result = runner.invoke(cli, ["check", "reversing"])
    assert result.exit_code == 1, result.output
    assert "embedlab check reversing: FAILS the contract" in result.output
    assert "FAILED  TestProviderEmbedder::test_order_and_count_preserved" in result.output


def test_check_unknown_provider_lists_the_installed_ones(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", "nosuch"])
    assert result.exit_code == pytest.ExitCode.USAGE_ERROR
    assert "no provider named 'nosuch'" in result.output
    installed = result.output.split("installed:", 1)[1]
    for name in ("cohere", "local", "openai"):
        assert name in installed


def test_check_target_skips_when_run_directly(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # the module lies under this repository's conftest.py: its skips are what is checked here
    monkeypatch.setenv("EMBEDLAB_STRICT_SKIPS", "0")
    (tmp_path / "x.ini").write_text("[pytest]\n")
    code = pytest.main(["--pyargs", "embedlab.testing._check_target", "-q",
                        "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                        "--basetemp", str(tmp_path / "t"), "-c", str(tmp_path / "x.ini")])
    assert code == pytest.ExitCode.OK
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.match(r"\d+ skipped[, ]", summary), summary  # nothing passed or failed
