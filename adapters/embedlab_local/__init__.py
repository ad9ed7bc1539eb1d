"""embedlab's local provider: sentence-transformers models, embedded and finetuned on this
machine. Registered through the ``embedlab`` entry point like any third-party plugin.

The public classes load on first use, so importing the plugin stays cheap."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .embedder import LocalEmbedder
    from .finetuner import LocalFinetuner
    from .model import LocalCustomModel

_LAZY = {
    "LocalEmbedder": ".embedder",
    "LocalFinetuner": ".finetuner",
    "LocalCustomModel": ".model",
}

__all__ = ["LocalCustomModel", "LocalEmbedder", "LocalFinetuner"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'embedlab_local' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value
