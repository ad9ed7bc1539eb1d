"""``DatasetLoaderContract``: the behaviour every dataset loader must have.

Subclass it and provide two fixtures: ``loader`` (a callable ``path -> Dataset``, e.g. a
registered loader's function) and ``write_sample`` (a callable ``(directory, rows) -> path``
writing ``(text, label)`` rows in the loader's format)::

    class TestCsvLoader(DatasetLoaderContract):
        @pytest.fixture
        def loader(self):
            return embedlab.load_dataset

        @pytest.fixture
        def write_sample(self):
            return write_csv
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from .._datasets.dataset import Dataset
from .._errors import DatasetError
from ._home import IsolatedHome

__all__ = ["DatasetLoaderContract", "Loader", "SampleWriter"]

Loader = Callable[[Path], Dataset]
SampleWriter = Callable[[Path, Sequence[tuple[str, str]]], Path]

ROWS = [
    ("book a flight to boston", "airfare"),
    ("is there a shuttle downtown", "ground_service"),
    ("which airline flies nonstop", "airline"),
    ("cheapest fare, please", "airfare"),
]

UNICODE_ROWS = [
    ("café crème brûlée, naïve façade", "fr"),
    ("日本語の文章", "ja"),
    ("emoji 🚀🔥 and \"quotes\"", "émoji"),
    ("שלום עולם مرحبا", "rtl"),
]


class DatasetLoaderContract(IsolatedHome):
    """Behaviour every dataset loader must have; provide ``loader`` and ``write_sample``."""

    @pytest.fixture
    def loader(self) -> Loader:
        """Loads a file into a Dataset: override in the subclass."""
        raise NotImplementedError("override the `loader` fixture")

    @pytest.fixture
    def write_sample(self) -> SampleWriter:
        """Writes ``(text, label)`` rows into a file in a directory: override in the subclass."""
        raise NotImplementedError("override the `write_sample` fixture")

    def test_rows_round_trip_in_order(self, loader: Loader, write_sample: SampleWriter,
                                      tmp_path: Path) -> None:
        dataset = loader(write_sample(tmp_path, ROWS))
        assert isinstance(dataset, Dataset)
        assert list(dataset.texts) == [t for t, _ in ROWS]
        assert list(dataset.labels) == [label for _, label in ROWS]
        assert list(dataset.rows) == [1, 2, 3, 4]

    def test_unicode_round_trips(self, loader: Loader, write_sample: SampleWriter,
                                 tmp_path: Path) -> None:
        dataset = loader(write_sample(tmp_path, UNICODE_ROWS))
        assert list(dataset) == UNICODE_ROWS

    def test_source_names_the_file(self, loader: Loader, write_sample: SampleWriter,
                                   tmp_path: Path) -> None:
        path = write_sample(tmp_path, ROWS)
        assert str(loader(path).source or "").endswith(path.name)

    def test_missing_file_is_a_dataset_error_naming_it(self, loader: Loader,
                                                       write_sample: SampleWriter,
                                                       tmp_path: Path) -> None:
        path = write_sample(tmp_path, ROWS)
        missing = path.with_name("no-such-file" + path.suffix)
        path.rename(missing)
        missing.unlink()
        with pytest.raises(DatasetError) as info:
            loader(missing)
        assert "no-such-file" in str(info.value)
