"""The Cohere adapter against the fake Cohere server: requests, answers, faults, keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import embedlab
import numpy as np
import pytest
from embedlab import (
    AuthenticationError,
    ConfigurationError,
    FinetuneNotSupportedError,
    InputTooLongError,
    MalformedResponseError,
    ServiceUnavailableError,
)
from fakes import FakeCohere, deterministic_vectors

Make = Callable[..., Any]
TEXTS = ["book a flight to denver", "my card was charged twice", "reset my password"]


def sent_texts(server: FakeCohere) -> list[list[str]]:
    """The texts of each embed request the fake received."""
    return [r.body["texts"] for r in server.requests if r.path == "/v2/embed"]


# -- what is sent and what comes back -----------------------------------------------------------

def test_embed_returns_the_servers_vectors_in_order(make_cohere: Make, fake_cohere: FakeCohere,
                                                    cohere_key: str) -> None:
    embedder = make_cohere()
    result = embedder.embed(TEXTS, cache=False)
    expected = deterministic_vectors(TEXTS, 1024, "embed-english-v3.0|classification")
    assert result.dtype == np.float32 and result.shape == (3, 1024)
    np.testing.assert_allclose(result, expected, atol=1e-5)
    body = fake_cohere.requests[0].body
    assert body["model"] == "embed-english-v3.0"
    assert body["embedding_types"] == ["float"]
    assert body["truncate"] == "END"
    assert fake_cohere.requests[0].headers["authorization"] == f"Bearer {cohere_key}"


@pytest.mark.parametrize("input_type", ["classification", "clustering", "search_document",
                                        "search_query"])
def test_input_type_is_sent_as_is(make_cohere: Make, fake_cohere: FakeCohere,
                                  input_type: str) -> None:
    make_cohere().embed(TEXTS[:1], input_type=input_type, cache=False)
    assert fake_cohere.requests[-1].body["input_type"] == input_type


def test_default_input_type_is_classification_and_configurable(
        make_cohere: Make, fake_cohere: FakeCohere) -> None:
    make_cohere().embed(TEXTS[:1], cache=False)
    make_cohere(input_type="search_document").embed(TEXTS[:1], cache=False)
    assert [r.body["input_type"] for r in fake_cohere.requests] == [
        "classification", "search_document"]


def test_unknown_input_type_is_a_configuration_error(make_cohere: Make) -> None:
    with pytest.raises(ConfigurationError, match="input_type"):
        make_cohere().embed(TEXTS, input_type="image", cache=False)
    with pytest.raises(ConfigurationError, match="input_type"):
        make_cohere(input_type="queries")


def test_at_most_96_texts_a_call_sent_concurrently(make_cohere: Make,
                                                   fake_cohere: FakeCohere) -> None:
    fake_cohere.latency = 0.05
    texts = [f"text number {i}" for i in range(400)]
    result = make_cohere(max_concurrency=4, inputs_per_minute=None).embed(texts, cache=False)
    batches = sent_texts(fake_cohere)
    assert max(len(b) for b in batches) <= 96
    assert sorted(t for b in batches for t in b) == sorted(texts)
    assert fake_cohere.max_in_flight > 1
    expected = deterministic_vectors(texts, 1024, "embed-english-v3.0|classification")
    np.testing.assert_allclose(result, expected, atol=1e-5)


def test_rate_defaults_to_2000_inputs_a_minute_and_is_configurable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert embedlab.get_embedder("cohere").inputs_per_minute == 2000
    assert embedlab.get_embedder("cohere", inputs_per_minute=12_000).inputs_per_minute == 12_000
    monkeypatch.setenv("EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "10,000")
    assert embedlab.get_embedder("cohere").inputs_per_minute == 10_000
    assert embedlab.get_embedder("cohere", inputs_per_minute=None).inputs_per_minute is None
    monkeypatch.setenv("EMBEDLAB_COHERE_INPUTS_PER_MINUTE", "fast")
    with pytest.raises(ConfigurationError, match="EMBEDLAB_COHERE_INPUTS_PER_MINUTE"):
        embedlab.get_embedder("cohere")


def test_one_call_over_96_texts_is_refused_before_sending(make_cohere: Make,
                                                          fake_cohere: FakeCohere) -> None:
    with pytest.raises(ConfigurationError, match="96"):
        make_cohere().embed_batch(["x"] * 97, None)
    assert fake_cohere.requests == []


@pytest.mark.parametrize(("model", "dimension"), [
    ("embed-v4.0", 1536), ("embed-english-v3.0", 1024), ("embed-multilingual-v3.0", 1024),
    ("embed-english-light-v3.0", 384), ("embed-multilingual-light-v3.0", 384)])
def test_known_models_declare_their_real_dimension(make_cohere: Make, model: str,
                                                   dimension: int) -> None:
    embedder = make_cohere(model)
    assert embedder.dimension == dimension
    assert embedder.embed(TEXTS[:2], cache=False).shape == (2, dimension)


@pytest.mark.parametrize("dimension", [256, 512, 1024, 1536])
def test_embed_v4_output_dimension(make_cohere: Make, fake_cohere: FakeCohere,
                                   dimension: int) -> None:
    embedder = make_cohere("embed-v4.0", output_dimension=dimension)
    assert embedder.dimension == dimension
    assert embedder.embed(TEXTS, cache=False).shape == (3, dimension)
    assert fake_cohere.requests[-1].body["output_dimension"] == dimension


def test_output_dimension_is_checked_before_any_call(make_cohere: Make) -> None:
    with pytest.raises(ConfigurationError, match="256, 512, 1024, 1536"):
        make_cohere("embed-v4.0", dimensions=300)
    with pytest.raises(ConfigurationError, match=r"embed-v4\.0 and newer"):
        make_cohere("embed-english-v3.0", dimensions=256)


def test_other_model_names_pass_through(make_cohere: Make, fake_cohere: FakeCohere) -> None:
    embedder = make_cohere("embed-custom-2099")
    assert embedder.dimension is None
    assert embedder.embed(TEXTS, cache=False).shape == (3, fake_cohere.default_dimension)
    assert fake_cohere.requests[-1].body["model"] == "embed-custom-2099"


def test_truncate_option(make_cohere: Make, fake_cohere: FakeCohere) -> None:
    long_text = "word " * 1000
    assert make_cohere(truncate="START").embed([long_text], cache=False).shape == (1, 1024)
    assert fake_cohere.requests[-1].body["truncate"] == "START"
    strict = make_cohere(truncate="NONE")
    assert strict.truncates is False
    with pytest.raises(InputTooLongError, match="too long") as caught:
        strict.embed([long_text], cache=False)
    assert "truncate='END'" in str(caught.value)
    with pytest.raises(ConfigurationError, match="truncate"):
        make_cohere(truncate="MIDDLE")


def test_results_are_cached_by_the_pipeline(make_cohere: Make, fake_cohere: FakeCohere) -> None:
    embedder = make_cohere()
    first = embedder.embed(TEXTS)
    again = embedder.embed(TEXTS + TEXTS[:1])
    assert len(fake_cohere.requests) == 1
    np.testing.assert_array_equal(again[:3], first)


# -- faults Cohere's way (statuses, Retry-After and keys: HostedEmbedderContract) ------------

@pytest.mark.parametrize("fault", ["malformed", "wrong_count", "disconnect"])
def test_transient_faults_are_retried_and_never_reach_the_caller(
        make_cohere: Make, fake_cohere: FakeCohere, fault: str) -> None:
    # Contract violations (malformed, wrong count) are retried once only; transport faults more.
    times = 1 if fault in ("malformed", "wrong_count") else 2
    fake_cohere.fail_next(fault, times=times)
    result = make_cohere().embed(TEXTS, cache=False)
    assert result.shape == (3, 1024)
    assert len(fake_cohere.requests) == times + 1 and fake_cohere.pending_faults == 0


@pytest.mark.parametrize("fault", ["malformed", "wrong_count"])
def test_unreadable_answers_are_malformed_responses(make_cohere: Make, fake_cohere: FakeCohere,
                                                    fault: str) -> None:
    fake_cohere.fail_next(fault)
    with pytest.raises(MalformedResponseError):
        make_cohere().embed_batch(TEXTS, "classification")
    assert len(fake_cohere.requests) == 1, "the SDK's own retries must be off"


@pytest.mark.parametrize("status", [498, 499])
def test_coheres_own_statuses(make_cohere: Make, fake_cohere: FakeCohere, status: int) -> None:
    fake_cohere.fail_next("status", status=status, message="cohere says no")
    error = AuthenticationError if status == 498 else ServiceUnavailableError
    with pytest.raises(error, match="cohere says no"):
        make_cohere().embed_batch(TEXTS, "classification")


def test_revision_separates_endpoints_and_output_options(make_cohere: Make) -> None:
    plain = make_cohere("embed-v4.0", base_url=None)
    small = make_cohere("embed-v4.0", base_url=None, dimensions=256)
    local = make_cohere("embed-v4.0")
    assert len({plain.revision, small.revision, local.revision}) == 3


# -- finetuning -------------------------------------------------------------------------------

def test_native_cohere_finetune_is_refused_naming_the_adapter_method() -> None:
    with pytest.raises(FinetuneNotSupportedError, match="2025-09-15") as caught:
        embedlab.get_finetuner("cohere", method="full")
    assert "adapter" in str(caught.value)
