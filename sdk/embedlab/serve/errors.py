"""Errors in OpenAI's shape (``{"error": {"message", "type", "param", "code"}}``) with
OpenAI's status codes, for every failure the server answers: bad requests, auth, unknown
models and URLs, provider faults, and anything unexpected (logged, never echoed)."""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from .._errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    EmbedlabError,
    ModelNotFoundError,
    RateLimitError,
    TransientError,
)

__all__ = ["APIError", "api_error_from", "install_error_handlers", "too_large"]

logger = logging.getLogger("embedlab.serve")


class APIError(Exception):
    """An error the server answers in OpenAI's shape."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def response(self) -> Response:
        """The JSON response for this error, in ASCII: a message quoting the request (a model
        name holding a lone surrogate, say) cannot fail to encode."""
        body = {"error": {"message": self.message, "type": self.type, "param": self.param,
                          "code": self.code}}
        return Response(json.dumps(body, separators=(",", ":")), status_code=self.status,
                        headers=self.headers, media_type="application/json")


def too_large(limit: int) -> APIError:
    """413 for a body over ``limit`` bytes; the connection is closed, the rest left unread."""
    return APIError(413, f"The request body is over this server's limit of {limit:,} bytes "
                         "(embedlab serve --max-request-bytes). Send fewer or shorter inputs "
                         "per request.", code="request_too_large",
                    headers={"Connection": "close"})


def api_error_from(exc: EmbedlabError) -> APIError:
    """The answer for an embedlab error raised while embedding a request."""
    message = str(exc)
    if isinstance(exc, (BadRequestError, ConfigurationError, ModelNotFoundError)):
        return APIError(400, message)
    if isinstance(exc, AuthenticationError):  # the server's own provider key: not the caller's
        logger.error("the model's provider refused this server's credentials: %s", message)
        return APIError(502, "The model's provider refused this server's credentials; the "
                             "server's operator must fix them.", type="server_error")
    if isinstance(exc, TransientError):
        retry = exc.retry_after
        headers = {"Retry-After": str(max(1, math.ceil(retry)))} if retry else {}
        if isinstance(exc, RateLimitError):
            return APIError(429, f"The model's provider is rate limiting: {message}",
                            type="requests", code="rate_limit_exceeded", headers=headers)
        return APIError(503, f"The model is unavailable for now, try again: {message}",
                        type="server_error", code="service_unavailable", headers=headers)
    logger.error("embedding failed: %s", message)
    return APIError(500, f"The model failed: {message}", type="server_error")


_OBJECT = 'The body must be a JSON object such as {"model": ..., "input": ...}.'


def _validation_message(errors: list[Any]) -> tuple[str, str | None]:
    """One readable message (and the parameter at fault) from pydantic's error list."""
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", ()) if part != "body"]
    param = ".".join(location) or None
    if first.get("type") == "json_invalid":
        return f"We could not parse the JSON body of your request. {_OBJECT}", None
    if param is None:  # valid JSON, but not an object: an array, a string, a number...
        return f"The request body is not a JSON object. {_OBJECT}", None
    if first.get("type") == "missing":
        return f"Missing required parameter: '{param}'.", param
    return f"Invalid value for '{param}': {first.get('msg', 'invalid')}.", param


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in OpenAI's shape."""

    @app.exception_handler(APIError)
    async def _api_error(request: Request, exc: APIError) -> Response:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        message, param = _validation_message(list(exc.errors()))
        return APIError(400, message, param=param).response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (404, 405):
            message = f"Invalid URL ({request.method} {request.url.path})"
            return APIError(exc.status_code, message, code="unknown_url").response()
        if exc.status_code == 413:  # Starlette's body limit on a body sent in chunks
            return too_large(request.scope.get(MAX_BODY_SIZE_SCOPE_KEY, 0)).response()
        return APIError(exc.status_code, str(exc.detail),
                        headers=dict(exc.headers or {})).response()

    @app.exception_handler(EmbedlabError)
    async def _embedlab(request: Request, exc: EmbedlabError) -> Response:
        return api_error_from(exc).response()

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return APIError(500, "The server had an error while processing your request.",
                        type="server_error").response()
