"""The embedding pipeline every :class:`~embedlab.Embedder` shares behind ``embed()``.

One call: check the input, embed each distinct text once, read what the cache already
has, split the rest into batches (``max_batch_size`` and, where declared, a per-request
token budget), run them up to ``max_concurrency`` at a time under the embedder's rate
limits, retry transient failures, check every answer, write each finished batch to the
cache at once (so a killed run resumes where it stopped), and return float32 rows in
input order.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import warnings
import weakref
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import MalformedResponseError, RateLimitError
from .._input_types import check_input_type
from .._text import check_texts
from ..progress import progress_bar
from ..settings import cache_enabled, describe_wait
from .cache import CacheDamagedError, CacheNamespace, EmbeddingCache, default_cache
from .provider import Provider
from .retry import RetryPolicy, call_with_retry
from .throttle import RateLimiter

if TYPE_CHECKING:
    import numpy as np


__all__ = ["embed_texts", "limiter_for", "plan_batches"]

#: A job its rate limits keep waiting longer than this (seconds) is announced with the wait,
#: naming the limit's setting: a limit set far too low would otherwise look like a hang.
SLOW_JOB_S = 15 * 60


@dataclass
class _EmbedderState:
    """What the pipeline remembers about one embedder instance across calls."""

    limiter: RateLimiter
    limits: tuple[float | None, ...]
    slots: threading.BoundedSemaphore
    concurrency: int
    dimension: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    inside: threading.local = field(default_factory=threading.local)


_states: weakref.WeakKeyDictionary[Any, _EmbedderState] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


def _limits(embedder: Provider) -> tuple[float | None, ...]:
    return (embedder.inputs_per_minute, embedder.requests_per_minute,
            embedder.tokens_per_minute)


def _state(embedder: Provider) -> _EmbedderState:
    """The embedder's shared state, made on first use and remade if its limits change."""
    limits = _limits(embedder)
    concurrency = max(1, int(embedder.max_concurrency))
    with _states_lock:
        try:
            state = _states.get(embedder)
        except TypeError:  # unhashable (e.g. a dataclass with __eq__): no memory across calls
            state = None
        if state is not None and state.limits == limits and state.concurrency == concurrency:
            return state
        inputs, requests, tokens = limits
        new = _EmbedderState(
            limiter=RateLimiter({"inputs": inputs, "requests": requests, "tokens": tokens}),
            limits=limits, slots=threading.BoundedSemaphore(concurrency),
            concurrency=concurrency, dimension=state.dimension if state else None)
        # An embedder that cannot be weakly referenced gets fresh state on every call.
        with contextlib.suppress(TypeError):
            _states[embedder] = new
        return new


def limiter_for(embedder: Provider) -> RateLimiter:
    """The rate limiter shared by every call on this embedder instance."""
    return _state(embedder).limiter


def _check_texts(texts: Iterable[str]) -> list[str]:
    """The texts as a list, or a TypeError saying what is wrong and where."""
    if isinstance(texts, (str, bytes)):
        raise TypeError("embed() takes a list of texts, not a single string: pass [text]")
    try:
        items = list(texts)
    except TypeError:
        raise TypeError(f"embed() takes a list of texts, got {type(texts).__name__}") from None
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise TypeError(f"embed() takes a list of texts, but item {i} is a "
                            f"{type(text).__name__}; convert it with str() or drop it")

    check_texts(items, lambda i: f"text {i + 1} of {len(items)} given to embed()")
    return items


def plan_batches(token_counts: Sequence[int] | None, count: int, max_size: int,
                 max_tokens: int | None) -> list[range]:
    """Split ``count`` texts, in order, into batches of at most ``max_size`` texts and, when
    ``max_tokens`` is set, at most that many tokens (a text over it travels alone)."""
    max_size = max(1, int(max_size))
    if max_tokens is None or token_counts is None:
        return [range(i, min(i + max_size, count)) for i in range(0, count, max_size)]
    batches: list[range] = []
    start, tokens = 0, 0
    for i in range(count):
        cost = token_counts[i]
        if i > start and (i - start >= max_size or tokens + cost > max_tokens):
            batches.append(range(start, i))
            start, tokens = i, 0
        tokens += cost
    if start < count:
        batches.append(range(start, count))
    return batches


def _check_response(embedder: Provider, result: Any, rows: int,
                    dimension: int | None) -> np.ndarray:
    """The answer as float32 ``(rows, dimension)``, or MalformedResponseError saying why."""
    import numpy as np

    who = embedder.name
    try:
        array = np.asarray(result)
    except (TypeError, ValueError) as exc:
        raise MalformedResponseError(f"{who} returned something that is not a matrix: {exc}",
                                     provider=embedder.provider) from None
    if array.dtype.kind not in "fiu" or array.ndim != 2:
        raise MalformedResponseError(
            f"{who} returned a {array.ndim}-D array of {array.dtype}, expected a 2-D array of "
            f"numbers", provider=embedder.provider)
    if array.shape[0] != rows:
        raise MalformedResponseError(f"{who} returned {array.shape[0]} vectors for {rows} texts",
                                     provider=embedder.provider)
    if array.shape[1] == 0 or (dimension is not None and array.shape[1] != dimension):
        raise MalformedResponseError(
            f"{who} returned vectors of dimension {array.shape[1]}, expected {dimension}",
            provider=embedder.provider)
    with np.errstate(over="ignore"):
        array = array.astype(np.float32, copy=False)
    finite = np.isfinite(array).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise MalformedResponseError(
            f"{who} returned non-finite values (NaN or inf) in {bad.size} of {rows} vectors "
            f"(first at row {int(bad[0])} of the batch)", provider=embedder.provider)
    return array


def _resolve_cache(cache: EmbeddingCache | bool | None) -> EmbeddingCache | None:
    """``None`` → the default cache if enabled; ``False`` → none; ``True`` → the default."""
    if cache is None:
        return default_cache() if cache_enabled() else None
    if cache is True:
        return default_cache()
    if cache is False:
        return None
    if isinstance(cache, EmbeddingCache):
        return cache
    raise TypeError(f"cache must be an EmbeddingCache, True, False or None, "
                    f"not {type(cache).__name__}")


class _Job:
    """One ``embed()`` call's batches, run inline or on a thread pool."""

    def __init__(self, embedder: Provider, state: _EmbedderState, texts: list[str],
                 input_type: str | None, store: EmbeddingCache | None,
                 dimension: int | None) -> None:
        self.embedder, self.state, self.texts = embedder, state, texts
        self.input_type, self.store = input_type, store
        self.dimension = dimension  # what answers must have; None until the first one
        self.vectors: np.ndarray | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.policy = RetryPolicy.for_embedder(embedder)
        self.cache_warned = False

    def allocate(self, dimension: int) -> np.ndarray:
        """The output rows for the distinct texts, made once the dimension is known."""
        import numpy as np

        with self.lock:
            if self.vectors is None:
                self.vectors = np.zeros((len(self.texts), dimension), dtype=np.float32)
            return self.vectors

    def _expected_dimension(self) -> int | None:
        return self.embedder.dimension or self.dimension or self.state.dimension

    def _attempt(self, batch: list[str], costs: dict[str, float]) -> np.ndarray:
        """One request: wait for a concurrency slot and the rate limiter, call, check."""
        # A thread already inside this embedder's embed_batch (which embeds with itself)
        # keeps its slot rather than waiting for one it holds: no self-deadlock.
        nested = getattr(self.state.inside, "active", False)
        while not nested and not self.state.slots.acquire(timeout=0.1):
            if self.stop.is_set():
                raise _Cancelled
        try:
            limiter = self.state.limiter
            if not limiter.acquire(costs, sleep=self.stop.wait) or self.stop.is_set():
                raise _Cancelled
            self.state.inside.active = True
            sent = limiter.now()
            try:
                result = self.embedder.embed_batch(batch, self.input_type)
            except RateLimitError as error:  # slows the limiter once per cut, not per request
                limiter.penalize(error.retry_after, sent_at=sent)
                raise
        finally:
            self.state.inside.active = nested
            if not nested:
                self.state.slots.release()
        expected = self._expected_dimension()
        array = _check_response(self.embedder, result, len(batch), expected)
        if expected is None:
            with self.state.lock:  # the first answer fixes an undeclared dimension
                if self.state.dimension is None:
                    self.state.dimension = array.shape[1]
            if array.shape[1] != self.state.dimension:
                raise MalformedResponseError(
                    f"{self.embedder.name} returned vectors of dimension {array.shape[1]}, "
                    f"earlier answers had {self.state.dimension}", provider=self.embedder.provider)
        return array

    def run_batch(self, rows: range, tokens: int) -> int:
        """Embed the distinct texts at ``rows``, store them and write them to the cache."""
        batch = [self.texts[i] for i in rows]
        costs = {"inputs": float(len(batch)), "requests": 1.0, "tokens": float(tokens)}
        array = call_with_retry(lambda: self._attempt(batch, costs), self.policy,
                                sleep=self.stop.wait)
        self.state.limiter.succeeded()
        self.allocate(array.shape[1])[rows.start:rows.stop] = array
        if self.store is not None:
            self._write_cache(batch, array)
        return len(batch)

    def _write_cache(self, batch: list[str], array: np.ndarray) -> None:
        """Save a finished batch; a cache that cannot be written is warned about, not fatal."""
        assert self.store is not None
        ns = CacheNamespace.for_embedder(self.embedder, self.input_type, array.shape[1])
        try:
            self.store.put(ns, batch, array)
        except (sqlite3.Error, OSError, CacheDamagedError) as exc:
            with self.lock:
                warned, self.cache_warned = self.cache_warned, True
            if not warned:
                warnings.warn(f"could not write to the embedding cache {self.store.path}: {exc};"
                              " embedding goes on without caching", RuntimeWarning, stacklevel=2)


class _Cancelled(Exception):
    """Another batch of the same call failed; this one stops waiting."""


def embed_texts(
    embedder: Provider,
    texts: Sequence[str],
    *,
    input_type: str | None = None,
    cache: EmbeddingCache | bool | None = None,
    progress: bool | None = None,
) -> np.ndarray:
    """Embed ``texts`` with ``embedder``: float32 ``(len(texts), dimension)``, in input order.

    See :meth:`embedlab.Embedder.embed` for ``cache`` and ``progress``.
    """
    import numpy as np

    items = _check_texts(texts)
    kind = check_input_type(embedder, input_type)
    state = _state(embedder)
    if not items:
        return np.zeros((0, embedder.dimension or state.dimension or 0), dtype=np.float32)

    first_index: dict[str, int] = {}
    inverse = np.fromiter((first_index.setdefault(t, len(first_index)) for t in items),
                          dtype=np.intp, count=len(items))
    distinct = list(first_index)

    store = _resolve_cache(cache)
    dimension = embedder.dimension or state.dimension
    vectors: np.ndarray | None = None
    missing = np.arange(len(distinct))
    try:
        if dimension is None and store is not None:
            known = store.dimensions(embedder.provider, embedder.model, embedder.revision, kind)
            dimension = known[0] if len(known) == 1 else None
        if store is not None and dimension is not None:
            ns = CacheNamespace.for_embedder(embedder, kind, dimension)
            vectors, found = store.get(ns, distinct)
            found &= _finite_rows(vectors, found, store)
            missing = np.flatnonzero(~found)
    except CacheDamagedError as exc:
        warnings.warn(f"{exc}; embedding goes on without the cache", RuntimeWarning,
                      stacklevel=2)
        store, vectors, missing = None, None, np.arange(len(distinct))
    if missing.size:
        job = _Job(embedder, state, [distinct[i] for i in missing], kind, store, dimension)
        fresh = _run(job, progress, total=len(distinct))
        if vectors is None:
            vectors = np.zeros((len(distinct), fresh.shape[1]), dtype=np.float32)
        vectors[missing] = fresh
    assert vectors is not None
    return vectors[inverse]


def _finite_rows(vectors: np.ndarray, found: np.ndarray, store: EmbeddingCache) -> np.ndarray:
    """Mask of cached rows that hold only finite numbers; the others are warned about and
    embedded again (the fresh vectors replace them in the cache)."""
    import numpy as np

    finite = np.isfinite(vectors).all(axis=1)
    damaged = int(np.count_nonzero(found & ~finite))
    if damaged:
        warnings.warn(f"the embedding cache {store.path} held {damaged} non-finite (NaN or inf) "
                      "vector(s); they are embedded again and replaced", RuntimeWarning,
                      stacklevel=3)
    return np.asarray(finite)


def _warn_if_slow(embedder: Provider, batches: list[range], tokens: list[int]) -> None:
    """Warn when the rate limits alone make the batches wait over :data:`SLOW_JOB_S`, saying
    how long, which limit and the setting that raises it."""
    costs = {"inputs_per_minute": [len(rows) for rows in batches],
             "requests_per_minute": [1] * len(batches), "tokens_per_minute": tokens}
    limits = dict(zip(costs, _limits(embedder), strict=True))
    slowest: tuple[float, str, float] | None = None
    for attribute, cost in costs.items():
        limit = limits[attribute]
        if not cost or not limit:
            continue
        # Paced evenly, the last batch starts once the others' share of the rate has passed.
        wait = (sum(cost) - cost[-1]) / float(limit) * 60.0
        if slowest is None or wait > slowest[0]:
            slowest = (wait, attribute, float(limit))
    if slowest is None or slowest[0] <= SLOW_JOB_S:
        return
    wait, attribute, limit = slowest
    setting = embedder.rate_variables.get(attribute) or f"the embedder's {attribute}"
    unit = attribute.removesuffix("_per_minute")
    warnings.warn(
        f"{embedder.name}: {sum(len(rows) for rows in batches):,} texts at the limit of "
        f"{limit:,g} {unit} a minute ({setting}) will take about {describe_wait(wait)} of "
        f"waiting; if the key allows more, raise {setting}", RuntimeWarning, stacklevel=4)


def _run(job: _Job, progress: bool | None, total: int) -> np.ndarray:
    """Embed every text of ``job`` in batches; ``total`` (cached ones too) sizes the bar."""
    embedder = job.embedder
    max_tokens = embedder.max_tokens_per_request
    counts = None
    if max_tokens is not None or embedder.tokens_per_minute is not None:
        counts = [int(embedder.count_tokens(t)) for t in job.texts]
    batches = plan_batches(counts, len(job.texts), embedder.max_batch_size, max_tokens)
    tokens = [sum(counts[i] for i in rows) if counts else 0 for rows in batches]
    _warn_if_slow(embedder, batches, tokens)

    workers = min(job.state.concurrency, len(batches))
    bar = progress_bar(total, desc=f"embed {embedder.name}", unit="text",
                       force=progress, long_job=len(batches) > 2)
    bar.update(total - len(job.texts))
    try:
        if workers <= 1:
            for rows, cost in zip(batches, tokens, strict=True):
                bar.update(job.run_batch(rows, cost))
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="embedlab-embed") as pool:
                futures = [pool.submit(job.run_batch, rows, cost)
                           for rows, cost in zip(batches, tokens, strict=True)]
                try:
                    for future in as_completed(futures):
                        bar.update(future.result())
                except BaseException:
                    job.stop.set()
                    for future in futures:
                        future.cancel()
                    raise
    finally:
        bar.close()
    assert job.vectors is not None
    return job.vectors
