"""``embedlab serve``: any embedlab model behind an OpenAI-compatible HTTP API, so any OpenAI
client in any language can call it (``pip install 'embedlab[serve]'``).

- :func:`create_app`: the ASGI application (FastAPI) for one model.
- :func:`run_server`: serve it with uvicorn on a host and port, shutting down gracefully.
- :class:`ServeLimits`: the body cap, read timeout and connection limit clients get.

The routes live in :mod:`embedlab.serve.routes`; add a route there.
"""

from __future__ import annotations

from .app import create_app
from .limits import ServeLimits
from .server import run_server

__all__ = ["ServeLimits", "create_app", "run_server"]
