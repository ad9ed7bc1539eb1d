"""Adding a plugin for the length of a ``with`` block, so a test sees a provider (the fake
one, or its own) without installing an entry point."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import _plugins as plugins
from . import fake_plugin

__all__ = ["use_fake_provider", "use_plugin"]


@contextmanager
def use_plugin(plugin: Any, name: str) -> Iterator[None]:
    """Register ``plugin`` (a module or object with hookimpls) as ``name`` inside the block."""
    plugins.register_plugin(plugin, name)
    try:
        yield
    finally:
        plugins.unregister_plugin(name)


@contextmanager
def use_fake_provider() -> Iterator[None]:
    """Make ``get_embedder("fake")`` return a :class:`~embedlab.testing.FakeEmbedder` inside
    the block."""

    with use_plugin(fake_plugin, "embedlab-fake"):
        yield
