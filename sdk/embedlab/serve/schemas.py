"""The request bodies the server reads, as OpenAI's API describes them (``input`` is checked
by hand in the route, for messages that name the offending item)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MAX_INPUTS", "EmbeddingRequest"]

#: OpenAI's limit on the inputs of one embeddings request.
MAX_INPUTS = 2048


class EmbeddingRequest(BaseModel):
    """``POST /v1/embeddings``. Unknown fields are ignored, as most compatible servers do."""

    model_config = ConfigDict(extra="ignore")

    input: Any
    model: str
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(default=None, ge=1)
    user: str | None = None
    #: embedlab's extension (``extra_body={"input_type": ...}`` in the OpenAI SDK):
    #: search_query, search_document, classification or clustering.
    input_type: str | None = None
