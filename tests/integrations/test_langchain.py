"""EmbedlabEmbeddings as LangChain uses it: every kind of model, the input types, the async
methods, a retrieval with LangChain's in-memory vector store, and clear errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from app_models import COHERE_KEY, MODEL_KINDS
from embedlab import ConfigurationError, UnknownProviderError, get_embedder
from embedlab.integrations.langchain import EmbedlabEmbeddings
from embedlab.testing import FakeEmbedder
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import InMemoryVectorStore

DOCS = ["how do I reset my online banking password", "what is the weather in Paris today",
        "book a table for two at an italian restaurant"]


@pytest.mark.parametrize("kind", MODEL_KINDS)
def test_every_kind_of_model_embeds_as_embedlab_does(
        kind: str, model_of_kind: Callable[[str], tuple[str, dict[str, Any]]]) -> None:
    name, options = model_of_kind(kind)
    embeddings = EmbedlabEmbeddings(model=name, **options)
    assert isinstance(embeddings, Embeddings)
    reference = get_embedder(name, **options)
    kind_doc = "search_document" if "search_document" in reference.input_types else None
    kind_query = "search_query" if "search_query" in reference.input_types else None

    documents = embeddings.embed_documents(DOCS)
    query = embeddings.embed_query("forgot my password")

    assert isinstance(documents, list) and len(documents) == len(DOCS)
    assert all(type(x) is float for x in documents[0]) and type(query[0]) is float
    np.testing.assert_allclose(documents, reference.embed(DOCS, input_type=kind_doc),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose([query], reference.embed(["forgot my password"],
                                                        input_type=kind_query),
                               rtol=1e-5, atol=1e-6)
    assert embeddings.embed_documents([]) == []


def test_documents_and_queries_get_their_input_types(fake_cohere: Any) -> None:
    embeddings = EmbedlabEmbeddings("cohere:embed-english-v3.0", api_key=COHERE_KEY,
                                    base_url=fake_cohere.url, inputs_per_minute=None,
                                    cache=False)
    embeddings.embed_documents(["a passage"])
    embeddings.embed_query("a question")
    sent = [r.body["input_type"] for r in fake_cohere.requests if r.path.endswith("/embed")]
    assert sent == ["search_document", "search_query"]


def test_input_types_the_model_lacks_fall_back_to_its_default() -> None:
    embedder = FakeEmbedder()
    embedder.input_types = frozenset({"classification"})  # type: ignore[misc]
    embeddings = EmbedlabEmbeddings(embedder, cache=False)
    assert len(embeddings.embed_query("still works")) == 64
    with pytest.raises(ConfigurationError, match="input type"):  # a real embed would refuse
        embedder.embed(["x"], input_type="search_query")


def test_async_methods_match_the_sync_ones(embedlab_fake_provider: str) -> None:
    embeddings = EmbedlabEmbeddings("fake")

    async def both() -> tuple[list[list[float]], list[float]]:
        return (await embeddings.aembed_documents(DOCS),
                await embeddings.aembed_query("weather"))

    documents, query = asyncio.run(both())
    assert documents == embeddings.embed_documents(DOCS)
    assert query == embeddings.embed_query("weather")


def test_retrieval_with_the_in_memory_vector_store(embedlab_fake_provider: str) -> None:
    store = InMemoryVectorStore(EmbedlabEmbeddings("fake"))
    store.add_documents([Document(page_content=text) for text in DOCS])
    found = store.similarity_search("restaurant table for two", k=1)
    assert found[0].page_content == DOCS[2]


def test_takes_an_embedder_or_a_custom_model_object(
        embedlab_fake_provider: str, tmp_path_factory: pytest.TempPathFactory,
        tmp_path: Path) -> None:
    from app_models import saved_model
    from embedlab import load_custom_model

    custom = load_custom_model(saved_model("adapter-fake", tmp_path_factory))
    custom.save(tmp_path / "model")  # records its id in this test's home
    by_object = EmbedlabEmbeddings(custom).embed_query("hello")
    by_id = EmbedlabEmbeddings(custom.id).embed_query("hello")
    assert by_object == by_id
    assert EmbedlabEmbeddings(custom).model == custom.id
    embedder = FakeEmbedder(dimension=8)
    assert len(EmbedlabEmbeddings(embedder).embed_query("x")) == 8


def test_bad_arguments_are_named(embedlab_fake_provider: str) -> None:
    with pytest.raises(UnknownProviderError, match="nope"):
        EmbedlabEmbeddings("nope:model")
    with pytest.raises(ConfigurationError, match="query_input_type='questions'"):
        EmbedlabEmbeddings("fake", query_input_type="questions")
    with pytest.raises(ConfigurationError, match="already built"):
        EmbedlabEmbeddings(FakeEmbedder(), dimension=3)
    with pytest.raises(TypeError, match="one text"):
        EmbedlabEmbeddings("fake").embed_query(["a list"])  # type: ignore[arg-type]


def test_repr_holds_no_key(fake_openai: Any) -> None:
    from app_models import OPENAI_KEY

    embeddings = EmbedlabEmbeddings("openai:text-embedding-3-small", api_key=OPENAI_KEY,
                                    base_url=fake_openai.base_url)
    assert OPENAI_KEY not in repr(embeddings)
    assert OPENAI_KEY not in repr(vars(embeddings))
