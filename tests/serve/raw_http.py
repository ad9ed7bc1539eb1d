"""HTTP/1.1 by hand on a raw socket to 127.0.0.1, for what no HTTP client will do: send the
headers and hold the body back, send half the headers, or trickle a body byte by byte."""

from __future__ import annotations

import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit


def connect(base_url: str) -> socket.socket:
    """A connection to the server at ``base_url`` (``http://127.0.0.1:PORT/v1``)."""
    parts = urlsplit(base_url)
    assert parts.hostname == "127.0.0.1" and parts.port is not None
    return socket.create_connection(("127.0.0.1", parts.port), timeout=10)


def head(method: str, path: str, headers: dict[str, str]) -> bytes:
    """A request head: the request line, ``Host`` and ``headers``."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def read_answer(sock: socket.socket, within: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection or ``within`` seconds
    pass, and the seconds it took (``within`` if the connection stayed open)."""
    start = time.monotonic()
    data = b""
    while (left := within - (time.monotonic() - start)) > 0:
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return data, time.monotonic() - start
        if not chunk:
            return data, time.monotonic() - start
        data += chunk
    return data, within


def status_and_json(answer: bytes) -> tuple[int, dict[str, Any]]:
    """The status code and JSON body of one complete answer."""
    head_part, _, body = answer.partition(b"\r\n\r\n")
    status = int(head_part.split(b" ", 2)[1])
    return status, json.loads(body)
