"""``HostedEmbedder``, the base for an embedder behind a provider's web API, and
:func:`error_for_status`, the one mapping from an HTTP status to embedlab's errors.

Hosted providers differ in one place: the request that embeds a batch. The rest is here
once: the API key from the environment (held as a :class:`~embedlab._secret.Secret`, never
shown), the endpoint, a client made once and lazily, rate limits from the environment, the
cache revision, and HTTP failures turned into embedlab's errors (which the pipeline retries
or shows). A plugin writes :meth:`HostedEmbedder.send`; one built on a provider's own SDK
also overrides :meth:`~HostedEmbedder.create_client` and :meth:`~HostedEmbedder.translate`.
"""

from __future__ import annotations

import os
import sys
import threading
from abc import abstractmethod
from collections.abc import Collection, Mapping, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, ClassVar

from ._embedder import Embedder
from ._errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    EmbedlabError,
    InputTooLongError,
    MalformedResponseError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServiceUnavailableError,
)
from ._input_types import check_input_type
from ._secret import Secret, endpoint_digest, redact
from ._transport.retry_after import parse_retry_after
from .settings import env_rate

if TYPE_CHECKING:
    import numpy as np

__all__ = ["AUTH_STATUSES", "HostedEmbedder", "error_for_status", "error_message"]

#: Statuses that mean the key is missing, wrong or not allowed.
AUTH_STATUSES: frozenset[int] = frozenset({401, 403})
#: Phrases providers use when a text is over the model's input limit.
_TOO_LONG = ("too long", "too many tokens", "maximum context length")


def error_message(body: Any) -> str:
    """The provider's own message from an error body (``{"message"}``, ``{"detail"}``,
    ``{"error": {"message"}}``...), else the body's text."""
    if isinstance(body, Mapping):
        nested = body.get("error")
        for source in ((nested, body) if isinstance(nested, Mapping) else (body,)):
            for key in ("message", "detail", "error"):
                if source.get(key):
                    return str(source[key])
    return str(body)[:500] if body not in (None, "", b"") else "no message"


def error_for_status(status: int | None, body: Any, *, provider: str, label: str = "",
                     headers: Mapping[str, Any] | None = None, key: Secret | str | None = None,
                     key_hint: str = "", auth: Collection[int] = AUTH_STATUSES,
                     unavailable: Collection[int] = ()) -> ProviderError:
    """The embedlab error for an HTTP ``status`` answered with ``body`` (a parsed JSON body or
    text), keeping the provider's message, honouring ``Retry-After`` and scrubbing ``key``.

    401/403 (and ``auth``) → :class:`AuthenticationError` with ``key_hint``; 429 →
    :class:`RateLimitError`; 408/504 → :class:`ProviderTimeoutError`; 5xx, no status, and
    ``unavailable`` → :class:`ServiceUnavailableError`; a 2xx that could not be read →
    :class:`MalformedResponseError`; a message saying the input is too long →
    :class:`InputTooLongError`; any other status → :class:`BadRequestError`.
    """
    text = error_message(body)
    name = label or provider

    def make(cls: type[ProviderError], detail: str, **extra: Any) -> ProviderError:
        return cls(redact(f"{name}: {detail}", key), provider=provider, status=status, **extra)

    wait = {"retry_after": parse_retry_after(headers)}
    if status is not None and 200 <= status < 300:
        return make(MalformedResponseError, f"answer is not valid JSON: {text[:200]}")
    if status in auth:
        return make(AuthenticationError,
                    f"HTTP {status}: {text}" + (f" — {key_hint}" if key_hint else ""))
    if status == 429:
        return make(RateLimitError, f"HTTP 429: {text}", **wait)
    if status in (408, 504):
        return make(ProviderTimeoutError, f"HTTP {status}: {text}", **wait)
    if status is None or status >= 500 or status in unavailable:
        return make(ServiceUnavailableError, f"HTTP {status}: {text}", **wait)
    if any(phrase in text.lower() for phrase in _TOO_LONG):
        return make(InputTooLongError, f"HTTP {status}: {text}")
    return make(BadRequestError, f"HTTP {status}: {text}")


class HostedEmbedder(Embedder):
    """An :class:`~embedlab.Embedder` that calls a provider's web API; implement :meth:`send`.

    Declare ``provider``, ``key_variables`` (where the key is read from) and, for the default
    ``httpx`` client, ``default_base_url``. Options every hosted embedder takes: ``api_key``
    (default: the first of ``key_variables`` that is set; read when the client is made),
    ``base_url`` (default: ``url_variable``, then the provider's own endpoint),
    ``max_concurrency``, ``timeout`` in seconds, and one keyword per ``rate_variables``
    entry (a limit a minute; ``...``: its variable, else ``default_rates``; ``None``: none).

    ``revision`` is the identity of the vectors beyond provider and model, since a hosted
    model has no weights to hash: a digest of a non-default endpoint plus the options that
    change the vectors (:meth:`revision_parts`); empty for the provider's own endpoint with
    default options.
    """

    #: The provider as people write it in messages (``"Cohere"``); default: ``provider``.
    label: ClassVar[str] = ""
    #: Environment variables the key is read from, first set wins.
    key_variables: ClassVar[tuple[str, ...]] = ()
    #: Said after "no API key." (e.g. what to pass to a server that needs no key).
    key_note: ClassVar[str] = ""
    #: Environment variable naming another endpoint (a proxy, a test server); ``None``: none.
    url_variable: ClassVar[str | None] = None
    #: Endpoint of the default ``httpx`` client when neither ``base_url`` nor
    #: ``url_variable`` gives one (SDK-based embedders leave it to their SDK).
    default_base_url: ClassVar[str | None] = None
    #: Each limit's value when its variable in ``rate_variables`` is unset.
    default_rates: ClassVar[dict[str, float]] = {}
    #: Statuses meaning a bad key, beyond 401 and 403; statuses that are transient, beyond
    #: 5xx, 408 and 429.
    auth_statuses: ClassVar[frozenset[int]] = AUTH_STATUSES
    unavailable_statuses: ClassVar[frozenset[int]] = frozenset()
    #: Seconds a request may take before it fails with a time-out (and is retried).
    timeout: float = 60.0

    def __init__(self, model: str, *, api_key: str | None = None, base_url: str | None = None,
                 max_concurrency: int = 8, timeout: float = 60.0,
                 rates: Mapping[str, float | EllipsisType | None] | None = None) -> None:
        if not model:
            raise ConfigurationError(f"{self.provider}: give a model name")
        if max_concurrency < 1:
            raise ConfigurationError(f"{self.provider}: max_concurrency must be at least 1")
        self.model = model
        self._key = Secret(api_key) if api_key else None
        self._base_url = base_url
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        given = rates or {}
        for attribute, variable in self.rate_variables.items():
            value = given.get(attribute, ...)
            setattr(self, attribute, env_rate(variable, self.default_rates.get(attribute))
                    if value is ... else value)
        self._client: Any = None
        self._lock = threading.Lock()

    def connect_early(self) -> None:
        """Make the client now when a key is at hand (call at the end of ``__init__``): made
        inside the first paced call, its set-up time would bunch the first requests."""
        if self._key or Secret.from_env(*self.key_variables):
            self.client()

    # -- key, endpoint, client ------------------------------------------------------------------

    def _name(self) -> str:
        return self.label or self.provider

    def _variables(self) -> str:
        first, *others = self.key_variables or ("the API key variable",)
        return first + (f" (or {', '.join(others)})" if others else "")

    def key_hint(self) -> str:
        """What to do about a refused key: the variable to set, or ``api_key=``."""
        return f"set {self._variables()} to a valid {self._name()} API key, or pass api_key="

    def endpoint(self) -> str | None:
        """The endpoint asked for: ``base_url``, else ``url_variable``; ``None``: the default."""
        return self._base_url or (os.environ.get(self.url_variable) if self.url_variable
                                  else None) or None

    def api_key(self) -> Secret:
        """The key given or from the environment; :class:`AuthenticationError` without one."""
        key = self._key or Secret.from_env(*self.key_variables)
        if key:
            return key
        note = f" {self.key_note}" if self.key_note else ""
        raise AuthenticationError(
            f"{self.provider}: no API key. Set {self._variables()} in the environment, or pass "
            f"api_key=, e.g. get_embedder('{self.name}', api_key=...){note}",
            provider=self.provider)

    def client(self) -> Any:
        """The client, made on first use (thread-safe) by :meth:`create_client`."""
        with self._lock:
            if self._client is None:
                key = self.api_key()
                self._client = self.create_client(key.reveal(), self.endpoint())
                self._key = key
            return self._client

    def create_client(self, api_key: str, base_url: str | None) -> Any:
        """A client for ``base_url`` (``None``: the provider's own) sending ``api_key``; by
        default an ``httpx.Client`` with a bearer token. SDK-based embedders return the SDK's
        client with its own retries off (embedlab's pipeline retries)."""
        import httpx

        url = base_url or self.default_base_url
        if not url:
            raise ConfigurationError(f"{self.provider}: no endpoint; pass base_url=")
        return httpx.Client(base_url=url, timeout=self.timeout,
                            headers={"Authorization": f"Bearer {api_key}"})

    @property
    def revision(self) -> str:  # type: ignore[override]
        """A non-default endpoint (as a digest: a URL may carry a token) and
        :meth:`revision_parts`, joined with ``;``."""
        parts = []
        endpoint = self.endpoint()
        if endpoint:
            parts.append(f"endpoint={endpoint_digest(endpoint.rstrip('/'))}")
        return ";".join([*parts, *self.revision_parts()])

    def revision_parts(self) -> list[str]:
        """Options that change the vectors, as ``name=value`` (none by default)."""
        return []

    # -- the call ---------------------------------------------------------------------------------

    @abstractmethod
    def send(self, texts: list[str], input_type: str | None) -> np.ndarray:
        """One request embedding ``texts`` (1 to ``max_batch_size``; ``input_type`` already
        checked, the default filled in) through :meth:`client`: rows in order. Failures may
        be raised as they come; :meth:`translate` turns them into embedlab's errors."""

    def translate(self, exc: BaseException) -> ProviderError | None:
        """The embedlab error for ``exc`` raised by :meth:`send`, or ``None`` to let it
        through (a bug). Handles ``httpx``'s time-outs, connection and status errors."""
        httpx = sys.modules.get("httpx")
        if httpx is None:  # httpx never loaded: nothing it raises can be here
            return None
        if isinstance(exc, httpx.TimeoutException):
            return self.provider_error(ProviderTimeoutError,
                                       f"no answer in time ({type(exc).__name__})")
        if isinstance(exc, httpx.TransportError):
            return self.provider_error(ServiceUnavailableError,
                                       f"connection failed ({type(exc).__name__}: {exc})")
        if isinstance(exc, httpx.HTTPStatusError):
            response = exc.response
            try:
                body: Any = response.json()
            except ValueError:
                body = response.text
            return self.status_error(response.status_code, body, response.headers)
        return None

    def provider_error(self, cls: type[ProviderError], detail: str,
                       status: int | None = None) -> ProviderError:
        """``cls`` with ``detail`` after the provider's name, the key scrubbed from it."""
        return cls(redact(f"{self._name()}: {detail}", self._key), provider=self.provider,
                   status=status)

    def status_error(self, status: int | None, body: Any,
                     headers: Mapping[str, Any] | None = None) -> ProviderError:
        """:func:`error_for_status` with this provider's names, key and statuses."""
        return error_for_status(status, body, provider=self.provider, label=self._name(),
                                headers=headers, key=self._key, key_hint=self.key_hint(),
                                auth=self.auth_statuses, unavailable=self.unavailable_statuses)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Checks the batch, then :meth:`send`, with failures turned into embedlab errors."""
        import numpy as np

        if len(texts) > self.max_batch_size:
            raise ConfigurationError(f"{self.provider}: {len(texts)} texts in one call; "
                                     f"{self._name()} takes at most {self.max_batch_size}")
        kind = check_input_type(self, input_type)
        if not texts:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        try:
            return self.send(list(texts), kind)
        except EmbedlabError:
            raise
        except Exception as exc:  # a provider failure becomes an embedlab error
            error = self.translate(exc)
            if error is None:
                raise
            raise error from None
