"""Item 1 and 10 of issue 13: embedlab never deletes or replaces a file it did not write."""

from __future__ import annotations

from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner
from embedlab._manifest import MANIFEST_NAME, check_output_dir, foreign_files, staged_output
from embedlab.cli import cli


def _finetune(runner: CliRunner, data: Path, out: Path, *extra: str) -> object:
    return runner.invoke(cli, ["finetune", str(data), "-p", "fake", "--method", "adapter",
                               "--max-steps", "5", "-q", "--out", str(out), *extra])


def _compare(runner: CliRunner, data: Path, out: Path, *extra: str) -> object:
    return runner.invoke(cli, ["compare", str(data), "-p", "fake", "--method", "adapter",
                               "--max-steps", "5", "--projection", "pca", "--test-size", "0.25",
                               "-q", "--out", str(out), *extra])


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_finetune_refuses_a_directory_of_user_files(runner: CliRunner, fake_provider: str,
                                                    tiny_csv: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "docs" / "thesis.tex").write_text("precious", encoding="utf-8")
    (home / ".bashrc").write_text("export X=1", encoding="utf-8")
    before = _snapshot(home)
    result = _finetune(runner, tiny_csv, home)
    assert result.exit_code == 2, result.output
    assert "not written by embedlab" in result.output and "Traceback" not in result.output
    result = _finetune(runner, tiny_csv, home, "--overwrite")
    assert result.exit_code == 2, result.output
    assert _snapshot(home) == before


def test_finetune_replaces_its_own_model_only_with_overwrite(
        runner: CliRunner, fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    assert _finetune(runner, tiny_csv, out).exit_code == 0
    assert (out / MANIFEST_NAME).is_file() and not foreign_files(out)
    again = _finetune(runner, tiny_csv, out)
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert _finetune(runner, tiny_csv, out, "--overwrite").exit_code == 0
    assert embedlab.load_custom_model(out).method == "adapter"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "tiny.csv"]


def test_overwrite_never_deletes_a_file_added_to_embedlabs_directory(
        runner: CliRunner, fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    assert _finetune(runner, tiny_csv, out).exit_code == 0
    (out / "my-notes.md").write_text("notes", encoding="utf-8")
    result = _finetune(runner, tiny_csv, out, "--overwrite")
    assert result.exit_code == 2 and "my-notes.md" in result.output
    assert (out / "my-notes.md").read_text(encoding="utf-8") == "notes"


def test_compare_refuses_a_foreign_directory_that_holds_a_report_json(
        runner: CliRunner, fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    (out / "report.json").write_text("{}", encoding="utf-8")
    (out / "data.parquet").write_bytes(b"PAR1")
    before = _snapshot(out)
    for extra in ((), ("--overwrite",)):
        result = _compare(runner, tiny_csv, out, *extra)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
    assert _snapshot(out) == before


def test_compare_with_overwrite_replaces_its_own_report(
        runner: CliRunner, fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert _compare(runner, tiny_csv, out).exit_code == 0
    assert _compare(runner, tiny_csv, out).exit_code == 2
    result = _compare(runner, tiny_csv, out, "--overwrite")
    assert result.exit_code == 0, result.output
    assert (out / "report.json").is_file() and not foreign_files(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_compare_out_under_a_file_is_a_clear_error(runner: CliRunner, fake_provider: str,
                                                   tiny_csv: Path, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    result = _compare(runner, tiny_csv, afile / "sub")
    assert result.exit_code == 2, result.output
    assert "is a file" in result.output and "Traceback" not in result.output
    assert afile.read_text(encoding="utf-8") == "x"


def test_staged_output_failure_leaves_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with staged_output(target) as tmp:
        (tmp / "a.txt").write_text("1", encoding="utf-8")
    with pytest.raises(RuntimeError), staged_output(target, overwrite=True) as tmp:
        (tmp / "a.txt").write_text("2", encoding="utf-8")
        raise RuntimeError("boom")
    assert (target / "a.txt").read_text(encoding="utf-8") == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_symlinked_output_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(embedlab.ConfigurationError, match="symbolic link"):
        check_output_dir(tmp_path / "link")
