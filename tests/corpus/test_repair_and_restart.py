"""Low items of issue 23: a finished corpus run that lost a part is repaired with the right
count; a run blocked by changed inputs says how to go on, and ``--restart`` starts over."""

from __future__ import annotations

from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner
from embedlab.cli import cli

from .test_local_engine import read_dataset


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_text("\n".join(f"text number {i}" for i in range(100)) + "\n", encoding="utf-8")
    return path


def _embed(source: Path, out: Path, model: str, *extra: str) -> object:
    return CliRunner().invoke(cli, ["embed", "-f", str(source), "-m", model, "-o", str(out),
                                    "--part-rows", "30", *extra])


def test_a_lost_part_of_a_finished_run_is_redone_and_counted(fake: str, texts: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "vectors"
    assert _embed(texts, out, fake).exit_code == 0
    (out / "part-00000-000001.parquet").unlink()
    result = _embed(texts, out, fake)
    assert result.exit_code == 0, result.output
    assert "100 vectors (30 embedded now)" in result.stderr
    assert "1 parts written, 3 kept from an earlier run" in result.stderr
    ids, _, _ = read_dataset(out)
    assert ids == sorted(f"data.txt:{n}" for n in range(1, 101))


def test_changed_inputs_say_how_to_go_on_and_restart_starts_over(
        fake: str, tmp_path: Path) -> None:
    source = tmp_path / "data.jsonl"
    source.write_text('{"text": "fine"}\n{"text": "bad \\ud800"}\n', encoding="utf-8")
    out = tmp_path / "vectors"
    assert _embed(source, out, fake).exit_code == 2  # bad input: the run stops
    source.write_text('{"text": "fine"}\n{"text": "fixed now"}\n', encoding="utf-8")
    blocked = _embed(source, out, fake)
    assert blocked.exit_code == 2
    assert "changed: inputs" in blocked.stderr and "--restart" in blocked.stderr
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    restarted = _embed(source, out, fake, "--restart")
    assert restarted.exit_code == 2 and "notes.txt" in restarted.stderr  # not embedlab's
    assert (out / "_embedlab_corpus.json").is_file()  # nothing deleted
    (out / "notes.txt").unlink()
    restarted = _embed(source, out, fake, "--restart")
    assert restarted.exit_code == 0, restarted.output
    assert read_dataset(out)[0] == ["data.jsonl:1", "data.jsonl:2"]


def test_restart_in_the_api_starts_a_finished_run_over(fake: str, texts: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "vectors"
    embedlab.embed_corpus(texts, out, fake, part_rows=30, progress=False)
    again = embedlab.embed_corpus(texts, out, fake, part_rows=30, progress=False, restart=True)
    assert again.rows == again.rows_embedded == 100 and again.parts_written == 4
