"""The machinery every fake provider shares: real HTTP on 127.0.0.1 in a thread, a request
log, latency, a per-minute rate limit answering 429 beyond it, and injected faults."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import numpy as np

__all__ = ["FakeServer", "Fault", "RateLimit", "Reply", "Request", "deterministic_vectors"]

_S = TypeVar("_S", bound="FakeServer")


@dataclass
class Request:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes
    at: float


@dataclass
class Reply:
    """What a route answers: a status, a JSON-able body (or raw bytes) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


@dataclass
class Fault:
    """One injected failure, used by the next matching request.

    ``kind``: ``"status"`` (answer ``status`` with the provider's error body and, for 429,
    ``Retry-After``), ``"malformed"`` (200 with a body that is not JSON), ``"wrong_count"``
    (one vector too few), ``"slow"`` (wait ``delay`` seconds, then answer normally) or
    ``"disconnect"`` (close the connection without answering).
    """

    kind: str
    status: int = 500
    message: str = "injected failure"
    retry_after: float | None = None
    delay: float = 0.0


class RateLimit:
    """Per-minute limits enforced like a provider: a token bucket per unit (inputs, requests,
    tokens), refilled at ``limit / 60`` a second, holding at most ``burst_seconds`` of quota.
    A request is refused (429) while the bucket holds less than it costs (or less than half
    the bucket, for a request bigger than that); an admitted request may leave it in debt."""

    def __init__(self, per_minute: dict[str, float], *, burst_seconds: float = 1.0) -> None:
        self._rate = {unit: limit / 60.0 for unit, limit in per_minute.items()}
        self._capacity = {unit: rate * burst_seconds for unit, rate in self._rate.items()}
        self._level = dict(self._capacity)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()
        #: Units admitted so far, and requests refused with 429.
        self.admitted: dict[str, float] = dict.fromkeys(per_minute, 0.0)
        self.refused = 0

    def take(self, cost: dict[str, float]) -> float | None:
        """Admit a request costing ``cost`` (``None``), or say how many seconds until it fits."""
        with self._lock:
            now = time.monotonic()
            elapsed, self._stamp = now - self._stamp, now
            for unit, rate in self._rate.items():
                self._level[unit] = min(self._capacity[unit],
                                        self._level[unit] + elapsed * rate)
            wait = 0.0
            for unit, rate in self._rate.items():
                # A request bigger than half the bucket passes once the bucket is half full,
                # and the bucket goes into debt: over time no more than the rate gets through.
                need = min(cost.get(unit, 0.0), self._capacity[unit] / 2)
                if self._level[unit] < need:
                    wait = max(wait, (need - self._level[unit]) / rate)
            if wait > 0:
                self.refused += 1
                return wait
            for unit in self._rate:
                self._level[unit] -= cost.get(unit, 0.0)
                self.admitted[unit] += cost.get(unit, 0.0)
            return None


def deterministic_vectors(texts: list[str], dimension: int, salt: str = "") -> np.ndarray:
    """Unit vectors that depend only on (salt, text), with some meaning, like a real model's:
    the sum of one random vector per word (texts sharing words sit close, so finetuning has
    something to improve) plus a smaller one for the whole text (no two texts collide)."""
    out = np.empty((len(texts), dimension), dtype=np.float32)
    for i, text in enumerate(texts):
        vector = 0.3 * _random_unit(f"{salt}\0{text}", dimension)
        for word in text.lower().split():
            vector += _random_unit(f"{salt}\1{word}", dimension)
        out[i] = vector / np.linalg.norm(vector)
    return out


def _random_unit(key: str, dimension: int) -> np.ndarray:
    """A random unit vector seeded by ``key``."""
    seed = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")
    vector = np.random.default_rng(seed).standard_normal(dimension)
    return vector / np.linalg.norm(vector)


class FakeServer:
    """A provider's HTTP API on 127.0.0.1 and a free port, served from a background thread.

    Subclasses fill :attr:`routes` (path → handler) and say how errors look
    (:meth:`error_body`) and what a request costs against the rate limit (:meth:`cost`).
    """

    #: Name used in error messages and logs.
    provider = "fake"

    def __init__(self, *, api_key: str = "test-key", latency: float = 0.0,
                 rate_limit: RateLimit | None = None) -> None:
        self.api_key = api_key
        #: Seconds every answer waits before it is sent (time spent "computing").
        self.latency = latency
        self.rate_limit = rate_limit
        #: Every request received, in arrival order.
        self.requests: list[Request] = []
        #: Requests the spec (or the fake's own rules) refused, as messages.
        self.violations: list[str] = []
        self.routes: dict[str, Callable[[Request], Reply]] = {}
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.in_flight = 0
        self.max_in_flight = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self: _S) -> _S:
        """Bind a free port and serve in a daemon thread."""
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        name=f"fake-{self.provider}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; sleeping answers wake up and are dropped."""
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self: _S) -> _S:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        assert self._httpd is not None, "start() the server first"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- faults ------------------------------------------------------------------------------

    def fail_next(self, kind: str = "status", *, times: int = 1, **options: Any) -> None:
        """Make the next ``times`` requests fail with ``Fault(kind, **options)``."""
        with self._lock:
            for _ in range(times):
                self._faults.append(Fault(kind, **options))

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self._faults.popleft() if self._faults else None

    @property
    def pending_faults(self) -> int:
        """Injected faults not used yet."""
        return len(self._faults)

    # -- what subclasses define --------------------------------------------------------------

    def error_body(self, status: int, message: str) -> Any:
        """The provider's error body for ``status``."""
        return {"message": message}

    def cost(self, request: Request) -> dict[str, float]:
        """What ``request`` takes from the rate limit, per unit."""
        return {"requests": 1.0}

    def authorized(self, request: Request) -> bool:
        """Whether the request carries the expected key."""
        return request.headers.get("authorization") == f"Bearer {self.api_key}"

    def unauthorized(self, request: Request) -> Reply:
        """The answer to a missing or wrong key."""
        return Reply(401, self.error_body(401, "invalid api token"))

    def rate_limited(self, wait: float) -> Reply:
        """The answer beyond the rate limit: 429 with ``Retry-After``."""
        return Reply(429, self.error_body(429, "rate limit exceeded, retry later"),
                     {"Retry-After": str(max(1, math.ceil(wait)))})

    # -- dispatch ----------------------------------------------------------------------------

    def sleep(self, seconds: float) -> bool:
        """Wait ``seconds``; ``False`` if the server stopped meanwhile."""
        return not self._stop.wait(seconds) if seconds > 0 else True

    def handle(self, request: Request) -> Reply | None:
        """Answer one request (``None`` drops the connection)."""
        route = self.routes.get(request.path)
        if route is None:
            return Reply(404, self.error_body(404, f"no route {request.path}"))
        if not self.authorized(request):
            return self.unauthorized(request)
        fault = self._next_fault()
        if fault is not None and fault.kind == "disconnect":
            return None
        if fault is not None and fault.kind == "status":
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
            return Reply(fault.status, self.error_body(fault.status, fault.message), headers)
        if fault is not None and fault.kind == "slow" and not self.sleep(fault.delay):
            return None
        if not isinstance(request.body, dict):
            return Reply(400, self.error_body(400, "request body is not a JSON object"))
        # An optional field sent as null counts as absent (SDKs differ in how they omit).
        request.body = {k: v for k, v in request.body.items() if v is not None}
        if self.rate_limit is not None:
            wait = self.rate_limit.take(self.cost(request))
            if wait is not None:
                return self.rate_limited(wait)
        if not self.sleep(self.latency):
            return None
        reply = route(request)
        if fault is not None and fault.kind == "malformed":
            return Reply(200, raw=b'{"id": "x", "embeddings": [[0.1, 0.2')
        if fault is not None and fault.kind == "wrong_count":
            reply = self.drop_one(reply)
        return reply

    def drop_one(self, reply: Reply) -> Reply:
        """The same answer with one vector fewer (subclasses know where vectors are)."""
        return reply


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP into :meth:`FakeServer.handle` calls."""

    fake: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read :attr:`FakeServer.requests` instead."""

    def do_POST(self) -> None:
        fake = self.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = None
        request = Request("POST", self.path.split("?")[0],
                          {k.lower(): v for k, v in self.headers.items()}, body, raw,
                          time.monotonic())
        with fake._lock:
            fake.requests.append(request)
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        try:
            reply = fake.handle(request)
        finally:
            with fake._lock:
                fake.in_flight -= 1
        if reply is None:
            self.close_connection = True
            return
        payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (time-out): nothing to do
