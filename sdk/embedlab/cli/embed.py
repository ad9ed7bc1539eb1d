"""``embedlab embed``: texts in, vectors out: a small ``.npy``/``.parquet`` file, or a
corpus of any size streamed into a resumable Parquet dataset directory (local or Ray)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._atomic import atomic_path
from .._errors import ConfigurationError
from .._lookup import get_embedder
from ..corpus import embed_corpus
from ..corpus.duplicates import DUPLICATE_ID_CHOICES
from ..corpus.sources import discover
from ..corpus.texts import read_texts
from ._errors import reports_errors
from ._options import (
    argument_texts,
    encoding_option,
    input_type_option,
    invalid_text_option,
)
from ._outputs import check_out_file

if TYPE_CHECKING:
    import numpy as np

__all__ = ["embed_command"]

#: ``--out`` suffixes written as one file; any other name is a dataset directory.
FILE_SUFFIXES = {".npy", ".parquet"}


def _is_file_out(out: Path) -> bool:
    """Whether ``--out`` names one file (``.npy``/``.parquet``) rather than a directory."""
    suffix = out.suffix.lower()
    if suffix in FILE_SUFFIXES and not out.is_dir():
        return True
    if suffix and not out.is_dir():
        raise ConfigurationError(
            f"--out {out}: use a .npy or .parquet file name, or a directory (a name without a "
            "suffix) for a Parquet dataset of any size")
    return False


def _write(vectors: np.ndarray, ids: list[str], texts: list[str], out: Path) -> None:
    """Write ``.npy`` (the matrix) or ``.parquet`` (id, text, embedding), atomically."""
    import numpy as np

    array = np.asarray(vectors, dtype=np.float32)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"--out {out}: cannot create its folder ({exc.strerror}); "
                                 "choose another --out") from None
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.table({
                "id": pa.array(ids, type=pa.string()),
                "text": pa.array(texts, type=pa.string()),
                "embedding": pa.FixedSizeListArray.from_arrays(
                    pa.array(array.reshape(-1), type=pa.float32()), array.shape[1]),
            })
            pq.write_table(table, tmp)
        else:
            with tmp.open("wb") as fh:
                np.save(fh, array)


@click.command("embed")
@click.argument("texts", nargs=-1)
@click.option("--model", "-m", default="local", show_default=True,
              help="provider, provider:model, or a custom model's id or directory.")
@click.option("--file", "-f", "file", default=None, metavar="PATH",
              help="Read texts from a file, a directory or a glob of Parquet, CSV, TSV, JSONL, "
                   "JSON, .txt (one text a line) or a plugin format's files.")
@click.option("--text-column", default="text", show_default=True,
              help="Column holding the text (Parquet, CSV, TSV, JSONL).")
@click.option("--id-column", default=None,
              help="Column holding each row's id (default: FILE:ROW, the 1-based data row).")
@encoding_option("Encoding of --file.")
@click.option("--out", "-o", type=click.Path(path_type=Path), required=True,
              help="A .npy file (float32 matrix), a .parquet file (id, text, embedding), or a "
                   "directory: a Parquet dataset (id, embedding) of any size, written in "
                   "resumable parts.")
@click.option("--overwrite", is_flag=True,
              help="Replace a .npy/.parquet --out that exists (never one of the inputs).")
@input_type_option("What the texts are for (default: the provider's default).",
                   default=None)
@click.option("--skip-blank", is_flag=True,
              help="File --out: leave out rows with no text and write each vector's row id "
                   "(blank rows are refused otherwise; a directory --out always does this).")
@click.option("--on-duplicate-id", type=click.Choice(DUPLICATE_ID_CHOICES), default="error",
              show_default=True,
              help="An --id-column value on more than one row: refuse the input (naming the "
                   "first ones), or keep only each id's last row.")
@click.option("--restart", is_flag=True,
              help="Directory --out: delete an earlier run's parts there (of this job or "
                   "another) and start over, instead of resuming.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="Directory --out: embed in this process, or on Ray Data.")
@click.option("--address", default=None, metavar="auto|ray://HOST:PORT",
              help="Ray cluster to run on (default: the running one, else a local Ray).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Ray actors embedding at once (each builds the model once).")
@click.option("--worker-cpus", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, help="CPUs each Ray actor reserves.")
@click.option("--part-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Directory --out: rows per part (memory held, and what a rerun redoes).")
@invalid_text_option
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@reports_errors
def embed_command(texts: tuple[str, ...], model: str, file: str | None, text_column: str,
                  id_column: str | None, encoding: str, out: Path, overwrite: bool,
                  input_type: str | None, skip_blank: bool, on_duplicate_id: str,
                  restart: bool, engine: str, address: str | None, workers: int,
                  worker_cpus: float, part_rows: int, invalid_text: str, no_cache: bool,
                  quiet: bool) -> None:
    """Embed TEXTS (or the texts in --file) and write one vector per text.

    A .npy/.parquet --out keeps the rows' order; a directory --out streams a corpus of any
    size in bounded memory, resumes an interrupted run, and can run on Ray (--engine ray).
    """
    if texts and file is not None:
        raise ConfigurationError("give texts as arguments or --file, not both")
    if not texts and file is None:
        raise ConfigurationError("nothing to embed: give texts as arguments or --file")
    if not _is_file_out(out):
        if overwrite:
            raise ConfigurationError(f"--out {out}: --overwrite replaces a .npy/.parquet file; "
                                     "a directory --out resumes its run, or starts over with "
                                     "--restart")
        if file is None:
            raise ConfigurationError(f"--out {out}: a dataset directory is written from --file; "
                                     "for texts given as arguments use a .npy or .parquet --out")
        summary = embed_corpus(
            file, out, model, text_column=text_column, id_column=id_column,
            input_type=input_type, engine=engine,  # type: ignore[arg-type]
            address=address, workers=workers, num_cpus=worker_cpus, part_rows=part_rows,
            encoding=encoding, cache=False if no_cache else None,
            progress=False if quiet else None,
            on_duplicate_id=on_duplicate_id,  # type: ignore[arg-type]
            restart=restart)
        if not quiet:
            click.echo(str(summary), err=True)
        return
    if restart:
        raise ConfigurationError("--restart starts a directory --out over; a .npy/.parquet "
                                 "--out is replaced with --overwrite")
    if engine != "local":
        raise ConfigurationError("--engine ray writes a dataset directory: give --out a "
                                 "directory name (no .npy/.parquet suffix)")
    if skip_blank and out.suffix.lower() == ".npy":
        raise ConfigurationError("--skip-blank writes each vector's row id, which a .npy file "
                                 "cannot hold: use a .parquet --out or a directory")
    check_out_file(out, overwrite=overwrite,
                   inputs=[f.path for f in discover(file)] if file is not None else [])

    if file is not None:
        ids, items = read_texts(file, text_column=text_column, id_column=id_column,
                                encoding=encoding, skip_blank=skip_blank,
                                on_duplicate_id=on_duplicate_id)
    else:
        items = argument_texts(texts, invalid_text)
        ids = [str(n) for n in range(1, len(items) + 1)]
    embedder = get_embedder(model)
    vectors = embedder.embed(items, input_type, cache=False if no_cache else None,
                             progress=False if quiet else None)
    _write(vectors, ids, items, out)
    if not quiet:
        click.echo(f"wrote {len(items)} vectors of dimension {vectors.shape[1]} from "
                   f"{embedder.name} to {out}", err=True)
