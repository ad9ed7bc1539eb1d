"""The contract run behind ``embedlab check``: the kit against an installed provider.

``embedlab check`` sets ``EMBEDLAB_CHECK_TARGET`` (``provider`` or ``provider:model``) and
runs this module with pytest; run directly without it, every test skips.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .._embedder import Embedder
from .._finetuner import Finetuner
from .._lookup import get_embedder, get_finetuner
from ._skip import not_applicable
from .embedder_contract import EmbedderContract
from .finetuner_contract import FinetunerContract

#: Environment variables ``embedlab check`` sets for this module.
TARGET = "EMBEDLAB_CHECK_TARGET"
MAX_TEXTS = "EMBEDLAB_CHECK_MAX_TEXTS"
FINETUNE = "EMBEDLAB_CHECK_FINETUNE"  # "" (off) or the method: "default", "full", "adapter"


def _target() -> str:
    target = os.environ.get(TARGET, "")
    if not target:
        pytest.skip(f"{TARGET} is not set: run this through `embedlab check PROVIDER`")
    return target


def key_like_values() -> list[str]:
    """Values of environment variables that hold credentials: they must never be shown."""
    markers = ("API_KEY", "TOKEN", "SECRET", "PASSWORD")
    return [value for name, value in os.environ.items()
            if any(m in name.upper() for m in markers) and len(value) >= 8]


class _RunHome:
    """Both classes share the scratch ``EMBEDLAB_HOME`` that ``embedlab check`` made for the
    run, so a provider's one-time set-up (a download, a distillation) happens once."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def embedlab_home(cls, tmp_path_factory: pytest.TempPathFactory) -> Path:
        home = os.environ.get("EMBEDLAB_HOME")
        return Path(home) if home else tmp_path_factory.mktemp("embedlab-home")


@pytest.fixture(scope="session")
def _embedders() -> dict[str, Embedder]:
    """Embedders built in this run, by name (a fresh run builds them afresh)."""
    return {}


class TestProviderEmbedder(_RunHome, EmbedderContract):
    """The embedder contract for the provider named in ``EMBEDLAB_CHECK_TARGET``."""

    @pytest.fixture
    def embedder(self, _embedders: dict[str, Embedder]) -> Embedder:
        # One instance per run: building one may load a model or open a client.
        target = _target()
        if target not in _embedders:
            _embedders[target] = get_embedder(target)
        return _embedders[target]

    @pytest.fixture
    def max_texts_per_test(self) -> int:
        return int(os.environ.get(MAX_TEXTS) or 300)

    @pytest.fixture
    def secrets(self) -> list[str]:
        return key_like_values()


class TestProviderFinetuner(_RunHome, FinetunerContract):
    """The finetuner contract, when ``embedlab check --finetune`` asks for it."""

    @pytest.fixture
    def finetuner(self) -> Finetuner:
        method = os.environ.get(FINETUNE, "")
        if not method:
            not_applicable("finetuning not checked: pass --finetune")
        return get_finetuner(_target(), method=None if method == "default" else method)
