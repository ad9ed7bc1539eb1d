"""The rate limiter, on a virtual clock: even pacing, no window over the limit, 429s."""

from __future__ import annotations

import itertools
import threading

import pytest
from embedlab._transport.throttle import RateLimiter


class VirtualClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += max(0.0, seconds)


def starts_of(limiter: RateLimiter, clock: VirtualClock, costs: list[dict[str, float]]
              ) -> list[float]:
    """Start time of each call, run one after another on the virtual clock."""
    starts = []
    for cost in costs:
        limiter.acquire(cost)
        starts.append(clock())
    return starts


def max_in_window(starts: list[float], costs: list[float], window: float = 60.0) -> float:
    """The largest total cost started within any ``window`` seconds."""
    return max(sum(c for s, c in zip(starts, costs, strict=True) if t <= s < t + window)
               for t in starts)


def test_600_inputs_per_minute_are_paced_evenly() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 600}, clock=clock, sleep=clock.sleep)
    starts = starts_of(limiter, clock, [{"inputs": 10}] * 30)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert starts[0] == 0.0
    assert all(g == pytest.approx(1.0) for g in gaps)  # 10 inputs each second, no bursts
    assert max_in_window(starts, [10] * 30) <= 600


def test_a_20k_text_job_runs_near_the_limit_without_exceeding_it() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 2000, "requests": 1000}, clock=clock, sleep=clock.sleep)
    sizes = [96] * (20_000 // 96) + [20_000 % 96]
    starts = starts_of(limiter, clock, [{"inputs": n, "requests": 1} for n in sizes])
    assert max_in_window(starts, [float(n) for n in sizes]) <= 2000
    # The last batch starts at ``starts[-1]``; its inputs count against the next minute.
    rate = (20_000 - sizes[-1]) / starts[-1] * 60
    assert 0.9 * 2000 <= rate <= 2000


def test_the_tightest_limit_decides() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 10_000, "requests": 60, "tokens": 6_000},
                          clock=clock, sleep=clock.sleep)
    # 500 tokens a request: tokens allow 12/min, requests 60/min, inputs 200/min.
    starts = starts_of(limiter, clock, [{"inputs": 50, "requests": 1, "tokens": 500}] * 13)
    assert starts[1] - starts[0] == pytest.approx(5.0)
    assert max_in_window(starts, [500.0] * 13) <= 6_000


def test_unlimited_quantities_never_wait() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": None, "requests": 600}, clock=clock, sleep=clock.sleep)
    starts = starts_of(limiter, clock, [{"inputs": 10_000, "requests": 1}] * 3)
    assert starts == pytest.approx([0.0, 0.1, 0.2])


def test_a_call_bigger_than_the_limit_still_goes_through() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"tokens": 100}, clock=clock, sleep=clock.sleep)
    starts = starts_of(limiter, clock, [{"tokens": 250}, {"tokens": 10}])
    assert starts[0] == 0.0 and starts[1] >= 60.0


def test_429_pauses_everyone_and_slows_down_then_recovers() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 600}, clock=clock, sleep=clock.sleep)
    limiter.acquire({"inputs": 10})
    limiter.penalize(retry_after=30.0)
    limiter.acquire({"inputs": 10})
    assert clock() == pytest.approx(30.0)
    assert limiter.scale < 1.0
    before = clock()
    limiter.acquire({"inputs": 10})
    assert clock() - before > 1.0  # slower than the 1 s an unpenalised call would wait
    for _ in range(50):
        limiter.succeeded()
    assert limiter.scale == 1.0


def test_repeated_429s_do_not_stop_the_limiter() -> None:
    limiter = RateLimiter({"inputs": 600})
    for _ in range(100):
        limiter.penalize()
    assert limiter.scale == pytest.approx(0.1)


def test_reservations_from_many_threads_never_overlap() -> None:
    clock = VirtualClock()  # time stands still: every reservation queues behind the others
    limiter = RateLimiter({"inputs": 600}, clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(25):
            start = limiter.reserve({"inputs": 10})
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(starts)
    assert ordered == pytest.approx([float(i) for i in range(200)])
    assert max_in_window(ordered, [10.0] * 200) <= 600


def test_a_cancelled_wait_returns_false() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 60}, clock=clock, sleep=clock.sleep)
    assert limiter.acquire({"inputs": 30}) is True
    assert limiter.acquire({"inputs": 30}, sleep=lambda s: True) is False
    assert clock() == 0.0


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="inputs"):
        RateLimiter({"inputs": 0})


def test_the_rate_recovers_to_the_limit_after_the_429s_stop() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 2000}, clock=clock, sleep=clock.sleep)
    starts: list[float] = []

    def batch() -> None:
        limiter.acquire({"inputs": 96})
        starts.append(clock())
        limiter.succeeded()

    for _ in range(10):
        batch()
    for _ in range(5):  # five 429s in a row, each for a request sent at the reduced rate
        limiter.acquire({"inputs": 96})
        limiter.penalize(retry_after=2.0)
    quiet = clock()
    while clock() < quiet + 180:
        batch()
    second_minute = sum(96 for s in starts if quiet + 60 <= s < quiet + 120)
    third_minute = sum(96 for s in starts if quiet + 120 <= s < quiet + 180)
    assert 0.9 * 2000 <= second_minute <= 2000 + 96
    assert 0.9 * 2000 <= third_minute <= 2000 + 96
    assert limiter.scale == 1.0


def test_429s_of_requests_already_on_their_way_cut_the_rate_once() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 2000}, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(8):  # eight requests leave, then all eight answer 429
        limiter.acquire({"inputs": 96})
        sent.append(limiter.now())
    for stamp in sent:
        limiter.penalize(sent_at=stamp)
    assert limiter.scale == pytest.approx(0.7)
    limiter.acquire({"inputs": 96})  # sent at the reduced rate, and still refused: cut again
    before = limiter.scale
    limiter.penalize(sent_at=limiter.now())
    assert before < 0.9 and limiter.scale == pytest.approx(before * 0.7)


def test_a_429_while_a_call_waits_for_its_turn_holds_that_call_too() -> None:
    clock = VirtualClock()
    limiter = RateLimiter({"inputs": 60}, clock=clock, sleep=clock.sleep)
    limiter.acquire({"inputs": 30})  # the next call's turn comes at 30 s
    held = []

    def sleep(seconds: float) -> None:
        if not held:  # another request's 429 arrives while this call waits
            held.append(clock())
            limiter.penalize(retry_after=100.0)
        clock.sleep(seconds)

    limiter.acquire({"inputs": 30}, sleep=sleep)
    assert held == [0.0]
    assert clock() >= 100.0
