"""Hook implementations that register :class:`~embedlab.testing.FakeEmbedder` as provider
``fake``. Not loaded by default: tests add it with :func:`embedlab.testing.use_fake_provider`
or the ``embedlab_fake_provider`` pytest fixture, or a plugin author lists it in an entry point."""

from __future__ import annotations

from typing import Any

from ..hookspecs import RegisterEmbedder, hookimpl
from .fake import DEFAULT_MODEL, FakeEmbedder

__all__ = ["PROVIDER", "embedlab_register_embedders"]

#: The provider name this plugin registers.
PROVIDER = "fake"


def _factory(model: str, **options: Any) -> Any:

    return FakeEmbedder(model, **options)


@hookimpl
def embedlab_register_embedders(register: RegisterEmbedder) -> None:
    """Register the ``fake`` provider (hashed bag-of-words, offline, deterministic)."""
    register(PROVIDER, _factory, default_model=DEFAULT_MODEL, models=[DEFAULT_MODEL],
             description="deterministic hashed bag-of-words embedder for tests")
