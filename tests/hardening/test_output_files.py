"""Items 2 and 8 of issue 23: a single output file (``embed -o``, ``classify --out``) is
checked before any work, never replaces an input, and replaces a file only with --overwrite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from embedlab.cli import cli


@pytest.fixture
def texts_parquet(tmp_path: Path) -> Path:
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"text": ["book a flight", "cancel my card"],
                             "label": ["travel", "bank"]}), path)
    return path


def test_embed_refuses_to_write_over_its_own_input(runner: CliRunner, fake_provider: str,
                                                   texts_parquet: Path, tmp_path: Path) -> None:
    before = texts_parquet.read_bytes()
    link = tmp_path / "link.parquet"
    link.symlink_to(texts_parquet)
    for out in (texts_parquet, link, tmp_path / "." / "data.parquet"):
        for extra in ((), ("--overwrite",)):
            result = runner.invoke(cli, ["embed", "-f", str(texts_parquet), "-m", fake_provider,
                                         "-o", str(out), "-q", *extra])
            assert result.exit_code == 2, result.output
            assert "is the input file" in result.stderr and "Traceback" not in result.output
    assert texts_parquet.read_bytes() == before


def test_embed_replaces_an_existing_file_only_with_overwrite(
        runner: CliRunner, fake_provider: str, tmp_path: Path) -> None:
    out = tmp_path / "v.npy"
    out.write_bytes(b"someone else's")
    args = ["embed", "hello", "world", "-m", fake_provider, "-o", str(out), "-q"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert out.read_bytes() == b"someone else's"
    assert runner.invoke(cli, [*args, "--overwrite"]).exit_code == 0
    assert np.load(out).shape[0] == 2


def test_classify_refuses_its_input_as_out(runner: CliRunner, fake_provider: str,
                                           tiny_csv: Path, tmp_path: Path) -> None:
    texts = tmp_path / "texts.csv"
    texts.write_text("text\nbook a flight\n", encoding="utf-8")
    before = texts.read_bytes()
    for source in (texts, tiny_csv):
        result = runner.invoke(cli, ["classify", "-f", str(texts), "-m", fake_provider,
                                     "--examples", str(tiny_csv), "-o", str(source),
                                     "--overwrite", "-q"])
        assert result.exit_code == 2, result.output
        assert "is the input file" in result.stderr
    assert texts.read_bytes() == before


@pytest.mark.parametrize("command", ["classify", "embed"])
def test_out_under_a_file_is_refused_before_any_work(runner: CliRunner, tmp_path: Path,
                                                     command: str) -> None:
    afile = tmp_path / "a"
    afile.write_text("x", encoding="utf-8")
    out = afile / "file" / ("x.csv" if command == "classify" else "x.npy")
    # An unknown model fails as soon as any work starts: the path must be refused first.
    result = runner.invoke(cli, [command, "some text", "-m", "no-such-provider", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{afile} is a file" in result.stderr and "Traceback" not in result.output
    assert afile.read_text(encoding="utf-8") == "x"
