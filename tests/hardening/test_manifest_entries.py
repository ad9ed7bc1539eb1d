"""Item 1 of issue 23: ``--overwrite`` removes only files inside the output directory that
its manifest lists and that are still as embedlab wrote them."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner
from embedlab._manifest import MANIFEST_NAME, _remove_owned, check_output_dir, staged_output
from embedlab.cli import cli


def _plant(out: Path, rel: str, victim: Path) -> None:
    """List ``rel`` in ``out``'s manifest with ``victim``'s true size and SHA-256."""
    data = victim.read_bytes()
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"][rel] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def _saved(tmp_path: Path) -> tuple[Path, Path]:
    """A directory saved by embedlab (``out``) and a precious file beside it."""
    out = tmp_path / "out"
    with staged_output(out) as tmp:
        (tmp / "model.bin").write_bytes(b"weights")
    victim = tmp_path / "notes" / "thesis.txt"
    victim.parent.mkdir()
    victim.write_text("four years of work", encoding="utf-8")
    return out, victim


def _entries(victim: Path, out: Path) -> dict[str, str]:
    link = out / "escape"
    link.symlink_to(victim.parent, target_is_directory=True)
    return {"parent": "../notes/thesis.txt", "absolute": str(victim),
            "symlink": "escape/thesis.txt"}


@pytest.mark.parametrize("kind", ["parent", "absolute", "symlink"])
def test_api_refuses_a_manifest_that_lists_a_file_outside(tmp_path: Path, kind: str) -> None:
    out, victim = _saved(tmp_path)
    rel = _entries(victim, out)[kind]
    if kind != "symlink":
        (out / "escape").unlink()
    _plant(out, rel, victim)
    with pytest.raises(embedlab.ConfigurationError, match="invalid manifest") as info:
        check_output_dir(out, overwrite=True)
    assert str(out / MANIFEST_NAME) in str(info.value)
    with pytest.raises(embedlab.ConfigurationError), staged_output(out, overwrite=True) as tmp:
        (tmp / "model.bin").write_bytes(b"new")
    assert victim.read_text(encoding="utf-8") == "four years of work"
    assert (out / "model.bin").read_bytes() == b"weights"


@pytest.mark.parametrize("kind", ["parent", "absolute", "symlink"])
def test_cli_overwrite_refuses_a_planted_manifest(runner: CliRunner, fake_provider: str,
                                                  tiny_csv: Path, tmp_path: Path,
                                                  kind: str) -> None:
    out = tmp_path / "model"
    args = ["finetune", str(tiny_csv), "-p", "fake", "--method", "adapter", "--max-steps", "2",
            "-q", "--out", str(out)]
    assert runner.invoke(cli, args).exit_code == 0
    victim = tmp_path / "notes" / "thesis.txt"
    victim.parent.mkdir()
    victim.write_text("four years of work", encoding="utf-8")
    rel = _entries(victim, out)[kind]
    if kind != "symlink":
        (out / "escape").unlink()
    _plant(out, rel, victim)
    result = runner.invoke(cli, [*args, "--overwrite"])
    assert result.exit_code == 2, result.output
    assert "invalid manifest" in result.output and MANIFEST_NAME in result.output
    assert "Traceback" not in result.output
    assert victim.read_text(encoding="utf-8") == "four years of work"


def test_removal_keeps_a_file_changed_since_it_was_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_output(out) as tmp:
        (tmp / "a.txt").write_text("embedlab's", encoding="utf-8")
        (tmp / "b.txt").write_text("embedlab's too", encoding="utf-8")
    (out / "b.txt").write_text("edited by the user", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _remove_owned(out)
    assert not (out / "a.txt").exists()
    assert (out / "b.txt").read_text(encoding="utf-8") == "edited by the user"
    assert any("b.txt" in str(w.message) for w in caught)


def test_removal_of_a_manifest_planted_after_the_check_removes_nothing(tmp_path: Path) -> None:
    out, victim = _saved(tmp_path)
    _plant(out, "../notes/thesis.txt", victim)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _remove_owned(out)
    assert victim.read_text(encoding="utf-8") == "four years of work"
    assert (out / "model.bin").read_bytes() == b"weights"
    assert any("invalid manifest" in str(w.message) for w in caught)


def test_cli_overwrite_keeps_a_listed_file_the_user_changed(runner: CliRunner,
                                                            fake_provider: str,
                                                            tiny_csv: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "model"
    args = ["finetune", str(tiny_csv), "-p", "fake", "--method", "adapter", "--max-steps", "2",
            "-q", "--out", str(out)]
    assert runner.invoke(cli, args).exit_code == 0
    listed = sorted(json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["files"])
    changed = out / listed[0]
    changed.write_bytes(b"edited by the user")
    result = runner.invoke(cli, [*args, "--overwrite"])
    assert result.exit_code == 2, result.output
    assert listed[0] in result.output and "Traceback" not in result.output
    assert changed.read_bytes() == b"edited by the user"
