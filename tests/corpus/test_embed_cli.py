"""``embedlab embed`` with a corpus: a directory --out, blank rows, and --out paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from embedlab.cli import cli

from .test_local_engine import read_dataset


@pytest.fixture
def blank_csv(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("text,label\nfirst,a\n,b\nthird,a\n  ,b\nfifth,a\n", encoding="utf-8")
    return path


def test_a_directory_out_writes_a_dataset_and_a_summary(fake: str, corpus_dir: Path,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "vectors"
    result = CliRunner().invoke(cli, ["embed", "-f", str(corpus_dir), "-m", fake, "-o",
                                      str(out), "--part-rows", "16"])
    assert result.exit_code == 0, result.output
    assert "123 vectors" in result.stderr and "10 parts written" in result.stderr
    assert "2 blank rows left out" in result.stderr
    ids, vectors, _ = read_dataset(out)
    assert len(ids) == 123 == len(set(ids)) and vectors.shape == (123, 64)


def test_blank_rows_are_refused_with_their_row_numbers(fake: str, blank_csv: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "v.npy"
    result = CliRunner().invoke(cli, ["embed", "-f", str(blank_csv), "-m", fake, "-o",
                                      str(out)])
    assert result.exit_code == 2
    assert "data.csv: rows 2, 4 have no text" in result.stderr and "--skip-blank" in result.stderr
    assert "Traceback" not in result.output and not out.exists()
    npy = CliRunner().invoke(cli, ["embed", "-f", str(blank_csv), "-m", fake, "-o", str(out),
                                   "--skip-blank"])
    assert npy.exit_code == 2 and "cannot hold" in npy.stderr and not out.exists()


def test_skip_blank_keeps_alignment_through_ids(fake: str, blank_csv: Path,
                                                tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "v.parquet"
    result = CliRunner().invoke(cli, ["embed", "-f", str(blank_csv), "-m", fake, "-o",
                                      str(out), "--skip-blank"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ["data.csv:1", "data.csv:3", "data.csv:5"]
    assert table.column("text").to_pylist() == ["first", "third", "fifth"]
    assert np.array(table.column("embedding").to_pylist()).shape == (3, 64)


@pytest.mark.parametrize("name", ["v.npy", "v.parquet", "dataset"])
def test_an_out_path_below_a_file_is_a_clear_error(fake: str, corpus_dir: Path,
                                                   tmp_path: Path, name: str) -> None:
    a_file = tmp_path / "afile"
    a_file.write_text("mine", encoding="utf-8")
    source = ["-f", str(corpus_dir / "b.jsonl")]
    result = CliRunner().invoke(cli, ["embed", *source, "-m", fake, "-o",
                                      str(a_file / "sub" / name)])
    assert result.exit_code == 2, result.output
    assert f"{a_file} is a file, not a directory" in result.stderr
    assert "Traceback" not in result.output and a_file.read_text(encoding="utf-8") == "mine"


def test_texts_as_arguments_need_a_file_out(fake: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["embed", "one", "two", "-m", fake, "-o",
                                      str(tmp_path / "dir")])
    assert result.exit_code == 2 and "from --file" in result.stderr
