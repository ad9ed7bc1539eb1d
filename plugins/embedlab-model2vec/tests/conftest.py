"""The plugin's test set-up, as an outside author writes it: offline, embedlab's folders in
a temporary place per test, and one distilled model shared by the whole session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def model2vec_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One store for the session, so the default model is distilled once (a store named by
    EMBEDLAB_MODEL2VEC_DIR before the tests start is used instead, to keep it across runs)."""
    preset = os.environ.get("EMBEDLAB_MODEL2VEC_DIR")
    return Path(preset) if preset else tmp_path_factory.mktemp("model2vec-store")


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
              model2vec_store: Path) -> Iterator[None]:
    """Fresh EMBEDLAB_HOME per test; the session's model store; no progress bars."""
    monkeypatch.setenv("EMBEDLAB_HOME", str(tmp_path_factory.mktemp("embedlab-home")))
    monkeypatch.delenv("EMBEDLAB_CACHE_DIR", raising=False)
    monkeypatch.delenv("EMBEDLAB_PLUGINS", raising=False)
    monkeypatch.setenv("EMBEDLAB_PROGRESS", "0")
    monkeypatch.setenv("EMBEDLAB_MODEL2VEC_DIR", str(model2vec_store))
    yield
