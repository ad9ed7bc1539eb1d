"""What the LangChain and LlamaIndex classes share: the missing-extra error, the model and
input types they are built with, and embedding into the plain float lists both frameworks
take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._embedder import INPUT_TYPES, Embedder
from .._errors import ConfigurationError
from .._model_ref import ModelLike, model_label, resolve_embedder

if TYPE_CHECKING:
    from .._transport.cache import EmbeddingCache

__all__ = ["Binding", "ModelLike", "bind_model", "check_input_type", "embed_as_lists",
           "missing_framework", "model_label", "resolve_embedder"]


def missing_framework(package: str, extra: str, integration: str) -> ImportError:
    """The ImportError to raise when a framework is absent: which extra installs it."""
    return ImportError(f"{integration} needs {package}, which is not installed. Install it "
                       f"with: pip install 'embedlab[{extra}]'")


def check_input_type(value: str | None, argument: str) -> str | None:
    """``value`` if it is an input type embedlab knows (or ``None``), else ConfigurationError."""
    if value is not None and value not in INPUT_TYPES:
        raise ConfigurationError(
            f"{argument}={value!r} is not an input type; use one of {', '.join(INPUT_TYPES)} "
            "or None")
    return value


@dataclass(frozen=True)
class Binding:
    """A framework class's model: the embedder, the name to show, and the checked input types
    of documents and queries."""

    embedder: Embedder
    label: str
    document_input_type: str | None
    query_input_type: str | None


def bind_model(model: ModelLike, options: dict[str, Any] | None, *,
               document_input_type: str | None, query_input_type: str | None) -> Binding:
    """Resolve ``model`` (with provider ``options``) and check both input types."""
    embedder = resolve_embedder(model, options)
    return Binding(embedder, model_label(model, embedder),
                   check_input_type(document_input_type, "document_input_type"),
                   check_input_type(query_input_type, "query_input_type"))


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
