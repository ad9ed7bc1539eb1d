"""embedlab's contract kit, run against the OpenAI embedder talking to the fake server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from embedlab import Embedder
from embedlab.testing import EmbedderContract


class TestOpenAIEmbedderContract(EmbedderContract):
    """text-embedding-3-small, truncating at 8,192 tokens (the default)."""

    @pytest.fixture
    def embedder(self, make_openai: Callable[..., Any]) -> Embedder:
        return make_openai("text-embedding-3-small", dimensions=512)

    @pytest.fixture
    def secrets(self, openai_key: str) -> Sequence[str]:
        return [openai_key]


class TestStrictOpenAIEmbedderContract(EmbedderContract):
    """truncate=False: over-long texts are refused before any request."""

    @pytest.fixture
    def embedder(self, make_openai: Callable[..., Any]) -> Embedder:
        return make_openai("text-embedding-ada-002", truncate=False)

    @pytest.fixture
    def secrets(self, openai_key: str) -> Sequence[str]:
        return [openai_key]
