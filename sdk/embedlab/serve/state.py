"""What one server holds: the model, the names it answers to, its key and its batcher."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request

if TYPE_CHECKING:
    from .._classifier import ClassificationHead
    from .._embedder import Embedder
    from .batcher import MicroBatcher

__all__ = ["ServeState", "get_state"]


@dataclass
class ServeState:
    """The served model and its settings; kept on ``app.state.embedlab``."""

    embedder: Embedder
    #: The model's id, as ``GET /v1/models`` lists it.
    model_id: str
    #: Every name a request's ``model`` may give for it (the id first).
    aliases: tuple[str, ...]
    batcher: MicroBatcher
    #: The bearer token requests must carry; ``None``: no auth.
    api_key: str | None = field(default=None, repr=False)
    #: The input type used when a request names none (``None``: the model's default).
    input_type: str | None = None
    created: int = field(default_factory=lambda: int(time.time()))
    #: The custom model's classification head (``POST /v1/classify``); ``None``: it has none.
    classifier: ClassificationHead | None = None


def get_state(request: Request) -> ServeState:
    """The server state of the app handling ``request``."""
    state: ServeState = request.app.state.embedlab
    return state
