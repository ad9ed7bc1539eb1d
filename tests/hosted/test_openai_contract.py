"""embedlab's contract kit, run against the OpenAI embedder talking to the fake server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from embedlab import Embedder
from embedlab.testing import EmbedderContract, HostedEmbedderContract
from fakes import FakeOpenAI

#: OpenAI takes 2,048 texts a request: the batch tests send 2,047, 2,048 and 2,049 to the fake.
ALL_BATCH_TESTS = 2049


class TestOpenAIEmbedderContract(HostedEmbedderContract):
    """text-embedding-3-small at 512 dimensions, truncating at 8,192 tokens (the default):
    the embedder and hosted contracts."""

    @pytest.fixture
    def max_texts_per_test(self) -> int:
        return ALL_BATCH_TESTS

    @pytest.fixture
    def server(self, fake_openai: FakeOpenAI) -> FakeOpenAI:
        return fake_openai

    @pytest.fixture
    def api_key(self, openai_key: str) -> str:
        return openai_key

    @pytest.fixture
    def make_embedder(self, make_openai: Callable[..., Any]) -> Callable[..., Any]:
        return lambda **options: make_openai("text-embedding-3-small", **{"dimensions": 512,
                                                                          **options})


class TestStrictOpenAIEmbedderContract(EmbedderContract):
    """truncate=False: over-long texts are refused before any request."""

    @pytest.fixture
    def max_texts_per_test(self) -> int:
        return ALL_BATCH_TESTS

    @pytest.fixture
    def embedder(self, make_openai: Callable[..., Any]) -> Embedder:
        return make_openai("text-embedding-ada-002", truncate=False)

    @pytest.fixture
    def secrets(self, openai_key: str) -> Sequence[str]:
        return [openai_key]
