"""``create_app``: the FastAPI application serving one embedlab model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI

from .._classification import classifier_of
from .._errors import ConfigurationError
from .._input_types import INPUT_TYPES, check_input_type
from .._model_ref import ModelLike, model_aliases, resolve_embedder
from .._version import __version__
from .batcher import MicroBatcher
from .errors import install_error_handlers
from .front_door import FrontDoor
from .limits import ServeLimits
from .routes import health, v1
from .schemas import ERROR_RESPONSES
from .state import ServeState

if TYPE_CHECKING:
    from .._transport.cache import EmbeddingCache

__all__ = ["create_app"]


def create_app(
    model: ModelLike,
    api_key: str | None = None,
    *,
    options: dict[str, Any] | None = None,
    input_type: str | None = None,
    cache: EmbeddingCache | bool | None = None,
    max_batch_texts: int = 1024,
    batch_wait_ms: float = 0.0,
    limits: ServeLimits | None = None,
) -> FastAPI:
    """An OpenAI-compatible API for ``model`` (any name :func:`embedlab.get_embedder`
    takes, an ``Embedder`` or a ``CustomModel``).

    ``api_key``: requests must carry it as a bearer token (``None``: no auth).
    ``options`` go to the provider. ``input_type``: used when a request names none.
    ``cache``: embedlab's embedding cache (``None``: the configured default).
    ``max_batch_texts``, ``batch_wait_ms``: the micro-batcher's call size and idle wait.
    ``limits``: the body cap and read timeout (:class:`ServeLimits`; ``None``: the defaults).
    """
    limits = limits or ServeLimits()
    if api_key is not None and not api_key.strip():
        raise ConfigurationError("api_key is empty; pass a key, or None to serve without auth")
    if input_type is not None and input_type not in INPUT_TYPES:
        raise ConfigurationError(f"input_type={input_type!r}; use one of "
                                 f"{', '.join(INPUT_TYPES)}")
    embedder = resolve_embedder(model, options)
    if input_type is not None:
        check_input_type(embedder, input_type)
    aliases = model_aliases(model, embedder)
    batcher = MicroBatcher(embedder, max_texts=max_batch_texts, max_wait=batch_wait_ms / 1000,
                           cache=cache)
    state = ServeState(embedder=embedder, model_id=aliases[0], aliases=aliases,
                       batcher=batcher, api_key=api_key, input_type=input_type,
                       classifier=classifier_of(model))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await batcher.aclose()  # uvicorn has let the requests in flight finish

    app = FastAPI(title="embedlab serve", version=__version__, lifespan=lifespan,
                  description=f"OpenAI-compatible embeddings for {state.model_id}")
    app.state.embedlab = state
    install_error_handlers(app)
    app.add_middleware(FrontDoor, api_key=api_key, limits=limits)
    for router in (health, v1):
        app.include_router(router, max_body_size=limits.max_request_bytes,
                           responses=ERROR_RESPONSES)
    return app
