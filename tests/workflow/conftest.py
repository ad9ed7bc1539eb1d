"""Fixtures for the workflow tests: small datasets and a comparison run on the fake provider."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import embedlab
import pytest


def write_subset(path: Path, per_class: int, *,
                 extra: Sequence[tuple[str, str]] = ()) -> Path:
    """The first ``per_class`` rows of each class of the shipped sample, as a CSV."""
    dataset = embedlab.load_sample_dataset()
    taken: dict[str, int] = {}
    rows = []
    for text, label in dataset:
        if taken.get(label, 0) < per_class:
            taken[label] = taken.get(label, 0) + 1
            rows.append((text, label))
    rows += list(extra)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    """30 rows of the sample, 10 per class."""
    return write_subset(tmp_path / "tiny.csv", 10)


@pytest.fixture
def fake_comparison(fake_provider: str, tiny_csv: Path) -> embedlab.Comparison:
    """A complete comparison on the fake provider with the adapter finetuner (seconds)."""
    return embedlab.compare(tiny_csv, fake_provider, method="adapter", test_size=0.3,
                            projection="pca", max_steps=20, quiet=True, progress=False)
