"""embedlab's contract kit, run against the Cohere embedder talking to the fake server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from embedlab import Embedder
from embedlab.testing import EmbedderContract


class TestCohereEmbedderContract(EmbedderContract):
    """Truncating (Cohere's default) embed-english-v3.0."""

    @pytest.fixture
    def embedder(self, make_cohere: Callable[..., Any]) -> Embedder:
        return make_cohere("embed-english-v3.0")

    @pytest.fixture
    def secrets(self, cohere_key: str) -> Sequence[str]:
        return [cohere_key]


class TestStrictCohereEmbedderContract(EmbedderContract):
    """truncate="NONE": over-long texts are refused with the provider's message."""

    @pytest.fixture
    def embedder(self, make_cohere: Callable[..., Any]) -> Embedder:
        return make_cohere("embed-v4.0", truncate="NONE", dimensions=256)

    @pytest.fixture
    def secrets(self, cohere_key: str) -> Sequence[str]:
        return [cohere_key]
