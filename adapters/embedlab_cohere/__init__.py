"""embedlab's cohere provider, through the official `cohere` SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .embedder import CohereEmbedder

__all__ = ["CohereEmbedder"]


def __getattr__(name: str) -> Any:
    """``CohereEmbedder`` on first use, so importing the plugin never imports the SDK."""
    if name == "CohereEmbedder":
        from .embedder import CohereEmbedder

        return CohereEmbedder
    raise AttributeError(f"module 'embedlab_cohere' has no attribute {name!r}")
