"""Strict skips for every test of the repository (tests/ and the plugins' tests): with
EMBEDLAB_STRICT_SKIPS=1 (set by `make test`, so by CI) a skip whose reason is not on the short
allow-list below fails, so a broken install or a missing file cannot pass as a green run."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

#: Reasons a test may still skip in strict mode, each a regular expression on the reason.
ALLOWED_SKIPS: tuple[tuple[str, str], ...] = (
    # a live provider API needs a real key, which CI does not have
    (r"\bset [A-Z_]+_API_KEY\b", "live API key"),
    # SICK is licensed CC BY-NC-SA: never shipped, present only in the workplace
    (r"^needs SICK\b", "non-shippable data"),
    # something this platform cannot have (e.g. POSIX permissions on Windows)
    (r"^not on this platform\b", "platform"),
    # the contract kit's checks of a capability the provider under test does not declare
    (r"^not applicable\b", "contract kit: capability not declared"),
)


def strict() -> bool:
    """Whether strict skips are on (EMBEDLAB_STRICT_SKIPS set to 1)."""
    return os.environ.get("EMBEDLAB_STRICT_SKIPS", "") == "1"


def allowed(reason: str) -> bool:
    """Whether a skip with ``reason`` is on the allow-list."""
    return any(re.search(pattern, reason) for pattern, _ in ALLOWED_SKIPS)


def _reason(report: Any) -> str:
    """The reason pytest recorded for a skipped report (its longrepr is path, line, reason)."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_unlisted(report: Any) -> None:
    """Turn ``report`` into a failure when it is a skip that strict mode does not allow."""
    if not (strict() and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = _reason(report)
    if allowed(reason):
        return
    report.outcome = "failed"
    report.longrepr = (f"skipped with a reason that is not allowed in strict mode "
                       f"(EMBEDLAB_STRICT_SKIPS=1): {reason!r}. Install what it needs (make "
                       f"venv), fix the test, or add the reason to ALLOWED_SKIPS in "
                       f"conftest.py if no CI machine can ever have it.")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Fail a test's unlisted skip (a mark, a fixture or the test itself skipping)."""
    outcome = yield
    _fail_unlisted(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """Fail a module's unlisted skip at collection (pytest.skip(allow_module_level=True))."""
    outcome = yield
    _fail_unlisted(outcome.get_result())
