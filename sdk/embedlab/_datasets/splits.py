"""The splits a comparison scores on: the user's own test and validation files, or a
stratified split of the training data, and the texts that leak from train into test.

A test or validation file goes through the same loaders and validation as the training data;
a label the training data lacks is an error that lists those labels (the probe could never
predict them). A text that is both in train and in test is a warning: it inflates every
score, so the count and a few examples go into the output and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import DatasetError
from .dataset import Dataset
from .loaders import load_dataset

__all__ = ["LEAK_EXAMPLES", "SplitInfo", "describe_file", "load_split_file",
           "make_splits", "overlapping_texts"]

#: Leaked texts quoted in the warning and the report.
LEAK_EXAMPLES = 5


@dataclass
class SplitInfo:
    """Sizes of the splits, where the test split came from, and the train/test overlap."""

    train: int
    validation: int
    test: int
    #: Distinct texts found word for word in both train and test.
    overlap: int
    #: ``"file"`` when the user gave the test set, ``"split"`` when it was split off train.
    source: str
    overlap_examples: list[str] = field(default_factory=list)
    #: The user's own ``test`` / ``validation`` files: path as given, rows, fingerprint.
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Train rows the finetuner held out for early stopping (no validation file given).
    held_out: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """``report.json``'s ``split`` object."""
        out: dict[str, Any] = {
            "train": self.train, "validation": self.validation, "test": self.test,
            "overlap": self.overlap, "source": self.source,
            "overlap_examples": list(self.overlap_examples)}
        out.update({f"{what}_file": dict(entry) for what, entry in self.files.items()})
        if self.held_out is not None:
            out["held_out_for_early_stopping"] = self.held_out
        return out

    @property
    def warning(self) -> str | None:
        """The leakage warning, or ``None`` when no test text is in train."""
        if not self.overlap:
            return None
        shown = "; ".join(repr(_short(t)) for t in self.overlap_examples)
        return (f"{self.overlap} of the {self.test} test rows' texts are also in the training "
                f"data word for word (leakage: their scores are inflated), e.g. {shown}; "
                "remove them from one side for an honest score")


def describe_file(given: Any, data: Dataset) -> dict[str, Any]:
    """What identifies a test or validation set in a report: the path as the user gave it
    (or what it was, e.g. ``DataFrame``), its row count and its content fingerprint."""
    path = str(given) if isinstance(given, (str, Path)) else (data.source or data.name)
    return {"path": path, "rows": len(data), "fingerprint": data.fingerprint}


def _short(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def overlapping_texts(train: Dataset, test: Dataset) -> list[str]:
    """The distinct test texts that also occur in ``train``, in test order."""
    seen = set(train.texts)
    out: list[str] = []
    for text in dict.fromkeys(test.texts):
        if text in seen:
            out.append(text)
    return out


def load_split_file(source: Dataset | str | Path | Any, what: str, *, text_column: str,
                    label_column: str, encoding: str) -> Dataset:
    """Load a test or validation set like the training data and validate it (a class may
    have a single row there); errors name the file and rows."""

    data = source if isinstance(source, Dataset) else load_dataset(
        source, text_column=text_column, label_column=label_column, encoding=encoding)
    data.validate(min_rows=1, min_per_class=1).raise_for_errors()
    return data


def _check_labels(train: Dataset, other: Dataset, what: str) -> None:
    """Refuse a ``what`` set with labels the training data does not have."""

    known = set(train.labels)
    unknown = sorted({label for label in other.labels if label not in known})
    if unknown:
        shown = ", ".join(map(repr, unknown[:20])) + (" …" if len(unknown) > 20 else "")
        raise DatasetError(
            f"{other.source or other.name}: the {what} set has {len(unknown)} label(s) the "
            f"training data ({train.source or train.name}) lacks: {shown}; a model trained "
            f"on it can never predict them: add training rows for them or drop those "
            f"{what} rows")


def make_splits(data: Dataset, *, test: Dataset | None, validation: Dataset | None,
                test_size: float | int, seed: int
                ) -> tuple[Dataset, Dataset | None, Dataset, SplitInfo]:
    """``(train, validation, test, info)``: ``data`` is all train when ``test`` is given,
    else split (stratified) into train and test as before."""
    if test is not None:
        _check_labels(data, test, "test")
        train, test_part, source = data, test, "file"
    else:
        train, test_part = data.split(test_size=test_size, seed=seed)
        source = "split"
    if validation is not None:
        _check_labels(data, validation, "validation")
    leaked = overlapping_texts(train, test_part)
    info = SplitInfo(train=len(train), validation=len(validation) if validation else 0,
                     test=len(test_part), overlap=len(leaked), source=source,
                     overlap_examples=leaked[:LEAK_EXAMPLES])
    return train, validation, test_part, info
