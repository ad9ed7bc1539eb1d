"""``embedlab audit`` from the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedlab.cli import cli

from ._data import FLIPS, clean_records, write_csv


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_audit_prints_the_top_and_writes_suspects(runner: CliRunner, fake_provider: str,
                                                  noisy_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit"
    result = runner.invoke(cli, ["audit", str(noisy_csv), "--provider", fake_provider,
                                 "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "rows to check" in result.stdout
    for i in FLIPS:
        assert f"row {i + 1:>6}" in result.stdout
    assert str(out / "suspects.csv") in result.stdout
    with (out / "suspects.csv").open(encoding="utf-8", newline="") as fh:
        rows = {int(r["row"]) for r in csv.DictReader(fh)}
    assert rows >= {i + 1 for i in FLIPS}


def test_audit_json(runner: CliRunner, fake_provider: str, noisy_csv: Path,
                    tmp_path: Path) -> None:
    result = runner.invoke(cli, ["audit", str(noisy_csv), "-p", fake_provider, "-o",
                                 str(tmp_path / "a"), "--json", "-q", "--top", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["suspect_count"] >= len(FLIPS) and len(data["suspects"]) == 2
    assert data["out"] == str(tmp_path / "a")


def test_default_out_is_beside_runs(runner: CliRunner, fake_provider: str, noisy_csv: Path,
                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["audit", str(noisy_csv), "-p", fake_provider, "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "runs" / "noisy-audit" / "suspects.csv").is_file()


def test_bad_data_exits_2_with_the_row(runner: CliRunner, fake_provider: str,
                                       tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [*clean_records(per_class=5),
                                            {"text": "", "label": "music"}])
    result = runner.invoke(cli, ["audit", str(path), "-p", fake_provider, "-o",
                                 str(tmp_path / "a")])
    assert result.exit_code == 2
    assert "row 21" in result.stderr and "Traceback" not in result.output


def test_refuses_to_replace_a_file_it_did_not_write(runner: CliRunner, fake_provider: str,
                                                   noisy_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "suspects.csv").write_text("mine\n", encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(noisy_csv), "-p", fake_provider, "-o", str(out),
                                 "--overwrite"])
    assert result.exit_code == 2 and "not written by embedlab" in result.stderr
    assert (out / "suspects.csv").read_text(encoding="utf-8") == "mine\n"


def test_a_rerun_needs_overwrite(runner: CliRunner, fake_provider: str, noisy_csv: Path,
                                 tmp_path: Path) -> None:
    args = ["audit", str(noisy_csv), "-p", fake_provider, "-o", str(tmp_path / "a"), "-q"]
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    assert runner.invoke(cli, [*args, "--overwrite"]).exit_code == 0


def test_audit_is_listed_in_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0 and "audit" in result.stdout
