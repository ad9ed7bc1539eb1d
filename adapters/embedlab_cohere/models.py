"""What embedlab knows about Cohere's embedding models: their dimensions and input limits."""

from __future__ import annotations

__all__ = ["DIMENSIONS", "INPUT_TOKENS", "V4_DIMENSIONS", "supports_output_dimension"]

#: Output dimension of each known model (embed-v4.0: its default; see V4_DIMENSIONS).
DIMENSIONS: dict[str, int] = {
    "embed-v4.0": 1536,
    "embed-english-v3.0": 1024,
    "embed-multilingual-v3.0": 1024,
    "embed-english-light-v3.0": 384,
    "embed-multilingual-light-v3.0": 384,
}
#: Output dimensions embed-v4.0 can be asked for.
V4_DIMENSIONS: tuple[int, ...] = (256, 512, 1024, 1536)
#: Longest input in tokens; longer ones are cut (or refused with truncate="NONE").
INPUT_TOKENS: dict[str, int] = {
    "embed-v4.0": 128_000,
    "embed-english-v3.0": 512,
    "embed-multilingual-v3.0": 512,
    "embed-english-light-v3.0": 512,
    "embed-multilingual-light-v3.0": 512,
}


def supports_output_dimension(model: str) -> bool:
    """Whether ``output_dimension`` applies: embed-v4 and newer models only."""
    return model.startswith("embed-v") and not model.startswith(("embed-v1", "embed-v2",
                                                                  "embed-v3"))
