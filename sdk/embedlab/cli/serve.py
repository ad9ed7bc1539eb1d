"""``embedlab serve``: any embedlab model behind an OpenAI-compatible HTTP API."""

from __future__ import annotations

import os
import signal
from types import FrameType

import click

from .._embedder import INPUT_TYPES
from .._errors import ConfigurationError, ProviderUnavailableError
from ._errors import reports_errors

__all__ = ["serve_command"]


def _api_key(variable: str | None) -> str | None:
    """The key from environment variable ``variable`` (never printed), or ``None``."""

    if variable is None:
        return None
    value = os.environ.get(variable, "").strip()
    if not value:
        raise ConfigurationError(
            f"--api-key-env {variable}: the variable is not set or empty; export the key the "
            f"clients will send (export {variable}=...), or leave --api-key-env out to serve "
            "without auth")
    return value


@click.command("serve")
@click.option("--model", "-m", "model", required=True,
              help="Model to serve: provider[:model], a custom model's id or saved path.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--api-key-env", metavar="VAR", default=None,
              help="Require 'Authorization: Bearer KEY', KEY read from this environment "
                   "variable. Default: no auth.")
@click.option("--input-type", type=click.Choice(INPUT_TYPES), default=None,
              help="Input type for requests that name none (default: the model's).")
@click.option("--cache/--no-cache", default=None,
              help="Use embedlab's embedding cache (default: EMBEDLAB_CACHE, else on).")
@click.option("--max-batch", "max_batch", type=click.IntRange(min=1), default=1024,
              show_default=True, help="Most texts of concurrent requests embedded in one call.")
@click.option("--batch-wait-ms", type=click.FloatRange(min=0), default=0.0,
              show_default=True, help="How long an idle server waits for more requests to "
                                      "batch with the first.")
@click.option("--max-request-bytes", type=click.IntRange(min=1), default=None,
              help="Largest request body, in bytes; larger ones get 413 before they are read. "
                   "Default: 16 MiB (2,048 inputs of 8 KiB).")
@click.option("--read-timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
              show_default=True, help="Seconds a client has to send a request's headers, and "
                                      "then its body; a slower one is cut off.")
@click.option("--max-connections", type=click.IntRange(min=1), default=512, show_default=True,
              help="Connections open at once; a request on one more gets 503.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info",
                                                 "debug"]),
              default="info", show_default=True, help="uvicorn's log level.")
@reports_errors
def serve_command(model: str, host: str, port: int, api_key_env: str | None,
                  input_type: str | None, cache: bool | None, max_batch: int,
                  batch_wait_ms: float, max_request_bytes: int | None, read_timeout: float,
                  max_connections: int, log_level: str) -> None:
    """Serve a model at an OpenAI-compatible endpoint: POST /v1/embeddings, GET /v1/models,
    GET /health. Any OpenAI client can call it with base_url=http://HOST:PORT/v1.

    Stop it with Ctrl-C (or SIGTERM): requests in flight finish first."""

    key = _api_key(api_key_env)
    try:
        from ..serve import run_server
        from ..serve.front_door import is_loopback
        from ..serve.limits import DEFAULT_MAX_REQUEST_BYTES, ServeLimits
        from ..serve.server import bind
    except ImportError as exc:
        raise ProviderUnavailableError(
            f"embedlab serve needs {exc.name or 'fastapi and uvicorn'}, which is not "
            "installed. Install it with: pip install 'embedlab[serve]'") from None
    limits = ServeLimits(max_request_bytes=max_request_bytes or DEFAULT_MAX_REQUEST_BYTES,
                         read_timeout=read_timeout, max_connections=max_connections)
    if key is None and not is_loopback(host):
        click.secho(f"warning: listening on {host} without an API key: only requests "
                    "addressed to localhost, 127.0.0.1 or [::1] are answered. Pass "
                    "--api-key-env VAR to serve other machines.", fg="yellow", err=True)

    def ready(url: str) -> None:
        auth = f"bearer key from ${api_key_env}" if api_key_env else "no auth"
        click.echo(f"embedlab serve: {model} at {url}/v1 ({auth}); Ctrl-C stops", err=True)

    sock = bind(host, port)  # a port in use fails here, before the model loads
    click.echo(f"embedlab serve: loading {model}", err=True)
    # uvicorn finishes the requests in flight on SIGINT/SIGTERM, then raises the signal
    # again: both end here as a normal stop (exit 0).
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        run_server(model, host=host, port=port, api_key=key, log_level=log_level,
                   on_ready=ready, input_type=input_type, cache=cache,
                   max_batch_texts=max_batch, batch_wait_ms=batch_wait_ms, limits=limits,
                   sock=sock)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("embedlab serve: stopped", err=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM as Ctrl-C: stop like an interrupted server, not a killed process."""
    raise KeyboardInterrupt
