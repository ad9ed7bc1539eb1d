"""Mutation testing (mutmut) of the modules that compute what users read: `make mutants`.

mutmut 3 names a mutant by its path and only strips a ``src/`` prefix, so it cannot run on
this repository's ``sdk/`` layout as it is. This script gives it a work folder,
``build/mutants/<modules>/`` (one per set of modules, so two sets can run side by side),
holding a copy of ``sdk/embedlab`` and a ``pyproject.toml`` that names
the modules to mutate and, for each, the tests that cover it (absolute paths into the
repository: the tests themselves are not mutated). Then ``mutmut run`` there, and the
score per module on stdout.

Usage: ``python bench/mutants.py [--survivors] [MODULE ...]`` (default: every module in
``TESTS``), e.g. ``python bench/mutants.py embedlab/_calibration.py``; ``--survivors``
reruns only the mutants the last run of those modules left alive (after adding tests).
CPU heavy: not run in CI.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutants"

#: Each module to mutate, relative to sdk/, and the tests that must kill its mutants: the
#: module's fast tests (end-to-end ones such as test_report.py, the classify round trip in a
#: new process or the whole serve folder cost seconds to minutes per mutant on 2 cores).
TESTS: dict[str, tuple[str, ...]] = {
    "embedlab/_evaluation.py": ("tests/workflow/test_evaluation.py",
                                "tests/workflow/test_evaluation_reference.py"),
    "embedlab/_calibration.py": ("tests/classify/test_classifier.py",
                                 "tests/classify/test_highlight.py",
                                 "tests/classify/test_calibration_reference.py"),
    "embedlab/_classifier.py": ("tests/classify/test_classifier.py",
                                "tests/classify/test_classifier_exact.py"),
    "embedlab/_label_audit.py": ("tests/label_audit",),
    "embedlab/_compare/leaderboard.py": ("tests/workflow/test_leaderboard_exact.py",),
    "embedlab/_compare/runs.py": ("tests/workflow/test_runs_exact.py",),
    "embedlab/_compare/comparison_audit.py": (
        "tests/label_audit/test_comparison_audit_exact.py",),
    "embedlab/_compare/highlight.py": ("tests/classify/test_highlight_exact.py",),
    "embedlab/serve/auth.py": ("tests/serve/test_auth.py", "tests/serve/test_app.py"),
    "embedlab/_meaning.py": ("tests/workflow/test_meaning_exact.py",),
    "embedlab/corpus/output.py": ("tests/corpus/test_local_engine.py",
                                  "tests/corpus/test_embed_cli.py",
                                  "tests/corpus/test_output.py"),
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


def _results(work: Path, env: dict[str, str]) -> dict[str, str]:
    """Each mutant's status in ``work`` (killed, survived, no tests, timeout...)."""
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"],
                         cwd=work, env=env, check=False, capture_output=True, text=True).stdout
    pairs = (line.strip().rsplit(": ", 1) for line in out.splitlines() if ": " in line)
    return {name: status for name, status in pairs}


def _score(results: dict[str, str]) -> str:
    """One line: mutants, killed, the rest by status, and the share killed."""
    counts: dict[str, int] = {}
    for status in results.values():
        counts[status] = counts.get(status, 0) + 1
    killed = counts.get("killed", 0)
    rest = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s != "killed")
    return (f"{len(results)} mutants, {killed} killed ({rest or 'none left'}): "
            f"{100 * killed / max(1, len(results)):.1f} %")


def _unwrap_properties(path: Path) -> int:
    """Rewrite each read-only ``@property`` of ``path`` as a plain method wrapped after it
    (``name = property(name)``), the same class; mutmut 3 skips decorated functions, so it
    would never mutate a property's body. The number rewritten."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found: list[ast.FunctionDef] = []
    for cls in (n for n in ast.walk(ast.parse("".join(lines))) if isinstance(n, ast.ClassDef)):
        methods = [f for f in cls.body if isinstance(f, ast.FunctionDef)]
        setters = {d.value.id for f in methods for d in f.decorator_list
                   if isinstance(d, ast.Attribute) and isinstance(d.value, ast.Name)}
        found += [f for f in methods if f.name not in setters and len(f.decorator_list) == 1
                  and isinstance(f.decorator_list[0], ast.Name)
                  and f.decorator_list[0].id == "property"]
    for f in sorted(found, key=lambda f: f.lineno, reverse=True):  # from the end: lines stay
        wrap = f"{' ' * f.col_offset}{f.name} = property({f.name})\n"
        lines.insert(f.end_lineno or f.lineno, wrap)
        del lines[f.decorator_list[0].lineno - 1]
    path.write_text("".join(lines), encoding="utf-8")
    return len(found)


def _fresh(work: Path, modules: list[str]) -> None:
    """An empty work folder holding a copy of ``sdk/embedlab``, the ``modules``' properties
    unwrapped so that mutmut mutates them."""
    if work.exists():
        shutil.rmtree(work)  # build/mutants is this script's own folder
    work.mkdir(parents=True)
    shutil.copytree(ROOT / "sdk" / "embedlab", work / "embedlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for module in modules:
        if count := _unwrap_properties(work / module):
            print(f"{module}: {count} properties unwrapped for mutmut")


def _last_verdicts(work: Path, env: dict[str, str]) -> dict[str, str]:
    """The last run's verdicts in ``work`` (kills kept across reruns in results.json), its
    stats dropped so mutmut collects them afresh from TESTS' absolute paths (or it would
    name the new tests through the ``tests`` link)."""
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    saved = work / "results.json"
    if saved.is_file():
        verdicts: dict[str, str] = json.loads(saved.read_text(encoding="utf-8"))
        return verdicts
    return _results(work, env)


def main(modules: list[str], *, survivors: bool = False) -> int:
    """Prepare the work folder (``survivors``: keep the last run's and rerun only the
    mutants it left alive, with the tests ``TESTS`` names now), run mutmut there, print each
    mutant's status and the score; mutmut's exit code."""
    unknown = [m for m in modules if m not in TESTS]
    if unknown:
        print(f"unknown module(s) {unknown}; choose from {sorted(TESTS)}", file=sys.stderr)
        return 2
    work = WORK / "+".join(m.removeprefix("embedlab/").replace("/", ".") for m in modules)
    # One thread per math library: mutmut forks a test process per mutant, and a child
    # forked from a process running an OpenMP or BLAS thread pool (torch, numpy) can wait
    # for ever on that pool's lock (seen with the local model under torch); numba's default
    # OpenMP layer aborts such a child outright (UMAP's maps in the highlight tests).
    threads = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                      "MKL_NUM_THREADS")}
    env = {**os.environ, **threads, "NUMBA_THREADING_LAYER": "workqueue",
           "HF_HUB_OFFLINE": "1", "EMBEDLAB_STRICT_SKIPS": "1",
           "PYTHONPATH": str(ROOT / "adapters")}
    before: dict[str, str] = {}
    if survivors:
        if not (work / "mutants").is_dir():
            print(f"no earlier run in {work}; run without --survivors first", file=sys.stderr)
            return 2
        before = _last_verdicts(work, env)
    else:
        _fresh(work, modules)
    names = [n for n, s in before.items() if s not in ("killed", "timeout")]
    if survivors and not names:
        print("no surviving mutants")
        return 0
    (work / "pyproject.toml").write_text(_config(modules), encoding="utf-8")
    # mutmut names each mutant's tests relative to the repository and runs them from
    # mutants/; without this link pytest finds none of them, and mutmut counts that error as
    # a kill (every mutant "killed", no test run).
    link = work / "mutants" / "tests"
    if not link.is_symlink():
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(ROOT / "tests")
    code = subprocess.run([sys.executable, "-m", "mutmut", "run", *names], cwd=work, env=env,
                          check=False).returncode
    after = _results(work, env)
    # A new test selection makes mutmut forget every verdict; tests were only added, so the
    # earlier kills stand and only the rerun mutants take their new status.
    results = {**before, **{n: after[n] for n in names}} if survivors else after
    (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    for name, status in results.items():
        if status != "killed":
            print(f"{name}: {status}")
    print(_score(results))
    return code


if __name__ == "__main__":
    again = "--survivors" in sys.argv[1:]
    chosen = [a for a in sys.argv[1:] if a != "--survivors"]
    sys.exit(main(chosen or list(TESTS), survivors=again))
