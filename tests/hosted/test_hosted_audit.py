"""``embedlab audit`` against the fake OpenAI and Cohere servers, through the official SDKs:
each distinct text reaches the provider once, a rerun reads the cache, no key is written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedlab.cli import cli
from fakes import FakeCohere, FakeOpenAI


def _data(path: Path) -> tuple[Path, set[str]]:
    """60 rows in 3 classes, 50 distinct texts (10 repeated)."""
    rows = [(f"question {i} about {label}", label)
            for label in ("billing", "login", "refund") for i in range(17)][:50]
    rows += rows[:10]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path, {text for text, _ in rows}


def _audit(data: Path, provider: str, out: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", str(data), "--provider", provider, "--out",
                                      str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (out / "suspects.csv").is_file()


def _no_key(out: Path, key: str) -> None:
    for path in out.rglob("*"):
        assert key.encode() not in path.read_bytes(), f"the key is in {path}"


def test_audit_with_openai(fake_openai: FakeOpenAI, openai_key: str, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", openai_key)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE", "none")
    monkeypatch.setenv("EMBEDLAB_OPENAI_TOKENS_PER_MINUTE", "none")
    data, texts = _data(tmp_path / "data.csv")
    _audit(data, "openai:text-embedding-3-small", tmp_path / "a")
    sent = [text for r in fake_openai.requests for text in r.body["input"]]
    assert sorted(sent) == sorted(texts)  # each distinct text once
    _audit(data, "openai:text-embedding-3-small", tmp_path / "b")
    assert [t for r in fake_openai.requests for t in r.body["input"]] == sent, \
        "a second audit must read the cache"
    _no_key(tmp_path / "a", openai_key)


def test_audit_with_cohere(fake_cohere: FakeCohere, cohere_key: str, tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_API_KEY", cohere_key)
    monkeypatch.setenv("CO_API_URL", fake_cohere.url)
    monkeypatch.setenv("EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "none")
    data, texts = _data(tmp_path / "data.csv")
    _audit(data, "cohere:embed-english-light-v3.0", tmp_path / "a")
    sent = [text for r in fake_cohere.requests for text in r.body["texts"]]
    assert sorted(sent) == sorted(texts)
    assert {r.body["input_type"] for r in fake_cohere.requests} == {"classification"}
    _no_key(tmp_path / "a", cohere_key)
