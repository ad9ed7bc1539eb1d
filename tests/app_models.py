"""Tiny custom models for the tests of embedlab in applications (tests/integrations,
tests/serve): trained a few steps, saved once per test session under pytest's base temp
folder, and reused by every test that asks for the same kind."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

#: The kinds :func:`saved_model` trains: method over provider.
KINDS = ("adapter-fake", "adapter-local", "full-local")

#: Every kind of model the integrations must take, by how it is named.
MODEL_KINDS = ("plugin", "local", "adapter", "full", "hosted-openai", "hosted-cohere")

#: Keys the fake hosted servers and the test servers accept: distinctive, so a leak is easy
#: to find in any output.
COHERE_KEY = "co-SECRET-integrations-5b1e"
OPENAI_KEY = "sk-SECRET-integrations-8c2d"
SERVE_KEY = "el-SECRET-serve-61c0d9e4"


def saved_model(kind: str, factory: pytest.TempPathFactory) -> Path:
    """The folder of a saved tiny custom model of ``kind``, trained on first use.

    ``adapter-fake`` needs the fake provider registered wherever it is loaded."""
    from embedlab import FinetuneConfig, get_finetuner
    from embedlab.testing.finetuner_contract import sample_dataset

    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {KINDS}")
    root = factory.getbasetemp() / "app-models"
    target = root / kind
    if (target / "embedlab.json").is_file():
        return target
    method, provider = kind.split("-", 1)
    config = (FinetuneConfig(epochs=3, progress=False, seed=3) if method == "adapter"
              else FinetuneConfig(max_steps=2, batch_size=8, progress=False, seed=3))
    with pytest.MonkeyPatch.context() as patch, _fake_registered():
        # Training embeds through the cache: keep it out of the user's home.
        patch.setenv("EMBEDLAB_HOME", str(root / f".home-{kind}-{os.getpid()}"))
        model = get_finetuner(provider, method=method).finetune(
            sample_dataset(10), None, config)
        model.save(target)
    return target


def _fake_registered() -> contextlib.AbstractContextManager[None]:
    """Register provider ``fake`` unless the test already did (leaving its registration be)."""
    from embedlab import UnknownProviderError, get_embedder
    from embedlab.testing import use_fake_provider

    try:
        get_embedder("fake")
    except UnknownProviderError:
        return use_fake_provider()
    return contextlib.nullcontext()

