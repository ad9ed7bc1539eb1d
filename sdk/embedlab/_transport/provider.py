"""``Provider``: what the transport (pipeline, retries, rate limits) reads of an
:class:`~embedlab.Embedder`, as a protocol, so the transport does not import the class whose
``embed()`` calls it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .._input_types import TakesInputTypes

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Provider"]


class Provider(TakesInputTypes, Protocol):
    """The declared capabilities and the one call of an embedder (see
    :class:`~embedlab.Embedder` for what each means)."""

    provider: str
    model: str
    revision: str
    dimension: int | None
    max_batch_size: int
    max_tokens_per_request: int | None
    max_concurrency: int
    inputs_per_minute: float | None
    requests_per_minute: float | None
    tokens_per_minute: float | None
    max_retries: int
    retry_base_delay: float
    retry_max_delay: float
    retry_max_after: float

    @property
    def rate_variables(self) -> Mapping[str, str]: ...

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray | Any: ...

    def count_tokens(self, text: str) -> int: ...
