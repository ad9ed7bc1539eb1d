"""How the contract kit skips a check: always with the ``not applicable:`` prefix, so a run
with strict skips (embedlab's own suite, EMBEDLAB_STRICT_SKIPS=1) can tell a check the
provider has no subject for from a skip that hides a broken install."""

from __future__ import annotations

from typing import NoReturn

import pytest

#: The prefix of every skip reason the kit gives.
PREFIX = "not applicable: "


def not_applicable(reason: str) -> NoReturn:
    """Skip the running check: the provider under test does not have what it checks."""
    __tracebackhide__ = True  # pytest reports the check that skipped, not this line
    pytest.skip(PREFIX + reason)
