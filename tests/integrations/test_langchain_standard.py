"""LangChain's own standard tests for embeddings integrations (langchain-tests), run against
the fake plugin provider, the local model and a custom model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from app_models import saved_model
from embedlab.integrations.langchain import EmbedlabEmbeddings
from langchain_tests.integration_tests import EmbeddingsIntegrationTests
from langchain_tests.unit_tests import EmbeddingsUnitTests

# The kit's async tests are plain ``async def``: run them on pytest-asyncio (the mark reaches
# the kit's sync tests too, where pytest-asyncio warns that it does nothing).
pytestmark = [pytest.mark.asyncio, pytest.mark.filterwarnings(
    "ignore:The test <Function .*is marked with '@pytest.mark.asyncio':pytest.PytestWarning")]


class TestFakeProviderUnit(EmbeddingsUnitTests):
    @pytest.fixture(autouse=True)
    def _fake(self, embedlab_fake_provider: str) -> None:
        """Provider ``fake`` registered for each test."""

    @property
    def embeddings_class(self) -> type[EmbedlabEmbeddings]:
        return EmbedlabEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "fake"}


class TestFakeProviderIntegration(EmbeddingsIntegrationTests):
    @pytest.fixture(autouse=True)
    def _fake(self, embedlab_fake_provider: str) -> None:
        """Provider ``fake`` registered for each test."""

    @property
    def embeddings_class(self) -> type[EmbedlabEmbeddings]:
        return EmbedlabEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "fake"}


class TestLocalModelIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[EmbedlabEmbeddings]:
        return EmbedlabEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"model": "local:all-MiniLM-L6-v2"}


class TestCustomModelIntegration(EmbeddingsIntegrationTests):
    """An adapter trained on the local model, loaded from its saved folder."""

    saved: Path | None = None

    @pytest.fixture(autouse=True)
    def _trained(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        type(self).saved = saved_model("adapter-local", tmp_path_factory)

    @property
    def embeddings_class(self) -> type[EmbedlabEmbeddings]:
        return EmbedlabEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        assert self.saved is not None
        return {"model": str(self.saved)}
