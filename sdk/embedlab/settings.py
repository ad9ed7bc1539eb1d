"""Where embedlab keeps things, read from the environment each time so tests can point it
elsewhere.

- ``EMBEDLAB_HOME``: one root for everything below (default: the platform's user dirs).
- ``EMBEDLAB_CACHE_DIR``: the embedding cache's directory.
- ``EMBEDLAB_CACHE``: ``0``/``off`` turns the persistent cache off by default.
- ``EMBEDLAB_PLUGINS``: comma-separated entry-point names; only these plugins load.
- ``EMBEDLAB_PROGRESS``: ``0`` hides progress bars, ``1`` forces them.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._errors import ConfigurationError

__all__ = ["MIN_RATE_PER_MINUTE", "cache_dir", "cache_enabled", "data_dir", "describe_wait",
           "env_flag", "env_rate"]


def env_flag(name: str) -> bool | None:
    """``True``/``False`` for the usual spellings of a boolean variable, ``None`` if unset."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() not in {"0", "false", "no", "off"}


#: The lowest per-minute limit a variable may set: below one a minute, no provider's key
#: is limited; the value is a slip (a rate per second, a misplaced point) that would make
#: embedlab wait silently for hours.
MIN_RATE_PER_MINUTE = 1.0


def env_rate(name: str, default: float | None) -> float | None:
    """A per-minute limit from variable ``name``: a number of at least
    :data:`MIN_RATE_PER_MINUTE`, ``none`` (no limit), or ``default`` when unset. Lets a CLI
    user match a key's own limits without code."""

    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"none", "off", "0"}:
        return None
    try:
        rate = float(value.replace("_", "").replace(",", ""))
    except ValueError:
        rate = -1.0
    if not rate > 0:  # NaN too
        raise ConfigurationError(f"{name}={value!r}: give a positive number a minute, or none")
    if rate < MIN_RATE_PER_MINUTE:
        raise ConfigurationError(
            f"{name}={value!r}: that is under {MIN_RATE_PER_MINUTE:g} a minute, so a batch of "
            f"100 would wait {describe_wait(100 / rate * 60)}; no key's limit is that low. Give "
            "the key's own limit a minute, or none to stop pacing")
    return rate


def describe_wait(seconds: float) -> str:
    """``3 min``, ``2 h 5 min``, ``16 days``: a wait as a person reads it."""
    minutes = seconds / 60
    if minutes < 120:
        return f"{max(1, round(minutes))} min"
    hours = minutes / 60
    if hours < 48:
        return f"{int(hours)} h {round(minutes % 60)} min"
    return f"{hours / 24:,.0f} days"


def _home() -> Path | None:
    home = os.environ.get("EMBEDLAB_HOME")
    return Path(home).expanduser() if home else None


def cache_dir() -> Path:
    """Directory of the persistent embedding cache."""
    explicit = os.environ.get("EMBEDLAB_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir("embedlab"))


def cache_enabled() -> bool:
    """Whether embedders use the persistent cache when the caller does not say."""
    return env_flag("EMBEDLAB_CACHE") is not False


def data_dir() -> Path:
    """Directory for embedlab's own records, such as the index of saved custom models."""
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir("embedlab"))
