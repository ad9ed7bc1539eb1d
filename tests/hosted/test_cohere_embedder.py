"""The Cohere adapter against the fake Cohere server: requests, answers, faults, keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import embedlab
import numpy as np
import pytest
from embedlab import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    FinetuneNotSupportedError,
    InputTooLongError,
    MalformedResponseError,
    ProviderTimeoutError,
    RateLimitError,
    ServiceUnavailableError,
)
from fakes import FakeCohere, deterministic_vectors
from fakes.leaks import assert_key_never_shows

Make = Callable[..., Any]
TEXTS = ["book a flight to denver", "my card was charged twice", "reset my password"]


def sent_texts(server: FakeCohere) -> list[list[str]]:
    """The texts of each embed request the fake received."""
    return [r.body["texts"] for r in server.requests if r.path == "/v2/embed"]


# -- what is sent and what comes back -----------------------------------------------------------

def test_embed_returns_the_servers_vectors_in_order(make_cohere: Make,
                                                    fake_cohere: FakeCohere) -> None:
    embedder = make_cohere()
    result = embedder.embed(TEXTS, cache=False)
    expected = deterministic_vectors(TEXTS, 1024, "embed-english-v3.0|classification")
    assert result.dtype == np.float32 and result.shape == (3, 1024)
    np.testing.assert_allclose(result, expected, atol=1e-5)
    body = fake_cohere.requests[0].body
    assert body["model"] == "embed-english-v3.0"
    assert body["embedding_types"] == ["float"]
    assert body["truncate"] == "END"
    assert fake_cohere.requests[0].headers["authorization"] == "Bearer co-SECRET-4f9a1c7e2b"


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


# -- faults: retried while retries remain, clear errors otherwise -----------------------------

@pytest.mark.parametrize(("fault", "options"), [
    ("status", {"status": 429}), ("status", {"status": 500}), ("status", {"status": 503}),
    ("status", {"status": 504}), ("malformed", {}), ("wrong_count", {}), ("disconnect", {})])
def test_transient_faults_are_retried_and_never_reach_the_caller(
        make_cohere: Make, fake_cohere: FakeCohere, fault: str, options: dict[str, Any]) -> None:
    # Contract violations (malformed, wrong count) are retried once only; transport faults more.
    times = 1 if fault in ("malformed", "wrong_count") else 2
    fake_cohere.fail_next(fault, times=times, **options)
    result = make_cohere().embed(TEXTS, cache=False)
    assert result.shape == (3, 1024)
    assert len(fake_cohere.requests) == times + 1 and fake_cohere.pending_faults == 0


def test_retry_after_is_honoured(make_cohere: Make, fake_cohere: FakeCohere) -> None:
    fake_cohere.fail_next("status", status=429, retry_after=1)
    make_cohere().embed(TEXTS, cache=False)
    first, second = fake_cohere.requests
    assert second.at - first.at >= 1.0


def test_time_outs_are_retried(make_cohere: Make, fake_cohere: FakeCohere) -> None:
    fake_cohere.fail_next("slow", delay=3.0)
    result = make_cohere(timeout=0.5).embed(TEXTS, cache=False)
    assert result.shape == (3, 1024) and len(fake_cohere.requests) == 2


@pytest.mark.parametrize(("fault", "options", "error"), [
    ("status", {"status": 429, "retry_after": 7, "message": "trial key limit"}, RateLimitError),
    ("status", {"status": 500, "message": "boom inside"}, ServiceUnavailableError),
    ("status", {"status": 503, "message": "overloaded"}, ServiceUnavailableError),
    ("malformed", {}, MalformedResponseError),
    ("wrong_count", {}, MalformedResponseError),
    ("disconnect", {}, ServiceUnavailableError)])
def test_one_call_maps_sdk_failures_to_embedlab_errors(
        make_cohere: Make, fake_cohere: FakeCohere, fault: str, options: dict[str, Any],
        error: type[Exception]) -> None:
    fake_cohere.fail_next(fault, **options)
    with pytest.raises(error) as caught:
        make_cohere().embed_batch(TEXTS, "classification")
    assert len(fake_cohere.requests) == 1, "the SDK's own retries must be off"
    if "message" in options:
        assert options["message"] in str(caught.value)
    if options.get("retry_after"):
        assert caught.value.retry_after == 7  # type: ignore[attr-defined]


def test_time_out_of_one_call(make_cohere: Make, fake_cohere: FakeCohere) -> None:
    fake_cohere.fail_next("slow", delay=3.0)
    with pytest.raises(ProviderTimeoutError):
        make_cohere(timeout=0.3).embed_batch(TEXTS, None)


def test_retries_run_out_into_the_last_error(make_cohere: Make,
                                             fake_cohere: FakeCohere) -> None:
    embedder = make_cohere()
    embedder.max_retries = 2
    fake_cohere.fail_next("status", status=503, message="still down", times=5)
    with pytest.raises(ServiceUnavailableError, match="still down"):
        embedder.embed(TEXTS, cache=False)
    assert len(fake_cohere.requests) == 3


def test_bad_request_keeps_cohere_message_and_is_not_retried(
        make_cohere: Make, fake_cohere: FakeCohere) -> None:
    fake_cohere.fail_next("status", status=400, message="invalid request: model not found")
    with pytest.raises(BadRequestError, match="model not found"):
        make_cohere().embed(TEXTS, cache=False)
    assert len(fake_cohere.requests) == 1


# -- keys and endpoints -----------------------------------------------------------------------

def test_wrong_key_says_which_variable_to_set(make_cohere: Make,
                                              fake_cohere: FakeCohere) -> None:
    with pytest.raises(AuthenticationError, match="CO_API_KEY") as caught:
        make_cohere(api_key="co-wrong-key-123").embed(TEXTS, cache=False)
    assert "invalid api token" in str(caught.value)
    assert "co-wrong-key-123" not in str(caught.value)
    assert len(fake_cohere.requests) == 1


def test_missing_key_says_which_variable_to_set(fake_cohere: FakeCohere) -> None:
    embedder = embedlab.get_embedder("cohere", base_url=fake_cohere.url)
    with pytest.raises(AuthenticationError, match="CO_API_KEY"):
        embedder.embed(TEXTS, cache=False)
    assert fake_cohere.requests == []


@pytest.mark.parametrize("variable", ["CO_API_KEY", "COHERE_API_KEY"])
def test_key_and_url_come_from_the_environment_when_the_client_is_made(
        fake_cohere: FakeCohere, cohere_key: str, monkeypatch: pytest.MonkeyPatch,
        variable: str) -> None:
    embedder = embedlab.get_embedder("cohere:embed-english-v3.0")
    monkeypatch.setenv(variable, cohere_key)
    monkeypatch.setenv("CO_API_URL", fake_cohere.url)
    assert embedder.embed(TEXTS, cache=False).shape == (3, 1024)
    assert len(fake_cohere.requests) == 1


def test_the_key_never_shows(make_cohere: Make, fake_cohere: FakeCohere, cohere_key: str,
                             caplog: pytest.LogCaptureFixture,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert_key_never_shows(make_cohere(), fake_cohere, cohere_key, TEXTS, caplog, capsys)


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
