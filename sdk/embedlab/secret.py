"""API keys kept out of sight: a wrapper whose repr, str and pickle never show the key, and
the one redaction every part of embedlab uses before text is stored or printed: :func:`redact`
(keys, and URLs carrying a token in their user info, query or path), :func:`redact_options`
(option mappings) and :func:`endpoint_digest` (what identifies an endpoint in a cache)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, NoReturn

__all__ = ["Secret", "endpoint_digest", "redact", "redact_options", "redact_url",
           "safe_identity"]

#: Shapes of provider keys that a server may echo back in an error (``sk-...``).
_KEY_SHAPES = re.compile(r"\bsk-[A-Za-z0-9_\-*]{6,}")
#: A URL inside any text.
_URLS = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")
#: Path segments kept as they are: plain words and API versions; anything else may be a token.
_PLAIN_SEGMENT = re.compile(r"^(?:[A-Za-z][A-Za-z._\-]{0,23}|v\d+(?:\.\d+)?(?:beta|alpha)?)$")
#: Option names whose values are credentials.
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


def redact(text: str, *secrets: Secret | str | None) -> str:
    """``text`` with every given secret, anything shaped like a provider key, and every
    URL's user info, query and token-like path segments masked."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value:
            text = text.replace(value, "***")
    text = _URLS.sub(lambda m: redact_url(m.group(0)), text)
    return _KEY_SHAPES.sub("sk-***", text)


def redact_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Options safe to store or print: values under credential-like names masked, every
    string redacted (a URL may carry a token), nested mappings and lists too."""
    def clean(key: str, value: Any) -> Any:
        if any(word in key.lower() for word in _SECRET_WORDS):
            return "***"
        if isinstance(value, Secret):
            return "***"
        if isinstance(value, str):
            return redact(value)
        if isinstance(value, Mapping):
            return redact_options(value)
        if isinstance(value, (list, tuple)):
            return [clean(key, v) for v in value]
        return value

    return {str(k): clean(str(k), v) for k, v in options.items()}


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
