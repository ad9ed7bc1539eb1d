"""``embedlab compare`` end to end from the CLI, against the fake Cohere and OpenAI servers:
baseline embeddings, the adapter finetuner over them, the report, and no key anywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import embedlab
import pytest
from click.testing import CliRunner
from embedlab.cli import cli
from fakes import FakeCohere, FakeOpenAI
from reference_scores import assert_saved_report_recomputes


def _run_compare(provider: str, out: Path) -> dict[str, Any]:
    """Compare on the shipped sample at ``--keep 0`` (the most separated adapter); every score
    checked against scikit-learn on the saved vectors, and the custom model ahead of the
    baseline by a margin."""
    result = CliRunner().invoke(cli, ["compare", "--provider", provider, "--out", str(out),
                                      "--projection", "pca", "--keep", "0", "--quiet",
                                      "--json"])
    assert result.exit_code == 0, result.output
    shown = dict(json.loads(result.stdout[result.stdout.index("{"):]))
    report = assert_saved_report_recomputes(out, embedlab.load_sample_dataset())
    base, custom = report["metrics"]["baseline"], report["metrics"]["custom"]
    # the fakes' vectors share a random direction per word, so the adapter has classes to
    # pull apart (measured on Cohere's fake: silhouette 0.09 -> 0.81, log loss 0.31 -> 0.10)
    assert custom["silhouette"] > base["silhouette"] + 0.3, (base, custom)
    assert custom["log_loss"] < base["log_loss"], (base, custom)
    assert shown["metrics"]["baseline"]["accuracy"] == base["accuracy"]
    return shown


def _assert_no_key(out: Path, key: str) -> None:
    for path in out.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), f"the key is in {path}"


def test_compare_with_cohere_from_the_cli(fake_cohere: FakeCohere, cohere_key: str,
                                         tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_API_KEY", cohere_key)
    monkeypatch.setenv("CO_API_URL", fake_cohere.url)
    monkeypatch.setenv("EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "none")  # the fake has no limit
    report = _run_compare("cohere:embed-english-light-v3.0", tmp_path / "run")
    assert (tmp_path / "run" / "report.html").is_file()
    assert set(report["metrics"]) == {"baseline", "custom"}
    assert fake_cohere.requests, "nothing reached the fake Cohere server"
    assert {r.body["input_type"] for r in fake_cohere.requests} == {"classification"}
    _assert_no_key(tmp_path / "run", cohere_key)


def test_compare_with_openai_from_the_cli(fake_openai: FakeOpenAI, openai_key: str,
                                         tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", openai_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE", "none")
    report = _run_compare("openai:text-embedding-3-small", tmp_path / "run")
    assert (tmp_path / "run" / "report.html").is_file()
    assert set(report["metrics"]) == {"baseline", "custom"}
    assert fake_openai.requests, "nothing reached the fake OpenAI server"
    _assert_no_key(tmp_path / "run", openai_key)


def test_a_hosted_dry_run_counts_tokens_and_sends_nothing(
        fake_openai: FakeOpenAI, openai_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hosted provider's calls are not "run on this machine", and its tokens are counted
    (with the tokenizer, offline), both without a request."""
    monkeypatch.setenv("OPENAI_API_KEY", openai_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    result = CliRunner().invoke(cli, ["compare", "--provider", "openai:text-embedding-3-small",
                                      "-p", "local", "--dry-run"])
    assert result.exit_code == 0, result.output
    # One of the two candidates calls a service: the total is not said to run here.
    assert "run on this machine" not in result.stdout.split("provider calls")[1].split("\n")[0]
    openai_line, local_line = (next(line for line in result.stdout.splitlines()
                                    if line.strip().startswith(name))
                               for name in ("openai", "local"))
    assert "tokens n/a" not in openai_line and " tokens" in openai_line, openai_line
    assert "tokens n/a (runs on this machine)" in local_line, local_line
    assert not fake_openai.requests


@pytest.mark.parametrize(("provider", "variable"), [("cohere", "CO_API_KEY"),
                                                    ("openai", "OPENAI_API_KEY")])
def test_compare_without_a_key_says_which_variable_to_set(provider: str, variable: str,
                                                          tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "--provider", provider, "--out",
                                      str(tmp_path / "run"), "--quiet"])
    assert result.exit_code != 0
    assert variable in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "run" / "report.html").exists()
