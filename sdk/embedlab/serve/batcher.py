"""Micro-batching: the texts of requests that arrive together go to the model in one
``embed`` call, so sixteen clients sending 32 texts each cost one call of 512 texts rather
than sixteen small ones.

While the model works on one call, new requests queue; the next call takes everything
queued (up to ``max_texts``), so batches grow with the load and a lone request waits for
nobody. Calls run in worker threads, at most ``concurrency`` at a time. If a merged call
fails, each request in it is retried on its own, so one bad request fails alone.

Each request's token count (OpenAI's ``usage``: the tokens the model read, so a text cut at
the model's input limit counts up to the limit) is taken in the same worker thread, right
after its call: a model's tokenizer may not be safe to use while the model encodes (Hugging
Face's fast tokenizers change their padding state per call).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError

if TYPE_CHECKING:
    import numpy as np

    from .._embedder import Embedder
    from .._transport.cache import EmbeddingCache

__all__ = ["MicroBatcher"]


@dataclass
class _Job:
    """One request's texts and the future its vectors go to."""

    texts: list[str]
    input_type: str | None
    future: asyncio.Future[Any] = field(repr=False)


class MicroBatcher:
    """Gathers concurrent requests into shared ``embedder.embed`` calls.

    ``max_texts``: the most texts one call gathers (a single larger request still goes
    alone). ``max_wait``: seconds an idle batcher waits for company before it starts a call
    (0: start at once; under load, batches form while the model is busy anyway).
    """

    def __init__(self, embedder: Embedder, *, max_texts: int = 1024, max_wait: float = 0.0,
                 concurrency: int | None = None,
                 cache: EmbeddingCache | bool | None = None) -> None:
        if max_texts < 1 or max_wait < 0:

            raise ConfigurationError("max_texts must be at least 1 and max_wait at least 0")
        self.embedder = embedder
        self.max_texts = int(max_texts)
        self.max_wait = float(max_wait)
        self.concurrency = max(1, int(concurrency or embedder.max_concurrency or 1))
        self.cache = cache
        #: Embed calls made and requests they carried (for tests and monitoring).
        self.calls = 0
        self.requests = 0
        self._queue: asyncio.Queue[_Job] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._flushes: set[asyncio.Task[None]] = set()
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def embed(self, texts: Sequence[str],
                    input_type: str | None) -> tuple[np.ndarray, int]:
        """The vectors of ``texts``, embedded together with whatever else is queued, and
        the tokens they took in the model's tokenizer."""
        self._ensure_started()
        assert self._queue is not None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Job(list(texts), input_type, future))
        result: tuple[np.ndarray, int] = await future
        return result

    def _ensure_started(self) -> None:
        """Start the worker on the running loop (the first request starts it)."""
        loop = asyncio.get_running_loop()
        if self._worker is not None and self._loop is loop and not self._worker.done():
            return
        self._loop = loop
        self._queue = asyncio.Queue()
        self._slots = asyncio.Semaphore(self.concurrency)
        self._flushes = set()
        self._worker = loop.create_task(self._run(), name="embedlab-serve-batcher")

    async def aclose(self) -> None:
        """Finish the calls in flight, then stop the worker (graceful shutdown)."""
        if self._flushes:
            await asyncio.gather(*self._flushes, return_exceptions=True)
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None

    async def _run(self) -> None:
        """Take a free slot, then the queued jobs, and start one call with them."""
        assert self._queue is not None and self._slots is not None
        queue, slots = self._queue, self._slots
        carried: _Job | None = None
        while True:
            await slots.acquire()
            try:
                first = carried or await queue.get()
                carried = None
                batch, size = [first], len(first.texts)
                deadline = asyncio.get_running_loop().time() + self.max_wait
                while size < self.max_texts:
                    job = await self._next(queue, deadline)
                    if job is None:
                        break
                    if size + len(job.texts) > self.max_texts:
                        carried = job  # heads the next call
                        break
                    batch.append(job)
                    size += len(job.texts)
            except BaseException:
                slots.release()
                raise
            task = asyncio.get_running_loop().create_task(self._flush(batch))
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)

    async def _next(self, queue: asyncio.Queue[_Job], deadline: float) -> _Job | None:
        """The next queued job, waiting until ``deadline`` at most; ``None`` if none came."""
        with contextlib.suppress(asyncio.QueueEmpty):
            return queue.get_nowait()
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            return None
        try:
            return await asyncio.wait_for(queue.get(), remaining)
        except asyncio.TimeoutError:
            return None

    async def _flush(self, batch: list[_Job]) -> None:
        """Embed one call's jobs (one model call per input type) and hand out the rows."""
        assert self._slots is not None
        try:
            live = [job for job in batch if not job.future.done()]  # drop cancelled requests
            groups: dict[str | None, list[_Job]] = {}
            for job in live:
                groups.setdefault(job.input_type, []).append(job)
            for input_type, jobs in groups.items():
                await self._embed_group(jobs, input_type)
        finally:
            self._slots.release()

    async def _embed_group(self, jobs: list[_Job], input_type: str | None) -> None:
        self.calls += 1
        self.requests += len(jobs)
        try:
            vectors, tokens = await asyncio.to_thread(self._call, jobs, input_type)
        except Exception as exc:
            if len(jobs) == 1:
                _settle(jobs[0], exc=exc)
                return
            for job in jobs:  # find the request at fault: each on its own
                try:
                    one, counts = await asyncio.to_thread(self._call, [job], input_type)
                    _settle(job, (one, counts[0]))
                except Exception as own:
                    _settle(job, exc=own)
            return
        start = 0
        for job, count in zip(jobs, tokens, strict=True):
            _settle(job, (vectors[start:start + len(job.texts)], count))
            start += len(job.texts)

    def _call(self, jobs: list[_Job], input_type: str | None) -> tuple[np.ndarray, list[int]]:
        """One model call for ``jobs``, then each job's token count (same thread)."""
        texts = [text for job in jobs for text in job.texts]
        vectors = self.embedder.embed(texts, input_type=input_type, cache=self.cache,
                                      progress=False)
        return vectors, [sum(self._tokens_seen(text) for text in job.texts) for job in jobs]

    def _tokens_seen(self, text: str) -> int:
        """The tokens of ``text`` the model reads: a truncating model stops at its limit."""
        count = self.embedder.count_tokens(text)
        limit = self.embedder.max_input_length
        return min(count, limit) if self.embedder.truncates and limit is not None else count


def _settle(job: _Job, result: Any = None, *, exc: BaseException | None = None) -> None:
    """Give ``job`` its rows or its error, unless its request went away."""
    if job.future.done():
        return
    if exc is not None:
        job.future.set_exception(exc)
    else:
        job.future.set_result(result)
