"""Strict skips (the repository's conftest.py, on with EMBEDLAB_STRICT_SKIPS=1 as in
`make test`): an unlisted skip fails, at run time and at collection; an allowed one stays a
skip; without the variable every skip is a skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_TESTS = '''
import pytest

def test_unlisted():
    pytest.skip("needs somepackage")

def test_live_key():
    pytest.skip("set OPENAI_API_KEY to run against the OpenAI API")

@pytest.mark.skipif(True, reason="chromium is not installed")
def test_marked():
    pass

def test_passes():
    pass
'''

_MODULE_SKIP = '''
import pytest
pytest.importorskip("no_such_package_for_embedlab")

def test_never_runs():
    pass
'''


def _run(folder: Path, strict: str | None) -> subprocess.CompletedProcess[str]:
    """pytest on ``folder`` (with the repository's conftest.py) under ``strict``."""
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    env = {k: v for k, v in os.environ.items() if k != "EMBEDLAB_STRICT_SKIPS"}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # none needed: start fast
    if strict is not None:
        env["EMBEDLAB_STRICT_SKIPS"] = strict
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("strict", [None, "0"])
def test_without_strict_mode_skips_are_skips(tmp_path: Path, strict: str | None) -> None:
    (tmp_path / "test_some.py").write_text(_TESTS)
    done = _run(tmp_path, strict)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 3 skipped" in done.stdout


def test_strict_mode_fails_unlisted_skips_and_keeps_allowed_ones(tmp_path: Path) -> None:
    (tmp_path / "test_some.py").write_text(_TESTS)
    done = _run(tmp_path, "1")
    assert done.returncode == 1, done.stdout
    # a skip mark acts in set-up, so it turns into an error there
    assert "1 failed, 1 passed, 1 skipped, 1 error" in done.stdout
    assert "FAILED test_some.py::test_unlisted" in done.stdout
    assert "ERROR test_some.py::test_marked" in done.stdout
    assert "SKIPPED [1] test_some.py:8: set OPENAI_API_KEY" in done.stdout
    assert "not allowed in strict mode" in done.stdout
    assert "'needs somepackage'" in done.stdout


def test_strict_mode_fails_a_module_level_importorskip(tmp_path: Path) -> None:
    (tmp_path / "test_module.py").write_text(_MODULE_SKIP)
    done = _run(tmp_path, "1")
    assert done.returncode != 0, done.stdout
    assert "ERROR test_module.py" in done.stdout
    assert "no_such_package_for_embedlab" in done.stdout
    assert "skipped" not in done.stdout.splitlines()[-1]
