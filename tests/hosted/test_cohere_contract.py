"""embedlab's contract kit, run against the Cohere embedder talking to the fake server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from embedlab import Embedder
from embedlab.testing import EmbedderContract, HostedEmbedderContract
from fakes import FakeCohere


class TestCohereEmbedderContract(HostedEmbedderContract):
    """Truncating (Cohere's default) embed-english-v3.0: the embedder and hosted contracts."""

    @pytest.fixture
    def server(self, fake_cohere: FakeCohere) -> FakeCohere:
        return fake_cohere

    @pytest.fixture
    def api_key(self, cohere_key: str) -> str:
        return cohere_key

    @pytest.fixture
    def make_embedder(self, make_cohere: Callable[..., Any]) -> Callable[..., Any]:
        return lambda **options: make_cohere("embed-english-v3.0", **options)


class TestStrictCohereEmbedderContract(EmbedderContract):
    """truncate="NONE": over-long texts are refused with the provider's message."""

    @pytest.fixture
    def embedder(self, make_cohere: Callable[..., Any]) -> Embedder:
        return make_cohere("embed-v4.0", truncate="NONE", dimensions=256)

    @pytest.fixture
    def secrets(self, cohere_key: str) -> Sequence[str]:
        return [cohere_key]
