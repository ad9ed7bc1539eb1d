"""API keys kept out of sight: a wrapper whose repr, str and pickle never show the key, and
the one redaction every part of embedlab uses before anything is stored or printed:
:func:`redact` (text: keys, and URLs carrying a token in their user info, query or path;
option mappings: values under credential names too), :func:`is_secret_name` (which names
hold credentials) and :func:`endpoint_digest` (what identifies an endpoint in a cache)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, NoReturn, overload

__all__ = ["Secret", "endpoint_digest", "is_secret_name", "redact", "redact_url", "safe_identity"]

#: Shapes of provider keys that a server may echo back in an error (``sk-...``).
_KEY_SHAPES = re.compile(r"\bsk-[A-Za-z0-9_\-*]{6,}")
#: A URL inside any text.
_URLS = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
#: Path segments kept as they are: plain words and API versions; anything else may be a token.
_PLAIN_SEGMENT = re.compile(r"^(?:[A-Za-z][A-Za-z._\-]{0,23}|v\d+(?:\.\d+)?(?:beta|alpha)?)$")
#: Words that make an option (or variable) name a credential's: ``api_key``, ``AUTH_TOKEN``.
_SECRET_WORDS = ("key", "token", "secret", "password", "auth", "credential")


class Secret:
    """Holds an API key; only :meth:`reveal` gives it back, so it cannot leak by accident."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    @classmethod
    def from_env(cls, *variables: str) -> Secret | None:
        """The first non-empty value among the environment ``variables``, or ``None``."""
        import os

        for variable in variables:
            value = os.environ.get(variable, "").strip()
            if value:
                return cls(value)
        return None

    def reveal(self) -> str:
        """The key itself, for the one place that must send it: the SDK client."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError("an API key is not pickled; build the embedder again from the environment")


def redact_url(url: str) -> str:
    """``url`` with its user info, query, fragment and any path segment that is not a plain
    word or API version masked: ``https://***@gw.example/v1/***?***``."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "***"
    netloc = ("***@" if "@" in parts.netloc else "") + host + (f":{port}" if port else "")
    path = "/".join(seg if not seg or _PLAIN_SEGMENT.match(seg) else "***"
                    for seg in parts.path.split("/"))
    return urlunsplit((parts.scheme, netloc, path, "***" if parts.query else "",
                       "***" if parts.fragment else ""))


def is_secret_name(name: str) -> bool:
    """True for a name whose value is a credential (``api_key``, ``OPENAI_API_KEY``,
    ``auth_token``...): such a value is masked when shown and never written down."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


@overload
def redact(value: str, *secrets: Secret | str | None) -> str: ...
@overload
def redact(value: Mapping[str, Any], *secrets: Secret | str | None) -> dict[str, Any]: ...
@overload
def redact(value: Any, *secrets: Secret | str | None) -> Any: ...


def redact(value: Any, *secrets: Secret | str | None) -> Any:
    """What may be shown or stored of ``value``. In text, every given secret, anything
    shaped like a provider key, and every URL's user info, query and token-like path
    segments are masked; in a mapping (options), values under credential names
    (:func:`is_secret_name`) are masked and the others redacted in turn; lists and tuples
    item by item; a :class:`Secret` is ``"***"``; numbers and other values are kept."""
    if isinstance(value, Secret):
        return "***"
    if isinstance(value, str):
        for secret in secrets:
            text = secret.reveal() if isinstance(secret, Secret) else secret
            if text:
                value = value.replace(text, "***")
        value = _URLS.sub(lambda m: redact_url(m.group(0)), value)
        return _KEY_SHAPES.sub("sk-***", value)
    if isinstance(value, Mapping):
        return {str(k): "***" if is_secret_name(str(k)) else redact(v, *secrets)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v, *secrets) for v in value]
    return value


def endpoint_digest(url: str) -> str:
    """A short digest that identifies an endpoint in cache namespaces and model cards
    without its text (which may carry a token)."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def safe_identity(text: str) -> str:
    """``text`` itself when it holds nothing to redact, else a digest of it: for values that
    identify something (a cache namespace, a model's base revision) and are stored."""
    if redact(text) == text:
        return text
    return f"redacted-{endpoint_digest(text)}"
