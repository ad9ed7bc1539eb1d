"""Ids that occur more than once in a corpus's ``--id-column``: found in a first pass over
the ids, then refused (naming the first ones and their rows) or, when the caller asks
(``on_duplicate_id="keep-last"``), resolved by keeping only each id's last row.

The first pass holds every id in memory once (not the texts); it runs only with an id
column, since the default ``FILE:ROW`` ids cannot repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .._errors import ConfigurationError, DatasetError
from .sources import Chunk, InputFile, blank_rows, read_chunks

__all__ = ["DUPLICATE_ID_CHOICES", "DuplicateIds", "OnDuplicateId", "find_duplicate_ids"]

OnDuplicateId = Literal["error", "keep-last"]
#: What to do when an id occurs more than once: refuse the corpus, or keep its last row.
DUPLICATE_ID_CHOICES: tuple[OnDuplicateId, ...] = ("error", "keep-last")
#: Repeated ids named in the error before "and N more".
LISTED_IDS = 5


@dataclass(frozen=True)
class DuplicateIds:
    """Each repeated id's last row as ``(file index, 1-based data row)``, and how many
    earlier rows of those ids are left out."""

    last: dict[str, tuple[int, int]]
    dropped_rows: int

    def dropped(self, file_index: int, chunk: Chunk) -> set[int]:
        """Positions in ``chunk`` (of file ``file_index``) that an id's later row replaces."""
        return {n for n, id_ in enumerate(chunk.ids)
                if id_ in self.last and self.last[id_] != (file_index, chunk.first_row + n)}


def _listing(files: list[InputFile], repeats: dict[str, list[tuple[int, int]]]) -> str:
    shown = []
    for id_, places in list(repeats.items())[:LISTED_IDS]:
        where = ", ".join(f"{files[fi].name} row {row}" for fi, row in places[:4])
        shown.append(f"{id_!r} ({where}{', ...' if len(places) > 4 else ''})")
    more = f" and {len(repeats) - LISTED_IDS} more" if len(repeats) > LISTED_IDS else ""
    return "; ".join(shown) + more


def find_duplicate_ids(files: list[InputFile], *, text_column: str, id_column: str | None,
                       encoding: str, on_duplicate_id: str = "error") -> DuplicateIds | None:
    """``None`` when every non-blank row's id is unique; else a DatasetError naming the first
    repeated ids, or with ``on_duplicate_id="keep-last"`` the rows to leave out."""
    if on_duplicate_id not in DUPLICATE_ID_CHOICES:
        raise ConfigurationError(f"on_duplicate_id must be one of "
                                 f"{', '.join(DUPLICATE_ID_CHOICES)}, not {on_duplicate_id!r}")
    if id_column is None:
        return None
    seen: dict[str, tuple[int, int]] = {}
    repeats: dict[str, list[tuple[int, int]]] = {}
    for fi, file in enumerate(files):
        for chunk in read_chunks(file, text_column=text_column, id_column=id_column,
                                 encoding=encoding):
            blank = set(blank_rows(chunk))
            for n, id_ in enumerate(chunk.ids):
                if n in blank:
                    continue
                place = (fi, chunk.first_row + n)
                if id_ in seen:
                    repeats.setdefault(id_, [seen[id_]]).append(place)
                seen[id_] = place
    if not repeats:
        return None
    if on_duplicate_id == "error":
        raise DatasetError(
            f"{files[0].path if len(files) == 1 else 'the input'}: {len(repeats)} id(s) of "
            f"column {id_column!r} occur on more than one row: {_listing(files, repeats)}. "
            "Give each row its own id, or pass --on-duplicate-id keep-last "
            "(on_duplicate_id='keep-last') to keep only each id's last row")
    return DuplicateIds(last={id_: seen[id_] for id_ in repeats},
                        dropped_rows=sum(len(places) - 1 for places in repeats.values()))
