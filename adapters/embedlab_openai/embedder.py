"""``OpenAIEmbedder``: one ``client.embeddings.create`` call per batch; embedlab's pipeline
does the batching by inputs and tokens, concurrency, throttling to the key's requests and
tokens a minute, retries and caching around it."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar

from embedlab import (
    INPUT_TYPES,
    BadRequestError,
    ConfigurationError,
    InputTooLongError,
    MalformedResponseError,
    ProviderError,
    ProviderTimeoutError,
    ServiceUnavailableError,
)
from embedlab.hosted import HostedEmbedder, error_message

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

KEY_VARIABLE = "OPENAI_API_KEY"
#: Environment variable holding another endpoint (a proxy, vLLM, Ollama, a test server).
URL_VARIABLE = "OPENAI_BASE_URL"
#: Environment variables with the key's limits (the CLI has no options for them).
RATE_VARIABLES = ("EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE", "EMBEDLAB_OPENAI_TOKENS_PER_MINUTE")
DEFAULT_REQUESTS_PER_MINUTE = 3000.0
DEFAULT_TOKENS_PER_MINUTE = 1_000_000.0


class OpenAIEmbedder(HostedEmbedder):
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
    label = "OpenAI"
    max_batch_size = MAX_INPUTS
    max_tokens_per_request = MAX_REQUEST_TOKENS
    input_types: ClassVar[frozenset[str]] = frozenset(INPUT_TYPES)
    default_input_type = None
    key_variables = (KEY_VARIABLE,)
    key_note = "(any non-empty value for an OpenAI-compatible server that needs none)"
    url_variable = URL_VARIABLE
    rate_variables: ClassVar[dict[str, str]] = {"requests_per_minute": RATE_VARIABLES[0],
                                                "tokens_per_minute": RATE_VARIABLES[1]}
    default_rates: ClassVar[dict[str, float]] = {
        "requests_per_minute": DEFAULT_REQUESTS_PER_MINUTE,
        "tokens_per_minute": DEFAULT_TOKENS_PER_MINUTE}
    # 409: a conflict OpenAI asks to retry.
    unavailable_statuses = frozenset({409})

    def __init__(self, model: str = "text-embedding-3-small", *, api_key: str | None = None,
                 base_url: str | None = None, dimensions: int | None = None,
                 truncate: bool = True, max_input_tokens: int | None = None,
                 requests_per_minute: float | EllipsisType | None = ...,
                 tokens_per_minute: float | EllipsisType | None = ..., max_concurrency: int = 8,
                 timeout: float = 60.0, empty: str = "space",
                 exact_tokens: bool = True) -> None:
        super().__init__(model, api_key=api_key, base_url=base_url,
                         max_concurrency=max_concurrency, timeout=timeout,
                         rates={"requests_per_minute": requests_per_minute,
                                "tokens_per_minute": tokens_per_minute})
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
        # Exact counts only where the tokenizer is the model's; other servers get the bound.
        self.tokens: TokenCounter = token_counter(exact_tokens and native is not None)
        self.connect_early()

    def revision_parts(self) -> list[str]:
        """The ``dimensions`` asked for."""
        return [f"dimension={self.dimensions}"] if self.dimensions else []

    def create_client(self, api_key: str, base_url: str | None) -> Any:
        """The ``openai.OpenAI`` client, with the SDK's own retries off."""
        import openai

        return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=self.timeout,
                             max_retries=0)

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

    def send(self, texts: list[str], input_type: str | None) -> np.ndarray:
        """One ``embeddings.create`` call for at most 2,048 texts; float32 rows in order."""
        prepared = self._prepare(texts)
        options: dict[str, Any] = {}
        if self.dimensions:
            options["dimensions"] = self.dimensions
        response = self.client().embeddings.create(model=self.model, input=prepared,
                                                   encoding_format="base64", **options)
        return self._vectors(response, len(texts))

    def translate(self, exc: BaseException) -> ProviderError | None:
        """The SDK's errors by kind and status, with OpenAI's message; ``None`` for a bug."""
        import json

        import openai

        if isinstance(exc, openai.APITimeoutError):
            return self.provider_error(ProviderTimeoutError, "no answer in time")
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__ or exc.__context__
            detail = f"{type(cause).__name__}: {cause}" if cause else exc.message
            return self.provider_error(ServiceUnavailableError, f"connection failed ({detail})")
        if isinstance(exc, openai.APIResponseValidationError):
            return self.provider_error(
                MalformedResponseError, f"answer did not match the schema: {exc.message}",
                exc.status_code)
        if isinstance(exc, openai.APIStatusError):
            body = exc.body if exc.body is not None else exc.message
            if exc.status_code == 429 and getattr(exc, "code", None) == "insufficient_quota":
                return self.provider_error(
                    BadRequestError, f"HTTP 429: {error_message(body)} (the account's quota is "
                    "used up; retrying will not help)", 429)
            return self.status_error(exc.status_code, body, exc.response.headers)
        if isinstance(exc, (json.JSONDecodeError, ValueError, TypeError, KeyError)):
            return self.provider_error(MalformedResponseError,
                                       f"unreadable answer ({type(exc).__name__}: {exc})")
        return None

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
