"""Running the app with uvicorn: bind the port first (a port in use is a one-line error before
the model loads), load and warm the model up, announce the URL once connections are accepted,
then serve until SIGINT/SIGTERM, letting the requests in flight finish."""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError
from .._model_ref import ModelLike
from .access_log import redact_access_log
from .app import create_app
from .connections import with_header_timeout
from .limits import ServeLimits

if TYPE_CHECKING:
    import uvicorn

__all__ = ["bind", "run_server", "uvicorn_config"]

#: Seconds the requests in flight get to finish after a shutdown signal.
GRACEFUL_SECONDS = 30


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a port in use (or an address this machine lacks)
    raises ConfigurationError naming it."""

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        reason = "is already in use" if exc.errno == errno.EADDRINUSE else f"failed: {exc}"
        raise ConfigurationError(
            f"--host {host} --port {port}: listening there {reason}; pick a free --port (0: "
            "any free port) or stop the process using it") from None


def uvicorn_config(app: Any, host: str, port: int, *, limits: ServeLimits | None = None,
                   log_level: str = "info") -> uvicorn.Config:
    """uvicorn's settings for ``app``: ``limits`` (timeouts, connections), a graceful
    shutdown, no ``Server`` header, and query strings kept out of the access log."""
    import uvicorn

    limits = limits or ServeLimits()
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level,
                            timeout_graceful_shutdown=GRACEFUL_SECONDS, lifespan="on",
                            server_header=False, http=with_header_timeout(limits.read_timeout),
                            # uvicorn counts the new request's own connection too
                            limit_concurrency=limits.max_connections + 1,
                            timeout_keep_alive=limits.keep_alive)
    redact_access_log()  # after uvicorn.Config, which configures its loggers
    return config


def run_server(model: ModelLike, *, host: str = "127.0.0.1", port: int = 8000,
               api_key: str | None = None, log_level: str = "info",
               on_ready: Callable[[str], None] | None = None,
               limits: ServeLimits | None = None, sock: socket.socket | None = None,
               **app_options: Any) -> None:
    """Serve ``model`` on ``host:port`` until interrupted; ``on_ready(url)`` is called once
    the model is loaded and the socket listens. ``limits`` and ``app_options`` go to
    ``create_app``. ``sock``: a socket from :func:`bind` to serve on (``host:port``'s is
    bound here otherwise, before the model loads, so a port in use fails at once)."""
    import uvicorn

    sock = sock or bind(host, port)
    try:
        app = create_app(model, api_key, limits=limits, **app_options)
        # Load the model now, not on the first request.
        app.state.embedlab.embedder.embed(["warm-up"], cache=False, progress=False)
    except BaseException:
        sock.close()
        raise
    config = uvicorn_config(app, host, port, limits=limits, log_level=log_level)
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
