"""Lazy re-exports for a package's ``__init__``: names that load their module on first use, so
importing the package stays cheap (embedlab's own packages and plugins use it alike).

    from embedlab.lazy import lazy_exports

    __getattr__, __dir__ = lazy_exports(__name__, {"MyEmbedder": ".embedder"})
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` for package ``package``: ``exports`` maps a
    name to the module that defines it (absolute, or relative to ``package`` like ``.model``);
    the first access imports it and keeps the value in the package's namespace."""
    exports = dict(exports)

    def __getattr__(name: str) -> Any:
        where = exports.get(name)
        if where is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(where, package), name)
        vars(sys.modules[package])[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__
