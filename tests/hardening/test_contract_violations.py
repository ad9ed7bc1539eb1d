"""Items 6 and 8 of issue 13: answers that break the contract are retried at most once, and
vectors read back from the cache are checked like a provider's answers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import embedlab
import numpy as np
import pytest
from embedlab._transport.cache import CacheNamespace, EmbeddingCache
from embedlab.testing import FakeEmbedder


class _WrongDimension(FakeEmbedder):
    """Always answers with 5-dimensional vectors although it declares 64."""

    max_concurrency = 1
    retry_base_delay = 0.0

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        super().embed_batch(texts, input_type)
        return np.ones((len(texts), 5), dtype=np.float32)


class _Short(FakeEmbedder):
    """Always drops the last vector of each answer."""

    max_concurrency = 1
    retry_base_delay = 0.0

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return super().embed_batch(texts, input_type)[:-1]


@pytest.mark.parametrize("kind,what", [(_WrongDimension, "dimension 5"),
                                       (_Short, "vectors for")])
def test_a_contract_violation_is_retried_once_then_reported(kind: type[FakeEmbedder],
                                                            what: str) -> None:
    embedder = kind(max_batch_size=4)
    texts = [f"text number {i}" for i in range(16)]  # 4 batches
    with pytest.raises(embedlab.MalformedResponseError, match=what) as caught:
        embedder.embed(texts, cache=False, progress=False)
    assert embedder.calls == 2
    assert "not retried further" in str(caught.value)


def test_a_nan_vector_in_the_cache_is_not_served(tmp_path: Path) -> None:
    store = EmbeddingCache(tmp_path / "cache.sqlite3")
    embedder = FakeEmbedder(dimension=8)
    texts = ["first text", "second text"]
    good = embedder.embed(texts, cache=store, progress=False)
    ns = CacheNamespace.for_embedder(embedder, embedder.default_input_type, 8)
    poisoned = good.copy()
    poisoned[1] = np.nan
    store.put(ns, texts, poisoned)
    embedder.reset_counters()
    with pytest.warns(RuntimeWarning, match="non-finite"):
        again = embedder.embed(texts, cache=store, progress=False)
    assert np.isfinite(again).all()
    np.testing.assert_allclose(again, good, rtol=1e-6)
    assert embedder.texts_embedded == 1  # only the damaged row was embedded again
    vectors, found = store.get(ns, texts)
    assert found.all() and np.isfinite(vectors).all()  # and the cache was repaired
