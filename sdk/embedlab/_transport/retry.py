"""Retrying transient provider failures with exponential backoff, jitter and ``Retry-After``.

Only :class:`~embedlab.TransientError` is retried; anything else propagates at
once. When the attempts run out, the last error is raised as it came (an embedlab type
with the provider's own message), with a note saying how many attempts were made.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from .._errors import MalformedResponseError, TransientError

if TYPE_CHECKING:
    from .provider import Provider

__all__ = ["RetryPolicy", "call_with_retry"]

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: ``max_retries`` after the first attempt."""

    max_retries: int = 6
    #: First backoff in seconds; doubles on each retry up to ``max_delay``.
    base_delay: float = 0.5
    max_delay: float = 30.0
    #: The longest ``Retry-After`` honoured; a provider asking for more gets this much.
    max_retry_after: float = 300.0
    #: Retries of an answer that broke the contract (wrong count, dimension, non-finite
    #: values): one, in case it was garbled in transit; a provider that answers so twice
    #: will answer so again, and every request is billed.
    max_malformed_retries: int = 1

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.max_malformed_retries < 0:
            raise ValueError("max_retries and max_malformed_retries must be >= 0")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("retry delays must be >= 0")

    @classmethod
    def for_embedder(cls, embedder: Provider) -> RetryPolicy:
        """The policy an embedder declares: ``max_retries``, ``retry_base_delay``,
        ``retry_max_delay`` and ``retry_max_after`` (see :class:`~embedlab.Embedder`)."""
        return cls(max_retries=int(embedder.max_retries),
                   base_delay=float(embedder.retry_base_delay),
                   max_delay=float(embedder.retry_max_delay),
                   max_retry_after=float(embedder.retry_max_after))

    def delay(self, retry: int, error: TransientError, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based) after ``error``."""
        uniform = rng.uniform if rng is not None else random.uniform
        retry_after = error.retry_after
        if retry_after is not None and retry_after >= 0:
            wait = min(float(retry_after), self.max_retry_after)
            # At least what the provider asked, plus a little so callers don't return in step.
            return wait + uniform(0.0, min(1.0, 0.1 * wait))
        backoff = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return uniform(backoff / 2, backoff)


def call_with_retry(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], object] = time.sleep,
    on_transient: Callable[[TransientError], None] | None = None,
    rng: random.Random | None = None,
) -> T:
    """Call ``fn`` until it succeeds, retrying :class:`TransientError` per ``policy``.

    ``on_transient`` sees every transient failure (e.g. to slow a rate limiter on 429).
    ``sleep`` may return ``True`` to cancel the wait, which raises the error at once.
    """
    retry = malformed = 0
    while True:
        try:
            return fn()
        except TransientError as error:
            if on_transient is not None:
                on_transient(error)
            retry += 1
            if isinstance(error, MalformedResponseError):
                malformed += 1
                if malformed > policy.max_malformed_retries:
                    error.args = (f"{error} (the same fault in {malformed} answers: a provider "
                                  "bug or a wrong model/option, not retried further)",
                                  *error.args[1:])
                    raise
            if retry > policy.max_retries:
                _note(error, f"embedlab gave up after {retry} attempts")
                raise
            if sleep(policy.delay(retry, error, rng)) is True:
                _note(error, "embedlab stopped retrying: the job was cancelled")
                raise


def _note(error: BaseException, text: str) -> None:
    """Attach ``text`` to the traceback (Python 3.11+); the message itself stays the provider's."""
    add_note = getattr(error, "add_note", None)
    if add_note is not None:
        add_note(text)
