"""What a caller may pass where embedlab wants "a model": a name or saved path (anything
:func:`embedlab.get_embedder` takes), an ``Embedder``, or a ``CustomModel``; turned into the
embedder that does the work, and the name to show for it. Shared by the framework
integrations and ``embedlab serve``."""

from __future__ import annotations

import os
from typing import Any, Union

from ._custom_models import find_custom_model, read_card
from ._embedder import Embedder
from ._errors import ConfigurationError
from ._finetuner import CustomModel
from ._lookup import get_embedder

__all__ = ["ModelLike", "model_aliases", "model_label", "resolve_embedder"]

#: A model as callers give it: a name or path, an ``Embedder``, or a ``CustomModel``.
ModelLike = Union[str, "os.PathLike[str]", Embedder, CustomModel]


def resolve_embedder(model: ModelLike, options: dict[str, Any] | None = None) -> Embedder:
    """The embedder for ``model``; ``options`` go to the provider (models given by name only)."""
    if isinstance(model, Embedder):
        if options:
            raise ConfigurationError(
                "options are for a model given by name; this Embedder is already built")
        return model
    if isinstance(model, CustomModel):
        if options:
            raise ConfigurationError(
                "options are for a model given by name; a CustomModel embeds as it was trained")
        return model.embedder()
    if isinstance(model, (str, os.PathLike)):

        return get_embedder(os.fspath(model), **(options or {}))
    raise ConfigurationError(
        f"model must be a name such as 'local' or 'local:all-MiniLM-L6-v2', a saved custom "
        f"model's path or id, an Embedder or a CustomModel; got {type(model).__name__}")


def model_label(model: ModelLike, embedder: Embedder) -> str:
    """The name to show for ``model``: the name the caller gave, else the model's own."""
    if isinstance(model, CustomModel):
        return model.id
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    return embedder.name


def model_aliases(model: ModelLike, embedder: Embedder) -> tuple[str, ...]:
    """Every name that means this model: the label, ``provider:model``, and a saved custom
    model's id (when it was given by path)."""
    names = [model_label(model, embedder), embedder.name]
    if isinstance(model, (str, os.PathLike)):

        found = find_custom_model(os.fspath(model))
        if found is not None:
            names.append(str(read_card(found).get("id", "")))
    return tuple(dict.fromkeys(n for n in names if n))
