"""``CohereEmbedder``: one ``ClientV2.embed`` call per batch; embedlab's pipeline does the
batching, concurrency, throttling to the key's rate, retries and caching around it."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar

from embedlab.embedder import INPUT_TYPES, Embedder
from embedlab.errors import (
    AuthenticationError,
    ConfigurationError,
    InputTooLongError,
    MalformedResponseError,
)
from embedlab.secret import Secret, endpoint_digest
from embedlab.settings import env_rate

from .errors import KEY_VARIABLES, translate
from .models import DIMENSIONS, INPUT_TOKENS, V4_DIMENSIONS, supports_output_dimension

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CohereEmbedder"]

#: Environment variable holding another endpoint (a proxy, a test server).
URL_VARIABLE = "CO_API_URL"
#: Environment variable with the key's inputs a minute (the CLI has no option for it).
RATE_VARIABLE = "EMBEDLAB_COHERE_INPUTS_PER_MINUTE"
DEFAULT_INPUTS_PER_MINUTE = 2000.0
_TRUNCATE = {"END": "END", "START": "START", "NONE": "NONE", True: "END", False: "NONE"}


class CohereEmbedder(Embedder):
    """Cohere Embed through the official SDK's ``ClientV2``.

    Options: ``api_key`` (default ``CO_API_KEY`` or ``COHERE_API_KEY``), ``base_url``
    (default ``CO_API_URL``), ``output_dimension`` (alias ``dimensions``; embed-v4 only),
    ``truncate`` (``"END"``, ``"START"`` or ``"NONE"``), ``inputs_per_minute`` (the key's
    rate: default ``EMBEDLAB_COHERE_INPUTS_PER_MINUTE`` or 2,000; ``None`` for no pacing),
    ``max_concurrency``, ``timeout`` in seconds, ``input_type``.
    """

    provider = "cohere"
    max_batch_size = 96
    input_types: ClassVar[frozenset[str]] = frozenset(INPUT_TYPES)
    default_input_type = "classification"
    normalized = False
    rate_variables: ClassVar[dict[str, str]] = {"inputs_per_minute": RATE_VARIABLE}

    def __init__(self, model: str = "embed-english-v3.0", *, api_key: str | None = None,
                 base_url: str | None = None, output_dimension: int | None = None,
                 dimensions: int | None = None, truncate: str | bool = "END",
                 inputs_per_minute: float | EllipsisType | None = ..., max_concurrency: int = 8,
                 timeout: float = 60.0, input_type: str | None = None) -> None:
        if not model:
            raise ConfigurationError("cohere: give a model name, e.g. embed-english-v3.0")
        self.model = model
        self._key = Secret(api_key) if api_key else None
        self._base_url = base_url
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
        if max_concurrency < 1:
            raise ConfigurationError("cohere: max_concurrency must be at least 1")
        self.max_concurrency = max_concurrency
        self.inputs_per_minute = (env_rate(RATE_VARIABLE, DEFAULT_INPUTS_PER_MINUTE)
                                  if inputs_per_minute is ... else inputs_per_minute)
        self.timeout = timeout
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
        return bool(self._key or Secret.from_env(*KEY_VARIABLES))

    def _api_key(self) -> Secret:
        key = self._key or Secret.from_env(*KEY_VARIABLES)
        if key:
            return key
        raise AuthenticationError(
            "cohere: no API key. Set CO_API_KEY (or COHERE_API_KEY) in the environment, "
            "or pass api_key=, e.g. get_embedder('cohere:embed-english-v3.0', api_key=...)",
            provider="cohere")

    @property
    def revision(self) -> str:  # type: ignore[override]
        """Cache identity beyond the model name: a non-default endpoint and output options."""
        parts = []
        endpoint = self._endpoint()
        if endpoint:
            # A digest, not the text: an endpoint URL may carry a token.
            parts.append(f"endpoint={endpoint_digest(endpoint.rstrip('/'))}")
        if self.output_dimension:
            parts.append(f"dimension={self.output_dimension}")
        if self.truncate != "END":
            parts.append(f"truncate={self.truncate}")
        return ";".join(parts)

    def client(self) -> Any:
        """The ``cohere.ClientV2``, made on first use with the SDK's own retries off."""
        with self._lock:
            if self._client is None:
                import cohere

                key = self._api_key()
                self._client = cohere.ClientV2(
                    api_key=key.reveal, base_url=self._endpoint(), timeout=self.timeout,
                    max_retries=0, client_name="embedlab",
                    log_warning_experimental_features=False)
                self._key = key
            return self._client

    # -- the one call --------------------------------------------------------------------------

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """One ``ClientV2.embed`` call for at most 96 texts; float32 rows in order."""
        import numpy as np

        if len(texts) > self.max_batch_size:
            raise ConfigurationError(
                f"cohere: {len(texts)} texts in one call; Cohere takes at most 96")
        if not texts:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        kind = input_type or self.default_input_type
        if kind not in self.input_types:
            raise ConfigurationError(
                f"cohere: input_type={kind!r} is not one of {', '.join(INPUT_TYPES)}")
        client = self.client()
        options: dict[str, Any] = {}
        if self.output_dimension:
            options["output_dimension"] = self.output_dimension
        try:
            response = client.embed(model=self.model, input_type=kind, texts=list(texts),
                                    embedding_types=["float"], truncate=self.truncate,
                                    **options)
        except Exception as exc:  # every SDK failure becomes an embedlab error
            error = translate(exc, self._key)
            if isinstance(error, InputTooLongError):
                error.args = (f"{error.args[0]} — pass truncate='END' to cut long texts",)
            raise error from None
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
