"""embedlab's pytest plugin (entry point ``pytest11``): fixtures for testing with embedlab.

- ``embedlab_fake_provider``: provider ``fake`` (:class:`~embedlab.testing.FakeEmbedder`)
  is registered for the test, so ``embedlab.get_embedder("fake")`` works.
- ``fake_embedder``: a fresh :class:`~embedlab.testing.FakeEmbedder` with default options.

Nothing here is autouse: loading the plugin changes no test that does not ask for it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# The contract classes live in this package; rewrite their asserts for readable failures.
pytest.register_assert_rewrite(
    "embedlab.testing.embedder_contract",
    "embedlab.testing.finetuner_contract",
    "embedlab.testing.visualizer_contract",
    "embedlab.testing.loader_contract",
)

from .fake import FakeEmbedder  # noqa: E402
from .temporary_plugins import use_fake_provider  # noqa: E402

__all__ = ["embedlab_fake_provider", "fake_embedder"]


@pytest.fixture
def embedlab_fake_provider() -> Iterator[str]:
    """Register provider ``fake`` for this test and return its name."""
    with use_fake_provider():
        yield "fake"


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A fresh :class:`~embedlab.testing.FakeEmbedder` (64 dimensions, batches of 32)."""
    return FakeEmbedder()
