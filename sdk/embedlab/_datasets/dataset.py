"""``Dataset``: an immutable table of ``(text, label)`` rows with ids, and the checks a
provider needs before it spends time or money on it."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .._errors import DatasetError
from .records import dataset_fields, rows_from_records
from .validation import ValidationReport, validate_dataset

__all__ = ["Dataset"]


class Dataset:
    """Rows of ``(text, label)``, each with an id, a data-row number and (for files) a line.

    Immutable: every operation returns a new ``Dataset``. Build one with
    :func:`embedlab.load_dataset` or :meth:`from_records`.
    """

    __slots__ = ("_fingerprint", "_ids", "_labels", "_lines", "_rows", "_texts", "name",
                 "source")

    def __init__(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        ids: Sequence[str] | None = None,
        rows: Sequence[int] | None = None,
        lines: Sequence[int | None] | None = None,
        source: str | None = None,
        name: str | None = None,
    ) -> None:
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        n = len(texts)
        self._texts: tuple[str, ...] = tuple(texts)
        self._labels: tuple[str, ...] = tuple(labels)
        self._rows: tuple[int, ...] = tuple(rows) if rows is not None else tuple(range(1, n + 1))
        self._ids: tuple[str, ...] = (tuple(ids) if ids is not None
                                      else tuple(str(r) for r in self._rows))
        self._lines: tuple[int | None, ...] = (tuple(lines) if lines is not None
                                               else (None,) * n)
        if not (len(self._ids) == len(self._rows) == len(self._lines) == n):
            raise ValueError("ids, rows and lines must have one entry per text")
        #: Where the rows came from (a file path, ``"DataFrame"``...), used in messages.
        self.source = source
        #: A short name for reports.
        self.name = name or (source.rsplit("/", 1)[-1] if source else "dataset")
        self._fingerprint: str | None = None

    @classmethod
    def from_records(cls, records: Iterable[dict[str, Any]], *, text: str = "text",
                     label: str = "label", source: str | None = None) -> Dataset:
        """Build from dicts with ``text`` and ``label`` keys (names configurable), read the
        way :func:`embedlab.load_dataset` reads a list of dicts."""
        source = source or "records"
        rows = rows_from_records(list(records), source=source, text_column=text,
                                 label_column=label)
        return cls(**dataset_fields(rows, source=source))

    # --- columns -------------------------------------------------------------------------
    @property
    def texts(self) -> tuple[str, ...]:
        return self._texts

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def ids(self) -> tuple[str, ...]:
        return self._ids

    @property
    def rows(self) -> tuple[int, ...]:
        """1-based data-row numbers in the source (header not counted)."""
        return self._rows

    @property
    def lines(self) -> tuple[int | None, ...]:
        """1-based line numbers in the source file, where it has lines."""
        return self._lines

    @property
    def classes(self) -> list[str]:
        """Distinct labels, sorted."""
        return sorted(set(self._labels))

    def __len__(self) -> int:
        return len(self._texts)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(zip(self._texts, self._labels, strict=True))

    def __repr__(self) -> str:
        return (f"<Dataset {self.name!r}: {len(self)} rows, {len(self.classes)} classes, "
                f"fingerprint {self.fingerprint[:12]}>")

    # --- identity --------------------------------------------------------------------------
    @property
    def fingerprint(self) -> str:
        """SHA-256 of the rows in order; changes when any text, label or order changes."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for text, label in zip(self._texts, self._labels, strict=True):
                for part in (text, label):
                    data = part.encode("utf-8", "surrogatepass")
                    digest.update(len(data).to_bytes(8, "little"))
                    digest.update(data)
            self._fingerprint = digest.hexdigest()
        return self._fingerprint

    # --- derived datasets ----------------------------------------------------------------
    def subset(self, indices: Iterable[int]) -> Dataset:
        """The rows at ``indices`` (positions), in that order."""
        idx = list(indices)
        return Dataset(
            [self._texts[i] for i in idx], [self._labels[i] for i in idx],
            ids=[self._ids[i] for i in idx], rows=[self._rows[i] for i in idx],
            lines=[self._lines[i] for i in idx], source=self.source, name=self.name,
        )

    def split(self, test_size: float | int = 0.2, seed: int = 42) -> tuple[Dataset, Dataset]:
        """A stratified, reproducible ``(train, test)`` split (scikit-learn's)."""
        from sklearn.model_selection import train_test_split

        counts = Counter(self._labels)
        small = sorted(label for label, c in counts.items() if c < 2)
        if small:
            raise DatasetError(
                f"{self.source or self.name}: cannot make a stratified split: class(es) "
                f"{', '.join(map(repr, small[:10]))} have fewer than 2 rows; add rows or "
                "remove those classes"
            )
        positions = list(range(len(self)))
        try:
            train_idx, test_idx = train_test_split(
                positions, test_size=test_size, random_state=seed, stratify=self._labels)
        except ValueError as exc:
            raise DatasetError(
                f"{self.source or self.name}: cannot split {len(self)} rows in "
                f"{len(counts)} classes with test_size={test_size}: {exc}. Use a larger "
                "test_size or add rows"
            ) from None
        return self.subset(sorted(train_idx)), self.subset(sorted(test_idx))

    def describe(self) -> dict[str, Any]:
        """Row and class counts, for the CLI and reports."""
        counts = Counter(self._labels)
        return {
            "name": self.name,
            "source": self.source,
            "rows": len(self),
            "classes": len(counts),
            "class_counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "fingerprint": self.fingerprint,
        }

    def drop_duplicates(self) -> Dataset:
        """The rows with exact ``(text, label)`` duplicates removed (first kept)."""
        seen: set[tuple[str, str]] = set()
        keep = []
        for i, pair in enumerate(zip(self._texts, self._labels, strict=True)):
            if pair not in seen:
                seen.add(pair)
                keep.append(i)
        return self.subset(keep)

    def validate(
        self,
        *,
        min_rows: int = 4,
        min_per_class: int = 2,
        test_size: float | int | None = None,
    ) -> ValidationReport:
        """Check every rule and return all violations (see :mod:`embedlab._datasets.validation`)."""
        return validate_dataset(self, min_rows=min_rows, min_per_class=min_per_class,
                                test_size=test_size)
