"""The embedder behind an integration: resolving what the caller passed as ``model`` and
choosing the input type to ask it for, shared by the LangChain and LlamaIndex classes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

from ..embedder import INPUT_TYPES, Embedder
from ..errors import ConfigurationError
from ..finetuner import CustomModel

if TYPE_CHECKING:
    from ..cache import EmbeddingCache

__all__ = ["ModelLike", "check_input_type", "embed_as_lists", "missing_framework",
           "model_label", "resolve_embedder"]

#: What an integration takes as ``model``: a name or saved path (anything
#: :func:`embedlab.get_embedder` takes), an ``Embedder``, or a ``CustomModel``.
ModelLike = Union[str, "os.PathLike[str]", Embedder, CustomModel]


def missing_framework(package: str, extra: str, integration: str) -> ImportError:
    """The ImportError to raise when a framework is absent: which extra installs it."""
    return ImportError(f"{integration} needs {package}, which is not installed. Install it "
                       f"with: pip install 'embedlab[{extra}]'")


def resolve_embedder(model: ModelLike, options: dict[str, Any] | None = None) -> Embedder:
    """The embedder for ``model``; ``options`` go to the provider (names only)."""
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
        from ..lookup import get_embedder

        return get_embedder(os.fspath(model), **(options or {}))
    raise ConfigurationError(
        f"model must be a name such as 'local' or 'local:all-MiniLM-L6-v2', a saved custom "
        f"model's path or id, an Embedder or a CustomModel; got {type(model).__name__}")


def model_label(model: ModelLike, embedder: Embedder) -> str:
    """The name to show for ``model``: the name the caller gave, else the embedder's."""
    if isinstance(model, CustomModel):
        return model.id
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model)
    return embedder.name


def check_input_type(value: str | None, argument: str) -> str | None:
    """``value`` if it is an input type embedlab knows (or ``None``), else ConfigurationError."""
    if value is not None and value not in INPUT_TYPES:
        raise ConfigurationError(
            f"{argument}={value!r} is not an input type; use one of {', '.join(INPUT_TYPES)} "
            "or None")
    return value


def embed_as_lists(embedder: Embedder, texts: Sequence[str], input_type: str | None,
                   cache: EmbeddingCache | bool | None) -> list[list[float]]:
    """Embed through the pipeline and return plain float lists, the frameworks' format.

    ``input_type`` is asked for only where the embedder distinguishes it; an embedder that
    does not gets its own default instead of an error."""
    if not texts:
        return []
    kind = input_type if input_type in embedder.input_types else None
    vectors = embedder.embed(list(texts), input_type=kind, cache=cache)
    rows: list[list[float]] = vectors.tolist()
    return rows
