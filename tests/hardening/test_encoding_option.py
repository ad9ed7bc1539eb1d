"""Item 6 of issue 23: an unknown ``--encoding`` is a usage error naming the option (exit 2),
in every command that takes it, before any file is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from embedlab.cli import cli


@pytest.mark.parametrize("encoding", ["no-such-codec", "base64"])
@pytest.mark.parametrize("command", ["classify", "embed", "compare", "finetune", "audit"])
def test_an_unknown_encoding_is_a_usage_error(runner: CliRunner, fake_provider: str,
                                              tiny_csv: Path, tmp_path: Path, command: str,
                                              encoding: str) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("book a flight\n", encoding="utf-8")
    args = {"classify": ["classify", "-f", str(texts), "-m", fake_provider,
                         "--examples", str(tiny_csv)],
            "embed": ["embed", "-f", str(texts), "-m", fake_provider, "-o",
                      str(tmp_path / "v.npy")],
            "compare": ["compare", str(tiny_csv), "-p", fake_provider, "--dry-run",
                        "--highlight-file", str(texts)],
            "finetune": ["finetune", str(tiny_csv), "-p", fake_provider, "--out",
                         str(tmp_path / "m")],
            "audit": ["audit", str(tiny_csv), "-p", fake_provider, "--out",
                      str(tmp_path / "a")]}[command]
    result = runner.invoke(cli, [*args, "--encoding", encoding])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--encoding'" in result.stderr
    assert repr(encoding) in result.stderr and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["texts.txt", "tiny.csv"]


def test_a_known_encoding_is_used(runner: CliRunner, fake_provider: str, tiny_csv: Path,
                                  tmp_path: Path) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_bytes("caf\xe9\n".encode("latin-1"))
    result = runner.invoke(cli, ["classify", "-f", str(texts), "-m", fake_provider, "--json",
                                 "--examples", str(tiny_csv), "--encoding", "latin-1", "-q"])
    assert result.exit_code == 0, result.output
    assert '"text": "café"' in result.stdout
