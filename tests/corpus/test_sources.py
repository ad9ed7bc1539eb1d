"""Finding a corpus's files and reading them in chunks with stable ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from embedlab._errors import DatasetError
from embedlab.corpus.sources import blank_rows, discover, read_chunks


def test_discover_a_directory_skips_private_files_and_names_by_relative_path(
        corpus_dir: Path) -> None:
    files = discover(corpus_dir)
    assert [f.name for f in files] == ["a.csv", "b.jsonl", "more/c.txt", "more/d.parquet"]
    assert [f.format for f in files] == ["csv", "jsonl", "text", "parquet"]


def test_discover_a_glob_and_a_single_file(corpus_dir: Path) -> None:
    assert [f.name for f in discover(corpus_dir / "**" / "*.txt")] == ["more/c.txt"]
    assert [f.name for f in discover(corpus_dir / "a.csv")] == ["a.csv"]


@pytest.mark.parametrize("name", ["missing.csv", "none-*.csv"])
def test_discover_names_what_is_missing(tmp_path: Path, name: str) -> None:
    with pytest.raises(DatasetError, match=r"none-|no such file"):
        discover(tmp_path / name)


def test_discover_refuses_an_unknown_format(tmp_path: Path) -> None:
    (tmp_path / "data.xlsx").write_bytes(b"x")
    with pytest.raises(DatasetError, match=r"data\.xlsx.*\.csv"):
        discover(tmp_path / "data.xlsx")


def test_chunks_carry_ids_of_file_and_row_and_cover_every_row(corpus_dir: Path) -> None:
    for file, rows in zip(discover(corpus_dir), [50, 30, 20, 25], strict=True):
        chunks = list(read_chunks(file, chunk_rows=7))
        assert [len(c) for c in chunks[:-1]] == [7] * (len(chunks) - 1)
        ids = [i for c in chunks for i in c.ids]
        assert ids == [f"{file.name}:{n}" for n in range(1, rows + 1)]
    csv = discover(corpus_dir / "a.csv")[0]
    blanks = [c.first_row + n for c in read_chunks(csv, chunk_rows=7) for n in blank_rows(c)]
    assert blanks == [10]


def test_id_column_and_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"doc": 7, "body": "a"}\n{"doc": 8, "body": "b"}\n', encoding="utf-8")
    file = discover(path)[0]
    chunk = next(read_chunks(file, text_column="body", id_column="doc"))
    assert chunk.ids == ["7", "8"] and chunk.texts == ["a", "b"]
    with pytest.raises(DatasetError, match=r"d\.jsonl: no column 'text' .*--text-column"):
        next(read_chunks(file))
    with pytest.raises(DatasetError, match="--id-column"):
        next(read_chunks(file, text_column="body", id_column="key"))


def test_bad_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("text\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(DatasetError, match=r"latin\.csv.*--encoding"):
        list(read_chunks(discover(path)[0]))
    chunk = next(read_chunks(discover(path)[0], encoding="latin-1"))
    assert chunk.texts == ["café"]
