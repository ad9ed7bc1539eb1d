"""Mutation testing (mutmut) of the modules that compute what users read: `make mutants`.

mutmut 3 names a mutant by its path and only strips a ``src/`` prefix, so it cannot run on
this repository's ``sdk/`` layout as it is. This script gives it a work folder,
``build/mutants/<modules>/`` (one per set of modules, so two sets can run side by side),
holding a copy of ``sdk/embedlab`` and a ``pyproject.toml`` that names
the modules to mutate and, for each, the tests that cover it (absolute paths into the
repository: the tests themselves are not mutated). Then ``mutmut run`` there, and the
score per module on stdout.

Usage: ``python bench/mutants.py [MODULE ...]`` (default: every module in ``TESTS``), e.g.
``python bench/mutants.py embedlab/_calibration.py``. CPU heavy: not run in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutants"

#: Each module to mutate, relative to sdk/, and the tests that must kill its mutants.
TESTS: dict[str, tuple[str, ...]] = {
    "embedlab/_evaluation.py": ("tests/workflow/test_evaluation.py",
                                "tests/workflow/test_report.py"),
    "embedlab/_calibration.py": ("tests/classify/test_classifier.py",
                                 "tests/classify/test_highlight.py"),
    "embedlab/_classifier.py": ("tests/classify/test_classifier.py",
                                "tests/classify/test_classify.py"),
    "embedlab/_label_audit.py": ("tests/label_audit",),
    "embedlab/_compare/leaderboard.py": ("tests/workflow/test_candidates.py",),
    "embedlab/serve/auth.py": ("tests/serve/test_auth.py", "tests/serve/test_app.py"),
    "embedlab/corpus/output.py": ("tests/corpus/test_local_engine.py",
                                  "tests/corpus/test_embed_cli.py"),
}


def _config(modules: list[str]) -> str:
    """The work folder's pyproject.toml: what to mutate and which tests run."""
    tests = sorted({str(ROOT / t) for m in modules for t in TESTS[m]})
    return "\n".join([
        "[tool.mutmut]",
        f"source_paths = {json.dumps(modules)}",
        'also_copy = ["embedlab"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", '
        f'"--rootdir", {json.dumps(str(ROOT))}]',
        "",
    ])


def main(modules: list[str]) -> int:
    """Prepare the work folder, run mutmut there, print its results; mutmut's exit code."""
    unknown = [m for m in modules if m not in TESTS]
    if unknown:
        print(f"unknown module(s) {unknown}; choose from {sorted(TESTS)}", file=sys.stderr)
        return 2
    work = WORK / "+".join(m.removeprefix("embedlab/").replace("/", ".") for m in modules)
    if work.exists():
        shutil.rmtree(work)  # build/mutants is this script's own folder
    work.mkdir(parents=True)
    shutil.copytree(ROOT / "sdk" / "embedlab", work / "embedlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (work / "pyproject.toml").write_text(_config(modules), encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "EMBEDLAB_STRICT_SKIPS": "1",
           "PYTHONPATH": str(ROOT / "adapters")}
    mutmut = [sys.executable, "-m", "mutmut"]
    code = subprocess.run([*mutmut, "run"], cwd=work, env=env, check=False).returncode
    subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, env=env, check=False)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(TESTS)))
