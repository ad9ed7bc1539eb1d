"""A corpus's input: finding its files (a file, a directory or a glob) and reading each one
as bounded chunks of ``(id, text)`` rows. CSV, TSV, JSONL, Parquet and text files stream
through pyarrow, so memory never grows with their size; any other format a dataset loader
registers (JSON, a plugin's) is read whole by that loader, so every command reads it.

A row's default id is ``NAME:ROW``: the file's path relative to the input (its name for a
single file) and the 1-based data row (the header does not count), so the same input gives
the same ids on every run and with every engine.
"""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._datasets.loaders import load_texts, loader_suffixes, longest_suffix
from .._errors import DatasetError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FORMATS", "Chunk", "InputFile", "blank_rows", "count_rows", "discover",
           "read_chunks"]

#: File suffix → the streaming reader that takes it (other suffixes: the registered loader).
FORMATS: dict[str, str] = {
    ".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".tsv": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".txt": "text",
}
#: Bytes pyarrow reads at a time from CSV and JSONL files.
BLOCK_BYTES = 1 << 20


@dataclass(frozen=True)
class InputFile:
    """One input file: where it is, the name its ids carry, its format, its size, and whether
    it streams (else its format's registered loader reads it whole)."""

    path: Path
    name: str
    format: str
    size: int
    streamed: bool = True


@dataclass
class Chunk:
    """Consecutive rows of one file: ids, texts (``None`` where the cell is empty) and the
    1-based data row of the first one."""

    ids: list[str]
    texts: list[str | None]
    first_row: int

    def __len__(self) -> int:
        return len(self.ids)


def _known() -> dict[str, str]:
    """Every suffix read -> its format: the streamed ones, then the registered loaders'."""
    return {**loader_suffixes(), **FORMATS}


def _format_of(path: Path, known: dict[str, str]) -> tuple[str, bool] | None:
    """The format of the longest known suffix ending the name, and whether it streams."""
    suffix = longest_suffix(path, known)
    return None if suffix is None else (known[suffix], suffix in FORMATS)


def _readable(path: Path, base: Path, known: dict[str, str]) -> bool:
    """A file of a known format, not hidden (``.name``) nor private (``_name``) under base."""
    hidden = any(part.startswith((".", "_")) for part in path.relative_to(base).parts)
    return not hidden and _format_of(path, known) is not None and path.is_file()


def discover(source: str | Path) -> list[InputFile]:
    """The input files of ``source`` (a file, a directory searched recursively, or a glob),
    sorted by name; a DatasetError if there is none or a given file's format is unknown."""
    text = str(source)
    path = Path(text).expanduser()
    formats = _known()
    listed = ", ".join(sorted(formats))
    if path.is_file():
        if _format_of(path, formats) is None:
            raise DatasetError(f"{path}: embed reads {listed} files; rename it or convert it")
        found, base = [path], path.parent
    elif path.is_dir():
        found, base = sorted(p for p in path.rglob("*") if _readable(p, path, formats)), path
    elif glob.has_magic(text):
        magic = next(i for i, part in enumerate(path.parts) if glob.has_magic(part))
        base = Path(*path.parts[:magic]) if magic else Path()
        found = sorted(p for p in map(Path, glob.glob(str(path), recursive=True))
                       if _readable(p, base, formats))
    else:
        raise DatasetError(f"{text}: no such file, directory or glob match; check the path")
    if not found:
        raise DatasetError(f"{text}: holds no {listed} files to embed")
    return [_input_file(p, base, formats) for p in found]


def _input_file(path: Path, base: Path, known: dict[str, str]) -> InputFile:
    """A file :func:`discover` found (so of a known format), named relative to ``base``."""
    kind, streamed = _format_of(path, known) or ("", False)
    return InputFile(path=path, name=path.relative_to(base).as_posix(), format=kind,
                     size=path.stat().st_size, streamed=streamed)


def count_rows(file: InputFile) -> int:
    """The file's data rows: exact for Parquet, its line count otherwise (an estimate for
    the progress bar's total and ETA; quoted newlines in CSV make it a little high)."""
    if file.format == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(file.path).metadata.num_rows)
    lines, last = 0, b"\n"
    with file.path.open("rb") as fh:
        while block := fh.read(BLOCK_BYTES):
            lines += block.count(b"\n")
            last = block[-1:]
    lines += last != b"\n"
    return max(0, lines - (file.format in {"csv", "tsv"}))


def _missing_column(file: InputFile, column: str, option: str, names: list[str]) -> DatasetError:
    return DatasetError(f"{file.path}: no column {column!r} (columns: {', '.join(names)}); "
                        f"pass {option}")


def _check_columns(file: InputFile, names: list[str], text_column: str,
                   id_column: str | None) -> None:
    if text_column not in names:
        raise _missing_column(file, text_column, "--text-column", names)
    if id_column is not None and id_column not in names:
        raise _missing_column(file, id_column, "--id-column", names)


def _tables(file: InputFile, text_column: str, id_column: str | None, encoding: str,
            rows: int) -> Iterator[pa.Table]:
    """The file as a stream of small tables with the text (and id) columns."""
    import pyarrow as pa

    columns = [text_column] + ([id_column] if id_column is not None else [])
    if not file.streamed:
        yield from _loaded_tables(file, text_column, id_column, encoding, rows)
    elif file.format == "parquet":
        import pyarrow.parquet as pq

        reader = pq.ParquetFile(file.path)
        _check_columns(file, reader.schema_arrow.names, text_column, id_column)
        for batch in reader.iter_batches(batch_size=rows, columns=columns):
            yield pa.Table.from_batches([batch])
    elif file.format in {"csv", "tsv"}:
        import pyarrow.csv as pcsv

        read = pcsv.ReadOptions(encoding=encoding, block_size=BLOCK_BYTES)
        parse = pcsv.ParseOptions(delimiter="\t" if file.format == "tsv" else ",",
                                  newlines_in_values=True)
        with pcsv.open_csv(file.path, read_options=read, parse_options=parse) as probe:
            _check_columns(file, probe.schema.names, text_column, id_column)
        convert = pcsv.ConvertOptions(include_columns=columns,
                                      column_types={c: pa.string() for c in columns})
        with pcsv.open_csv(file.path, read_options=read, parse_options=parse,
                           convert_options=convert) as reader:
            for batch in reader:
                yield pa.Table.from_batches([batch])
    elif file.format == "jsonl":
        import pyarrow.json as pjson

        with pjson.open_json(file.path, read_options=pjson.ReadOptions(
                block_size=BLOCK_BYTES)) as reader:
            _check_columns(file, reader.schema.names, text_column, id_column)
            for batch in reader:
                yield pa.Table.from_batches([batch]).select(columns)
    else:
        with file.path.open(encoding=encoding, newline=None) as fh:
            lines: list[str] = []
            for line in fh:
                lines.append(line.rstrip("\n"))
                if len(lines) >= rows:
                    yield pa.table({text_column: lines})
                    lines = []
            if lines:
                yield pa.table({text_column: lines})


def _loaded_tables(file: InputFile, text_column: str, id_column: str | None, encoding: str,
                   rows: int) -> Iterator[pa.Table]:
    """A file its format's registered loader reads whole, as tables of ``rows`` rows."""
    import pyarrow as pa

    dataset = load_texts(file.path, format=file.format, text_column=text_column,
                         id_column=id_column, encoding=encoding)
    columns = {text_column: list(dataset.texts)}
    if id_column is not None:
        columns[id_column] = list(dataset.ids)
    table = pa.table(columns)
    for start in range(0, table.num_rows, rows):
        yield table.slice(start, rows)


def _read_error(file: InputFile, exc: Exception, encoding: str) -> DatasetError:
    if isinstance(exc, UnicodeDecodeError) or "invalid UTF8" in str(exc) \
            or "decode" in str(exc).lower():
        return DatasetError(f"{file.path}: not valid {encoding} text ({exc}); pass --encoding")
    return DatasetError(f"{file.path}: cannot be read as {file.format}: {exc}")


def read_chunks(file: InputFile, *, text_column: str = "text", id_column: str | None = None,
                encoding: str = "utf-8", chunk_rows: int = 10_000) -> Iterator[Chunk]:
    """The file's rows, ``chunk_rows`` at a time (the last chunk may be shorter)."""
    import pyarrow as pa

    if file.streamed and file.format == "text" and id_column is not None:
        raise DatasetError(f"{file.path}: a text file has no columns, so no {id_column!r} ids; "
                           "drop --id-column or use CSV, JSONL or Parquet")
    pending: list[pa.Table] = []
    held, row = 0, 1

    def emit(table: pa.Table) -> Chunk:
        nonlocal row
        texts = table.column(text_column).cast(pa.string()).to_pylist()
        if id_column is not None:
            ids = table.column(id_column).cast(pa.string()).to_pylist()
            for i, value in enumerate(ids):
                if value is None or value == "":
                    raise DatasetError(f"{file.path}: row {row + i} has no {id_column!r} id; "
                                       "fill it in, or drop --id-column to use row ids")
        else:
            ids = [f"{file.name}:{row + i}" for i in range(len(texts))]
        chunk = Chunk(ids=ids, texts=texts, first_row=row)
        row += len(texts)
        return chunk

    try:
        for table in _tables(file, text_column, id_column, encoding, chunk_rows):
            pending.append(table)
            held += table.num_rows
            while held >= chunk_rows:
                whole = pa.concat_tables(pending)
                yield emit(whole.slice(0, chunk_rows))
                rest = whole.slice(chunk_rows)
                pending, held = [rest], rest.num_rows
        if held:
            yield emit(pa.concat_tables(pending))
    except DatasetError:
        raise
    except (pa.ArrowException, UnicodeDecodeError, OSError) as exc:
        raise _read_error(file, exc, encoding) from None


def blank_rows(chunk: Chunk) -> list[int]:
    """Positions in ``chunk`` whose text is missing or only whitespace."""
    return [i for i, text in enumerate(chunk.texts) if text is None or not text.strip()]
