"""``embedlab check PROVIDER``: run the contract kit against an installed provider."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Any

import click

from .._lookup import parse_name, providers

__all__ = ["check"]


class _Tally:
    """A pytest plugin that keeps each test's outcome for the summary."""

    def __init__(self) -> None:
        self.outcomes: dict[str, list[tuple[str, str]]] = {
            "passed": [], "failed": [], "skipped": []}

    def pytest_runtest_logreport(self, report: Any) -> None:
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call" or (report.when == "setup" and not report.passed):
            reason = ""
            if report.skipped and isinstance(report.longrepr, tuple):
                reason = str(report.longrepr[2]).removeprefix("Skipped: ")
            outcome = "failed" if report.failed else report.outcome
            self.outcomes[outcome].append((name, reason))


@click.command("check")
@click.argument("provider")
@click.option("--model", "-m", default=None, help="Model to check (default: the provider's).")
@click.option("--finetune", "finetune", default=None, is_flag=False, flag_value="default",
              type=click.Choice(["default", "full", "adapter"]),
              help="Also check its finetuner (trains a few steps); optionally the method.")
@click.option("--max-texts", default=300, show_default=True, type=click.IntRange(min=1),
              help="The most texts one test sends; bigger batch tests are skipped.")
@click.option("-k", "keyword", default=None, help="Only tests matching this pytest expression.")
@click.option("-x", "--exitfirst", is_flag=True, help="Stop at the first failure.")
@click.option("-v", "--verbose", is_flag=True, help="Show each test as it runs.")
def check(provider: str, model: str | None, finetune: str | None, max_texts: int,
          keyword: str | None, exitfirst: bool, verbose: bool) -> None:
    """Run embedlab's contract tests against PROVIDER (an installed provider plugin).

    Exits with pytest's code: 0 when every test passed or was skipped, 1 when one failed.
    A provider that is unknown or not installed exits with 4 before any test runs.
    """
    try:
        import pytest
    except ImportError:
        click.echo("embedlab check: needs pytest; install it with: pip install pytest", err=True)
        sys.exit(4)

    name, given_model = parse_name(provider)
    target = f"{name}:{model or given_model}" if (model or given_model) else name
    problem = _unusable(name)
    if problem:
        click.echo(f"embedlab check: {problem}", err=True)
        sys.exit(int(pytest.ExitCode.USAGE_ERROR))

    workdir = tempfile.mkdtemp(prefix="embedlab-check-")
    ini = os.path.join(workdir, "pytest.ini")
    with open(ini, "w", encoding="utf-8") as fh:
        fh.write("[pytest]\n")
    module = "embedlab.testing._check_target"
    classes = ["TestProviderEmbedder"] + (["TestProviderFinetuner"] if finetune else [])
    args = ["--pyargs", *(f"{module}::{c}" for c in classes), "-c", ini,
            "--rootdir", workdir, "--basetemp", os.path.join(workdir, "tmp"),
            "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning",
            "-v" if verbose else "-q", "--tb=long" if verbose else "--tb=short"]
    if keyword:
        args += ["-k", keyword]
    if exitfirst:
        args.append("-x")
    env = {"EMBEDLAB_CHECK_TARGET": target, "EMBEDLAB_CHECK_MAX_TEXTS": str(max_texts),
           "EMBEDLAB_CHECK_FINETUNE": finetune or "",
           # Saved models and their id index go to a scratch home, not the user's.
           "EMBEDLAB_HOME": os.path.join(workdir, "home")}
    saved = {key: os.environ.get(key) for key in env}
    tally = _Tally()
    os.environ.update(env)
    try:
        code = pytest.main(args, plugins=[tally])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(workdir, ignore_errors=True)
    _summary(target, tally)
    sys.exit(int(code))


def _unusable(provider: str) -> str | None:
    """Why ``provider`` cannot be checked, or ``None`` when it can."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # broken plugins are reported below
        rows = providers()
    row = next((r for r in rows if r.name == provider), None)
    if row is None:
        known = ", ".join(sorted(r.name for r in rows if r.status != "broken")) or "none"
        return f"no provider named {provider!r}; installed: {known}"
    if row.status == "unavailable":
        return f"provider {provider!r} is not installed; install it with: {row.hint}"
    if row.status == "broken":
        return f"plugin {provider!r} failed to load: {row.hint}"
    return None


def _summary(target: str, tally: _Tally) -> None:
    counts = ", ".join(f"{len(v)} {k}" for k, v in tally.outcomes.items())
    ok = not tally.outcomes["failed"]
    verdict = click.style("meets the contract" if ok else "FAILS the contract",
                          fg="green" if ok else "red", bold=True)
    click.echo(f"\nembedlab check {target}: {verdict} ({counts})")
    for name, reason in tally.outcomes["skipped"]:
        click.echo(f"  skipped {name}: {reason}")
    for name, _ in tally.outcomes["failed"]:
        click.echo(f"  FAILED  {name}")
