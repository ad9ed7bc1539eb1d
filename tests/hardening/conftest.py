"""Fixtures for the hardening tests: the fake provider, a tiny dataset, a CLI runner."""

from __future__ import annotations

import csv
from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner


def write_rows(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A text,label CSV of ``rows``."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    """24 rows of the shipped sample, 8 per class."""
    taken: dict[str, int] = {}
    rows = []
    for text, label in embedlab.load_sample_dataset():
        if taken.get(label, 0) < 8:
            taken[label] = taken.get(label, 0) + 1
            rows.append((text, label))
    return write_rows(tmp_path / "tiny.csv", rows)


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart."""
    return CliRunner()


@pytest.fixture
def saved_adapter(fake_provider: str, tiny_csv: Path, tmp_path: Path) -> Path:
    """An adapter over the fake provider, trained a few steps and saved in tmp_path/model."""
    data = embedlab.load_dataset(tiny_csv)
    finetuner = embedlab.get_finetuner(fake_provider, method="adapter")
    model = finetuner.finetune(data, None, embedlab.FinetuneConfig(max_steps=3, progress=False))
    return model.save(tmp_path / "model")
