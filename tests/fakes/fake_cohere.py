"""A fake Cohere API: ``POST /v2/embed`` and ``/v1/embed`` as the official spec describes
them, with Cohere's error bodies, checked against ``cohere-openapi.yaml`` when present."""

from __future__ import annotations

import uuid
from typing import Any

from ._server import FakeServer, RateLimit, Reply, Request, deterministic_vectors
from ._spec import spec_schema

__all__ = ["COHERE_DIMENSIONS", "FakeCohere"]

#: Output dimension of the real models; other names get ``default_dimension``.
COHERE_DIMENSIONS = {
    "embed-v4.0": 1536,
    "embed-english-v3.0": 1024,
    "embed-multilingual-v3.0": 1024,
    "embed-english-light-v3.0": 384,
    "embed-multilingual-light-v3.0": 384,
}
V4_DIMENSIONS = (256, 512, 1024, 1536)
#: Longest text in characters the fake embeds whole (stands in for the token limit).
MAX_CHARS = 2048


class FakeCohere(FakeServer):
    """Cohere's embed endpoints on 127.0.0.1; ``inputs_per_minute`` turns on the rate limit."""

    provider = "cohere"

    def __init__(self, *, api_key: str = "co-test-key", latency: float = 0.0,
                 inputs_per_minute: float | None = None, default_dimension: int = 1024,
                 burst_seconds: float = 1.0) -> None:
        limit = (RateLimit({"inputs": inputs_per_minute}, burst_seconds=burst_seconds)
                 if inputs_per_minute else None)
        super().__init__(api_key=api_key, latency=latency, rate_limit=limit)
        self.default_dimension = default_dimension
        self.routes = {"/v2/embed": self._embed_v2, "/v1/embed": self._embed_v1}

    def error_body(self, status: int, message: str) -> Any:
        return {"id": str(uuid.uuid4()), "message": message}

    def cost(self, request: Request) -> dict[str, float]:
        texts = request.body.get("texts") if isinstance(request.body, dict) else None
        return {"inputs": float(len(texts) if isinstance(texts, list) else 1)}

    def _check(self, request: Request, path: str) -> Reply | None:
        schema = spec_schema("cohere-openapi.yaml", path)
        errors = schema.request_errors(request.body) if schema is not None else []
        body = request.body
        texts = body.get("texts")
        if not isinstance(texts, list) or not texts:
            errors.append("texts: this fake serves text embeddings only; send 1 to 96 texts")
        model = str(body.get("model", ""))
        if path == "/v2/embed" and body.get("embedding_types") not in (None, ["float"]):
            errors.append("embedding_types: this fake answers float only")
        dimension = body.get("output_dimension")
        if dimension is not None and (not model.startswith("embed-v4")
                                      or dimension not in V4_DIMENSIONS):
            errors.append(f"output_dimension: {dimension} is not available for {model}")
        if body.get("truncate") == "NONE" and any(len(t) > MAX_CHARS for t in texts or []):
            return Reply(400, self.error_body(
                400, "invalid request: one of the texts is too long; set truncate to END"))
        if errors:
            self.violations.extend(f"{path} {e}" for e in errors)
            return Reply(400, self.error_body(400, "invalid request: " + "; ".join(errors)))
        return None

    def _vectors(self, body: dict[str, Any]) -> list[list[float]]:
        model = str(body["model"])
        dimension = body.get("output_dimension") or COHERE_DIMENSIONS.get(
            model, self.default_dimension)
        texts = [t[:MAX_CHARS] for t in body["texts"]]
        salt = f"{model}|{body.get('input_type')}"
        return deterministic_vectors(texts, int(dimension), salt).round(6).tolist()

    def _embed_v2(self, request: Request) -> Reply:
        refused = self._check(request, "/v2/embed")
        if refused is not None:
            return refused
        return Reply(200, {
            "id": str(uuid.uuid4()),
            "response_type": "embeddings_by_type",
            "embeddings": {"float": self._vectors(request.body)},
            "texts": request.body["texts"],
            "meta": {"api_version": {"version": "2"},
                     "billed_units": {"input_tokens": sum(len(t.split())
                                                          for t in request.body["texts"])}},
        })

    def _embed_v1(self, request: Request) -> Reply:
        refused = self._check(request, "/v1/embed")
        if refused is not None:
            return refused
        vectors = self._vectors(request.body)
        if request.body.get("embedding_types"):
            return Reply(200, {"id": str(uuid.uuid4()), "response_type": "embeddings_by_type",
                               "embeddings": {"float": vectors},
                               "texts": request.body["texts"]})
        return Reply(200, {"id": str(uuid.uuid4()), "response_type": "embeddings_floats",
                           "embeddings": vectors, "texts": request.body["texts"]})

    def drop_one(self, reply: Reply) -> Reply:
        embeddings = reply.body.get("embeddings") if isinstance(reply.body, dict) else None
        if isinstance(embeddings, dict):
            embeddings["float"] = embeddings["float"][:-1]
        elif isinstance(embeddings, list):
            reply.body["embeddings"] = embeddings[:-1]
        return reply
