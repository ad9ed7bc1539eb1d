"""Item 5 of issue 23 (outside the server): text that is not valid Unicode is refused where
it enters embedlab, naming the row or argument (exit 2), or replaced with --invalid-text
replace; a tokenizer never sees it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import embedlab
import numpy as np
import pytest
from click.testing import CliRunner
from embedlab.cli import cli

#: What invalid UTF-8 in an argument becomes in Python (``caf\xe9``, surrogate-escaped).
BAD_ARGUMENT = "caf\udce9"


def test_embed_refuses_a_lone_surrogate_naming_the_text() -> None:
    embedder = embedlab.testing.FakeEmbedder(dimension=8)
    with pytest.raises(embedlab.InvalidTextError, match="text 2 of 2") as info:
        embedder.embed(["fine", "bad \ud800 text"], cache=False, progress=False)
    assert isinstance(info.value, embedlab.DatasetError)
    assert "U+D800 at character 5" in str(info.value)


def test_a_jsonl_row_with_a_lone_surrogate_is_refused_with_its_row(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "ok", "label": "a"}\n{"text": "bad \\ud800", "label": "b"}\n',
                    encoding="utf-8")
    with pytest.raises(embedlab.InvalidTextError, match=r"data.jsonl: row 2 \(line 2\), text"):
        embedlab.load_dataset(path)


def test_audit_refuses_a_jsonl_row_with_a_lone_surrogate(runner: CliRunner, fake_provider: str,
                                                         tiny_csv: Path, tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    rows = [{"text": t, "label": label} for t, label in embedlab.load_dataset(tiny_csv)]
    rows[3]["label"] = "x\ud800"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(path), "-p", fake_provider, "-q",
                                 "--out", str(tmp_path / "audit")])
    assert result.exit_code == 2, result.output
    assert "row 4 (line 4), label" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("command", ["embed", "classify", "compare"])
def test_cli_arguments_are_refused_or_replaced(runner: CliRunner, fake_provider: str,
                                               tiny_csv: Path, tmp_path: Path,
                                               command: str) -> None:
    args = {"embed": ["embed", "fine", BAD_ARGUMENT, "-m", fake_provider, "-q",
                      "-o", str(tmp_path / "v.npy")],
            "classify": ["classify", "fine", BAD_ARGUMENT, "-m", fake_provider, "-q",
                         "--examples", str(tiny_csv), "--json"],
            "compare": ["compare", str(tiny_csv), "-p", fake_provider, "--dry-run",
                        "--highlight", "fine", "--highlight", BAD_ARGUMENT]}[command]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    name = "--highlight" if command == "compare" else "TEXTS"
    assert f"{name} argument 2: holds U+DCE9" in result.stderr
    assert "--invalid-text replace" in result.stderr and "Traceback" not in result.output
    replaced = runner.invoke(cli, [*args, "--invalid-text", "replace"])
    assert replaced.exit_code == 0, replaced.output
    if command == "classify":
        texts = [json.loads(line)["text"] for line in replaced.stdout.splitlines()]
        assert texts == ["fine", "caf\ufffd"]
    if command == "embed":
        assert np.load(tmp_path / "v.npy").shape[0] == 2


def test_invalid_utf8_bytes_on_a_real_command_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = tmp_path / "v.npy"
    proc = subprocess.run([sys.executable, "-m", "embedlab", "embed", b"caf\xe9", "-m",
                           "no-model-needed", "-o", str(out)],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert b"TEXTS argument 1: holds U+DCE9" in proc.stderr
    assert b"Traceback" not in proc.stderr and not out.exists()
