"""embedlab's cohere provider, through the official `cohere` SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from embedlab.lazy import lazy_exports

if TYPE_CHECKING:
    from .embedder import CohereEmbedder

__all__ = ["CohereEmbedder"]

# ``CohereEmbedder`` loads on first use, so importing the plugin never imports the SDK.
__getattr__, __dir__ = lazy_exports(__name__, {"CohereEmbedder": ".embedder"})
