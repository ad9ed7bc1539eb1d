"""The hooks a plugin implements. Each takes a ``register`` callback, so one plugin can
register any number of things. Built-in providers, loaders and visualizers use the same
hooks (see :mod:`embedlab._plugins`).

Annotate your hook's ``register`` with the matching protocol (:class:`RegisterEmbedder`,
:class:`RegisterFinetuner`, :class:`RegisterVisualizer`, :class:`RegisterDatasetLoader`)
and mypy checks every ``register(...)`` call against what embedlab accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from ._datasets.dataset import Dataset
    from ._embedder import Embedder
    from ._finetuner import Finetuner
    from ._visualizer import Visualizer

__all__ = [
    "Register",
    "RegisterDatasetLoader",
    "RegisterEmbedder",
    "RegisterFinetuner",
    "RegisterVisualizer",
    "hookimpl",
    "hookspec",
]

hookspec = pluggy.HookspecMarker("embedlab")
hookimpl = pluggy.HookimplMarker("embedlab")

#: Any ``register`` callback, untyped; kept for plugins written before the protocols below.
Register = Callable[..., Any]


class RegisterEmbedder(Protocol):
    """The ``register`` that :func:`embedlab_register_embedders` receives."""

    def __call__(self, name: str, factory: Callable[..., Embedder], *,
                 default_model: str = ..., models: Sequence[str] = ...,
                 requires: Sequence[str] = ..., install: str | None = ...,
                 description: str = ..., finetune_note: str = ...) -> None:
        """Register provider ``name``; ``factory(model, **options)`` builds its embedder."""


class RegisterFinetuner(Protocol):
    """The ``register`` that :func:`embedlab_register_finetuners` receives."""

    def __call__(self, name: str, factory: Callable[..., Finetuner], *, method: str = ...,
                 requires: Sequence[str] = ..., install: str | None = ...,
                 description: str = ...) -> None:
        """Register a finetuner for provider ``name`` (``"*"``: every provider)."""


class RegisterVisualizer(Protocol):
    """The ``register`` that :func:`embedlab_register_visualizers` receives."""

    def __call__(self, name: str, factory: Callable[[], Visualizer], *,
                 requires: Sequence[str] = ..., install: str | None = ...,
                 description: str = ...) -> None:
        """Register visualizer ``name``; ``factory()`` builds it."""


class RegisterDatasetLoader(Protocol):
    """The ``register`` that :func:`embedlab_register_dataset_loaders` receives."""

    def __call__(self, name: str, factory: Callable[..., Dataset], *,
                 suffixes: Sequence[str] = ..., requires: Sequence[str] = ...,
                 install: str | None = ..., description: str = ...) -> None:
        """Register loader ``name`` for files ending in ``suffixes``."""


@hookspec
def embedlab_register_embedders(register: RegisterEmbedder) -> None:
    """Register embedding providers.

    Call ``register(name, factory, default_model=..., models=[...], requires=[...],
    install="pip install ...", description=..., finetune_note=...)`` once per provider.
    ``factory(model, **options)`` returns an :class:`~embedlab.Embedder`; ``model``
    is the part after ``provider:``, or ``default_model`` when the user names the bare
    provider. The factory runs only when the provider is used, so the provider's SDK should
    be imported inside it. ``requires`` lists import names that must be present; when one is
    missing the provider shows as unavailable with ``install`` (the command to run).
    """


@hookspec
def embedlab_register_finetuners(register: RegisterFinetuner) -> None:
    """Register finetuners.

    Call ``register(provider, factory, method="full"|"adapter", requires=[...],
    install=..., description=...)``. ``factory(provider=..., base_model=..., **options)``
    returns a :class:`~embedlab.Finetuner`. ``provider="*"`` offers the finetuner
    for every provider (the adapter finetuner does).
    """


@hookspec
def embedlab_register_visualizers(register: RegisterVisualizer) -> None:
    """Register visualizers: ``register(name, factory, requires=[...], install=...,
    description=...)``. ``factory()`` returns a :class:`~embedlab.Visualizer`."""


@hookspec
def embedlab_register_dataset_loaders(register: RegisterDatasetLoader) -> None:
    """Register dataset loaders: ``register(name, load, suffixes=[".csv"], requires=[...],
    install=..., description=...)``. ``load(path, **options)`` returns a
    :class:`~embedlab.Dataset`."""
