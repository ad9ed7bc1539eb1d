"""embedlab's openai provider, through the official `openai` SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .embedder import OpenAIEmbedder

__all__ = ["OpenAIEmbedder"]


def __getattr__(name: str) -> Any:
    """``OpenAIEmbedder`` on first use, so importing the plugin never imports the SDK."""
    if name == "OpenAIEmbedder":
        from .embedder import OpenAIEmbedder

        return OpenAIEmbedder
    raise AttributeError(f"module 'embedlab_openai' has no attribute {name!r}")
