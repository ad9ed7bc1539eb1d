"""embedlab's local provider: sentence-transformers models, embedded and finetuned on this
machine. Registered through the ``embedlab`` entry point like any third-party plugin.

The public classes load on first use, so importing the plugin stays cheap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from embedlab.lazy import lazy_exports

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

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
