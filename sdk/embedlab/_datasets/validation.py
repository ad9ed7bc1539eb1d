"""The rules a dataset must pass before a provider spends time or money on it.

:func:`validate_dataset` (behind :meth:`Dataset.validate`) collects every violation, each
with its row (and file line) and a message that names the source, the row and the fix, into
a :class:`ValidationReport` of :class:`ValidationIssue`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from .._errors import ConfigurationError, DatasetValidationError
from .issues import ValidationIssue

__all__ = ["Rows", "ValidationIssue", "ValidationReport", "find_duplicates", "listing",
           "split_sizes", "validate_dataset", "where"]


class Rows(Protocol):
    """The columns the rules read: what :class:`~embedlab.Dataset` has (typed here, so this
    module need not import the class that calls it)."""

    source: str | None
    name: str

    @property
    def texts(self) -> Sequence[str]: ...
    @property
    def labels(self) -> Sequence[str]: ...
    @property
    def ids(self) -> Sequence[str]: ...
    @property
    def rows(self) -> Sequence[int]: ...
    @property
    def lines(self) -> Sequence[int | None]: ...
    def __len__(self) -> int: ...


@dataclass(frozen=True)
class ValidationReport:
    """Every issue ``Dataset.validate`` found, errors and warnings alike."""

    issues: tuple[ValidationIssue, ...]

    @property
    def errors(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ValidationIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def raise_for_errors(self) -> None:
        """Raise :class:`~embedlab.DatasetValidationError` listing every error."""
        if self.errors:
            raise DatasetValidationError(
                f"the dataset has {len(self.errors)} problem(s):\n"
                + self.summary(severity="error"),
                self.errors,
            )

    def summary(self, limit: int = 20, severity: str | None = None) -> str:
        """One line per issue, at most ``limit`` of each kind, then "and N more" per kind;
        ``no problems found`` (``no errors found``...) when there is none to list."""
        groups: dict[str, list[ValidationIssue]] = {}
        for issue in self.issues:
            if severity is None or issue.severity == severity:
                groups.setdefault(issue.code, []).append(issue)
        out = []
        for code, issues in groups.items():
            out += [f"  - {i.severity}: {i.message}" for i in issues[:limit]]
            rest = [i for i in issues[limit:]]
            if rest:
                rows = [str(i.row) for i in rest if i.row is not None]
                shown = ", ".join(rows[:limit]) + (", ..." if len(rows) > limit else "")
                out.append(f"  - and {len(rest)} more {code.replace('_', ' ')} "
                           f"{rest[0].severity}(s)" + (f" (rows {shown})" if rows else ""))
        if not out:  # never an empty string: print(report.summary()) says what it found
            return f"no {severity + 's' if severity else 'problems'} found"
        return "\n".join(out)

    def __str__(self) -> str:
        return self.summary()


Add = Callable[..., None]  # add(severity, code, message, position=None)
Loc = Callable[[int], str]  # position -> "row 3 (line 4)"


def where(row: int | None, line: int | None) -> str:
    """``"row 3 (line 4)"``, ``"row 3"`` or ``"line 4"``: a location for a message."""
    if row is None:
        return f"line {line}" if line is not None else "somewhere"
    return f"row {row} (line {line})" if line is not None else f"row {row}"


def listing(items: Sequence[str], limit: int = 20) -> str:
    """The first ``limit`` items joined by commas, then ``"and N more"``."""
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def find_duplicates(dataset: Rows) -> list[tuple[int, int]]:
    """``(position, position of its first copy)`` for each exact ``(text, label)`` repeat."""
    first: dict[tuple[str, str], int] = {}
    pairs = []
    for i, pair in enumerate(zip(dataset.texts, dataset.labels, strict=True)):
        j = first.setdefault(pair, i)
        if j != i:
            pairs.append((i, j))
    return pairs


def split_sizes(n: int, test_size: float | int) -> tuple[int, int]:
    """``(train rows, test rows)`` as scikit-learn's ``train_test_split`` counts them."""
    if isinstance(test_size, bool) or not isinstance(test_size, (int, float)):
        raise ConfigurationError(f"test_size={test_size!r}; give a fraction such as 0.2 "
                                 "or a number of rows")
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ConfigurationError(f"test_size={test_size}; a fraction must be between 0 "
                                     "and 1, such as 0.2")
        n_test = math.ceil(test_size * n)
    else:
        if test_size < 1:
            raise ConfigurationError(f"test_size={test_size}; a number of test rows must be "
                                     "at least 1")
        if test_size >= n:
            raise ConfigurationError(f"test_size={test_size} rows, but the dataset has only "
                                     f"{n}; use fewer test rows or a fraction such as 0.2")
        n_test = test_size
    return n - n_test, n_test


def validate_dataset(dataset: Rows, *, min_rows: int = 4, min_per_class: int = 2,
                     test_size: float | int | None = None) -> ValidationReport:
    """Check every rule and return all violations; rows are reported in file order."""
    src = dataset.source or dataset.name
    rows, lines = dataset.rows, dataset.lines
    issues: list[ValidationIssue] = []

    def add(severity: Literal["error", "warning"], code: str, message: str,
            i: int | None = None) -> None:
        row = rows[i] if i is not None else None
        line = lines[i] if i is not None else None
        issues.append(ValidationIssue(severity, code, f"{src}: {message}", row=row, line=line))

    def loc(i: int) -> str:
        return where(rows[i], lines[i])

    texts, labels = dataset.texts, dataset.labels
    usable: list[int] = []
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        if not text.strip():
            what = "empty" if not text else "only whitespace"
            add("error", "empty_text", f"{loc(i)}: the text is {what}; write the text or "
                "delete the row", i)
        if not label.strip():
            add("error", "missing_label", f"{loc(i)}: the label is missing; give the row "
                "its label or delete the row", i)
        if text.strip() and label.strip():
            usable.append(i)

    _check_repeats(dataset, usable, add, loc)
    _check_ids(dataset, add, loc)

    counts = Counter(labels[i] for i in usable)
    if len(counts) < 2:
        names = ", ".join(repr(c) for c in counts) or "none"
        add("error", "too_few_classes", f"has {len(counts)} class(es) ({names}); telling "
            "classes apart needs at least two: add rows with another label")
    if len(usable) < min_rows:
        add("error", "too_few_rows", f"has {len(usable)} usable row(s) (with text and "
            f"label) but needs at least {min_rows}: add rows")
    _check_classes(dataset, usable, counts, min_per_class, test_size, add)
    return ValidationReport(tuple(issues))


def _check_repeats(dataset: Rows, usable: list[int], add: Add, loc: Loc) -> None:
    """The same text under two labels (an error) and exact duplicates (a warning)."""
    by_text: dict[str, dict[str, int]] = defaultdict(dict)
    texts, all_labels = dataset.texts, dataset.labels
    for i in usable:
        labels = by_text[texts[i]]
        label = all_labels[i]
        if label in labels:
            add("warning", "duplicate", f"{loc(i)} repeats {loc(labels[label])} (same text, "
                "same label), so it weighs double and can land in both train and test: "
                'remove it from the data, call drop_duplicates(), or load with '
                'duplicates="drop"', i)
            continue
        if labels:
            first_label, j = next(iter(labels.items()))
            add("error", "conflicting_label", f"{loc(i)} has the same text as {loc(j)} but "
                f"label {label!r} where {loc(j)} has {first_label!r}: give both rows the same "
                "label or delete one", i)
        labels[label] = i


def _check_ids(dataset: Rows, add: Add, loc: Loc) -> None:
    """Ids must be unique: results and caches are keyed by them."""
    first: dict[str, int] = {}
    for i, row_id in enumerate(dataset.ids):
        if not row_id.strip():
            add("error", "missing_id", f"{loc(i)}: the id is empty; give every row an id "
                "or load without id_column", i)
            continue
        j = first.setdefault(row_id, i)
        if j != i:
            add("error", "duplicate_id", f"{loc(i)} has id {row_id!r}, already used by "
                f"{loc(j)}: make ids unique or load without id_column", i)


def _check_classes(dataset: Rows, usable: list[int], counts: Counter[str],
                   min_per_class: int, test_size: float | int | None, add: Add) -> None:
    """Enough rows per class for ``min_per_class`` and for a stratified split."""
    need, why = min_per_class, f"min_per_class={min_per_class}"
    if test_size is not None:
        n_train, n_test = split_sizes(len(dataset), test_size)
        if need < 2:
            need, why = 2, (f"a stratified split (test_size={test_size}) needs one train "
                            "and one test row per class")
        k = len(counts)
        for part, size in (("test", n_test), ("train", n_train)):
            if k >= 2 and size < k:
                add("error", "split_too_small", f"test_size={test_size} leaves {size} of "
                    f"{len(dataset)} rows for {part}, fewer than the {k} classes; a "
                    f"stratified split needs one {part} row per class: "
                    + ("use a larger test_size" if part == "test"
                       else "use a smaller test_size") + " or add rows")
    members: dict[str, list[int]] = defaultdict(list)
    labels = dataset.labels
    for i in usable:
        members[labels[i]].append(i)
    for label, count in counts.items():
        if count < need:
            first = members[label][0]
            shown = listing([where(dataset.rows[i], dataset.lines[i])
                             for i in members[label]], limit=5)
            add("error", "too_few_in_class", f"class {label!r} has {count} row(s) ({shown}) "
                f"but needs at least {need} ({why}): add rows of this class or remove it",
                first)
