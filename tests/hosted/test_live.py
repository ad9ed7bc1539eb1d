"""Against the real APIs: skipped unless CO_API_KEY / OPENAI_API_KEY is set (the keys are
read when this module loads, before the offline fixtures clear the environment)."""

from __future__ import annotations

import os

import embedlab
import numpy as np
import pytest
from embedlab import AuthenticationError

COHERE_KEY = os.environ.get("CO_API_KEY") or os.environ.get("COHERE_API_KEY")
OPENAI_KEY = os.environ.get("OPENAI_API_KEY")
TEXTS = ["book a flight to denver", "my card was charged twice", "book a flight to denver"]

pytestmark = pytest.mark.live


def _check(result: np.ndarray, dimension: int) -> None:
    assert result.shape == (3, dimension) and result.dtype == np.float32
    assert np.isfinite(result).all()
    np.testing.assert_array_equal(result[0], result[2])
    assert not np.allclose(result[0], result[1])


@pytest.mark.skipif(not COHERE_KEY, reason="set CO_API_KEY to run against the Cohere API")
def test_cohere_live() -> None:
    embedder = embedlab.get_embedder("cohere:embed-english-light-v3.0", api_key=COHERE_KEY)
    _check(embedder.embed(TEXTS, cache=False), 384)
    v4 = embedlab.get_embedder("cohere:embed-v4.0", api_key=COHERE_KEY, dimensions=256)
    _check(v4.embed(TEXTS, input_type="search_query", cache=False), 256)
    with pytest.raises(AuthenticationError, match="CO_API_KEY"):
        embedlab.get_embedder("cohere", api_key="not-a-key").embed(TEXTS, cache=False)


@pytest.mark.skipif(not OPENAI_KEY, reason="set OPENAI_API_KEY to run against the OpenAI API")
def test_openai_live() -> None:
    embedder = embedlab.get_embedder("openai:text-embedding-3-small", api_key=OPENAI_KEY,
                                     dimensions=256)
    result = embedder.embed(TEXTS, cache=False)
    _check(result, 256)
    np.testing.assert_allclose(np.linalg.norm(result, axis=1), 1.0, atol=1e-3)
    with pytest.raises(AuthenticationError, match="OPENAI_API_KEY") as caught:
        embedlab.get_embedder("openai", api_key="sk-not-a-key-1234567").embed(TEXTS, cache=False)
    assert "sk-not-a-key-1234567" not in str(caught.value)
