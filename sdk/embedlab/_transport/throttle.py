"""A thread-safe rate limiter that paces requests to a provider's per-minute limits.

Each request reserves its start time under a lock, then sleeps outside it. Two rules
decide that time, per limited quantity (inputs, requests, tokens):

- *pacing*: requests are spread evenly at the limit's rate, so work never bursts;
- *window*: whatever was started in any ``window_s`` span never exceeds the limit, so
  a provider that counts per minute (fixed or sliding) never sees more than it allows.

A 429 calls :meth:`RateLimiter.penalize`: everyone waits out ``Retry-After`` and the
rate drops, once for all the requests that were already on their way (their 429s say
nothing new). It climbs back by itself: it doubles every ``window_s / 4`` without a 429
(from the lowest share to the full limits within a window) and grows a little with each
success. Reservations use the rate expected at their start, so requests queued while the
rate was low do not keep it low after it has recovered.
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
#: Share of the window over which a reduced rate doubles while no 429 comes back.
RECOVERY_DOUBLING = 0.25


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
        self._scale = 1.0  # the share of the limits at ``_anchor``, growing from there
        self._anchor = float("-inf")
        self._cut_at = float("-inf")  # when the last 429 cut the rate
        self._doubling_s = self.window_s * RECOVERY_DOUBLING

    def now(self) -> float:
        """The limiter's clock: callers stamp a request's send time with it."""
        return self._clock()

    @property
    def scale(self) -> float:
        """The share of the declared limits allowed now (1.0 unless 429s came back)."""
        return self._scale_at(self._clock())

    def _scale_at(self, when: float) -> float:
        """The share allowed at ``when``: the last one set, grown since the pause ended."""
        if self._scale >= 1.0:
            return 1.0
        quiet = when - max(self._anchor, self._paused_until)
        if quiet <= 0 or self._doubling_s <= 0:
            return self._scale
        return min(1.0, self._scale * 2.0 ** (quiet / self._doubling_s))

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
                later, scale = start, self._scale_at(start)
                for name, budget in self._budgets.items():
                    later = max(later, budget.earliest(
                        start, costs.get(name, 0.0), budget.limit * scale, self.window_s))
                if later == start:
                    break
                start = later
            scale = self._scale_at(start)
            for name, budget in self._budgets.items():
                budget.reserve(start, costs.get(name, 0.0), budget.limit * scale,
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
        while True:  # a 429 while this call waited holds it too
            delay = max(start, self._paused_until) - self._clock()
            if delay <= 0:
                return True
            if sleep(delay) is True:
                return False

    def penalize(self, retry_after: float | None = None, *,
                 sent_at: float | None = None) -> None:
        """A 429 came back for a request sent at ``sent_at`` (:meth:`now`): hold every caller
        for ``retry_after`` seconds and slow down, unless the request left before the last
        cut (the rate already answers for it)."""
        with self._lock:
            now = self._clock()
            current = self._scale_at(now)
            if retry_after is not None and retry_after > 0:
                self._paused_until = max(self._paused_until, now + retry_after)
            if sent_at is not None and sent_at <= self._cut_at:
                return
            self._scale = max(MIN_SCALE, current * BACKOFF_FACTOR)
            self._anchor = self._cut_at = now

    def succeeded(self) -> None:
        """A call went through: win back some of the rate lost to earlier 429s."""
        with self._lock:
            now = self._clock()
            current = self._scale_at(now)
            if current < 1.0:
                self._scale, self._anchor = min(1.0, current * RECOVERY_FACTOR), now
            else:
                self._scale = 1.0
