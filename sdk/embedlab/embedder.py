"""The ``Embedder`` interface: texts in, one float32 row per text out, in order.

A provider implements one method, :meth:`Embedder.embed_batch`, for a single request.
Everything around it — splitting into batches, embedding each distinct text once,
concurrency, throttling, retries, response checks, the cache and the progress bar — is
the SDK's job, done once in :mod:`embedlab.pipeline` for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:
    import numpy as np

    from .cache import EmbeddingCache

__all__ = ["INPUT_TYPES", "Embedder", "InputType"]

InputType = Literal["classification", "clustering", "search_document", "search_query"]
#: The input types embedlab knows. Providers map them onto their own (or ignore them).
INPUT_TYPES: tuple[str, ...] = ("classification", "clustering", "search_document", "search_query")


class Embedder(ABC):
    """Turns texts into vectors with one model of one provider.

    Capabilities are declared as attributes so the pipeline, the contract kit and the CLI
    can read them without calling the provider. Subclasses set ``provider`` and ``model``
    (and usually ``dimension``) and implement :meth:`embed_batch`.
    """

    #: Provider name as registered, e.g. ``"local"``.
    provider: str = ""
    #: Model name (or path) as the provider knows it.
    model: str = ""
    #: Output dimension; ``None`` until known (the pipeline then takes the first answer's).
    dimension: int | None = None
    #: The most texts one request may carry.
    max_batch_size: int = 64
    #: How many requests may be in flight at once (1 for in-process models).
    max_concurrency: int = 1
    #: Throttling limits the pipeline keeps to; ``None`` means no limit.
    inputs_per_minute: float | None = None
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    #: The environment variable that sets each limit above (``{"inputs_per_minute":
    #: "EMBEDLAB_COHERE_INPUTS_PER_MINUTE"}``), named when a limit makes a job slow.
    rate_variables: ClassVar[dict[str, str]] = {}
    #: Input types this embedder understands; others are rejected by the pipeline.
    input_types: ClassVar[frozenset[str]] = frozenset(INPUT_TYPES)
    #: Input type used when the caller gives none.
    default_input_type: str | None = None
    #: Longest input in the model's own units (tokens); ``None`` if unknown/unlimited.
    max_input_length: int | None = None
    #: True if over-long texts are cut to ``max_input_length``; False if they raise
    #: :class:`~embedlab.errors.InputTooLongError`.
    truncates: bool = True
    #: Whether :meth:`embed` returns L2-normalised rows.
    normalized: bool = False
    #: Identifies the exact weights: a revision, hash or custom-model fingerprint. Goes into
    #: the cache key so a custom model never shares cached vectors with its base.
    revision: str = ""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Embed one batch (at most ``max_batch_size`` texts) in a single provider call.

        Return a 2-D array with one row per text, in order. Raise embedlab's
        :class:`~embedlab.errors.ProviderError` subclasses: transient ones are retried.
        """

    def count_tokens(self, text: str) -> int:
        """An upper bound on the tokens ``text`` costs; used for token limits and batching."""
        # Conservative default: no tokenizer produces more tokens than UTF-8 bytes.
        return len(text.encode("utf-8"))

    @property
    def name(self) -> str:
        """``provider:model``, the name :func:`embedlab.get_embedder` takes."""
        return f"{self.provider}:{self.model}"

    def embed(
        self,
        texts: Sequence[str],
        input_type: str | None = None,
        *,
        cache: EmbeddingCache | bool | None = None,
        progress: bool | None = None,
    ) -> np.ndarray:
        """Embed ``texts`` and return a float32 array of shape ``(len(texts), dimension)``.

        ``cache``: an :class:`~embedlab.cache.EmbeddingCache`, ``False`` for none, or
        ``None`` for the configured default. ``progress``: ``None`` shows a bar on long
        calls when stderr is a terminal.
        """
        if isinstance(texts, str):  # a str is a sequence of characters: never what was meant
            raise TypeError("embed() takes a list of texts, not a str: pass [text]")
        from .pipeline import embed_texts

        return embed_texts(self, texts, input_type=input_type, cache=cache, progress=progress)

    def __repr__(self) -> str:
        # Never include options that may hold secrets: subclasses keep keys out of attributes
        # listed here, and the contract kit checks it.
        return f"<{type(self).__name__} {self.name} dim={self.dimension}>"
