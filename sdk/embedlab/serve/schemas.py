"""The request bodies the server reads, as OpenAI's API describes them (``input`` is checked
by hand in the route, for messages that name the offending item)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

__all__ = ["ERROR_RESPONSES", "MAX_INPUTS", "ClassifyRequest", "EmbeddingRequest", "ErrorBody"]

#: OpenAI's limit on the inputs of one embeddings request.
MAX_INPUTS = 2048


#: What ``input`` takes, for the OpenAPI document (the route checks it, naming the item).
INPUT_SCHEMA: JsonDict = {"anyOf": [
    {"type": "string", "minLength": 1},
    {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
     "maxItems": MAX_INPUTS},
]}


class EmbeddingRequest(BaseModel):
    """``POST /v1/embeddings``. Unknown fields are ignored, as most compatible servers do."""

    model_config = ConfigDict(extra="ignore")

    input: Any = Field(json_schema_extra=INPUT_SCHEMA)
    model: str
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(default=None, ge=1)
    user: str | None = None
    #: embedlab's extension (``extra_body={"input_type": ...}`` in the OpenAI SDK):
    #: search_query, search_document, classification or clustering.
    input_type: str | None = None


class ClassifyRequest(BaseModel):
    """``POST /v1/classify`` (embedlab's own route): label texts with the model's classifier."""

    model_config = ConfigDict(extra="ignore")

    input: Any = Field(json_schema_extra=INPUT_SCHEMA)
    model: str
    #: How many of the most probable classes to list per text.
    top_k: int = Field(default=3, ge=1)
    #: Under this probability the label is ``"uncertain"``.
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)


class ErrorDetail(BaseModel):
    """What went wrong, as OpenAI describes an error."""

    message: str
    type: str
    param: str | None
    code: str | None


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {"message", "type", "param", "code"}}``."""

    error: ErrorDetail


#: The error answers every route may give, for the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorBody, "description": "A bad request, in OpenAI's error shape."},
    "5XX": {"model": ErrorBody, "description": "A server or model failure, in OpenAI's error "
                                               "shape."},
}
