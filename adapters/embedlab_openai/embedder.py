"""``OpenAIEmbedder``: one ``client.embeddings.create`` call per batch; embedlab's pipeline
does the batching by inputs and tokens, concurrency, throttling to the key's requests and
tokens a minute, retries and caching around it."""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar

from embedlab.embedder import INPUT_TYPES, Embedder
from embedlab.errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InputTooLongError,
    MalformedResponseError,
)
from embedlab.secret import Secret, endpoint_digest
from embedlab.settings import env_rate

from .errors import KEY_VARIABLE, translate
from .models import (
    DIMENSIONS,
    MAX_INPUT_TOKENS,
    MAX_INPUTS,
    MAX_REQUEST_TOKENS,
    supports_dimensions,
)
from .tokens import TokenCounter, token_counter

if TYPE_CHECKING:
    import numpy as np

__all__ = ["OpenAIEmbedder"]

#: Environment variable holding another endpoint (a proxy, vLLM, Ollama, a test server).
URL_VARIABLE = "OPENAI_BASE_URL"
#: Environment variables with the key's limits (the CLI has no options for them).
RATE_VARIABLES = ("EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE", "EMBEDLAB_OPENAI_TOKENS_PER_MINUTE")
DEFAULT_REQUESTS_PER_MINUTE = 3000.0
DEFAULT_TOKENS_PER_MINUTE = 1_000_000.0


class OpenAIEmbedder(Embedder):
    """OpenAI embeddings through the official SDK (``OpenAI().embeddings.create``).

    Options: ``api_key`` (default ``OPENAI_API_KEY``), ``base_url`` (default
    ``OPENAI_BASE_URL``), ``dimensions`` (text-embedding-3 models), ``truncate`` (``True``:
    cut inputs over ``max_input_tokens``, default 8,192; ``False``: refuse them),
    ``requests_per_minute`` and ``tokens_per_minute`` (the key's limits: default
    ``EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE`` / ``EMBEDLAB_OPENAI_TOKENS_PER_MINUTE`` or 3,000 and
    1,000,000; ``None`` for no pacing), ``max_concurrency``, ``timeout`` in seconds,
    ``empty`` (``"space"``: send an empty text as one space, which OpenAI accepts;
    ``"error"``: refuse it).
    OpenAI has no input types: every embedlab input type is accepted and gives the same vector.
    """

    provider = "openai"
    max_batch_size = MAX_INPUTS
    #: The most tokens (as :meth:`count_tokens` counts) one request may carry.
    max_tokens_per_request: int = MAX_REQUEST_TOKENS
    input_types: ClassVar[frozenset[str]] = frozenset(INPUT_TYPES)
    default_input_type = None
    rate_variables: ClassVar[dict[str, str]] = {"requests_per_minute": RATE_VARIABLES[0],
                                                "tokens_per_minute": RATE_VARIABLES[1]}

    def __init__(self, model: str = "text-embedding-3-small", *, api_key: str | None = None,
                 base_url: str | None = None, dimensions: int | None = None,
                 truncate: bool = True, max_input_tokens: int | None = None,
                 requests_per_minute: float | EllipsisType | None = ...,
                 tokens_per_minute: float | EllipsisType | None = ..., max_concurrency: int = 8,
                 timeout: float = 60.0, empty: str = "space",
                 exact_tokens: bool = True) -> None:
        if not model:
            raise ConfigurationError("openai: give a model name, e.g. text-embedding-3-small")
        self.model = model
        self._key = Secret(api_key) if api_key else None
        self._base_url = base_url
        native = DIMENSIONS.get(model)
        if dimensions is not None:
            if not supports_dimensions(model):
                raise ConfigurationError(
                    f"openai: {model} has a fixed dimension of {native}; `dimensions` applies "
                    "to text-embedding-3 models only — drop the option")
            if dimensions < 1 or (native is not None and dimensions > native):
                raise ConfigurationError(
                    f"openai: dimensions={dimensions} is out of range for {model}; "
                    f"choose 1 to {native}")
        self.dimensions = dimensions
        self.dimension = dimensions or native
        self.normalized = native is not None  # OpenAI's own models answer unit vectors
        self.truncates = bool(truncate)
        self.max_input_length = max_input_tokens or MAX_INPUT_TOKENS
        if empty not in ("space", "error"):
            raise ConfigurationError(f"openai: empty={empty!r} is not 'space' or 'error'")
        self.empty = empty
        if max_concurrency < 1:
            raise ConfigurationError("openai: max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self.requests_per_minute = (env_rate(RATE_VARIABLES[0], DEFAULT_REQUESTS_PER_MINUTE)
                                    if requests_per_minute is ... else requests_per_minute)
        self.tokens_per_minute = (env_rate(RATE_VARIABLES[1], DEFAULT_TOKENS_PER_MINUTE)
                                  if tokens_per_minute is ... else tokens_per_minute)
        self.timeout = timeout
        # Exact counts only where the tokenizer is the model's; other servers get the bound.
        self.tokens: TokenCounter = token_counter(exact_tokens and native is not None)
        self._client: Any = None
        self._lock = threading.Lock()
        # Make the client now when a key is at hand: built inside the first (paced) call,
        # its set-up time (most of a second for the SDK) would bunch the first requests.
        if self._has_key():
            self.client()

    # -- configuration read when the client is made ------------------------------------------

    def _endpoint(self) -> str | None:
        return self._base_url or os.environ.get(URL_VARIABLE) or None

    def _has_key(self) -> bool:
        return bool(self._key or Secret.from_env(KEY_VARIABLE))

    def _api_key(self) -> Secret:
        key = self._key or Secret.from_env(KEY_VARIABLE)
        if key:
            return key
        raise AuthenticationError(
            "openai: no API key. Set OPENAI_API_KEY in the environment, or pass api_key= "
            "(any non-empty value for an OpenAI-compatible server that needs none)",
            provider="openai")

    @property
    def revision(self) -> str:  # type: ignore[override]
        """Cache identity beyond the model name: a non-default endpoint and ``dimensions``."""
        parts = []
        endpoint = self._endpoint()
        if endpoint:
            # A digest, not the text: an endpoint URL may carry a token.
            parts.append(f"endpoint={endpoint_digest(endpoint.rstrip('/'))}")
        if self.dimensions:
            parts.append(f"dimension={self.dimensions}")
        return ";".join(parts)

    def client(self) -> Any:
        """The ``openai.OpenAI`` client, made on first use with the SDK's own retries off."""
        with self._lock:
            if self._client is None:
                import openai

                key = self._api_key()
                self._client = openai.OpenAI(api_key=key.reveal, base_url=self._endpoint(),
                                             timeout=self.timeout, max_retries=0)
                self._key = key
            return self._client

    # -- tokens ----------------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` will cost once prepared (cut to the input limit when truncating)."""
        count = self.tokens.count(text) if text else 1
        if self.truncates and self.max_input_length is not None:
            return min(count, self.max_input_length)
        return count

    def _prepare(self, texts: Sequence[str]) -> list[str]:
        """The texts as sent: empty ones handled, over-long ones cut or refused."""
        empty = [i for i, t in enumerate(texts) if t == ""]
        if empty and self.empty == "error":
            raise BadRequestError(
                "openai: OpenAI refuses empty texts and this call has "
                f"{len(empty)} — drop them, or pass empty='space' to embed them as one space",
                provider="openai")
        prepared = [t if t != "" else " " for t in texts]
        limit = self.max_input_length
        if limit is None:
            return prepared
        for i, text in enumerate(prepared):
            if len(text) <= limit // 4:  # at most 4 UTF-8 bytes a character: fits for sure
                continue
            count = self.tokens.count(text)
            if count <= limit:
                continue
            if not self.truncates:
                how = "" if self.tokens.exact else " (an upper bound: tiktoken's cl100k_base " \
                    "is not available offline)"
                raise InputTooLongError(
                    f"openai: the text starting {text[:40]!r} has {count} tokens{how}, over "
                    f"{self.model}'s limit of {limit} — shorten it or pass truncate=True",
                    provider="openai")
            prepared[i] = self.tokens.truncate(text, limit)
        return prepared

    # -- the one call --------------------------------------------------------------------------

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """One ``embeddings.create`` call for at most 2,048 texts; float32 rows in order."""
        import numpy as np

        if len(texts) > self.max_batch_size:
            raise ConfigurationError(
                f"openai: {len(texts)} texts in one call; OpenAI takes at most {MAX_INPUTS}")
        if input_type is not None and input_type not in self.input_types:
            raise ConfigurationError(
                f"openai: input_type={input_type!r} is not one of {', '.join(INPUT_TYPES)}")
        if not texts:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        prepared = self._prepare(texts)
        client = self.client()
        options: dict[str, Any] = {}
        if self.dimensions:
            options["dimensions"] = self.dimensions
        try:
            response = client.embeddings.create(model=self.model, input=prepared,
                                                encoding_format="base64", **options)
        except Exception as exc:  # every SDK failure becomes an embedlab error
            error = translate(exc, self._key)
            if error is None:
                raise
            raise error from None
        return self._vectors(response, len(texts))

    def _vectors(self, response: Any, count: int) -> np.ndarray:
        """Rows in input order from ``data[*].embedding`` (base64 or, from servers that
        ignore the format, floats)."""
        import numpy as np

        data = getattr(response, "data", None) or []
        if len(data) != count:
            raise MalformedResponseError(
                f"openai: asked for {count} embeddings, got {len(data)}", provider="openai")
        rows: list[Any] = [None] * count
        try:
            for item in data:
                vector = item.embedding
                if isinstance(vector, str):
                    vector = np.frombuffer(base64.b64decode(vector), dtype="<f4")
                rows[int(item.index)] = vector
            if any(row is None for row in rows):
                raise IndexError("indices are not 0..n-1")
            return np.asarray(rows, dtype=np.float32)
        except (TypeError, ValueError, IndexError, AttributeError) as exc:
            raise MalformedResponseError(f"openai: unreadable embeddings ({exc})",
                                         provider="openai") from None
