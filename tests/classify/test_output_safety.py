"""Low items of issue 23 for ``embedlab classify``: data printed to a terminal has its control
characters escaped, CSV cells that a spreadsheet would run start with a quote, labels print
as they are, and the messages for a blank file and a missing model path are right."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner
from embedlab.cli import cli

FORMULAS = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """Two classes named with a formula and with plain non-ASCII text, one with an escape."""
    rows, taken = [], {"airfare": 0, "airline": 0}
    names = {"airfare": "=HYPERLINK(\"x\")", "airline": "日本 \x1b[2J"}
    for text, label in embedlab.load_sample_dataset():
        if label in taken and taken[label] < 8:
            taken[label] += 1
            rows.append((text, names[label]))
    path = tmp_path / "examples.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("text", "label"), *rows])
    return path


def test_the_table_escapes_control_characters(runner: CliRunner, fake_provider: str,
                                              examples: Path) -> None:
    text = "fare \x1b[31mred\x07 \u202eevil\x9b"
    result = runner.invoke(cli, ["classify", text, "-m", fake_provider, "--examples",
                                 str(examples), "-q"])
    assert result.exit_code == 0, result.output
    line = result.stdout.rstrip("\n")
    assert not any(c in line for c in "\x1b\x07\x9b\u202e")
    assert "fare \\x1b[31mred\\x07 \\u202eevil\\x9b" in line
    labels = {"=HYPERLINK(\"x\")", "日本 \\x1b[2J"}
    assert line.split("\t")[0] in labels  # as written: no quotes, no repr


def test_json_lines_on_a_terminal_parse_back_to_the_data(runner: CliRunner,
                                                         fake_provider: str,
                                                         examples: Path) -> None:
    text = "fare \x1b[31m\x9b\u202e"
    result = runner.invoke(cli, ["classify", text, "-m", fake_provider, "--examples",
                                 str(examples), "-q", "--json"])
    assert result.exit_code == 0, result.output
    assert not any(c in result.stdout for c in "\x1b\x9b\u202e")
    assert json.loads(result.stdout)["text"] == text


def test_csv_cells_that_start_a_formula_are_neutralised(runner: CliRunner, fake_provider: str,
                                                        examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    result = runner.invoke(cli, ["classify", "-m", fake_provider, "--examples", str(examples),
                                 "-q", "-o", str(out), "--", *FORMULAS, "plain"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == [f"'{f}" for f in FORMULAS] + ["plain"]
    assert {r["label"] for r in rows} <= {"'=HYPERLINK(\"x\")", "日本 \x1b[2J"}
    assert any(r["label"].startswith("'=") for r in rows)


def test_a_blank_file_suggests_no_flag_classify_lacks(runner: CliRunner, fake_provider: str,
                                                      examples: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n  \n", encoding="utf-8")
    result = runner.invoke(cli, ["classify", "-f", str(blank), "-m", fake_provider,
                                 "--examples", str(examples)])
    assert result.exit_code == 2, result.output
    assert "no text" in result.stderr and "--skip-blank" not in result.stderr


@pytest.mark.parametrize("command", ["classify", "embed"])
def test_a_missing_model_path_says_the_path_does_not_exist(runner: CliRunner, tmp_path: Path,
                                                           command: str) -> None:
    missing = tmp_path / "models" / "x"
    args = [command, "hello", "-m", str(missing)]
    result = runner.invoke(cli, [*args, "-o", str(tmp_path / "v.npy")] if command == "embed"
                           else args)
    assert result.exit_code == 2, result.output
    assert f"{missing}: the path does not exist" in result.stderr
    assert "no embedding provider named" not in result.stderr
