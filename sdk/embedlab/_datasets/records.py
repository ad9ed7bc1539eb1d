"""Reading rows: cells and records (dicts) into the ``(text, label, id, row, line)`` tuples
every loader ends in, and those tuples into the fields of a
:class:`~embedlab.Dataset`. Plain lists only: this module never builds a Dataset, so
both ``Dataset.from_records`` and the loaders use it without importing each other."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._errors import DatasetError
from .._text import check_text
from .validation import where

__all__ = ["RawRow", "as_str", "dataset_fields", "resolve_columns", "rows_from_mappings",
           "rows_from_records"]

#: ``(text, label, id or None, 1-based data row, 1-based file line or None)``.
RawRow = tuple[str, str, str | None, int, int | None]

_FLAGS = {"text_column": "--text-column", "label_column": "--label-column",
          "id_column": "--id-column"}


def dataset_fields(rows: Iterable[RawRow], *, source: str,
                   name: str | None = None) -> dict[str, Any]:
    """``Dataset(**fields)`` keywords from raw rows (labels stripped, ids defaulting to the
    row number); raise a DatasetError if there are no rows."""
    items = list(rows)
    if not items:
        raise DatasetError(f"{source}: has no data rows; add rows of text and label")
    texts, raw_labels, raw_ids, numbers, lines = zip(*items, strict=True)
    for text, label, id_, row, line in items:  # not valid Unicode: refused with its row
        for column, value in (("text", text), ("label", label), ("id", id_)):
            if value is not None:
                check_text(value, f"{source}: {where(row, line)}, {column}",
                           fix="fix the row, or read the file with its true --encoding")
    labels = [label.strip() for label in raw_labels]  # labels are names: spaces never matter
    ids = [str(row) if i is None else i for i, row in zip(raw_ids, numbers, strict=True)]
    return {"texts": texts, "labels": labels, "ids": ids, "rows": numbers, "lines": lines,
            "source": source, "name": name}


def as_str(value: Any, source: str, row: int, line: int | None, column: str) -> str:
    """A cell as a string: numbers as written (``3``, not ``3.0``), missing values as ``""``."""
    if isinstance(value, str):
        return value
    if value is None or type(value).__name__ in {"NAType", "NaTType"}:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, dict, tuple, set)):
        raise DatasetError(
            f"{source}: {where(row, line)}: column {column!r} holds a "
            f"{type(value).__name__}, not a single value; store one string per cell")
    return str(value)


def resolve_columns(available: Sequence[str], *, source: str, text_column: str,
                    label_column: str, id_column: str | None, hint: str = "") -> None:
    """Raise a DatasetError naming the missing column, the ones that exist and the option."""
    wanted = {"text_column": text_column, "label_column": label_column}
    if id_column is not None:
        wanted["id_column"] = id_column
    for option, column in wanted.items():
        if column in available:
            continue
        # A blank or "Unnamed: 0" column is a pandas index (to_csv without index=False):
        # never the column to suggest.
        others = [c for c in available if c not in wanted.values() and not _index_like(c)]
        close = [c for c in available if c.strip().lower() == column.strip().lower()]
        pick = (close or others or ["NAME"])[0]
        columns = ", ".join(repr(c) for c in available) or "none"
        index = next((c for c in available if _index_like(c)), None)
        note = (f"; the column {index!r} looks like a pandas index (write the file with "
                "to_csv(..., index=False))" if index is not None else "")
        raise DatasetError(
            f"{source}: no column {column!r}; the columns are {columns}. Name the column "
            f"that holds the {option.split('_')[0]} with {option}={pick!r} "
            f"(CLI: {_FLAGS[option]} {pick}){note}{hint}")


def _index_like(name: str) -> bool:
    """A header pandas writes for its index: blank, ``Unnamed: 0``, or ``index``."""
    text = name.strip()
    return not text or text.startswith("Unnamed:") or text == "index"


def rows_from_mappings(records: Iterable[tuple[int, int | None, Any]], *, source: str,
                       text_column: str, label_column: str,
                       id_column: str | None = None) -> list[RawRow]:
    """Rows from ``(row, line, mapping)``: a key absent from one record is kept as ``""``."""
    items = list(records)
    for row, line, record in items:
        if not isinstance(record, Mapping):
            raise DatasetError(
                f"{source}: {where(row, line)} is a {type(record).__name__}, not an object "
                f"with {text_column!r} and {label_column!r} keys; write each row as "
                f'{{"{text_column}": "...", "{label_column}": "..."}}')
    if not items:
        raise DatasetError(f"{source}: has no data rows; add rows of text and label")
    wanted = [c for c in (text_column, label_column, id_column) if c is not None]
    if not all(any(c in record for _, _, record in items) for c in wanted):
        keys = dict.fromkeys(str(k) for _, _, record in items for k in record)
        resolve_columns(list(keys), source=source, text_column=text_column,
                        label_column=label_column, id_column=id_column)

    def cell(record: Mapping[str, Any], column: str, row: int, line: int | None) -> str:
        value = record.get(column)
        return value if type(value) is str else as_str(value, source, row, line, column)

    return [(cell(record, text_column, row, line), cell(record, label_column, row, line),
             None if id_column is None else cell(record, id_column, row, line), row, line)
            for row, line, record in items]


def rows_from_records(records: Sequence[Any], *, source: str, text_column: str = "text",
                      label_column: str = "label",
                      id_column: str | None = None) -> list[RawRow]:
    """Rows from a list of dicts, one per data row (numbered from 1, no file lines)."""
    return rows_from_mappings(((n, None, r) for n, r in enumerate(records, start=1)),
                              source=source, text_column=text_column,
                              label_column=label_column, id_column=id_column)
