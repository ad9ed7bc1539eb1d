"""Fixtures for the classify and highlight tests: the fake provider and a small dataset."""

from __future__ import annotations

import csv
from pathlib import Path

import embedlab
import pytest


def write_rows(path: Path, per_class: int) -> Path:
    """The first ``per_class`` rows of each class of the shipped sample, as a CSV."""
    taken: dict[str, int] = {}
    rows = []
    for text, label in embedlab.load_sample_dataset():
        if taken.get(label, 0) < per_class:
            taken[label] = taken.get(label, 0) + 1
            rows.append((text, label))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    """30 rows of the sample, 10 per class."""
    return write_rows(tmp_path / "tiny.csv", 10)


@pytest.fixture
def adapter_model(fake_provider: str, tiny_csv: Path) -> embedlab.CustomModel:
    """A tiny adapter over the fake provider with its classifier fitted (seconds)."""
    data = embedlab.load_dataset(tiny_csv)
    model = embedlab.get_finetuner(fake_provider, method="adapter").finetune(
        data, None, embedlab.FinetuneConfig(max_steps=10, progress=False))
    model.fit_classifier(data, progress=False)
    return model
