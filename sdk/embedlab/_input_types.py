"""The input types embedlab knows, and the one check that an embedder takes the one asked
for. A leaf module: the ``Embedder`` class, the pipeline, the server and the corpus job all
import it without importing each other."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal, Protocol

from ._errors import ConfigurationError

__all__ = ["INPUT_TYPES", "InputType", "TakesInputTypes", "check_input_type"]

InputType = Literal["classification", "clustering", "search_document", "search_query"]
#: The input types embedlab knows. Providers map them onto their own (or ignore them).
INPUT_TYPES: tuple[str, ...] = ("classification", "clustering", "search_document", "search_query")


class TakesInputTypes(Protocol):
    """What the check reads of an :class:`~embedlab.Embedder`."""

    @property
    def name(self) -> str: ...
    @property
    def input_types(self) -> Collection[str]: ...
    @property
    def default_input_type(self) -> str | None: ...


def check_input_type(embedder: TakesInputTypes, input_type: str | None) -> str | None:
    """The input type to use: the caller's, else the embedder's default; a
    :class:`~embedlab.ConfigurationError` naming the valid ones when the embedder does not
    take it."""
    kind = input_type if input_type is not None else embedder.default_input_type
    if kind is not None and kind not in embedder.input_types:
        valid = ", ".join(sorted(embedder.input_types)) or "none"
        raise ConfigurationError(
            f"{embedder.name} does not take input_type={kind!r}; valid input types: {valid}")
    return kind
