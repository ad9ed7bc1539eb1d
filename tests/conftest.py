"""Shared test set-up: every test runs offline, with embedlab's cache and data directories
in a temporary folder, and plugins reloaded so environment changes take effect."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

#: The CLINC150 slice shipped with the tests (19 intents; see its README for the licence).
CLINC150_SLICE = Path(__file__).resolve().parent / "data" / "clinc150"


def pytest_configure(config: pytest.Config) -> None:
    """tqdm without its monitor thread and with a lock of this process only. mutmut
    (``bench/mutants.py``) forks a test process per mutant and kills the slow ones: tqdm's
    default lock is shared by every forked process, so one killed while drawing a bar, or
    forked while the monitor thread held it, left every later bar waiting for ever."""
    import threading

    import tqdm

    tqdm.tqdm.monitor_interval = 0
    tqdm.tqdm.set_lock(threading.RLock())


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point EMBEDLAB_HOME at a fresh folder so no test reads or writes the user's cache."""
    home = tmp_path_factory.mktemp("embedlab-home")
    monkeypatch.setenv("EMBEDLAB_HOME", str(home))
    monkeypatch.delenv("EMBEDLAB_CACHE_DIR", raising=False)
    monkeypatch.delenv("EMBEDLAB_PLUGINS", raising=False)
    monkeypatch.setenv("EMBEDLAB_PROGRESS", "0")
    from embedlab import _plugins as plugins

    plugins.reset()
    yield home
    plugins.reset()


@pytest.fixture
def clinc150() -> Path:
    """The CLINC150 slice in tests/data (train/val/test CSVs), present on every clone."""
    return CLINC150_SLICE


@pytest.fixture
def fake_provider(embedlab_fake_provider: str) -> str:
    """Provider ``fake`` registered for the test: the shipped ``embedlab_fake_provider``
    fixture (embedlab's pytest plugin) under the name these tests use."""
    return embedlab_fake_provider


def _checked(server: Any, spec: str) -> Iterator[Any]:
    """Run ``server`` for the test; fail the test if a request broke ``spec``."""
    with server:
        yield server
    assert not server.violations, f"requests broke {spec}: {server.violations}"


@pytest.fixture
def fake_cohere() -> Iterator[Any]:
    """A running fake Cohere server accepting ``app_models.COHERE_KEY``; the test fails if a
    request broke Cohere's spec."""
    from app_models import COHERE_KEY
    from fakes import FakeCohere

    yield from _checked(FakeCohere(api_key=COHERE_KEY), "the Cohere spec")


@pytest.fixture
def fake_openai() -> Iterator[Any]:
    """A running fake OpenAI server accepting ``app_models.OPENAI_KEY``; the test fails if a
    request broke OpenAI's rules."""
    from app_models import OPENAI_KEY
    from fakes import FakeOpenAI

    yield from _checked(FakeOpenAI(api_key=OPENAI_KEY), "OpenAI's rules")
