"""Fixtures for ``embedlab serve``: the app on a real uvicorn server on 127.0.0.1 (an
ephemeral port, in a thread), or in-process through httpx's ASGI transport."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_models import SERVE_KEY


@contextmanager
def live(app: Any, limits: Any = None) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 and a free port, with the settings ``embedlab
    serve`` uses (``limits``: a ServeLimits); yield its base URL (``.../v1``). Leaving the
    block shuts the server down gracefully, as SIGTERM would."""
    import uvicorn
    from embedlab.serve.server import bind, uvicorn_config

    config = uvicorn_config(app, "127.0.0.1", 0, limits=limits, log_level="warning")
    config.timeout_graceful_shutdown = 10
    server = uvicorn.Server(config)
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "the server did not shut down"


@pytest.fixture
def serve_live() -> Callable[[Any], Any]:
    """``with serve_live(app) as base_url:`` runs ``app`` on a real socket."""
    return live


@pytest.fixture
def fake_app(embedlab_fake_provider: str) -> Any:
    """The app serving provider ``fake`` behind :data:`SERVE_KEY`, without the cache."""
    from embedlab.serve import create_app

    return create_app("fake", SERVE_KEY, cache=False)


@pytest.fixture
def asgi(fake_app: Any) -> Callable[..., Any]:
    """An async httpx client on an app (``fake_app`` unless another is given), no socket."""
    import httpx

    def client(app: Any = None, key: str | None = SERVE_KEY) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app or fake_app),
                                 base_url="http://127.0.0.1", headers=headers)

    return client
