"""``CohereEmbedder``: one ``ClientV2.embed`` call per batch; embedlab's pipeline does the
batching, concurrency, throttling to the key's rate, retries and caching around it."""

from __future__ import annotations

from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar

from embedlab import (
    INPUT_TYPES,
    ConfigurationError,
    InputTooLongError,
    MalformedResponseError,
    ProviderError,
)
from embedlab.hosted import AUTH_STATUSES, HostedEmbedder

from .models import DIMENSIONS, INPUT_TOKENS, V4_DIMENSIONS, supports_output_dimension

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CohereEmbedder"]

#: Environment variables the key is read from, in order.
KEY_VARIABLES = ("CO_API_KEY", "COHERE_API_KEY")
#: Environment variable holding another endpoint (a proxy, a test server).
URL_VARIABLE = "CO_API_URL"
#: Environment variable with the key's inputs a minute (the CLI has no option for it).
RATE_VARIABLE = "EMBEDLAB_COHERE_INPUTS_PER_MINUTE"
DEFAULT_INPUTS_PER_MINUTE = 2000.0
_TRUNCATE = {"END": "END", "START": "START", "NONE": "NONE", True: "END", False: "NONE"}


class CohereEmbedder(HostedEmbedder):
    """Cohere Embed through the official SDK's ``ClientV2``.

    Options: ``api_key`` (default ``CO_API_KEY`` or ``COHERE_API_KEY``), ``base_url``
    (default ``CO_API_URL``), ``output_dimension`` (alias ``dimensions``; embed-v4 only),
    ``truncate`` (``"END"``, ``"START"`` or ``"NONE"``), ``inputs_per_minute`` (the key's
    rate: default ``EMBEDLAB_COHERE_INPUTS_PER_MINUTE`` or 2,000; ``None`` for no pacing),
    ``max_concurrency``, ``timeout`` in seconds, ``input_type``.
    """

    provider = "cohere"
    label = "Cohere"
    max_batch_size = 96
    input_types: ClassVar[frozenset[str]] = frozenset(INPUT_TYPES)
    default_input_type = "classification"
    normalized = False
    key_variables = KEY_VARIABLES
    url_variable = URL_VARIABLE
    rate_variables: ClassVar[dict[str, str]] = {"inputs_per_minute": RATE_VARIABLE}
    default_rates: ClassVar[dict[str, float]] = {"inputs_per_minute": DEFAULT_INPUTS_PER_MINUTE}
    # Cohere's own statuses: 498 (invalid token) is a bad key, 499 (cancelled) is transient.
    auth_statuses = AUTH_STATUSES | {498}
    unavailable_statuses = frozenset({499})

    def __init__(self, model: str = "embed-english-v3.0", *, api_key: str | None = None,
                 base_url: str | None = None, output_dimension: int | None = None,
                 dimensions: int | None = None, truncate: str | bool = "END",
                 inputs_per_minute: float | EllipsisType | None = ..., max_concurrency: int = 8,
                 timeout: float = 60.0, input_type: str | None = None) -> None:
        super().__init__(model, api_key=api_key, base_url=base_url,
                         max_concurrency=max_concurrency, timeout=timeout,
                         rates={"inputs_per_minute": inputs_per_minute})
        chosen = output_dimension if output_dimension is not None else dimensions
        if chosen is not None:
            if not supports_output_dimension(model):
                raise ConfigurationError(
                    f"cohere: {model} has a fixed dimension; output_dimension (dimensions) "
                    "applies to embed-v4.0 and newer only — drop the option")
            if model == "embed-v4.0" and chosen not in V4_DIMENSIONS:
                raise ConfigurationError(
                    f"cohere: embed-v4.0 cannot give {chosen} dimensions; choose one of "
                    f"{', '.join(map(str, V4_DIMENSIONS))}")
        self.output_dimension = chosen
        self.dimension = chosen or DIMENSIONS.get(model)
        key = truncate.upper() if isinstance(truncate, str) else truncate
        if key not in _TRUNCATE:
            raise ConfigurationError(
                f"cohere: truncate={truncate!r} is not one of END, START, NONE")
        self.truncate = _TRUNCATE[key]
        self.truncates = self.truncate != "NONE"
        self.max_input_length = INPUT_TOKENS.get(model)
        if input_type is not None and input_type not in INPUT_TYPES:
            raise ConfigurationError(
                f"cohere: input_type={input_type!r} is not one of {', '.join(INPUT_TYPES)}")
        if input_type is not None:
            self.default_input_type = input_type
        self.connect_early()

    def revision_parts(self) -> list[str]:
        """The output dimension asked for, and a truncation other than Cohere's default."""
        parts = [f"dimension={self.output_dimension}"] if self.output_dimension else []
        return parts + ([f"truncate={self.truncate}"] if self.truncate != "END" else [])

    def create_client(self, api_key: str, base_url: str | None) -> Any:
        """The ``cohere.ClientV2``, with the SDK's own retries off."""
        import cohere

        return cohere.ClientV2(api_key=api_key, base_url=base_url, timeout=self.timeout,
                               max_retries=0, client_name="embedlab",
                               log_warning_experimental_features=False)

    def send(self, texts: list[str], input_type: str | None) -> np.ndarray:
        """One ``ClientV2.embed`` call for at most 96 texts; float32 rows in order."""
        import numpy as np

        options: dict[str, Any] = {}
        if self.output_dimension:
            options["output_dimension"] = self.output_dimension
        response = self.client().embed(model=self.model, input_type=input_type, texts=texts,
                                       embedding_types=["float"], truncate=self.truncate,
                                       **options)
        rows = getattr(getattr(response, "embeddings", None), "float_", None)
        if rows is None:
            raise MalformedResponseError("cohere: the answer holds no float embeddings",
                                         provider="cohere")
        try:
            vectors = np.asarray(rows, dtype=np.float32)
        except (TypeError, ValueError):
            raise MalformedResponseError("cohere: the embeddings are not a matrix of numbers",
                                         provider="cohere") from None
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise MalformedResponseError(
                f"cohere: asked for {len(texts)} embeddings, got {vectors.shape[0]}",
                provider="cohere")
        return vectors

    def translate(self, exc: BaseException) -> ProviderError:
        """The SDK's ``ApiError`` by status, with Cohere's message; anything else unreadable."""
        from cohere.core.api_error import ApiError
        from cohere.core.parse_error import ParsingError

        if isinstance(exc, ApiError):
            error = self.status_error(exc.status_code, exc.body, exc.headers)
            if isinstance(error, InputTooLongError):
                error.args = (f"{error.args[0]} — pass truncate='END' to cut long texts",)
            return error
        if isinstance(exc, ParsingError):
            return self.provider_error(
                MalformedResponseError,
                f"answer did not match the embed response schema ({exc.cause})", exc.status_code)
        return super().translate(exc) or self.provider_error(
            MalformedResponseError, f"unexpected answer ({type(exc).__name__}: {exc})")
