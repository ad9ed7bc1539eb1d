"""The server's front door: what a request must pass on its headers alone, before a byte of
its body is read, and the time its body gets to arrive.

It is pure ASGI middleware (not a FastAPI dependency, which runs only after FastAPI has read
and parsed the body), so an unauthenticated or oversized request costs the server nothing:

- ``/health`` is open to all (load balancers, orchestrators); every other route needs:
- without an API key, a request addressed to a loopback name (``localhost``, 127.0.0.1,
  ``[::1]``), so a web page cannot reach the server through DNS rebinding;
- with a key, the key, ``/docs`` and ``/openapi.json`` included;
- a ``Content-Length`` over the body cap is answered 413 at once (Starlette's body limit on
  the routes stops a body sent in chunks as soon as it passes the cap);
- the body must arrive within the read timeout, else 408 and the connection is closed.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

from .auth import check_bearer
from .errors import APIError, too_large
from .limits import ServeLimits

__all__ = ["OPEN_PATHS", "FrontDoor", "is_loopback"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: Routes anyone may call, with any Host and without the key.
OPEN_PATHS = frozenset({"/health"})


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (a name or address, with or without a port) is this machine's
    loopback interface."""
    if not host:
        return False
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:  # a malformed [IPv6] literal or port
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class FrontDoor:
    """ASGI middleware checking a request's Host, key and size from its headers alone."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *,
                 api_key: str | None, limits: ServeLimits) -> None:
        self.app = app
        self.api_key = api_key
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the lifespan
            await self.app(scope, receive, send)
            return
        try:
            self.admit(scope)
        except APIError as exc:
            # The body was not read: close the connection rather than read it to its end.
            exc.headers.setdefault("Connection", "close")
            await exc.response()(scope, receive, send)
            return
        await self.app(scope, _body_deadline(receive, self.limits.read_timeout), send)

    def admit(self, scope: Scope) -> None:
        """Raise the APIError a request gets from its headers alone, if any."""
        headers = Headers(scope=scope)
        guarded = scope["path"] not in OPEN_PATHS
        if guarded and self.api_key is None and not is_loopback(headers.get("host")):
            raise APIError(400, "This server has no API key, so it answers only requests "
                                "addressed to localhost, 127.0.0.1 or [::1]. Call it by one of "
                                "those names, or start it with --api-key-env to serve others.",
                           code="invalid_host")
        if guarded and self.api_key is not None:
            check_bearer(headers.get("authorization"), self.api_key)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limits.max_request_bytes:
            raise too_large(self.limits.max_request_bytes)


def _body_deadline(receive: Receive, seconds: float) -> Receive:
    """``receive``, with ``seconds`` from now for the whole body to arrive (408 after)."""
    deadline = asyncio.get_running_loop().time() + seconds
    finished = False

    async def timed() -> Message:
        nonlocal finished
        if finished:  # after the body: waiting for a disconnect, as long as it takes
            return await receive()
        remaining = max(0.0, deadline - asyncio.get_running_loop().time())
        try:
            message = await asyncio.wait_for(receive(), remaining)
        except asyncio.TimeoutError:
            raise HTTPException(408, f"The request body did not arrive within {seconds:g} "
                                     "seconds; send it at once, as one request.",
                                headers={"Connection": "close"}) from None
        finished = message["type"] != "http.request" or not message.get("more_body", False)
        return message

    return timed
