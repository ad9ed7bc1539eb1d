"""A thread-safe rate limiter that paces requests to a provider's per-minute limits.

Each request reserves its start time under a lock, then sleeps outside it. Two rules
decide that time, per limited quantity (inputs, requests, tokens):

- *pacing*: requests are spread evenly at the limit's rate, so work never bursts;
- *window*: whatever was started in any ``window_s`` span never exceeds the limit, so
  a provider that counts per minute (fixed or sliding) never sees more than it allows.

A 429 calls :meth:`RateLimiter.penalize`: everyone waits out ``Retry-After`` and the
rate drops, then recovers a little with each success.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["RateLimiter"]

#: Lowest share of the declared limits the limiter falls to after repeated 429s.
MIN_SCALE = 0.1
#: Share of the rate kept after a 429, and the growth per success on the way back to 1.
BACKOFF_FACTOR = 0.7
RECOVERY_FACTOR = 1.05


@dataclass
class _Budget:
    """One limited quantity: its per-window limit and what was reserved inside the window."""

    limit: float
    next_start: float = float("-inf")
    log: deque[tuple[float, float]] = field(default_factory=deque)

    def forget_before(self, cutoff: float) -> None:
        """Drop reservations that started at or before ``cutoff`` (outside every window)."""
        while self.log and self.log[0][0] <= cutoff:
            self.log.popleft()

    def earliest(self, start: float, cost: float, limit: float, window_s: float) -> float:
        """The earliest time at or after ``start`` where ``cost`` more fits inside one window."""
        if cost <= 0:
            return start
        start = max(start, self.next_start)
        used = sum(c for t, c in self.log if t > start - window_s)
        for t, c in self.log:  # oldest first; wait for reservations to leave the window
            if used + cost <= limit:
                break
            if t > start - window_s:
                start = t + window_s
                used -= c
        return start

    def reserve(self, start: float, cost: float, limit: float, window_s: float) -> None:
        """Record ``cost`` at ``start`` and push the next start back by its share of the rate."""
        if cost <= 0:
            return
        self.log.append((start, cost))
        self.next_start = start + cost * window_s / limit


class RateLimiter:
    """Paces calls to ``limits`` (quantity name → allowed per ``window_s``); thread-safe.

    ``clock`` and ``sleep`` can be replaced (a virtual clock in tests); ``sleep`` may return
    ``True`` to mean "stop waiting" (a cancellation event's ``wait``).
    """

    def __init__(self, limits: Mapping[str, float | None], *, window_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep) -> None:
        for name, value in limits.items():
            if value is not None and value <= 0:
                raise ValueError(f"rate limit {name!r} must be positive, got {value!r}")
        self.limits = {name: float(v) for name, v in limits.items() if v is not None}
        self.window_s = float(window_s)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._budgets = {name: _Budget(limit) for name, limit in self.limits.items()}
        self._paused_until = float("-inf")
        self.scale = 1.0

    def __repr__(self) -> str:
        limits = ", ".join(f"{k}={v:g}/{self.window_s:g}s" for k, v in self.limits.items())
        return f"<RateLimiter {limits or 'unlimited'} scale={self.scale:.2f}>"

    def reserve(self, costs: Mapping[str, float]) -> float:
        """Reserve the earliest start allowed for ``costs`` and return it (clock time)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._paused_until)
            for budget in self._budgets.values():
                budget.forget_before(now - self.window_s)
            # Each budget may push the start later; repeat until every one agrees.
            for _ in range(100):
                later = start
                for name, budget in self._budgets.items():
                    later = max(later, budget.earliest(
                        start, costs.get(name, 0.0), budget.limit * self.scale, self.window_s))
                if later == start:
                    break
                start = later
            for name, budget in self._budgets.items():
                budget.reserve(start, costs.get(name, 0.0), budget.limit * self.scale,
                               self.window_s)
            return start

    def acquire(self, costs: Mapping[str, float],
                sleep: Callable[[float], object] | None = None) -> bool:
        """Wait until a call costing ``costs`` (e.g. ``{"inputs": 96, "requests": 1}``) may start.

        ``sleep`` overrides the limiter's own for this wait; when it returns ``True`` (a
        cancellation event's ``wait``) the wait stops and ``False`` is returned.
        """
        start = self.reserve(costs)
        sleep = sleep or self._sleep
        while True:
            delay = start - self._clock()
            if delay <= 0:
                return True
            if sleep(delay) is True:
                return False

    def penalize(self, retry_after: float | None = None) -> None:
        """A 429 came back: slow down, and hold every caller for ``retry_after`` seconds."""
        with self._lock:
            self.scale = max(MIN_SCALE, self.scale * BACKOFF_FACTOR)
            if retry_after is not None and retry_after > 0:
                self._paused_until = max(self._paused_until, self._clock() + retry_after)

    def succeeded(self) -> None:
        """A call went through: win back some of the rate lost to earlier 429s."""
        if self.scale < 1.0:
            with self._lock:
                self.scale = min(1.0, self.scale * RECOVERY_FACTOR)
