"""Fixtures for the LangChain and LlamaIndex integrations: every kind of model by name, with
the options its provider needs (the fake hosted servers of tests/conftest.py for Cohere and
OpenAI)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_models import COHERE_KEY, OPENAI_KEY, saved_model


@pytest.fixture
def model_of_kind(request: pytest.FixtureRequest, embedlab_fake_provider: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[str,
                                                                               dict[str, Any]]]:
    """``kind -> (name, options)``: what a user passes to an integration for that kind."""

    def make(kind: str) -> tuple[str, dict[str, Any]]:
        if kind == "plugin":
            return "fake", {}
        if kind == "local":
            return "local:all-MiniLM-L6-v2", {}
        if kind == "adapter":
            return str(saved_model("adapter-fake", tmp_path_factory)), {}
        if kind == "full":
            return str(saved_model("full-local", tmp_path_factory)), {}
        if kind == "hosted-openai":
            server = request.getfixturevalue("fake_openai")
            return "openai:text-embedding-3-small", {
                "api_key": OPENAI_KEY, "base_url": server.base_url,
                "requests_per_minute": None, "tokens_per_minute": None}
        if kind == "hosted-cohere":
            cohere = request.getfixturevalue("fake_cohere")
            return "cohere:embed-english-v3.0", {
                "api_key": COHERE_KEY, "base_url": cohere.url, "inputs_per_minute": None}
        raise ValueError(kind)

    return make
