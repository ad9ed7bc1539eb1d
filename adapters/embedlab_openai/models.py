"""What embedlab knows about OpenAI's embedding models: dimensions and request limits."""

from __future__ import annotations

__all__ = ["DIMENSIONS", "MAX_INPUTS", "MAX_INPUT_TOKENS", "MAX_REQUEST_TOKENS",
           "supports_dimensions"]

#: Native output dimension of each known model.
DIMENSIONS: dict[str, int] = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
#: Limits OpenAI enforces on one embeddings request.
MAX_INPUTS = 2048
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000


def supports_dimensions(model: str) -> bool:
    """Whether ``dimensions`` may be sent: text-embedding-3 models, and names embedlab does
    not know (an OpenAI-compatible server decides for itself)."""
    return model.startswith("text-embedding-3") or model not in DIMENSIONS
