"""Item 11 of issue 23: ids on more than one row of a corpus are refused by default, naming
the first ones, or resolved with ``--on-duplicate-id keep-last`` (each id's last row)."""

from __future__ import annotations

import csv
from pathlib import Path

import embedlab
import numpy as np
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from embedlab.cli import cli
from embedlab.testing import FakeEmbedder

from .test_local_engine import read_dataset


@pytest.fixture
def repeated(tmp_path: Path) -> Path:
    """500 rows and 498 ids: row 300 repeats row 10's id, row 400 repeats row 20's."""
    path = tmp_path / "data.csv"
    ids = [f"doc-{n}" for n in range(1, 501)]
    ids[299], ids[399] = "doc-10", "doc-20"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        writer.writerows((i, f"text of row {n}") for n, i in enumerate(ids, start=1))
    return path


def test_the_cli_refuses_repeated_ids_naming_them(fake: str, repeated: Path,
                                                  tmp_path: Path) -> None:
    for out in (tmp_path / "vectors", tmp_path / "v.parquet"):
        result = CliRunner().invoke(cli, ["embed", "-f", str(repeated), "-m", fake,
                                          "--id-column", "id", "-o", str(out), "-q"])
        assert result.exit_code == 2, result.output
        assert "2 id(s) of column 'id' occur on more than one row" in result.stderr
        assert "'doc-10' (data.csv row 10, data.csv row 300)" in result.stderr
        assert "--on-duplicate-id keep-last" in result.stderr
        assert not out.exists() or not any(out.glob("*.parquet"))


def test_keep_last_keeps_each_ids_last_row(fake: str, repeated: Path, tmp_path: Path) -> None:
    out = tmp_path / "vectors"
    result = CliRunner().invoke(cli, ["embed", "-f", str(repeated), "-m", fake, "--id-column",
                                      "id", "-o", str(out), "--on-duplicate-id", "keep-last",
                                      "--part-rows", "128"])
    assert result.exit_code == 0, result.output
    assert "498 vectors" in result.stderr and "2 earlier rows of repeated ids left out" \
        in result.stderr
    ids, vectors, _ = read_dataset(out)
    assert len(ids) == 498 == len(set(ids))
    reference = FakeEmbedder().embed(["text of row 300", "text of row 400"], cache=False)
    np.testing.assert_allclose(vectors[ids.index("doc-10")], reference[0], rtol=1e-6)
    np.testing.assert_allclose(vectors[ids.index("doc-20")], reference[1], rtol=1e-6)


def test_keep_last_in_a_parquet_file(fake: str, repeated: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.parquet"
    result = CliRunner().invoke(cli, ["embed", "-f", str(repeated), "-m", fake, "--id-column",
                                      "id", "-o", str(out), "-q", "--on-duplicate-id",
                                      "keep-last"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    rows = dict(zip(table.column("id").to_pylist(), table.column("text").to_pylist(),
                    strict=True))
    assert len(rows) == table.num_rows == 498
    assert rows["doc-10"] == "text of row 300" and rows["doc-20"] == "text of row 400"


def test_the_api_refuses_by_default_and_keeps_last_when_asked(fake: str, repeated: Path,
                                                              tmp_path: Path) -> None:
    with pytest.raises(embedlab.DatasetError, match=r"'doc-20' \(data\.csv row 20"):
        embedlab.embed_corpus(repeated, tmp_path / "a", fake, id_column="id", progress=False)
    summary = embedlab.embed_corpus(repeated, tmp_path / "b", fake, id_column="id",
                                    progress=False, on_duplicate_id="keep-last")
    assert summary.rows == 498 and summary.duplicate_rows == 2
