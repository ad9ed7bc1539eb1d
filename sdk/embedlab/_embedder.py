"""The ``Embedder`` interface: texts in, one float32 row per text out, in order.

A provider implements one method, :meth:`Embedder.embed_batch`, for a single request.
Everything around it — splitting into batches, embedding each distinct text once,
concurrency, throttling, retries, response checks, the cache and the progress bar — is
the SDK's job, done once in :mod:`embedlab._transport.pipeline` for every provider.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import numpy as np

    from ._transport.cache import EmbeddingCache

from ._input_types import INPUT_TYPES, InputType

__all__ = ["INPUT_TYPES", "Embedder", "InputType"]


class Embedder(ABC):
    """Turns texts into vectors with one model of one provider.

    Subclasses set ``provider`` and ``model`` (and usually ``dimension``) and implement
    :meth:`embed_batch`. Everything else is a declared capability, an attribute the
    pipeline, the contract kit and the CLI read without calling the provider; set the ones
    whose default does not fit, on the class or per instance:

    - ``provider`` (``""``): the name the provider is registered under, e.g. ``"local"``.
    - ``model`` (``""``): the model's name or path as the provider knows it.
    - ``dimension`` (``None``): length of each row; ``None`` until known (the pipeline then
      takes the first answer's).
    - ``max_batch_size`` (64): the most texts one :meth:`embed_batch` call may carry.
    - ``max_tokens_per_request`` (``None``): the most tokens, as :meth:`count_tokens` counts
      them, one call may carry; ``None``: no limit beyond ``max_batch_size``.
    - ``max_concurrency`` (1): calls in flight at once (1 for an in-process model).
    - ``inputs_per_minute``, ``requests_per_minute``, ``tokens_per_minute`` (``None``): rate
      limits the pipeline paces calls to; ``None``: no limit.
    - ``rate_variables`` (``{}``): the environment variable that sets each limit, e.g.
      ``{"inputs_per_minute": "EMBEDLAB_COHERE_INPUTS_PER_MINUTE"}``, named when a limit
      makes a job slow.
    - ``max_retries`` (6): retries of a transient failure (429, 5xx, time-out) after the
      first attempt; ``retry_base_delay`` (0.5 s) the first back-off, doubling up to
      ``retry_max_delay`` (30 s); ``retry_max_after`` (300 s) the longest ``Retry-After``
      honoured. See :class:`~embedlab._transport.retry.RetryPolicy`.
    - ``input_types`` (all of :data:`INPUT_TYPES`): the input types the embedder takes;
      others are refused with :class:`~embedlab.ConfigurationError`.
      ``default_input_type`` (``None``): used when the caller gives none.
    - ``max_input_length`` (``None``): the longest input, in the model's own units (tokens);
      ``None``: unknown or unlimited.
    - ``truncates`` (``True``): whether a text over ``max_input_length`` is cut to it (a
      normal row) rather than refused with :class:`~embedlab.InputTooLongError`.
      With no ``max_input_length`` (no known limit) it says whether a text is ever refused
      for its length: ``True`` promises never (whatever limit the model has is applied by
      cutting); ``False`` warns that the provider may refuse one with that error.
    - ``normalized`` (``False``): whether every row has unit L2 norm.
    - ``runs_locally`` (``False``): whether :meth:`embed_batch` computes on this machine (an
      in-process model) rather than calling a service: its calls cost nothing, and a dry run
      counts no tokens for it (counting could load a tokenizer).
    - ``revision`` (``""``): what identifies the exact vectors beyond provider and model;
      part of every cache key, so a custom model never shares cached vectors with its base.
      A weights hash or version for a local model; a custom model's fingerprint; for a
      hosted provider, which has no weights to hash, the endpoint (as a digest) and the
      options that change the vectors (see :class:`~embedlab.hosted.HostedEmbedder`).
    """

    provider: str = ""
    model: str = ""
    dimension: int | None = None
    max_batch_size: int = 64
    max_tokens_per_request: int | None = None
    max_concurrency: int = 1
    inputs_per_minute: float | None = None
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    rate_variables: ClassVar[dict[str, str]] = {}
    # RetryPolicy's defaults (a test keeps them equal; importing it here would cost startup).
    max_retries: int = 6
    retry_base_delay: float = 0.5
    retry_max_delay: float = 30.0
    retry_max_after: float = 300.0
    input_types: ClassVar[frozenset[str]] = frozenset(INPUT_TYPES)
    default_input_type: str | None = None
    max_input_length: int | None = None
    truncates: bool = True
    normalized: bool = False
    runs_locally: bool = False
    revision: str = ""

    @abstractmethod
    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Embed one batch (at most ``max_batch_size`` texts) in a single provider call.

        Return a 2-D array with one row per text, in order. Raise embedlab's
        :class:`~embedlab.ProviderError` subclasses: transient ones are retried.
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

        ``cache``: an :class:`~embedlab.EmbeddingCache`, ``False`` for none, or
        ``None`` for the configured default. ``progress``: ``None`` shows a bar on long
        calls when stderr is a terminal.
        """
        if isinstance(texts, str):  # a str is a sequence of characters: never what was meant
            raise TypeError("embed() takes a list of texts, not a str: pass [text]")
        from ._transport.pipeline import embed_texts

        return embed_texts(self, texts, input_type=input_type, cache=cache, progress=progress)

    def __repr__(self) -> str:
        # Never include options that may hold secrets: subclasses keep keys out of attributes
        # listed here, and the contract kit checks it.
        return f"<{type(self).__name__} {self.name} dim={self.dimension}>"
