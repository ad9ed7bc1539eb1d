"""API keys kept out of sight: a wrapper whose repr, str and pickle never show the key, and
a function that scrubs a key from any text before it reaches a message or a log."""

from __future__ import annotations

import re
from typing import NoReturn

__all__ = ["Secret", "redact"]

#: Shapes of provider keys that a server may echo back in an error (``sk-...``).
_KEY_SHAPES = re.compile(r"\bsk-[A-Za-z0-9_\-*]{6,}")


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


def redact(text: str, *secrets: Secret | str | None) -> str:
    """``text`` with every given secret, and anything shaped like a provider key, masked."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if value:
            text = text.replace(value, "***")
    return _KEY_SHAPES.sub("sk-***", text)
