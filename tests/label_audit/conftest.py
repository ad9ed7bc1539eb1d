"""Fixtures for the label-audit tests: the fake provider and a mislabelled dataset."""

from __future__ import annotations

from pathlib import Path

import embedlab
import pytest

from ._data import noisy_records, write_csv


@pytest.fixture
def noisy_csv(tmp_path: Path) -> Path:
    """200 rows in 4 classes, 3 of them (data rows 61, 111, 171) mislabelled."""
    return write_csv(tmp_path / "noisy.csv", noisy_records())


@pytest.fixture
def noisy_dataset() -> embedlab.Dataset:
    return embedlab.Dataset.from_records(noisy_records(), source="noisy")
