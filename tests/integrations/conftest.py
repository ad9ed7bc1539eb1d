"""Fixtures for the LangChain and LlamaIndex integrations: every kind of model by name, with
the options its provider needs (a fake hosted server on 127.0.0.1 for Cohere and OpenAI)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_models import COHERE_KEY, OPENAI_KEY, has_local, saved_model
from fakes import FakeCohere, FakeOpenAI


@pytest.fixture
def fake_cohere() -> Iterator[FakeCohere]:
    """A running fake Cohere server."""
    server = FakeCohere(api_key=COHERE_KEY).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake OpenAI server."""
    server = FakeOpenAI(api_key=OPENAI_KEY).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def model_of_kind(request: pytest.FixtureRequest, embedlab_fake_provider: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[str,
                                                                               dict[str, Any]]]:
    """``kind -> (name, options)``: what a user passes to an integration for that kind."""

    def make(kind: str) -> tuple[str, dict[str, Any]]:
        if kind in {"local", "full"} and not has_local():
            pytest.skip("needs embedlab[local]")
        if kind == "plugin":
            return "fake", {}
        if kind == "local":
            return "local:all-MiniLM-L6-v2", {}
        if kind == "adapter":
            return str(saved_model("adapter-fake", tmp_path_factory)), {}
        if kind == "full":
            return str(saved_model("full-local", tmp_path_factory)), {}
        if kind == "hosted-openai":
            server: FakeOpenAI = request.getfixturevalue("fake_openai")
            return "openai:text-embedding-3-small", {
                "api_key": OPENAI_KEY, "base_url": server.base_url,
                "requests_per_minute": None, "tokens_per_minute": None}
        if kind == "hosted-cohere":
            cohere: FakeCohere = request.getfixturevalue("fake_cohere")
            return "cohere:embed-english-v3.0", {
                "api_key": COHERE_KEY, "base_url": cohere.url, "inputs_per_minute": None}
        raise ValueError(kind)

    return make
