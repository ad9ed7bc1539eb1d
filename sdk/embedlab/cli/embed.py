"""``embedlab embed``: texts in, vectors out (.npy or Parquet)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..embedder import INPUT_TYPES
from ._errors import reports_errors

__all__ = ["embed_command"]


def _read_texts(path: Path, column: str, encoding: str) -> list[str]:
    """Texts from a plain text file (one a line) or a data file's ``column``."""
    from ..errors import DatasetError

    if path.suffix.lower() in {".txt", ""}:
        try:
            lines = path.read_text(encoding=encoding).splitlines()
        except FileNotFoundError:
            raise DatasetError(f"{path}: no such file; check the path") from None
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path}: not valid {encoding} text ({exc.reason} at byte "
                               f"{exc.start}); pass --encoding") from None
        texts = [line for line in lines if line.strip()]
    else:
        texts = [t for t in _load_text_column(path, column, encoding) if t.strip()]
    if not texts:
        raise DatasetError(f"{path}: holds no text to embed")
    return texts


def _load_text_column(path: Path, column: str, encoding: str) -> list[str]:
    """The ``column`` of a CSV or TSV file, in order."""
    import csv

    from ..errors import DatasetError

    if path.suffix.lower() in {".csv", ".tsv"}:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        try:
            with path.open(encoding=encoding, newline="") as fh:
                reader = csv.DictReader(fh, delimiter=delimiter)
                if reader.fieldnames is None or column not in reader.fieldnames:
                    raise DatasetError(
                        f"{path}: no column {column!r} (columns: "
                        f"{', '.join(reader.fieldnames or [])}); pass --text-column")
                return [row[column] or "" for row in reader]
        except FileNotFoundError:
            raise DatasetError(f"{path}: no such file; check the path") from None
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path}: not valid {encoding} text ({exc.reason} at byte "
                               f"{exc.start}); pass --encoding") from None
    raise DatasetError(f"{path}: embed reads .txt (one text a line), .csv or .tsv files")


def _write(vectors: object, texts: list[str], out: Path) -> None:
    import numpy as np

    array = np.asarray(vectors, dtype=np.float32)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        if out.suffix.lower() == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.table({
                "text": pa.array(texts, type=pa.string()),
                "embedding": pa.FixedSizeListArray.from_arrays(
                    pa.array(array.reshape(-1), type=pa.float32()), array.shape[1]),
            })
            pq.write_table(table, tmp)
        else:
            with tmp.open("wb") as fh:
                np.save(fh, array)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


@click.command("embed")
@click.argument("texts", nargs=-1)
@click.option("--model", "-m", default="local", show_default=True,
              help="provider, provider:model, or a custom model's id or directory.")
@click.option("--file", "-f", "file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Read texts from a .txt file (one a line) or a CSV/TSV column.")
@click.option("--text-column", default="text", show_default=True,
              help="Column to read from a CSV/TSV --file.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of --file.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the vectors: .npy (float32 matrix) or .parquet "
                   "(text, embedding columns).")
@click.option("--input-type", type=click.Choice(INPUT_TYPES), default=None,
              help="What the texts are for (default: the provider's default).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@reports_errors
def embed_command(texts: tuple[str, ...], model: str, file: Path | None, text_column: str,
                  encoding: str, out: Path, input_type: str | None, no_cache: bool,
                  quiet: bool) -> None:
    """Embed TEXTS (or the texts in --file) and write one vector per text, in order."""
    from ..errors import ConfigurationError
    from ..lookup import get_embedder

    if out.suffix.lower() not in {".npy", ".parquet"}:
        raise ConfigurationError(f"--out {out}: use a .npy or .parquet file name")
    if texts and file is not None:
        raise ConfigurationError("give texts as arguments or --file, not both")
    items = list(texts) if texts else (_read_texts(file, text_column, encoding)
                                       if file is not None else [])
    if not items:
        raise ConfigurationError("nothing to embed: give texts as arguments or --file")
    embedder = get_embedder(model)
    vectors = embedder.embed(items, input_type, cache=False if no_cache else None,
                             progress=False if quiet else None)
    _write(vectors, items, out)
    if not quiet:
        click.echo(f"wrote {len(items)} vectors of dimension {vectors.shape[1]} from "
                   f"{embedder.name} to {out}", err=True)
