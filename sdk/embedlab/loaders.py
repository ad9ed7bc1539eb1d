"""Built-in dataset loaders (placeholder: the dataset work replaces this module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .dataset import Dataset
from .hookspecs import hookimpl

__all__ = ["load_dataset", "load_records"]


def load_records(records: list[dict[str, Any]], *, text_column: str = "text",
                 label_column: str = "label", source: str | None = None) -> Dataset:
    """Build a dataset from a list of dicts."""
    return Dataset([str(r[text_column]) for r in records], [str(r[label_column]) for r in records],
                   source=source or "records")


def load_dataset(source: Any, **options: Any) -> Dataset:
    """Load a dataset (placeholder: CSV only)."""
    import csv

    path = Path(source)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    return load_records(records, source=str(path))


@hookimpl
def embedlab_register_dataset_loaders(register: Any) -> None:
    register("csv", load_dataset, suffixes=[".csv"])
