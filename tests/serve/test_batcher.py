"""Micro-batching: concurrent requests share model calls, each gets its own rows in order,
one bad request fails alone, and a request that goes away costs the others nothing."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from embedlab import InputTooLongError
from embedlab.serve.batcher import MicroBatcher
from embedlab.testing import FakeEmbedder


class SlowFake(FakeEmbedder):
    """A FakeEmbedder whose every model call takes ``delay`` seconds, and that records the
    size of each ``embed`` call it gets."""

    def __init__(self, delay: float = 0.05, *, gate: threading.Event | None = None,
                 **options: Any) -> None:
        super().__init__(**options)
        self.delay = delay
        #: When given, every model call waits for it (the test decides when calls end).
        self.gate = gate
        self.embed_sizes: list[int] = []
        #: The texts of each model call, in call order.
        self.batches: list[list[str]] = []
        self._sizes_lock = threading.Lock()

    def embed(self, texts: Sequence[str], input_type: str | None = None,
              **kwargs: Any) -> np.ndarray:
        with self._sizes_lock:
            self.embed_sizes.append(len(texts))
        return super().embed(texts, input_type, **kwargs)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        with self._sizes_lock:
            self.batches.append(list(texts))
        if self.gate is not None:
            assert self.gate.wait(timeout=60), "the test never opened the gate"
        time.sleep(self.delay)
        return super().embed_batch(texts, input_type)


def requests(count: int, size: int) -> list[list[str]]:
    return [[f"request {r} text {i}" for i in range(size)] for r in range(count)]


def test_concurrent_requests_share_calls_and_keep_their_rows() -> None:
    embedder = SlowFake(max_batch_size=1024)
    batcher = MicroBatcher(embedder, cache=False)
    jobs = requests(16, 32)

    async def run() -> list[np.ndarray]:
        results = await asyncio.gather(*[batcher.embed(texts, None) for texts in jobs])
        await batcher.aclose()
        assert [tokens for _, tokens in results] == [4 * 32] * 16  # "request r text i"
        return [vectors for vectors, _ in results]

    results = asyncio.run(run())
    assert batcher.requests == 16
    assert batcher.calls <= 3, embedder.embed_sizes  # the first alone, the rest together
    assert max(embedder.embed_sizes) >= 15 * 32
    reference = FakeEmbedder()
    for texts, got in zip(jobs, results, strict=True):
        np.testing.assert_array_equal(got, reference.embed(texts, cache=False))


def test_calls_hold_at_most_max_texts_but_a_big_request_goes_whole() -> None:
    embedder = SlowFake(max_batch_size=4096)
    batcher = MicroBatcher(embedder, max_texts=100, cache=False)
    jobs = [*requests(6, 40), [f"big {i}" for i in range(300)]]

    async def run() -> list[np.ndarray]:
        return [v for v, _ in await asyncio.gather(*[batcher.embed(t, None) for t in jobs])]

    results = asyncio.run(run())
    assert [len(r) for r in results] == [40] * 6 + [300]
    assert 300 in embedder.embed_sizes
    assert all(size <= 100 for size in embedder.embed_sizes if size != 300)


def test_input_types_are_embedded_apart() -> None:
    embedder = SlowFake()
    batcher = MicroBatcher(embedder, cache=False, max_wait=0.05)
    seen: list[str | None] = []
    original = embedder.embed

    def spy(texts: Sequence[str], input_type: str | None = None, **kwargs: Any) -> np.ndarray:
        seen.append(input_type)
        return original(texts, input_type, **kwargs)

    embedder.embed = spy  # type: ignore[method-assign]

    async def run() -> None:
        await asyncio.gather(batcher.embed(["a"], "search_query"),
                             batcher.embed(["b"], "search_document"),
                             batcher.embed(["c"], "search_query"))

    asyncio.run(run())
    assert sorted(seen, key=str) == ["search_document", "search_query"]


def test_one_bad_request_fails_alone() -> None:
    embedder = SlowFake(max_input_length=5, truncates=False)
    batcher = MicroBatcher(embedder, cache=False, max_wait=0.05)
    good = requests(5, 3)
    bad = ["one two three four five six seven"]

    async def run() -> list[Any]:
        return list(await asyncio.gather(*[batcher.embed(t, None) for t in [*good, bad]],
                                         return_exceptions=True))

    results = asyncio.run(run())
    assert embedder.embed_sizes[0] == 16, "the requests were never merged"
    assert isinstance(results[-1], InputTooLongError)
    for texts, got in zip(good, results[:-1], strict=True):
        np.testing.assert_array_equal(got[0], FakeEmbedder().embed(texts, cache=False))


def test_a_cancelled_request_does_not_disturb_the_others() -> None:
    gate = threading.Event()
    embedder = SlowFake(delay=0.0, gate=gate)
    batcher = MicroBatcher(embedder, cache=False)

    async def run() -> tuple[np.ndarray, asyncio.Task[Any]]:
        busy = asyncio.create_task(batcher.embed(["keeps the model busy"], None))
        while not embedder.batches:  # the model is busy with the first call (held by gate)
            await asyncio.sleep(0.005)
        gone = asyncio.create_task(batcher.embed(["client hung up"], None))
        stays = asyncio.create_task(batcher.embed(["still wanted"], None))
        await asyncio.sleep(0.01)
        gone.cancel()
        await asyncio.sleep(0)
        gate.set()
        await busy
        result, _ = await stays
        await batcher.aclose()
        return result, gone

    result, gone = asyncio.run(run())
    np.testing.assert_array_equal(result, FakeEmbedder().embed(["still wanted"], cache=False))
    # the cancelled request ends cancelled, and its text never reaches the model
    assert gone.cancelled()
    assert embedder.batches == [["keeps the model busy"], ["still wanted"]]


def test_aclose_lets_calls_in_flight_finish() -> None:
    batcher = MicroBatcher(SlowFake(delay=0.3), cache=False)

    async def run() -> np.ndarray:
        task = asyncio.create_task(batcher.embed(["in flight"], None))
        await asyncio.sleep(0.05)
        await batcher.aclose()
        vectors, _ = await task
        return vectors

    assert asyncio.run(run()).shape == (1, 64)


def test_bad_settings() -> None:
    from embedlab import ConfigurationError

    with pytest.raises(ConfigurationError):
        MicroBatcher(FakeEmbedder(), max_texts=0)
