"""The contract kit's finetuner half for the hosted providers: the adapter finetuner over
Cohere and OpenAI embeddings from the fake servers, reached through the environment the
way a user's custom model finds its provider again when loaded."""

from __future__ import annotations

import pytest
from embedlab import Finetuner, get_finetuner
from embedlab.testing import FinetunerContract
from fakes import FakeCohere, FakeOpenAI


class TestCohereAdapterFinetunerContract(FinetunerContract):
    """``get_finetuner("cohere:embed-english-light-v3.0", method="adapter")``."""

    @pytest.fixture(autouse=True)
    def _cohere_environment(self, fake_cohere: FakeCohere, cohere_key: str,
                            monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CO_API_KEY", cohere_key)
        monkeypatch.setenv("CO_API_URL", fake_cohere.url)

    @pytest.fixture
    def finetuner(self) -> Finetuner:
        return get_finetuner("cohere:embed-english-light-v3.0", method="adapter")


class TestOpenAIAdapterFinetunerContract(FinetunerContract):
    """``get_finetuner("openai:text-embedding-3-small", method="adapter")``."""

    @pytest.fixture(autouse=True)
    def _openai_environment(self, fake_openai: FakeOpenAI, openai_key: str,
                            monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("OPENAI_API_KEY", openai_key)
        monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)

    @pytest.fixture
    def finetuner(self) -> Finetuner:
        return get_finetuner("openai:text-embedding-3-small", method="adapter")
