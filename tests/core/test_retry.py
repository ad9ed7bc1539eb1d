"""Retrying transient provider failures: backoff, jitter, Retry-After, giving up."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from embedlab import (
    AuthenticationError,
    MalformedResponseError,
    ProviderTimeoutError,
    RateLimitError,
    ServiceUnavailableError,
    TransientError,
)
from embedlab._transport.retry import RetryPolicy, call_with_retry


def failing(errors: list[Exception], result: str = "ok") -> tuple[Callable[[], str], list[int]]:
    """A function that raises ``errors`` one per call, then returns ``result``."""
    calls: list[int] = []

    def fn() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return result

    return fn, calls


def test_transient_errors_are_retried_with_growing_backoff() -> None:
    sleeps: list[float] = []
    fn, calls = failing([ServiceUnavailableError("503"), ProviderTimeoutError("timeout"),
                         MalformedResponseError("short"), ServiceUnavailableError("503")])
    policy = RetryPolicy(max_retries=6, base_delay=1.0, max_delay=100.0)
    assert call_with_retry(fn, policy, sleep=sleeps.append, rng=random.Random(1)) == "ok"
    assert len(calls) == 5
    for n, delay in enumerate(sleeps, start=1):
        backoff = 2 ** (n - 1)
        assert backoff / 2 <= delay <= backoff  # jittered, within half of the backoff


def test_backoff_is_capped_by_max_delay() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    delays = [policy.delay(n, ServiceUnavailableError("x"), random.Random(n)) for n in (1, 8, 20)]
    assert delays[0] <= 1.0 and all(2.5 <= d <= 5.0 for d in delays[1:])


def test_jitter_spreads_callers_apart() -> None:
    policy = RetryPolicy(base_delay=1.0)
    delays = {policy.delay(3, ServiceUnavailableError("x"), random.Random(seed))
              for seed in range(20)}
    assert len(delays) == 20


def test_retry_after_is_honoured() -> None:
    sleeps: list[float] = []
    fn, _ = failing([RateLimitError("429", retry_after=7.0)])
    call_with_retry(fn, RetryPolicy(base_delay=0.01), sleep=sleeps.append)
    assert 7.0 <= sleeps[0] <= 7.7


def test_retry_after_is_capped() -> None:
    policy = RetryPolicy(max_retry_after=60.0)
    delay = policy.delay(1, RateLimitError("429", retry_after=86_400.0))
    assert 60.0 <= delay <= 61.0


def test_gives_up_after_max_retries_raising_the_last_error() -> None:
    errors: list[Exception] = [ServiceUnavailableError(f"overloaded #{i}") for i in range(10)]
    last = errors[3]
    fn, calls = failing(errors)
    with pytest.raises(ServiceUnavailableError) as info:
        call_with_retry(fn, RetryPolicy(max_retries=3), sleep=lambda s: None)
    assert info.value is last and str(info.value) == "overloaded #3"
    assert len(calls) == 4
    assert "gave up after 4 attempts" in " ".join(getattr(info.value, "__notes__", []))


def test_non_transient_errors_propagate_at_once() -> None:
    sleeps: list[float] = []
    fn, calls = failing([AuthenticationError("bad key; set COHERE_API_KEY")])
    with pytest.raises(AuthenticationError):
        call_with_retry(fn, RetryPolicy(), sleep=sleeps.append)
    assert len(calls) == 1 and sleeps == []


def test_on_transient_sees_every_transient_failure() -> None:
    seen: list[TransientError] = []
    errors: list[Exception] = [RateLimitError("429", retry_after=0.0), ServiceUnavailableError("5")]
    fn, _ = failing(list(errors))
    call_with_retry(fn, RetryPolicy(), sleep=lambda s: None, on_transient=seen.append)
    assert seen == errors


def test_a_cancelled_wait_raises_at_once() -> None:
    fn, calls = failing([ServiceUnavailableError("503"), ServiceUnavailableError("503")])
    with pytest.raises(ServiceUnavailableError) as info:
        call_with_retry(fn, RetryPolicy(), sleep=lambda s: True)
    assert len(calls) == 1
    assert "cancelled" in " ".join(getattr(info.value, "__notes__", []))


def test_policy_comes_from_embedder_attributes() -> None:
    from embedlab.testing import FakeEmbedder

    class Patient(FakeEmbedder):
        max_retries = 9
        retry_base_delay = 0.25
        retry_max_delay = 4.0
        retry_max_after = 60.0

    policy = RetryPolicy.for_embedder(Patient())
    assert (policy.max_retries, policy.base_delay, policy.max_delay,
            policy.max_retry_after) == (9, 0.25, 4.0, 60.0)
    assert RetryPolicy.for_embedder(FakeEmbedder()) == RetryPolicy()


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="delays"):
        RetryPolicy(base_delay=-1.0)
