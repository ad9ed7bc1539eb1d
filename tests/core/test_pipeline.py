"""The embedding pipeline behind ``Embedder.embed``: input checks, order, dedupe, batching,
concurrency, retries, response checks, the cache, and the progress bar."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from embedlab import (
    BadRequestError,
    ConfigurationError,
    Embedder,
    EmbeddingCache,
    MalformedResponseError,
    RateLimitError,
    ServiceUnavailableError,
)
from embedlab._transport.cache import CacheNamespace
from embedlab._transport.pipeline import embed_texts, limiter_for, plan_batches
from embedlab.progress import show_progress


def expected_vector(text: str, input_type: str | None, dimension: int) -> np.ndarray:
    """The vector ``RecordingEmbedder`` gives ``text``: seeded by the text and input type."""
    seed = hashlib.sha256(f"{input_type}|{text}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(seed[:8], "little"))
    return rng.standard_normal(dimension).astype(np.float32)


class RecordingEmbedder(Embedder):
    """Deterministic vectors; records every request; can fail or misanswer on demand."""

    provider = "test"
    model = "recording"
    default_input_type = "classification"

    def __init__(self, dimension: int | None = 4, max_batch_size: int = 8,
                 **attrs: Any) -> None:
        self.dimension = dimension
        self.true_dimension = dimension or 6
        self.max_batch_size = max_batch_size
        self.delay = 0.0  # seconds each answer takes
        self.retry_base_delay = 0.001
        self.retry_max_delay = 0.01
        for key, value in attrs.items():
            setattr(self, key, value)
        self.calls: list[tuple[list[str], str | None]] = []
        self.failures: list[Exception] = []  # raised, in order, before answering
        self.answers: list[Any] = []  # returned, in order, instead of the true vectors
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        with self._lock:
            self.calls.append((list(texts), input_type))
            failure = self.failures.pop(0) if self.failures else None
            answer = self.answers.pop(0) if self.answers else None
        if failure is not None:
            raise failure
        time.sleep(self.delay)
        if answer is not None:
            return answer(texts) if callable(answer) else answer
        return np.stack([expected_vector(t, input_type, self.true_dimension) for t in texts])

    @property
    def texts_sent(self) -> list[str]:
        return [text for batch, _ in self.calls for text in batch]


def expected(texts: Sequence[str], input_type: str | None = "classification",
             dimension: int = 4) -> np.ndarray:
    return np.stack([expected_vector(t, input_type, dimension) for t in texts])


TEXTS = [f"text number {i}" for i in range(20)]


# --- input --------------------------------------------------------------------------------

def test_rows_come_back_in_input_order_as_float32() -> None:
    embedder = RecordingEmbedder()
    result = embedder.embed(TEXTS, cache=False)
    assert result.dtype == np.float32 and result.shape == (20, 4)
    np.testing.assert_array_equal(result, expected(TEXTS))
    reversed_result = embedder.embed(TEXTS[::-1], cache=False)
    np.testing.assert_array_equal(reversed_result, expected(TEXTS[::-1]))


def test_each_distinct_text_is_sent_once_per_call() -> None:
    embedder = RecordingEmbedder()
    texts = ["b", "a", "b", "c", "a", "b"]
    result = embedder.embed(texts, cache=False)
    assert sorted(embedder.texts_sent) == ["a", "b", "c"]
    np.testing.assert_array_equal(result, expected(texts))


def test_bare_string_and_non_string_items_are_type_errors() -> None:
    embedder = RecordingEmbedder()
    with pytest.raises(TypeError, match=r"\[text\]"):
        embed_texts(embedder, "just one text", cache=False)
    with pytest.raises(TypeError, match="item 2 is a int"):
        embedder.embed(["a", "b", 3], cache=False)  # type: ignore[list-item]
    assert embedder.calls == []


def test_input_type_defaults_and_is_checked() -> None:
    embedder = RecordingEmbedder()
    embedder.embed(["x"], cache=False)
    embedder.embed(["y"], input_type="search_query", cache=False)
    assert [kind for _, kind in embedder.calls] == ["classification", "search_query"]
    class Narrow(RecordingEmbedder):
        input_types = frozenset({"classification", "clustering"})

    with pytest.raises(ConfigurationError, match="classification, clustering"):
        Narrow().embed(["z"], input_type="search_query", cache=False)


def test_empty_input_gives_an_empty_matrix() -> None:
    known = RecordingEmbedder(dimension=4).embed([], cache=False)
    assert known.shape == (0, 4) and known.dtype == np.float32
    unknown = RecordingEmbedder(dimension=None).embed([], cache=False)
    assert unknown.shape == (0, 0) and unknown.dtype == np.float32


def test_other_iterables_of_strings_are_accepted() -> None:
    embedder = RecordingEmbedder()
    as_array = embedder.embed(np.array(["p", "q"]), cache=False)  # type: ignore[arg-type]
    as_tuple = embedder.embed(("p", "q"), cache=False)
    np.testing.assert_array_equal(as_array, as_tuple)


# --- batching -----------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "sizes"), [
    (7, [7]), (8, [8]), (9, [8, 1]), (16, [8, 8]), (17, [8, 8, 1]),
])
def test_batches_hold_at_most_max_batch_size(count: int, sizes: list[int]) -> None:
    embedder = RecordingEmbedder(max_batch_size=8)
    texts = [f"t{i}" for i in range(count)]
    result = embedder.embed(texts, cache=False)
    assert [len(batch) for batch, _ in embedder.calls] == sizes
    np.testing.assert_array_equal(result, expected(texts))


class WordTokenEmbedder(RecordingEmbedder):
    """Counts one token per word, and caps tokens per request."""

    max_tokens_per_request = 10

    def count_tokens(self, text: str) -> int:
        return len(text.split())


def test_token_budget_splits_batches() -> None:
    embedder = WordTokenEmbedder(max_batch_size=100)
    texts = ["one two three four", "five six seven", "eight nine", "ten",
             "a b c d e f g h i j k l", "x y"]
    result = embedder.embed(texts, cache=False)
    token_sums = [sum(len(t.split()) for t in batch) for batch, _ in embedder.calls]
    # 4+3+2=9 fits, +1 would be 10 (still fits), the 12-word text travels alone.
    assert [len(batch) for batch, _ in embedder.calls] == [4, 1, 1]
    assert token_sums == [10, 12, 2]
    np.testing.assert_array_equal(result, expected(texts))


def test_plan_batches_respects_size_and_tokens() -> None:
    assert plan_batches(None, 5, 2, None) == [range(0, 2), range(2, 4), range(4, 5)]
    assert plan_batches([3, 3, 3, 3], 4, 3, 6) == [range(0, 2), range(2, 4)]
    assert plan_batches([1, 1, 1, 1, 1], 5, 2, 100) == [range(0, 2), range(2, 4), range(4, 5)]
    assert plan_batches([50, 1], 2, 10, 10) == [range(0, 1), range(1, 2)]
    assert plan_batches([], 0, 4, 10) == []


# --- concurrency and threads ---------------------------------------------------------------

class BlockingEmbedder(RecordingEmbedder):
    """Tracks how many requests are in flight; the first two wait for each other."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.in_flight = 0
        self.peak = 0
        self.started = 0
        self.threads: set[int] = set()
        self.meet = threading.Barrier(2, timeout=10)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.threads.add(threading.get_ident())
            self.started += 1
            first_two = self.started <= 2
        try:
            if first_two:
                self.meet.wait()  # breaks (and fails the test) unless two requests overlap
            else:
                time.sleep(0.002)
            return super().embed_batch(texts, input_type)
        finally:
            with self._lock:
                self.in_flight -= 1


def test_batches_run_concurrently_up_to_max_concurrency() -> None:
    embedder = BlockingEmbedder(max_batch_size=2, max_concurrency=3)
    texts = [f"c{i}" for i in range(30)]
    result = embedder.embed(texts, cache=False)
    np.testing.assert_array_equal(result, expected(texts))
    assert 2 <= embedder.peak <= 3
    assert len(embedder.calls) == 15


def test_max_concurrency_one_runs_inline() -> None:
    embedder = RecordingEmbedder(max_batch_size=2)
    seen: list[int] = []
    original = embedder.embed_batch

    def spy(texts: Sequence[str], input_type: str | None) -> np.ndarray:
        seen.append(threading.get_ident())
        return original(texts, input_type)

    embedder.embed_batch = spy  # type: ignore[method-assign]
    embedder.embed([f"i{i}" for i in range(7)], cache=False)
    assert set(seen) == {threading.get_ident()} and len(seen) == 4


def test_same_embedder_from_many_threads_keeps_its_concurrency_limit(tmp_path: Path) -> None:
    embedder = BlockingEmbedder(max_batch_size=3, max_concurrency=2)
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            texts = [f"thread {n} text {i}" for i in range(12)] + ["shared"]
            results[n] = embedder.embed(texts, cache=cache)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert embedder.peak <= 2
    for n, result in results.items():
        texts = [f"thread {n} text {i}" for i in range(12)] + ["shared"]
        np.testing.assert_array_equal(result, expected(texts))


# --- retries and provider faults -------------------------------------------------------------

def test_rate_limit_is_retried_after_retry_after(tmp_path: Path) -> None:
    embedder = RecordingEmbedder()
    stamps: list[float] = []
    original = embedder.embed_batch

    def stamped(texts: Sequence[str], input_type: str | None) -> np.ndarray:
        stamps.append(time.monotonic())
        return original(texts, input_type)

    embedder.embed_batch = stamped  # type: ignore[method-assign]
    embedder.failures = [RateLimitError("429 too many requests", provider="test",
                                        status=429, retry_after=0.2)]
    result = embedder.embed(["r1", "r2"], cache=False)
    np.testing.assert_array_equal(result, expected(["r1", "r2"]))
    assert len(embedder.calls) == 2
    assert stamps[1] - stamps[0] >= 0.2  # the provider asked for 0.2 s
    assert limiter_for(embedder).scale < 1.0  # and the limiter slowed down


class Crowded(RecordingEmbedder):
    """Eight requests in flight at once, all answered 429; every later one goes through."""

    def __init__(self) -> None:
        super().__init__(max_batch_size=2, max_concurrency=8, inputs_per_minute=600_000)
        self.barrier = threading.Barrier(8, timeout=10)
        self.refused = 0

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        with self._lock:
            refuse = self.refused < 8
            self.refused += refuse
        if refuse:
            self.barrier.wait()  # all eight are on their way before the first answer
            raise RateLimitError("429 too many requests", provider="test", status=429)
        return super().embed_batch(texts, input_type)


def test_429s_of_concurrent_requests_slow_the_limiter_once() -> None:
    embedder = Crowded()
    texts = [f"crowd {i}" for i in range(32)]
    np.testing.assert_array_equal(embedder.embed(texts, cache=False), expected(texts))
    assert embedder.refused == 8
    # One cut to 0.7 (grown back since), not eight down to the floor of 0.1.
    assert limiter_for(embedder).scale >= 0.7


def test_retries_give_up_with_the_providers_message() -> None:
    embedder = RecordingEmbedder(max_retries=2)
    embedder.failures = [ServiceUnavailableError(f"upstream overloaded (try {i})", status=503)
                         for i in range(5)]
    with pytest.raises(ServiceUnavailableError, match=r"upstream overloaded \(try 2\)") as info:
        embedder.embed(["g"], cache=False)
    assert len(embedder.calls) == 3  # the first attempt and two retries
    assert any("3 attempts" in note for note in getattr(info.value, "__notes__", []))


def test_non_transient_errors_are_not_retried() -> None:
    embedder = RecordingEmbedder()
    embedder.failures = [BadRequestError("input contains an invalid token", status=400)]
    with pytest.raises(BadRequestError, match="invalid token"):
        embedder.embed(["bad"], cache=False)
    assert len(embedder.calls) == 1


def test_a_failed_batch_stops_the_concurrent_job() -> None:
    embedder = RecordingEmbedder(max_batch_size=1, max_concurrency=4, delay=0.005)
    embedder.failures = [BadRequestError("refused", status=400)]
    with pytest.raises(BadRequestError):
        embedder.embed([f"f{i}" for i in range(200)], cache=False)
    assert len(embedder.calls) < 100  # the queued batches were cancelled


@pytest.mark.parametrize(("answer", "message"), [
    (lambda texts: np.zeros((len(texts) - 1, 4)), "1 vectors for 2 texts"),
    (lambda texts: np.zeros((len(texts), 5)), "dimension 5, expected 4"),
    (lambda texts: np.full((len(texts), 4), np.nan), "non-finite"),
    (lambda texts: np.array([1e39, 0, 0, 0] * len(texts)).reshape(-1, 4), "non-finite"),
    (lambda texts: np.zeros(len(texts)), "1-D"),
    (lambda texts: [[0.0, 1.0], [0.0]], "not a matrix"),
], ids=["count", "dimension", "nan", "overflow", "1-d", "ragged"])
def test_malformed_answers_are_retried_then_reported(answer: Any, message: str) -> None:
    embedder = RecordingEmbedder(max_retries=1)
    embedder.answers = [answer, answer]
    with pytest.raises(MalformedResponseError, match=message):
        embedder.embed(["m1", "m2"], cache=False)
    assert len(embedder.calls) == 2

    embedder.calls.clear()
    embedder.answers = [answer]  # a single bad answer is retried away
    np.testing.assert_array_equal(embedder.embed(["m1", "m2"], cache=False),
                                  expected(["m1", "m2"]))
    assert len(embedder.calls) == 2


def test_undeclared_dimension_is_fixed_by_the_first_answer() -> None:
    embedder = RecordingEmbedder(dimension=None, max_retries=0)
    first = embedder.embed(["d1"], cache=False)
    assert first.shape == (1, 6)
    assert embedder.embed([], cache=False).shape == (0, 6)
    embedder.answers = [np.zeros((1, 3))]
    with pytest.raises(MalformedResponseError, match="dimension 3, expected 6"):
        embedder.embed(["d2"], cache=False)


# --- the cache ----------------------------------------------------------------------------

def test_cached_texts_are_not_sent_again(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    embedder = RecordingEmbedder()
    first = embedder.embed(TEXTS[:12], cache=cache)
    embedder.calls.clear()
    second = embedder.embed(TEXTS, cache=cache)
    assert sorted(embedder.texts_sent) == sorted(TEXTS[12:])
    np.testing.assert_array_equal(second[:12], first)
    np.testing.assert_array_equal(second, expected(TEXTS))
    embedder.calls.clear()
    embedder.embed(TEXTS, cache=cache)
    assert embedder.calls == []


def test_default_cache_follows_settings(monkeypatch: pytest.MonkeyPatch,
                                        _isolated_home: Path) -> None:
    embedder = RecordingEmbedder()
    embedder.embed(["default"])
    embedder.embed(["default"])
    assert len(embedder.calls) == 1
    assert (_isolated_home / "cache" / "embeddings.sqlite3").is_file()

    embedder.embed(["default"], cache=False)
    assert len(embedder.calls) == 2
    monkeypatch.setenv("EMBEDLAB_CACHE", "0")
    embedder.embed(["default"])
    assert len(embedder.calls) == 3


def test_custom_model_revision_never_shares_cached_vectors(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    base = RecordingEmbedder()
    custom = RecordingEmbedder(revision="custom-abc123")
    base.embed(["shared text"], cache=cache)
    custom.embed(["shared text"], cache=cache)
    assert len(custom.calls) == 1
    revisions = {ns.revision for ns in cache.info().namespaces}
    assert revisions == {"", "custom-abc123"}


def test_input_type_and_dimension_are_part_of_the_key(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    embedder = RecordingEmbedder()
    a = embedder.embed(["same"], input_type="search_query", cache=cache)
    b = embedder.embed(["same"], input_type="search_document", cache=cache)
    assert len(embedder.calls) == 2
    assert not np.array_equal(a, b)
    wider = RecordingEmbedder(dimension=8)
    assert wider.embed(["same"], input_type="search_query", cache=cache).shape == (1, 8)
    assert len(wider.calls) == 1


def test_undeclared_dimension_reads_the_cache(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    RecordingEmbedder(dimension=None).embed(["u1", "u2"], cache=cache)
    fresh = RecordingEmbedder(dimension=None)  # a new instance has not seen an answer yet
    result = fresh.embed(["u1", "u2"], cache=cache)
    assert fresh.calls == [] and result.shape == (2, 6)


def test_each_finished_batch_is_in_the_cache_even_if_a_later_one_fails(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    embedder = RecordingEmbedder(max_batch_size=4)
    embedder.answers = [None, None, None]  # three good batches, then:
    embedder.failures = [None, None, None, BadRequestError("refused")]  # type: ignore[list-item]
    with pytest.raises(BadRequestError):
        embedder.embed(TEXTS, cache=cache)
    ns = CacheNamespace.for_embedder(embedder, "classification", 4)
    _, found = cache.get(ns, TEXTS)
    assert found.tolist() == [True] * 12 + [False] * 8


def test_a_broken_cache_write_warns_and_embedding_goes_on(tmp_path: Path) -> None:
    class ReadOnly(EmbeddingCache):
        def put(self, *args: Any, **kwargs: Any) -> None:
            raise sqlite3.OperationalError("attempt to write a readonly database")

    embedder = RecordingEmbedder(max_batch_size=2)
    with pytest.warns(RuntimeWarning, match="readonly database"):
        result = embedder.embed(TEXTS[:5], cache=ReadOnly(tmp_path / "c.sqlite3"))
    np.testing.assert_array_equal(result, expected(TEXTS[:5]))


def test_cache_argument_is_checked() -> None:
    with pytest.raises(TypeError, match="EmbeddingCache"):
        RecordingEmbedder().embed(["x"], cache="yes")  # type: ignore[arg-type]


# --- progress -------------------------------------------------------------------------------

def test_progress_bar_when_forced_and_not_otherwise(capsys: pytest.CaptureFixture[str]) -> None:
    embedder = RecordingEmbedder(max_batch_size=2)
    embedder.embed(TEXTS, cache=False, progress=True)
    assert "embed test:recording" in capsys.readouterr().err
    embedder.embed(TEXTS[::-1], cache=False, progress=False)
    assert capsys.readouterr().err == ""
    embedder.embed(TEXTS[1:], cache=False)  # EMBEDLAB_PROGRESS=0 in the test environment
    assert capsys.readouterr().err == ""


def test_show_progress_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDLAB_PROGRESS", "1")
    assert show_progress() is True
    assert show_progress(False) is False
    monkeypatch.setenv("EMBEDLAB_PROGRESS", "0")
    assert show_progress() is False
    assert show_progress(True) is True
    monkeypatch.delenv("EMBEDLAB_PROGRESS")
    # Under pytest's capture stderr is not a terminal: no bar unless asked for.
    assert show_progress() is False


def test_an_embedder_may_embed_with_itself_inside_embed_batch() -> None:
    class Recursive(RecordingEmbedder):
        def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
            if texts[0].startswith("outer"):
                inner = self.embed([t.replace("outer", "inner") for t in texts], cache=False)
                return inner + 1
            return super().embed_batch(texts, input_type)

    embedder = Recursive()
    result = embedder.embed(["outer a", "outer b"], cache=False)
    np.testing.assert_array_equal(result, expected(["inner a", "inner b"]) + 1)


def test_unhashable_embedders_still_work() -> None:
    class Unhashable(RecordingEmbedder):
        __hash__ = None  # type: ignore[assignment]

    embedder = Unhashable()
    np.testing.assert_array_equal(embedder.embed(["h"], cache=False), expected(["h"]))


def test_each_request_is_charged_to_the_embedders_one_limiter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = WordTokenEmbedder(max_batch_size=2, inputs_per_minute=1e9,
                                 requests_per_minute=1e9, tokens_per_minute=1e9)
    limiter = limiter_for(embedder)
    charged: list[dict[str, float]] = []
    original = limiter.acquire

    def spy(costs: dict[str, float], sleep: Any = None) -> bool:
        charged.append(dict(costs))
        return original(costs, sleep)

    monkeypatch.setattr(limiter, "acquire", spy)
    embedder.embed(["a b c", "d", "e f"], cache=False)
    embedder.embed(["g h i j"], cache=False)
    assert limiter_for(embedder) is limiter  # shared across calls
    assert charged == [{"inputs": 2, "requests": 1, "tokens": 4},
                       {"inputs": 1, "requests": 1, "tokens": 2},
                       {"inputs": 1, "requests": 1, "tokens": 4}]
