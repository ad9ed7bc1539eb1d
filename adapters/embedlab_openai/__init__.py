"""embedlab's openai provider, through the official `openai` SDK."""

from __future__ import annotations

from typing import TYPE_CHECKING

from embedlab.lazy import lazy_exports

if TYPE_CHECKING:
    from .embedder import OpenAIEmbedder

__all__ = ["OpenAIEmbedder"]

# ``OpenAIEmbedder`` loads on first use, so importing the plugin never imports the SDK.
__getattr__, __dir__ = lazy_exports(__name__, {"OpenAIEmbedder": ".embedder"})
