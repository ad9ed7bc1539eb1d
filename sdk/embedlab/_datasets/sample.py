"""The sample dataset shipped inside the package, so the workflow runs with no data of one's own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .loaders import load_dataset

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["SAMPLE_NAME", "load_sample_dataset", "sample_dataset_path"]

#: File name of the shipped sample, under ``embedlab/data/``.
SAMPLE_NAME = "airline_intents.csv"


def sample_dataset_path() -> Path:
    """Path of the shipped airline-intents CSV (``text,label``; see ``data/README.md``)."""
    return Path(__file__).resolve().parent.parent / "data" / SAMPLE_NAME


def load_sample_dataset() -> Dataset:
    """The shipped airline-intents sample, loaded as a :class:`~embedlab.Dataset`."""

    return load_dataset(sample_dataset_path())
