"""Running the app with uvicorn: warm the model up, bind (so the real port is known,
``--port 0`` included), announce the URL once connections are accepted, then serve until
SIGINT/SIGTERM, letting the requests in flight finish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._model_ref import ModelLike

__all__ = ["run_server"]

#: Seconds the requests in flight get to finish after a shutdown signal.
GRACEFUL_SECONDS = 30


def run_server(model: ModelLike, *, host: str = "127.0.0.1", port: int = 8000,
               api_key: str | None = None, log_level: str = "info",
               on_ready: Callable[[str], None] | None = None, **app_options: Any) -> None:
    """Serve ``model`` on ``host:port`` until interrupted; ``on_ready(url)`` is called once
    the model is loaded and the socket listens. ``app_options`` go to ``create_app``."""
    import uvicorn

    from .app import create_app

    app = create_app(model, api_key, **app_options)
    state = app.state.embedlab
    # Load the model now, not on the first request.
    state.embedder.embed(["warm-up"], cache=False, progress=False)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level,
                            timeout_graceful_shutdown=GRACEFUL_SECONDS, lifespan="on",
                            server_header=False)
    sock = config.bind_socket()
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    url = f"http://{shown}:{bound_port}"

    class Server(uvicorn.Server):
        """uvicorn's server, announcing the URL once it accepts connections."""

        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and on_ready is not None:
                on_ready(url)

    Server(config).run(sockets=[sock])
