"""The embedding cache and the pipeline's own overhead.

1. Batch reads from :class:`embedlab.EmbeddingCache`: write N 384-dim vectors, then read
   them all back in one ``get`` — *cold* (a new cache object: SQLite's page cache empty;
   the OS file cache is not dropped) and *warm* (the same object again).
2. ``Embedder.embed`` on a trivial in-memory embedder (answers take ~no time) against
   calling its ``embed_batch`` directly over the same batches: with the cache off, with
   an empty cache (every batch written), and with a warm cache (every text a hit).
3. The rate limiter's pacing on a virtual clock: a 20,000-text job at Cohere's 2,000
   inputs/min in batches of 96 — the share of the limit reached, and the most started in
   any 60 s window (must not exceed the limit).

Run: ``.venv/bin/python bench/cache.py [--rows 100000] [--texts 20000] [--runs 3]``;
prints Markdown tables. Files go to a temporary folder, deleted afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from embedlab import Embedder, EmbeddingCache
from embedlab._transport.cache import CacheNamespace
from embedlab._transport.throttle import RateLimiter

DIM = 384


class InstantEmbedder(Embedder):
    """Answers every batch with rows of a precomputed table: measures everything else."""

    provider = "bench"
    model = "instant"
    dimension = DIM
    max_batch_size = 64

    def __init__(self, revision: str) -> None:
        self.revision = revision
        self.table = np.random.default_rng(0).standard_normal((self.max_batch_size, DIM))
        self.table = self.table.astype(np.float32)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return self.table[: len(texts)]


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_reads(folder: Path, rows: int, runs: int) -> None:
    """Write ``rows`` vectors, then time cold and warm batch reads of all of them."""
    path = folder / "reads.sqlite3"
    ns = CacheNamespace("bench", "reads", "", "classification", DIM)
    texts = [f"cached text number {i} with a few more words" for i in range(rows)]
    vectors = np.random.default_rng(1).standard_normal((rows, DIM)).astype(np.float32)
    with EmbeddingCache(path) as cache:
        start = time.perf_counter()
        cache.put(ns, texts, vectors)
        write_s = time.perf_counter() - start
    size = EmbeddingCache(path).size_bytes()  # after close: the WAL is checked in

    colds = []
    for _ in range(runs):
        with EmbeddingCache(path) as cold:
            start = time.perf_counter()
            got, found = cold.get(ns, texts)
            colds.append(time.perf_counter() - start)
    assert found.all() and np.array_equal(got, vectors)
    with EmbeddingCache(path) as warm:
        warm.get(ns, texts)
        warm_s = timed(lambda: warm.get(ns, texts), runs)

    print(f"\n### Batch reads: {rows:,} vectors of {DIM} float32 ({size / 2**20:.0f} MiB file)\n")
    print("| operation | seconds | vectors/s |")
    print("|---|---:|---:|")
    print(f"| write all (one transaction) | {write_s:.2f} | {rows / write_s:,.0f} |")
    cold_s = statistics.median(colds)
    print(f"| read all, cold (median of {runs}) | {cold_s:.2f} | {rows / cold_s:,.0f} |")
    print(f"| read all, warm (median of {runs}) | {warm_s:.2f} | {rows / warm_s:,.0f} |")


def bench_overhead(folder: Path, count: int, runs: int) -> None:
    """Time ``embed`` against direct ``embed_batch`` calls on an instant embedder."""
    texts = [f"text {i} for the overhead benchmark" for i in range(count)]

    def direct(embedder: InstantEmbedder) -> np.ndarray:
        size = embedder.max_batch_size
        return np.concatenate([embedder.embed_batch(texts[i:i + size], None)
                               for i in range(0, count, size)])

    base = InstantEmbedder("direct")
    base.embed(texts[:100], cache=False, progress=False)  # first-call imports, not timed
    direct_s = timed(lambda: direct(base), runs)
    off_s = timed(lambda: base.embed(texts, cache=False, progress=False), runs)

    fills = []
    for run in range(runs):  # a new revision each run: an empty namespace every time
        filler = InstantEmbedder(f"fill-{run}")
        with EmbeddingCache(folder / "overhead.sqlite3") as cache:
            start = time.perf_counter()
            filler.embed(texts, cache=cache, progress=False)
            fills.append(time.perf_counter() - start)
    fill_s = statistics.median(fills)

    warm = InstantEmbedder("fill-0")
    with EmbeddingCache(folder / "overhead.sqlite3") as cache:
        warm_s = timed(lambda: warm.embed(texts, cache=cache, progress=False), runs)

    per = 1e6 / count
    print(f"\n### Pipeline overhead: {count:,} distinct texts, {DIM} dims, batches of "
          f"{base.max_batch_size}, instant embedder (median of {runs})\n")
    print("| how | seconds | µs per text | vs direct |")
    print("|---|---:|---:|---:|")
    for name, seconds in [
        ("embed_batch called directly", direct_s),
        ("embed(), cache off", off_s),
        ("embed(), empty cache (writes each batch)", fill_s),
        ("embed(), warm cache (all hits, no provider call)", warm_s),
    ]:
        print(f"| {name} | {seconds:.3f} | {seconds * per:.1f} | "
              f"+{(seconds - direct_s) * per:.1f} µs |")


def bench_pacing(texts: int = 20_000, limit: float = 2000.0, batch: int = 96) -> None:
    """Start times of a whole job on a virtual clock: rate reached and worst 60 s window."""
    now = [0.0]
    limiter = RateLimiter({"inputs": limit}, clock=lambda: now[0],
                          sleep=lambda s: now.__setitem__(0, now[0] + s))
    sizes = [batch] * (texts // batch) + ([texts % batch] if texts % batch else [])
    starts = []
    for size in sizes:
        limiter.acquire({"inputs": size})
        starts.append(now[0])
    worst = max(sum(n for s, n in zip(starts, sizes, strict=True) if t <= s < t + 60)
                for t in starts)
    rate = (texts - sizes[-1]) / starts[-1] * 60
    print(f"\n### Pacing (virtual clock): {texts:,} texts, {limit:,.0f} inputs/min, "
          f"batches of {batch}\n")
    print("| job length | rate reached | share of limit | most in any 60 s |")
    print("|---:|---:|---:|---:|")
    print(f"| {starts[-1] / 60:.1f} min | {rate:,.0f}/min | {rate / limit:.2f} | {worst:,} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="vectors for the read test")
    parser.add_argument("--texts", type=int, default=20_000, help="texts for the overhead test")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="embedlab-bench-cache-") as tmp:
        bench_reads(Path(tmp), args.rows, args.runs)
        bench_overhead(Path(tmp), args.texts, args.runs)
    bench_pacing()


if __name__ == "__main__":
    main()
