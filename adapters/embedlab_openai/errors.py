"""OpenAI SDK exceptions turned into embedlab's errors, keeping OpenAI's own message and
never the key: the pipeline retries the transient ones and shows the rest."""

from __future__ import annotations

import json
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

__all__ = ["KEY_VARIABLE", "translate"]

KEY_VARIABLE = "OPENAI_API_KEY"
_SET_KEY = "set OPENAI_API_KEY to a valid OpenAI API key, or pass api_key="


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        nested = body.get("error")
        inner: dict[str, Any] = nested if isinstance(nested, dict) else body
        if inner.get("message"):
            return str(inner["message"])
    return str(getattr(exc, "message", None) or exc)


def translate(exc: BaseException, key: Secret | None) -> ProviderError | None:
    """The embedlab error for ``exc`` from ``embeddings.create`` (key scrubbed from text), or
    ``None`` when ``exc`` is not a provider failure (a bug to let through)."""
    import openai

    def make(cls: type[ProviderError], text: str, status: int | None = None,
             **extra: Any) -> ProviderError:
        return cls(redact(f"OpenAI: {text}", key), provider="openai", status=status, **extra)

    if isinstance(exc, openai.APITimeoutError):
        return make(ProviderTimeoutError, "no answer in time")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc.__context__
        detail = f"{type(cause).__name__}: {cause}" if cause else _message(exc)
        return make(ServiceUnavailableError, f"connection failed ({detail})")
    if isinstance(exc, openai.APIResponseValidationError):
        return make(MalformedResponseError, f"answer did not match the schema: {_message(exc)}",
                    exc.status_code)
    if isinstance(exc, openai.APIStatusError):
        status, text = exc.status_code, _message(exc)
        headers = exc.response.headers
        code = getattr(exc, "code", None)
        if status in (401, 403):
            return make(AuthenticationError, f"HTTP {status}: {text} — {_SET_KEY}", status)
        if status == 429 and code == "insufficient_quota":
            return make(BadRequestError, f"HTTP 429: {text} (the account's quota is used up; "
                                         "retrying will not help)", status)
        if status == 429:
            return make(RateLimitError, f"HTTP 429: {text}", status,
                        retry_after=parse_retry_after(headers))
        if status in (408, 504):
            return make(ProviderTimeoutError, f"HTTP {status}: {text}", status,
                        retry_after=parse_retry_after(headers))
        if status >= 500 or status == 409:
            return make(ServiceUnavailableError, f"HTTP {status}: {text}", status,
                        retry_after=parse_retry_after(headers))
        if "maximum context length" in text or "too many tokens" in text.lower():
            return make(InputTooLongError, f"HTTP {status}: {text}", status)
        return make(BadRequestError, f"HTTP {status}: {text}", status)
    if isinstance(exc, (json.JSONDecodeError, ValueError, TypeError, KeyError)):
        return make(MalformedResponseError, f"unreadable answer ({type(exc).__name__}: {exc})")
    return None
