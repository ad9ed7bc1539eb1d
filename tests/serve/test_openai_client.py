"""The official ``openai`` client calling ``embedlab serve`` on a real socket: float and
base64 answers equal to in-process ``embed``, batches, model listing, errors and auth."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import openai
import pytest
from app_models import SERVE_KEY, saved_model
from embedlab import get_embedder
from embedlab.serve import create_app

TEXTS = ["how do I reset my online banking password", "what is the weather in Paris today",
         "book a table for two at an italian restaurant"]


@pytest.fixture
def client(fake_app: Any, serve_live: Callable[[Any], Any]) -> Iterator[openai.OpenAI]:
    """An OpenAI client on the fake model's live server."""
    with serve_live(fake_app) as base_url:
        yield openai.OpenAI(base_url=base_url, api_key=SERVE_KEY, max_retries=0)


def test_float_and_base64_equal_in_process_embed(client: openai.OpenAI) -> None:
    expected = get_embedder("fake").embed(TEXTS, cache=False)
    as_float = client.embeddings.create(model="fake", input=TEXTS, encoding_format="float")
    # The SDK asks for base64 when no format is given, and decodes it itself.
    as_base64 = client.embeddings.create(model="fake", input=TEXTS)
    for answer in (as_float, as_base64):
        assert [d.index for d in answer.data] == [0, 1, 2]
        np.testing.assert_allclose([d.embedding for d in answer.data], expected, atol=1e-7)
        assert answer.model == "fake"
        assert answer.usage.prompt_tokens == answer.usage.total_tokens > 0
    single = client.embeddings.create(model="fake", input=TEXTS[1], encoding_format="float")
    np.testing.assert_allclose(single.data[0].embedding, expected[1], atol=1e-7)


def test_a_full_batch_of_2048_inputs(client: openai.OpenAI) -> None:
    texts = [f"text number {i} about topic {i % 17}" for i in range(2048)]
    answer = client.embeddings.create(model="fake", input=texts)
    assert len(answer.data) == 2048
    np.testing.assert_allclose([d.embedding for d in answer.data[::511]],
                               get_embedder("fake").embed(texts[::511], cache=False), atol=1e-7)
    with pytest.raises(openai.BadRequestError, match="2049 items; the limit is 2048"):
        client.embeddings.create(model="fake", input=[*texts, "one more"])


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    models = client.models.list()
    assert [m.id for m in models.data] == ["fake"]
    assert client.models.retrieve("fake").id == "fake"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


def test_errors_map_to_the_sdk_exceptions(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client.embeddings.create(model="text-embedding-3-small", input="hi")
    assert missing.value.code == "model_not_found" and missing.value.param == "model"
    with pytest.raises(openai.BadRequestError, match="empty string") as empty:
        client.embeddings.create(model="fake", input=["ok", ""])
    assert empty.value.type == "invalid_request_error" and empty.value.param == "input"
    with pytest.raises(openai.BadRequestError, match="not token ids"):
        client.embeddings.create(model="fake", input=[[101, 2023, 102]])
    with pytest.raises(openai.BadRequestError, match="64-dimensional"):
        client.embeddings.create(model="fake", input="hi", dimensions=32)
    ok = client.embeddings.create(model="fake", input="hi", dimensions=64, user="user-1")
    assert len(ok.data[0].embedding) == 64


def test_auth(fake_app: Any, serve_live: Callable[[Any], Any]) -> None:
    with serve_live(fake_app) as base_url:
        wrong = openai.OpenAI(base_url=base_url, api_key="sk-wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError) as refused:
            wrong.embeddings.create(model="fake", input="hi")
        assert refused.value.code == "invalid_api_key"
        assert "sk-wrong" not in str(refused.value)
        with pytest.raises(openai.AuthenticationError):
            wrong.models.list()
        right = openai.OpenAI(base_url=base_url, api_key=SERVE_KEY, max_retries=0)
        assert len(right.embeddings.create(model="fake", input="hi").data) == 1


def test_input_type_as_extra_body(client: openai.OpenAI) -> None:
    answer = client.embeddings.create(model="fake", input="hi",
                                      extra_body={"input_type": "search_query"})
    assert len(answer.data) == 1
    with pytest.raises(openai.BadRequestError, match="input_type") as bad:
        client.embeddings.create(model="fake", input="hi", extra_body={"input_type": "poems"})
    assert bad.value.param == "input_type"


def test_async_client_concurrent_requests(fake_app: Any,
                                          serve_live: Callable[[Any], Any]) -> None:
    import asyncio

    expected = get_embedder("fake").embed(TEXTS, cache=False)

    async def run(base_url: str) -> list[Any]:
        client = openai.AsyncOpenAI(base_url=base_url, api_key=SERVE_KEY, max_retries=0)
        async with client:
            return await asyncio.gather(*[
                client.embeddings.create(model="fake", input=TEXTS[i % 3:] + TEXTS[:i % 3])
                for i in range(24)])

    with serve_live(fake_app) as base_url:
        answers = asyncio.run(run(base_url))
    for i, answer in enumerate(answers):
        order = [(j + i % 3) % 3 for j in range(3)]
        np.testing.assert_allclose([d.embedding for d in answer.data], expected[order],
                                   atol=1e-7)


def test_local_model_and_a_custom_model(tmp_path_factory: pytest.TempPathFactory,
                                        serve_live: Callable[[Any], Any]) -> None:
    """The shipped local model, and an adapter trained on it, each served and called."""
    custom = saved_model("adapter-local", tmp_path_factory)
    for name in ("local:all-MiniLM-L6-v2", str(custom)):
        expected = get_embedder(name).embed(TEXTS, cache=False)
        with serve_live(create_app(name, SERVE_KEY)) as base_url:
            client = openai.OpenAI(base_url=base_url, api_key=SERVE_KEY, max_retries=0)
            listed = client.models.list().data[0].id
            assert listed == name
            answer = client.embeddings.create(model=listed, input=TEXTS)
        np.testing.assert_allclose([d.embedding for d in answer.data], expected, atol=1e-6)


def test_local_model_under_concurrent_requests(serve_live: Callable[[Any], Any]) -> None:
    """Merged calls and token counts share one tokenizer without tripping over each other
    (texts of many lengths, so encode must pad)."""
    import asyncio

    name = "local:all-MiniLM-L6-v2"
    jobs = [[f"request {r}: " + "very " * (i % 9) + f"long text number {i}" for i in range(32)]
            for r in range(8)]
    embedder = get_embedder(name)

    async def run(base_url: str) -> list[Any]:
        client = openai.AsyncOpenAI(base_url=base_url, api_key=SERVE_KEY, max_retries=0)
        async with client:
            return await asyncio.gather(*[client.embeddings.create(model=name, input=texts)
                                          for texts in jobs])

    # The batcher waits up to a second for more requests after the first, so the eight
    # concurrent ones are merged however slowly a loaded machine sends them.
    app = create_app(name, SERVE_KEY, cache=False, batch_wait_ms=1000)
    with serve_live(app) as base_url:
        answers = asyncio.run(run(base_url))
    assert app.state.embedlab.batcher.calls < len(jobs)  # some requests were merged
    for texts, answer in zip(jobs, answers, strict=True):
        np.testing.assert_allclose([d.embedding for d in answer.data],
                                   embedder.embed(texts, cache=False), atol=1e-5)
        assert answer.usage.prompt_tokens == sum(embedder.count_tokens(t) for t in texts)
