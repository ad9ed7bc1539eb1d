"""Counting what a comparison sends to a provider: requests and texts, per embedder.

:class:`CountingEmbedder` stands in for an embedder and forwards each request to it,
counting requests and texts; everything else (batching, cache, retries) is the pipeline's,
as for any embedder, so a cached text costs nothing and is not counted.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._embedder import Embedder

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CountingEmbedder"]

_COPIED = ("provider", "model", "dimension", "max_batch_size", "max_concurrency",
           "inputs_per_minute", "requests_per_minute", "tokens_per_minute", "rate_variables",
           "input_types", "default_input_type", "max_input_length", "truncates", "normalized",
           "revision")


class CountingEmbedder(Embedder):
    """``inner`` with its requests (``calls``) and the texts they carried (``texts``) counted."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        for name in _COPIED:
            setattr(self, name, getattr(inner, name))
        self.calls = 0
        self.texts = 0
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        """The inner embedder's count."""
        return self.inner.count_tokens(text)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """One request to the inner embedder, counted."""
        with self._lock:
            self.calls += 1
            self.texts += len(texts)
        result = self.inner.embed_batch(texts, input_type)
        if self.dimension is None and getattr(self.inner, "dimension", None):
            self.dimension = self.inner.dimension
        return result

    def usage(self) -> tuple[int, int]:
        """``(calls, texts)`` so far."""
        with self._lock:
            return self.calls, self.texts

    def __repr__(self) -> str:
        return repr(self.inner)
