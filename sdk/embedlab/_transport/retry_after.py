"""How long a provider asked us to wait: the ``Retry-After`` header (seconds or an HTTP
date) and its millisecond variant ``retry-after-ms``, as a number of seconds."""

from __future__ import annotations

import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["parse_retry_after"]


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if str(key).lower() == name:
            return str(value).strip()
    return None


def parse_retry_after(headers: Mapping[str, Any] | None, *, now: float | None = None
                      ) -> float | None:
    """Seconds to wait before retrying, or ``None`` if the headers do not say (or say nonsense)."""
    if not headers:
        return None
    millis = _header(headers, "retry-after-ms")
    if millis:
        try:
            value = float(millis) / 1000.0
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    raw = _header(headers, "retry-after")
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
        return max(seconds, 0.0)
    return seconds if seconds >= 0 else None
