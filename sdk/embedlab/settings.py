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

__all__ = ["cache_dir", "cache_enabled", "data_dir", "env_flag", "env_rate"]


def env_flag(name: str) -> bool | None:
    """``True``/``False`` for the usual spellings of a boolean variable, ``None`` if unset."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip().lower() not in {"0", "false", "no", "off"}


def env_rate(name: str, default: float | None) -> float | None:
    """A per-minute limit from variable ``name``: a positive number, ``none`` (no limit), or
    ``default`` when unset. Lets a CLI user match a key's own limits without code."""
    from .errors import ConfigurationError

    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"none", "off", "0"}:
        return None
    try:
        rate = float(value.replace("_", "").replace(",", ""))
    except ValueError:
        rate = -1.0
    if rate <= 0:
        raise ConfigurationError(f"{name}={value!r}: give a positive number a minute, or none")
    return rate


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
