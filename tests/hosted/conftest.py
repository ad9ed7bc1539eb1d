"""Fixtures for the hosted providers' tests: no real keys in the environment, and embedders
pointed at the fake servers (``fake_cohere`` and ``fake_openai``, from tests/conftest.py,
which also check that every request the adapters sent was valid per the spec)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_models import COHERE_KEY, OPENAI_KEY
from fakes import FakeCohere, FakeOpenAI

_PROVIDER_VARIABLES = ("CO_API_KEY", "COHERE_API_KEY", "CO_API_URL", "OPENAI_API_KEY",
                       "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
                       "EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE",
                       "EMBEDLAB_OPENAI_TOKENS_PER_MINUTE")


@pytest.fixture(autouse=True)
def _no_real_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline tests never see the developer's keys or endpoints (live tests read them first)."""
    for variable in _PROVIDER_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def cohere_key() -> str:
    """The key the fake Cohere server accepts."""
    return COHERE_KEY


@pytest.fixture
def openai_key() -> str:
    """The key the fake OpenAI server accepts."""
    return OPENAI_KEY


def fast_retries(embedder: Any) -> Any:
    """Make the pipeline retry without the production back-off (tests stay quick)."""
    embedder.retry_base_delay = 0.01
    embedder.retry_max_delay = 0.05
    return embedder


@pytest.fixture
def make_cohere(fake_cohere: FakeCohere) -> Callable[..., Any]:
    """Build a Cohere embedder pointed at the fake, with quick retries and no pacing."""
    from embedlab import get_embedder

    def make(model: str = "embed-english-v3.0", **options: Any) -> Any:
        options.setdefault("api_key", COHERE_KEY)
        options.setdefault("base_url", fake_cohere.url)
        options.setdefault("inputs_per_minute", None)  # pacing is tested on its own
        return fast_retries(get_embedder(f"cohere:{model}", **options))

    return make


@pytest.fixture
def make_openai(fake_openai: FakeOpenAI) -> Callable[..., Any]:
    """Build an OpenAI embedder pointed at the fake, with quick retries and no pacing."""
    from embedlab import get_embedder

    def make(model: str = "text-embedding-3-small", **options: Any) -> Any:
        options.setdefault("api_key", OPENAI_KEY)
        options.setdefault("base_url", fake_openai.base_url)
        options.setdefault("requests_per_minute", None)
        options.setdefault("tokens_per_minute", None)
        return fast_retries(get_embedder(f"openai:{model}", **options))

    return make
