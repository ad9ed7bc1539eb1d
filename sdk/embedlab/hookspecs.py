"""The hooks a plugin implements. Each takes a ``register`` callback, so one plugin can
register any number of things. Built-in providers, loaders and visualizers use the same
hooks (see :mod:`embedlab.plugins`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

__all__ = ["hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("embedlab")
hookimpl = pluggy.HookimplMarker("embedlab")

Register = Callable[..., Any]


@hookspec
def embedlab_register_embedders(register: Register) -> None:
    """Register embedding providers.

    Call ``register(provider, factory, default_model=..., models=[...], requires=[...],
    install="pip install ...")`` once per provider. ``factory(model, **options)`` returns an
    :class:`~embedlab.embedder.Embedder`; it runs only when the provider is used, so the
    provider's SDK should be imported inside it. ``requires`` lists import names that must be
    present; when one is missing the provider shows as unavailable with ``install``.
    """


@hookspec
def embedlab_register_finetuners(register: Register) -> None:
    """Register finetuners.

    Call ``register(provider, factory, method="full"|"adapter", requires=[...],
    install=...)``. ``factory(**options)`` returns a :class:`~embedlab.finetuner.Finetuner`.
    ``provider="*"`` offers the finetuner for every provider (the adapter finetuner does).
    """


@hookspec
def embedlab_register_visualizers(register: Register) -> None:
    """Register visualizers: ``register(name, factory, requires=[...], install=...)``.
    ``factory()`` returns a :class:`~embedlab.visualizer.Visualizer`."""


@hookspec
def embedlab_register_dataset_loaders(register: Register) -> None:
    """Register dataset loaders: ``register(name, load, suffixes=[".csv"], requires=[...],
    install=...)``. ``load(path, **options)`` returns a :class:`~embedlab.dataset.Dataset`."""
