"""A well-behaved plugin: provider ``goodfake`` (the fake embedder under another name) and a
provider ``needsextra`` whose SDK is not installed."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl
from embedlab.testing import FakeEmbedder


def make_goodfake(model: str, **options: Any) -> FakeEmbedder:
    embedder = FakeEmbedder(model, **options)
    embedder.provider = "goodfake"
    return embedder


def make_needsextra(model: str, **options: Any) -> FakeEmbedder:
    raise AssertionError("the factory must not run while its requirement is missing")


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("goodfake", make_goodfake, default_model="good-default",
             models=["good-default", "good-other"])
    register("needsextra", make_needsextra, default_model="m",
             requires=["embedlab_sdk_that_is_not_installed"],
             install="pip install 'embedlab-needsextra[sdk]'")
