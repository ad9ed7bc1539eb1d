"""EmbedlabEmbedding as LlamaIndex uses it: every kind of model, queries vs texts, batching
left to embedlab, async, a small retrieval with a VectorStoreIndex, and clear errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from app_models import COHERE_KEY, MODEL_KINDS
from embedlab import ConfigurationError, UnknownProviderError, get_embedder
from embedlab.integrations.llama_index import EmbedlabEmbedding
from embedlab.testing import FakeEmbedder
from llama_index.core.base.embeddings.base import BaseEmbedding

TEXTS = ["how do I reset my online banking password", "what is the weather in Paris today",
         "book a table for two at an italian restaurant"]


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_every_kind_of_model_embeds_as_embedlab_does(
        kind: str, model_of_kind: Callable[[str], tuple[str, dict[str, Any]]]) -> None:
    name, options = model_of_kind(kind)
    embedding = EmbedlabEmbedding(model=name, options=options)
    assert isinstance(embedding, BaseEmbedding)
    assert embedding.model_name == name
    reference = get_embedder(name, **options)
    kind_doc = "search_document" if "search_document" in reference.input_types else None
    kind_query = "search_query" if "search_query" in reference.input_types else None

    texts = embedding.get_text_embedding_batch(TEXTS)
    query = embedding.get_query_embedding("forgot my password")

    np.testing.assert_allclose(texts, reference.embed(TEXTS, input_type=kind_doc),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose([query], reference.embed(["forgot my password"],
                                                        input_type=kind_query),
                               rtol=1e-5, atol=1e-6)
    assert embedding.get_text_embedding(TEXTS[1]) == pytest.approx(texts[1], abs=1e-6)


def test_queries_and_texts_get_their_input_types(fake_cohere: Any) -> None:
    embedding = EmbedlabEmbedding(
        "cohere:embed-english-v3.0", cache=False,
        options={"api_key": COHERE_KEY, "base_url": fake_cohere.url, "inputs_per_minute": None})
    embedding.get_text_embedding_batch(["a passage", "another"])
    embedding.get_query_embedding("a question")
    sent = [r.body["input_type"] for r in fake_cohere.requests if r.path.endswith("/embed")]
    assert sent == ["search_document", "search_query"]


def test_batching_is_left_to_embedlab() -> None:
    # LlamaIndex hands over up to embed_batch_size texts; embedlab splits them for the model.
    embedder = FakeEmbedder(max_batch_size=7)
    embedding = EmbedlabEmbedding(embedder, cache=False)
    assert embedding.embed_batch_size == 2048
    texts = [f"text number {i}" for i in range(50)]
    vectors = embedding.get_text_embedding_batch(texts)
    assert len(vectors) == 50
    assert embedder.calls == 8  # ceil(50 / 7) requests to the model, in one hand-off
    np.testing.assert_allclose(vectors, FakeEmbedder().embed(texts, cache=False), atol=1e-6)


def test_async_methods_match_the_sync_ones(embedlab_fake_provider: str) -> None:
    embedding = EmbedlabEmbedding("fake")

    async def run() -> tuple[list[list[float]], list[float], list[float]]:
        return (await embedding.aget_text_embedding_batch(TEXTS),
                await embedding.aget_query_embedding("weather"),
                await embedding.aget_text_embedding(TEXTS[0]))

    texts, query, one = asyncio.run(run())
    assert texts == embedding.get_text_embedding_batch(TEXTS)
    assert query == embedding.get_query_embedding("weather")
    assert one == texts[0]


def test_retrieval_with_a_vector_store_index(embedlab_fake_provider: str) -> None:
    from llama_index.core import Document, VectorStoreIndex

    index = VectorStoreIndex.from_documents([Document(text=t) for t in TEXTS],
                                            embed_model=EmbedlabEmbedding("fake"))
    found = index.as_retriever(similarity_top_k=1).retrieve("restaurant table for two")
    assert found[0].node.get_content() == TEXTS[2]


def test_bad_arguments_are_named(embedlab_fake_provider: str) -> None:
    with pytest.raises(UnknownProviderError, match="nope"):
        EmbedlabEmbedding("nope:model")
    with pytest.raises(ConfigurationError, match="document_input_type='docs'"):
        EmbedlabEmbedding("fake", document_input_type="docs")
    with pytest.raises(ConfigurationError, match="already built"):
        EmbedlabEmbedding(FakeEmbedder(), options={"dimension": 3})


def test_serialised_form_holds_no_key(fake_openai: Any) -> None:
    from app_models import OPENAI_KEY

    embedding = EmbedlabEmbedding("openai:text-embedding-3-small", options={
        "api_key": OPENAI_KEY, "base_url": fake_openai.base_url})
    assert OPENAI_KEY not in embedding.to_json()
    assert OPENAI_KEY not in repr(embedding)
    assert embedding.to_dict()["model_name"] == "openai:text-embedding-3-small"
