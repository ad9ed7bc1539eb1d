"""Cohere SDK exceptions turned into embedlab's errors, keeping Cohere's own message and
never the key: the pipeline retries the transient ones and shows the rest."""

from __future__ import annotations

from typing import Any

from embedlab.errors import (
    AuthenticationError,
    BadRequestError,
    InputTooLongError,
    MalformedResponseError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServiceUnavailableError,
)
from embedlab.retry_after import parse_retry_after
from embedlab.secret import Secret, redact

__all__ = ["KEY_VARIABLES", "translate"]

#: Environment variables the key is read from, in order.
KEY_VARIABLES = ("CO_API_KEY", "COHERE_API_KEY")
_SET_KEY = "set CO_API_KEY (or COHERE_API_KEY) to a valid Cohere API key, or pass api_key="


def _message(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("message", "detail", "error"):
            if body.get(key):
                return str(body[key])
    return str(body)[:500] if body not in (None, "") else "no message"


def translate(exc: BaseException, key: Secret | None) -> ProviderError:
    """The embedlab error for ``exc`` raised by ``ClientV2.embed`` (key scrubbed from text)."""
    import httpx
    from cohere.core.api_error import ApiError
    from cohere.core.parse_error import ParsingError

    def make(cls: type[ProviderError], text: str, status: int | None = None,
             **extra: Any) -> ProviderError:
        return cls(redact(f"Cohere: {text}", key), provider="cohere", status=status, **extra)

    if isinstance(exc, httpx.TimeoutException):
        return make(ProviderTimeoutError, f"no answer in time ({type(exc).__name__})")
    if isinstance(exc, httpx.TransportError):
        return make(ServiceUnavailableError, f"connection failed ({type(exc).__name__}: {exc})")
    if isinstance(exc, ParsingError):
        return make(MalformedResponseError,
                    f"answer did not match the embed response schema ({exc.cause})",
                    exc.status_code)
    if not isinstance(exc, ApiError):
        return make(MalformedResponseError, f"unexpected answer ({type(exc).__name__}: {exc})")
    status = exc.status_code
    text = _message(exc.body)
    if status is not None and 200 <= status < 300:
        return make(MalformedResponseError, f"answer is not valid JSON: {text[:200]}", status)
    if status in (401, 403, 498):
        return make(AuthenticationError, f"HTTP {status}: {text} — {_SET_KEY}", status)
    if status == 429:
        return make(RateLimitError, f"HTTP 429: {text}", status,
                    retry_after=parse_retry_after(exc.headers))
    if status in (408, 504):
        return make(ProviderTimeoutError, f"HTTP {status}: {text}", status,
                    retry_after=parse_retry_after(exc.headers))
    if status is None or status >= 500 or status == 499:
        return make(ServiceUnavailableError, f"HTTP {status}: {text}", status,
                    retry_after=parse_retry_after(exc.headers))
    if "too long" in text.lower() or "too many tokens" in text.lower():
        return make(InputTooLongError, f"HTTP {status}: {text}", status)
    return make(BadRequestError, f"HTTP {status}: {text}", status)
