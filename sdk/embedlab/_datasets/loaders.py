"""Loading datasets: :func:`load_dataset` and the built-in CSV, TSV, JSONL, JSON and Parquet
loaders, registered through ``embedlab_register_dataset_loaders`` like any plugin's.

Every loader ends in :func:`build_dataset`, which turns ``(text, label, id, row, line)``
tuples (cells read by :mod:`embedlab._datasets.records`) into a :class:`~embedlab.Dataset`.
Loaders keep rows with problems (empty text, a missing label as ``""``) so
:meth:`Dataset.validate` can report all of them; they raise
:class:`~embedlab.DatasetError` only when the file cannot be read as a table.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import ConfigurationError, DatasetError, PluginError
from .._plugins import get_registry
from ..hookspecs import hookimpl
from ..progress import progress_bar
from .dataset import Dataset
from .records import (
    RawRow,
    as_str,
    dataset_fields,
    resolve_columns,
    rows_from_mappings,
    rows_from_records,
)
from .validation import find_duplicates, listing, where

__all__ = [
    "RawRow",
    "build_dataset",
    "check_path",
    "load_csv",
    "load_dataframe",
    "load_dataset",
    "load_json",
    "load_jsonl",
    "load_parquet",
    "load_records",
    "load_texts",
    "load_tsv",
    "loader_suffixes",
    "longest_suffix",
]

DUPLICATE_POLICIES = ("keep", "drop", "error")


# --- the shared end of every loader --------------------------------------------------------
def build_dataset(rows: Iterable[RawRow], *, source: str, name: str | None = None) -> Dataset:
    """Turn ``(text, label, id, row, line)`` tuples into a Dataset; raise if there are none."""
    return Dataset(**dataset_fields(rows, source=source, name=name))


# --- reading files -------------------------------------------------------------------------
def check_path(path: Path) -> None:
    """Raise a DatasetError for a missing file (suggesting near names) or a directory."""
    if not path.exists():
        near = ""
        if path.parent.is_dir():
            import difflib

            names = [p.name for p in path.parent.iterdir()]
            close = difflib.get_close_matches(path.name, names, n=3)
            near = f" (did you mean {', '.join(close)}?)" if close else ""
        raise DatasetError(f"{path}: no such file{near}; check the path (relative paths "
                           f"start at {Path.cwd()})")
    if path.is_dir():
        suffixes = tuple(loader_suffixes())
        inside = sorted(p.name for p in path.iterdir() if p.name.lower().endswith(suffixes))
        listed = f" (it holds {listing(inside, limit=5)})" if inside else ""
        raise DatasetError(f"{path}: is a directory{listed}; give the path of one data file")


def _read_text(path: Path, encoding: str) -> str:
    """The whole file decoded; a BOM is dropped; undecodable bytes name line, byte and fix."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise DatasetError(
            f"{path}: unknown encoding {encoding!r}; use a Python codec name such as "
            '"utf-8", "latin-1" or "cp1252"') from None
    check_path(path)
    data = path.read_bytes()
    if not data.strip():
        raise DatasetError(f"{path}: the file is empty ({len(data)} bytes); "
                           "add a header row and data rows")
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        bad = data[exc.start:exc.end].hex(" ")
        if codec == "utf-8" and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            fix = 'the file is UTF-16 (it starts with its byte-order mark): pass ' \
                  'encoding="utf-16" (CLI: --encoding utf-16)'
        else:
            fix = ('save the file as UTF-8, or pass the encoding it was written in, e.g. '
                   'encoding="latin-1" (CLI: --encoding latin-1)')
        raise DatasetError(
            f"{path}: line {line}, byte {column} of the line (offset {exc.start} in the "
            f"file) cannot be decoded as {encoding} "
            f"(bytes {bad}); {fix}") from None


def _no_extra(loader: str, options: Mapping[str, Any]) -> None:
    """Built-in loaders refuse options they do not know, naming them."""
    if options:
        raise DatasetError(f"the {loader} loader does not take option(s) "
                           f"{', '.join(sorted(options))}")


_STEP = 8192  # rows between progress-bar updates


def _progress(text: str, path: Path) -> Any:
    """A line-counting bar that shows only if reading turns out slow (a few seconds)."""
    return progress_bar(text.count("\n") + 1, desc=f"reading {path.name}", unit="line",
                        long_job=False)


def load_csv(path: str | os.PathLike[str], *, text_column: str = "text",
             label_column: str = "label", id_column: str | None = None,
             encoding: str = "utf-8", delimiter: str = ",", **options: Any) -> Dataset:
    """A CSV file with a header row; quoted newlines, CRLF and a BOM are fine."""
    _no_extra("csv", options)
    path = Path(path)
    source = str(path)
    text = _read_text(path, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []  # (first line of the record, fields)
    done = 0  # lines consumed so far
    with _progress(text, path) as bar:
        try:
            for fields in reader:
                if fields:  # a blank line is not a row
                    records.append((done + 1, fields))
                done = reader.line_num
                if not len(records) % _STEP:
                    bar.update(done - bar.n)
        except csv.Error as exc:
            raise DatasetError(
                f"{source}: line {done + 1}: cannot parse the CSV ({exc}); a field that "
                f"contains {delimiter!r}, a quote or a line break must be quoted, with inner "
                'quotes doubled ("say ""hi"""), and every opening quote closed') from None
        bar.update(done - bar.n)
    if not records:
        raise DatasetError(f"{source}: the file is empty; add a header row and data rows")
    header_line, header = records[0]
    header = [h.strip() for h in header]
    hint = ""
    if len(header) == 1:
        for sep in (";", "\t", "|"):
            if sep in header[0]:
                hint = f"; the header looks separated by {sep!r}: pass delimiter={sep!r}"
    resolve_columns(header, source=source, text_column=text_column,
                     label_column=label_column, id_column=id_column, hint=hint)
    for option, column in (("text_column", text_column), ("label_column", label_column),
                           ("id_column", id_column)):
        if column is not None and header.count(column) > 1:
            raise DatasetError(f"{source}: line {header_line}: the header names column "
                               f"{column!r} {header.count(column)} times; rename the extra "
                               f"ones or pick another with {option}=")
    if len(records) == 1:
        raise DatasetError(f"{source}: has a header but no data rows; add rows below "
                           f"line {header_line}")
    width = len(header)
    ragged = [(row, line, len(fields))
              for row, (line, fields) in enumerate(records[1:], start=1)
              if len(fields) != width]
    if ragged:
        shown = listing([f"row {r} (line {ln}) has {n}" for r, ln, n in ragged], limit=5)
        raise DatasetError(
            f"{source}: {len(ragged)} row(s) do not have the header's {width} fields: "
            f"{shown}; quote fields that contain {delimiter!r} "
            '(write "a, b" with the quotes) and give every row one value per column')
    t, lab = header.index(text_column), header.index(label_column)
    i = header.index(id_column) if id_column is not None else None
    return build_dataset(
        ((fields[t].replace("\r\n", "\n"), fields[lab],
          fields[i] if i is not None else None, row, line)
         for row, (line, fields) in enumerate(records[1:], start=1)),
        source=source, name=path.name)


def load_tsv(path: str | os.PathLike[str], **options: Any) -> Dataset:
    """A tab-separated file with a header row."""
    options.setdefault("delimiter", "\t")
    return load_csv(path, **options)


def load_jsonl(path: str | os.PathLike[str], *, text_column: str = "text",
               label_column: str = "label", id_column: str | None = None,
               encoding: str = "utf-8", **options: Any) -> Dataset:
    """JSON Lines: one object per line; blank lines are skipped; ``3`` as a label is ``"3"``."""
    _no_extra("jsonl", options)
    return _load_objects(Path(path), _jsonl_objects, encoding,
                         _Columns(text_column, label_column, id_column))


def load_json(path: str | os.PathLike[str], *, text_column: str = "text",
              label_column: str = "label", id_column: str | None = None,
              encoding: str = "utf-8", **options: Any) -> Dataset:
    """A JSON file holding one array of objects."""
    _no_extra("json", options)
    return _load_objects(Path(path), _json_objects, encoding,
                         _Columns(text_column, label_column, id_column))


@dataclass(frozen=True)
class _Columns:
    """The columns a loader reads: text, label and (optionally) id."""

    text: str
    label: str
    id: str | None


#: ``(1-based data row, 1-based line or None, the parsed object)`` of a JSON file.
_Objects = list[tuple[int, int | None, Any]]


def _load_objects(path: Path, parse: Callable[[str, str, _Columns], _Objects], encoding: str,
                  columns: _Columns) -> Dataset:
    """What both JSON loaders do: decode the file, ``parse`` its objects (``source`` names
    the file in errors), and turn them into rows (a key absent from one object is ``""``)."""
    source = str(path)
    records = parse(_read_text(path, encoding), source, columns)
    return build_dataset(
        rows_from_mappings(records, source=source, text_column=columns.text,
                           label_column=columns.label, id_column=columns.id),
        source=source, name=path.name)


def _jsonl_objects(text: str, source: str, columns: _Columns) -> _Objects:
    """One object per non-blank line; every line that is not valid JSON is named at once."""
    records: _Objects = []
    bad: list[str] = []
    with _progress(text, Path(source)) as bar:
        for number, raw in enumerate(text.split("\n"), start=1):
            if not number % _STEP:
                bar.update(_STEP)
            if not raw.strip():
                continue
            try:
                records.append((len(records) + 1, number, json.loads(raw)))
            except json.JSONDecodeError as exc:
                bad.append(f"line {number}: {exc.msg} at column {exc.colno}")
    if bad:
        raise DatasetError(
            f"{source}: {len(bad)} line(s) are not valid JSON: {listing(bad, limit=5)}; "
            f'write one object per line, e.g. {{"{columns.text}": "...", '
            f'"{columns.label}": "..."}}')
    return records


def _json_objects(text: str, source: str, columns: _Columns) -> _Objects:
    """The objects of one JSON array, numbered from 1 (a JSON file has no line per row)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{source}: line {exc.lineno}: not valid JSON ({exc.msg} at "
                           f"column {exc.colno}); fix it, or save one object per line as "
                           ".jsonl") from None
    if not isinstance(data, list):
        raise DatasetError(f"{source}: holds a JSON {type(data).__name__}, not an array of "
                           f'objects; write [{{"{columns.text}": "...", '
                           f'"{columns.label}": "..."}}, ...]')
    return [(n, None, r) for n, r in enumerate(data, start=1)]


def load_records(records: Sequence[Any], *, text_column: str = "text",
                 label_column: str = "label", id_column: str | None = None,
                 source: str | None = None, name: str | None = None) -> Dataset:
    """A list of dicts, one per row."""
    source = source or "records"
    return build_dataset(
        rows_from_records(records, source=source, text_column=text_column,
                          label_column=label_column, id_column=id_column),
        source=source, name=name)


def load_dataframe(frame: Any, *, text_column: str = "text", label_column: str = "label",
                   id_column: str | None = None, source: str | None = None,
                   name: str | None = None) -> Dataset:
    """A pandas DataFrame; NaN and None become ``""`` so validate() reports them."""
    source = source or "DataFrame"
    columns = [str(c) for c in frame.columns]
    resolve_columns(columns, source=source, text_column=text_column,
                     label_column=label_column, id_column=id_column)
    if len(frame) == 0:
        raise DatasetError(f"{source}: has no data rows; add rows of text and label")

    def column(name_: str) -> list[Any]:
        selected = frame[frame.columns[columns.index(name_)]]
        if selected.ndim != 1:
            raise DatasetError(f"{source}: has more than one column named {name_!r}; "
                               "rename the extra ones")
        return list(selected.tolist())

    texts, labels = column(text_column), column(label_column)
    ids = column(id_column) if id_column is not None else [None] * len(texts)
    return build_dataset(
        ((as_str(t, source, n, None, text_column), as_str(lab, source, n, None, label_column),
          None if id_column is None else as_str(i, source, n, None, id_column), n, None)
         for n, (t, lab, i) in enumerate(zip(texts, labels, ids, strict=True), start=1)),
        source=source, name=name)


def load_parquet(path: str | os.PathLike[str], *, text_column: str = "text",
                 label_column: str = "label", id_column: str | None = None,
                 encoding: str | None = None, **options: Any) -> Dataset:
    """A Parquet file, through pandas and pyarrow (the ``data`` extra)."""
    _no_extra("parquet", options)
    import pandas as pd

    path = Path(path)
    check_path(path)
    if path.stat().st_size == 0:
        raise DatasetError(f"{path}: the file is empty (0 bytes); write the table again")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise DatasetError(
            f"{path}: cannot be read as Parquet ({type(exc).__name__}: {exc}); check the "
            f"file, or if it holds another format, rename it to that format's suffix (e.g. "
            f'{path.stem}.csv; from Python, load_dataset(path, format="csv") also works)'
        ) from None
    return load_dataframe(frame, text_column=text_column, label_column=label_column,
                          id_column=id_column, source=str(path), name=path.name)


# --- choosing a loader ---------------------------------------------------------------------
def _is_dataframe(value: Any) -> bool:
    """True for a pandas DataFrame, without importing pandas when the caller has not."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def loader_suffixes() -> dict[str, str]:
    """Every file suffix a registered loader (built-in or a plugin's) reads -> its name (the
    first registered, when two claim one suffix)."""
    found: dict[str, str] = {}
    for entry in get_registry().of("dataset_loader"):
        for suffix in entry.suffixes:
            found.setdefault(suffix, entry.name)
    return found


def longest_suffix(path: Path, suffixes: Iterable[str]) -> str | None:
    """The longest of ``suffixes`` that ends the file name (``.pipes.txt`` over ``.txt``)."""
    lowered = path.name.lower()
    return max((s for s in suffixes if lowered.endswith(s)), key=len, default=None)


def _loader_for(path: Path, format: str | None) -> Any:
    """The registered loader named ``format``, else the one whose suffix ends the file name."""
    entries = {e.name: e for e in get_registry().of("dataset_loader")}
    if format is not None:
        name = format.lower().lstrip(".")
        if name not in entries:
            raise DatasetError(f"{path}: unknown format {format!r}; the formats are "
                               f"{', '.join(sorted(entries))}")
    else:
        by_suffix = loader_suffixes()
        suffix = longest_suffix(path, by_suffix)
        if suffix is None:
            raise DatasetError(
                f"{path}: unsupported file type {path.suffix or '(no suffix)'!r}; the "
                f"supported suffixes are {', '.join(sorted(by_suffix))}. Rename the file to "
                f"its format's suffix (e.g. {path.stem}.csv); from Python, "
                'load_dataset(path, format="csv") also works')
        name = by_suffix[suffix]
    entry = entries[name]
    missing = entry.missing()
    if missing:
        install = entry.install or f"pip install {' '.join(missing)}"
        raise DatasetError(f"{path}: reading {entry.name} needs {', '.join(missing)}, which "
                           f"is not installed; install it with: {install}")
    return entry


def _load_file(path: Path, format: str | None, options: dict[str, Any]) -> Dataset:
    """Check the path, then hand it to the registered loader."""
    check_path(path)
    entry = _loader_for(path, format)
    dataset = entry.factory(path, **options)
    if not isinstance(dataset, Dataset):
        raise PluginError(f"dataset loader {entry.name!r} (plugin {entry.plugin}) returned "
                          f"{type(dataset).__name__}, not a Dataset")
    return dataset


def load_texts(path: str | os.PathLike[str], *, format: str | None = None,
               text_column: str = "text", id_column: str | None = None,
               encoding: str = "utf-8") -> Dataset:
    """The text (and id) column of a file in any registered format, through its loader, for
    the commands that need no labels: the label is read from the text column, so a file
    without one loads."""
    return _load_file(Path(path).expanduser(), format, {
        "text_column": text_column, "label_column": text_column, "id_column": id_column,
        "encoding": encoding})


def load_dataset(source: Any, *, format: str | None = None, text_column: str = "text",
                 label_column: str = "label", id_column: str | None = None,
                 encoding: str = "utf-8", duplicates: str = "keep",
                 **options: Any) -> Dataset:
    """Load labelled text from a file path (CSV, TSV, JSONL, JSON, Parquet, or a plugin's
    format, chosen by suffix or ``format=``), a pandas DataFrame or a list of dicts.

    ``duplicates``: ``"keep"`` exact duplicate rows (``validate()`` warns), ``"drop"`` them,
    or raise on them (``"error"``). Other ``options`` go to the file loader.
    """
    if duplicates not in DUPLICATE_POLICIES:
        raise ConfigurationError(f"duplicates={duplicates!r}; use one of "
                                 f"{', '.join(map(repr, DUPLICATE_POLICIES))}")
    columns: dict[str, Any] = {"text_column": text_column, "label_column": label_column,
                               "id_column": id_column}
    with _gc_paused():
        if isinstance(source, Dataset):
            dataset = source
        elif _is_dataframe(source):
            dataset = load_dataframe(source, **columns)
        elif isinstance(source, (list, tuple)):
            dataset = load_records(source, **columns)
        elif isinstance(source, (str, os.PathLike)):
            dataset = _load_file(Path(source).expanduser(), format,
                                 {**columns, "encoding": encoding, **options})
        else:
            raise DatasetError(f"load_dataset() takes a file path, a pandas DataFrame or a "
                               f"list of dicts, not {type(source).__name__}")
    return _apply_duplicates(dataset, duplicates)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector while millions of small rows are built: it would otherwise
    rescan them over and over (loading holds no cycles worth collecting)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _apply_duplicates(dataset: Dataset, policy: str) -> Dataset:
    """Keep, drop, or refuse exact ``(text, label)`` duplicates."""
    if policy == "keep":
        return dataset
    pairs = find_duplicates(dataset)
    if not pairs:
        return dataset
    if policy == "drop":
        return dataset.drop_duplicates()
    src = dataset.source or dataset.name
    shown = listing([f"{where(dataset.rows[i], dataset.lines[i])} repeats "
                     f"{where(dataset.rows[j], dataset.lines[j])}" for i, j in pairs])
    raise DatasetError(f"{src}: {len(pairs)} exact duplicate row(s): {shown}; remove them, "
                       'or load with duplicates="drop"')


@hookimpl
def embedlab_register_dataset_loaders(register: Any) -> None:
    """The built-in formats, registered the way a plugin registers its own."""
    register("csv", load_csv, suffixes=[".csv"], description="comma-separated, header row")
    register("tsv", load_tsv, suffixes=[".tsv"], description="tab-separated, header row")
    register("jsonl", load_jsonl, suffixes=[".jsonl", ".ndjson"],
             description="one JSON object per line")
    register("json", load_json, suffixes=[".json"], description="a JSON array of objects")
    register("parquet", load_parquet, suffixes=[".parquet", ".pq"],
             requires=["pandas", "pyarrow"], install="pip install 'embedlab[data]'",
             description="Parquet, via pandas and pyarrow")
