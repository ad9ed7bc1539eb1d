"""Every row of an input (a file, a directory or a glob, in any format :func:`discover` takes,
a plugin's included) as ids and texts in memory: what ``embed`` to one ``.npy``/``.parquet``
file, ``classify --file`` and ``compare --highlight-file`` read. A directory ``--out`` of
``embed`` streams the same chunks instead (:mod:`embedlab.corpus.local`)."""

from __future__ import annotations

from pathlib import Path

from .._errors import DatasetError
from .duplicates import find_duplicate_ids
from .sources import InputFile, blank_rows, discover, read_chunks

__all__ = ["read_texts"]

#: Blank rows listed by number before "and N more".
LISTED_ROWS = 10


def read_texts(source: str | Path, *, text_column: str = "text", id_column: str | None = None,
               encoding: str = "utf-8", skip_blank: bool = False,
               on_duplicate_id: str = "error",
               suggest_skip_blank: bool = True) -> tuple[list[str], list[str]]:
    """Ids and texts of every row of ``source``; blank rows are refused with their numbers
    unless ``skip_blank`` (then left out: the ids keep each vector's row), and so are ids
    on several rows unless ``on_duplicate_id="keep-last"``. ``suggest_skip_blank``: the
    refusal suggests ``--skip-blank`` (the caller has that option)."""
    ids: list[str] = []
    texts: list[str] = []
    files = discover(source)
    duplicates = find_duplicate_ids(files, text_column=text_column, id_column=id_column,
                                    encoding=encoding, on_duplicate_id=on_duplicate_id)
    for fi, file in enumerate(files):
        blank: list[int] = []
        for chunk in read_chunks(file, text_column=text_column, id_column=id_column,
                                 encoding=encoding):
            skip = set(blank_rows(chunk))
            blank += [chunk.first_row + n for n in sorted(skip)]
            if duplicates is not None:
                skip |= duplicates.dropped(fi, chunk)
            ids += [i for n, i in enumerate(chunk.ids) if n not in skip]
            texts += [t for n, t in enumerate(chunk.texts) if n not in skip and t is not None]
        if blank and not skip_blank:
            raise _blank_error(file, blank, suggest_skip_blank)
    if not texts:
        raise DatasetError(f"{source}: holds no text to embed")
    return ids, texts


def _blank_error(file: InputFile, blank: list[int], suggest_skip_blank: bool) -> DatasetError:
    """Rows with no text, by number: the results would not line up with the rows."""
    listed = ", ".join(map(str, blank[:LISTED_ROWS]))
    more = f" and {len(blank) - LISTED_ROWS} more" if len(blank) > LISTED_ROWS else ""
    flag = (", or pass --skip-blank to leave them out and write each vector's row id "
            "(.parquet or a directory --out)") if suggest_skip_blank else ""
    return DatasetError(
        f"{file.path}: row{'s' if len(blank) > 1 else ''} {listed}{more} "
        f"{'have' if len(blank) > 1 else 'has'} no text, so the results would not "
        f"line up with the rows; fill them in or delete them{flag}")
