"""Adapter tests run over the fake provider unless they say otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from embedlab.testing import use_fake_provider


@pytest.fixture
def fake_provider() -> Iterator[str]:
    """Provider ``fake`` registered for the test."""
    with use_fake_provider():
        yield "fake"
