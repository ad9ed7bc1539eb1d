"""Slow clients cannot hold the server (issue #23): a connection that sends half its headers,
or nothing, or trickles its body is closed after the read timeout (1 s here, 30 s by
default), and connections past the limit get 503 at once. Raw sockets to 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from app_models import SERVE_KEY
from embedlab.serve.limits import ServeLimits
from raw_http import connect, head, read_answer, status_and_json

#: The read timeout of these tests' server, in seconds.
TIMEOUT = 1.0
#: How long a test waits for the server to act on it: the timeout and a margin for a busy CI.
PATIENCE = TIMEOUT + 4.0


@pytest.fixture
def server(serve_live: Callable[..., Any], embedlab_fake_provider: str) -> Iterator[str]:
    """The fake model's app, keyed, with a 1 s read timeout and at most 3 connections."""
    from embedlab.serve import create_app

    limits = ServeLimits(read_timeout=TIMEOUT, max_connections=3)
    app = create_app("fake", SERVE_KEY, cache=False, limits=limits)
    with serve_live(app, limits) as base_url:
        yield base_url


@pytest.mark.parametrize("sent", [b"", b"POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\n"],
                         ids=["nothing", "half-the-headers"])
def test_a_stalled_request_head_is_closed(server: str, sent: bytes) -> None:
    with connect(server) as sock:
        sock.sendall(sent)
        answer, seconds = read_answer(sock, within=PATIENCE)
    assert answer == b"" and seconds < PATIENCE, "the stalled connection was left open"
    assert seconds >= TIMEOUT * 0.9  # not cut before its time


def test_an_idle_keep_alive_connection_gets_the_same_timeout(server: str) -> None:
    """After a response the next request's head must also come in time."""
    with connect(server) as sock:
        sock.sendall(head("GET", "/health", {}))
        first, _ = read_answer(sock, within=0.5)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /health HTTP/1.1\r\n")  # and no more
        answer, seconds = read_answer(sock, within=PATIENCE)
    assert answer == b"" and seconds < PATIENCE


def test_a_trickled_body_gets_408_and_is_closed(server: str) -> None:
    headers = {"Authorization": f"Bearer {SERVE_KEY}", "Content-Type": "application/json",
               "Content-Length": "1000"}
    answer = b""
    start = time.monotonic()
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/embeddings", headers))
        for _ in range(int(PATIENCE / 0.1)):  # a byte every 0.1 s: 100 s for the body
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(b" ")
            answer, _ = read_answer(sock, within=0.1)
            if answer:
                break
        rest, _ = read_answer(sock, within=PATIENCE)
    seconds = time.monotonic() - start
    assert answer, "the trickled body was waited for"
    status, body = status_and_json(answer + rest)
    assert status == 408 and set(body["error"]) == {"message", "type", "param", "code"}
    assert TIMEOUT * 0.9 <= seconds < PATIENCE


def test_connections_past_the_limit_get_503_until_idle_ones_are_closed(server: str) -> None:
    def health() -> bytes:
        with connect(server) as sock:
            sock.sendall(head("GET", "/health", {"Connection": "close"}))
            return read_answer(sock, within=PATIENCE)[0]

    idle: list[socket.socket] = []
    try:
        idle.append(connect(server))
        idle.append(connect(server))
        time.sleep(0.2)  # let the server accept them
        assert health().startswith(b"HTTP/1.1 200")  # two idle and this one: 3, the limit
        idle.append(connect(server))
        time.sleep(0.2)
        assert health().startswith(b"HTTP/1.1 503")  # one over
        for sock in idle:  # the server closes the idle ones after the read timeout
            assert read_answer(sock, within=PATIENCE)[0] == b""
        assert health().startswith(b"HTTP/1.1 200")
    finally:
        for sock in idle:
            sock.close()
