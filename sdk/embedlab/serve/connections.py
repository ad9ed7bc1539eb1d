"""uvicorn's HTTP protocol with a header timeout, which uvicorn lacks: a connection that has
not sent a complete request head ``header_timeout`` seconds after it opened, or after its
last response, is closed. Without it, a client sending half its headers (or nothing at all)
holds its connection, and one of the server's connection slots, forever.

The body has its own timeout in the front door (:mod:`.front_door`); idle keep-alive
connections and the connection limit are uvicorn's own settings (see :mod:`.server`).
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["with_header_timeout"]


class _HeaderTimeout:
    """Mixin for uvicorn's HTTP protocols (httptools and h11 alike): both keep the request in
    flight as ``self.cycle``, which is ``None`` or complete while the next head is awaited."""

    header_timeout: float = 30.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._arm_header_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)  # type: ignore[misc]

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        transport: Any = getattr(self, "transport", None)
        if transport is not None and not transport.is_closing():
            loop: asyncio.AbstractEventLoop = self.loop  # type: ignore[attr-defined]
            self._header_timer = loop.call_later(self.header_timeout, self._headers_overdue)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_overdue(self) -> None:
        """Close the connection unless a request's head arrived in time (it is in flight)."""
        self._header_timer = None
        cycle: Any = getattr(self, "cycle", None)
        transport: Any = self.transport  # type: ignore[attr-defined]
        if (cycle is None or cycle.response_complete) and not transport.is_closing():
            transport.close()


def with_header_timeout(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's default HTTP protocol (httptools when installed, else h11), closing a
    connection whose request head is not complete within ``seconds``."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    return type("HeaderTimeoutProtocol", (_HeaderTimeout, AutoHTTPProtocol),
                {"header_timeout": float(seconds)})
