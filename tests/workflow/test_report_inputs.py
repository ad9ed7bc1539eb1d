"""Issue 24 item 3: the report says which test and validation files it used (path as given,
rows, content fingerprint), and how many train rows the finetuner held out for early stopping
when no validation file was given; the dry run says the same numbers."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedlab.cli import cli

from .conftest import write_subset

_RUN = ["--provider", "fake", "--method", "adapter", "--projection", "pca", "--max-steps", "5",
        "--no-audit", "-q"]


def _fingerprint(path: Path) -> str:
    """The rows' fingerprint computed here from the CSV itself (length-prefixed UTF-8 text
    and label of each row, in order)."""
    digest = hashlib.sha256()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for part in (row["text"], row["label"]):
                data = part.encode("utf-8")
                digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _split_rows(path: Path, start: int, stop: int, out: Path) -> Path:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_class: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_class.setdefault(row["label"], []).append(row)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "label"])
        writer.writeheader()
        for members in by_class.values():
            writer.writerows(members[start:stop])
    return out


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """train.csv (10 a class), test.csv (4 a class) and val.csv (2 a class), run from here."""
    everything = write_subset(tmp_path / "all.csv", 16)
    _split_rows(everything, 0, 10, tmp_path / "train.csv")
    _split_rows(everything, 10, 14, tmp_path / "test.csv")
    _split_rows(everything, 14, 16, tmp_path / "val.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_report_names_the_test_and_validation_files(fake_provider: str,
                                                        workdir: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "train.csv", "--test", "test.csv",
                                      "--validation", "val.csv", *_RUN, "--out", "run"])
    assert result.exit_code == 0, result.output
    report = json.loads((workdir / "run" / "report.json").read_text(encoding="utf-8"))
    split = report["split"]
    assert split["test_file"] == {"path": "test.csv", "rows": 12,
                                  "fingerprint": _fingerprint(workdir / "test.csv")}
    assert split["validation_file"] == {"path": "val.csv", "rows": 6,
                                        "fingerprint": _fingerprint(workdir / "val.csv")}
    assert "held_out_for_early_stopping" not in split
    page = (workdir / "run" / "report.html").read_text(encoding="utf-8")
    short = _fingerprint(workdir / "test.csv")[:12]
    assert f"<th>test file</th><td><code>test.csv (12 rows, fingerprint {short})" in page


def test_without_a_validation_file_the_held_out_rows_are_counted(fake_provider: str,
                                                                 workdir: Path) -> None:
    # 30 train rows in 3 classes: the finetuners hold out max(round(0.1 * 30), 3) = 3 rows.
    dry = CliRunner().invoke(cli, ["compare", "train.csv", "--test", "test.csv", *_RUN,
                                   "--out", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "finetune: method adapter on 27 of the 30 train rows, 3 held out for early " \
           "stopping" in dry.output
    plan = json.loads(CliRunner().invoke(cli, [
        "compare", "train.csv", "--test", "test.csv", *_RUN, "--out", "run", "--dry-run",
        "--json"]).stdout)
    assert plan["held_out_rows"] == 3

    result = CliRunner().invoke(cli, ["compare", "train.csv", "--test", "test.csv", *_RUN,
                                      "--out", "run"])
    assert result.exit_code == 0, result.output
    report = json.loads((workdir / "run" / "report.json").read_text(encoding="utf-8"))
    assert report["split"]["held_out_for_early_stopping"] == 3
    assert report["settings"]["validation"] == \
        "none given: 3 train rows held out for early stopping"
    card = json.loads((workdir / "run" / "model" / "embedlab.json").read_text(encoding="utf-8"))
    assert card["metrics"]["validation_rows"] == 3
    page = (workdir / "run" / "report.html").read_text(encoding="utf-8")
    assert "none given: 3 train rows held out for early stopping" in page
