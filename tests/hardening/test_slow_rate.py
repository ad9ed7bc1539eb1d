"""Item 10 of issue 13: a rate limit that cannot be right is refused, and one that makes a
job wait long says so (how long, and the setting to change) instead of waiting silently."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import ClassVar

import embedlab
import numpy as np
import pytest
from embedlab._embedder import Embedder
from embedlab._errors import BadRequestError, ConfigurationError


@pytest.mark.parametrize("variable, provider", [
    ("EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "cohere"),
    ("EMBEDLAB_OPENAI_REQUESTS_PER_MINUTE", "openai"),
    ("EMBEDLAB_OPENAI_TOKENS_PER_MINUTE", "openai"),
])
@pytest.mark.parametrize("value", ["0.001", "0.5", "nan", "-3"])
def test_an_absurd_rate_variable_is_refused(monkeypatch: pytest.MonkeyPatch, variable: str,
                                            provider: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        embedlab.get_embedder(provider, api_key="k")


def test_a_slow_but_possible_rate_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "1.5")
    embedder = embedlab.get_embedder("cohere", api_key="k")
    assert embedder.inputs_per_minute == 1.5
    assert embedder.rate_variables["inputs_per_minute"] == "EMBEDLAB_COHERE_INPUTS_PER_MINUTE"


class Refused(Embedder):
    """Paced to ``inputs_per_minute``; every call is refused, so no test waits for the pace."""

    provider = "slow"
    model = "m"
    dimension = 2
    max_batch_size = 1
    rate_variables: ClassVar[dict[str, str]] = {"inputs_per_minute": "EMBEDLAB_SLOW_RATE"}

    def __init__(self, inputs_per_minute: float) -> None:
        self.inputs_per_minute = inputs_per_minute
        self.calls = 0

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        self.calls += 1
        raise BadRequestError("refused on purpose", provider=self.provider)


def test_a_long_paced_job_says_its_wait_and_the_setting() -> None:
    embedder = Refused(inputs_per_minute=2)
    texts = [f"text {i}" for i in range(61)]  # 60 batches wait their turn: 30 minutes
    with pytest.warns(RuntimeWarning) as caught, pytest.raises(BadRequestError):
        embedder.embed(texts, cache=False, progress=False)
    messages = [str(w.message) for w in caught if "EMBEDLAB_SLOW_RATE" in str(w.message)]
    assert len(messages) == 1, [str(w.message) for w in caught]
    assert "about 30 min" in messages[0] and "61 texts" in messages[0]
    assert "2 inputs a minute" in messages[0]
    assert embedder.calls == 1  # the warning came before any waiting


def test_a_job_within_its_limit_warns_nothing() -> None:
    embedder = Refused(inputs_per_minute=2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(BadRequestError):
            embedder.embed([f"text {i}" for i in range(61)], cache=False, progress=False)
