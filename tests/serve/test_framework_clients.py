"""LangChain's and LlamaIndex's own OpenAI embedding classes pointed at ``embedlab serve``
on a real socket, serving a custom model: they get the vectors embedlab computes itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from app_models import SERVE_KEY, saved_model
from embedlab import load_custom_model
from embedlab.serve import create_app

TEXTS = ["how do I reset my online banking password", "what is the weather in Paris today",
         "book a table for two at an italian restaurant"]


@pytest.fixture
def custom(embedlab_fake_provider: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A tiny adapter custom model (over the fake provider)."""
    return load_custom_model(saved_model("adapter-fake", tmp_path_factory))


def test_langchain_openai_embeddings(custom: Any, serve_live: Callable[[Any], Any]) -> None:
    import langchain_openai as openai_lc

    expected = custom.embedder().embed(TEXTS, cache=False)
    with serve_live(create_app(custom, SERVE_KEY)) as base_url:
        embeddings = openai_lc.OpenAIEmbeddings(
            model=custom.id, base_url=base_url, api_key=SERVE_KEY, max_retries=0,
            # LangChain would send tiktoken ids for OpenAI's models; this server takes text
            check_embedding_ctx_length=False)
        documents = embeddings.embed_documents(TEXTS)
        query = embeddings.embed_query(TEXTS[0])
    np.testing.assert_allclose(documents, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(query, expected[0], rtol=1e-5, atol=1e-6)


def test_llama_index_openai_embedding(custom: Any, serve_live: Callable[[Any], Any]) -> None:
    import llama_index.embeddings.openai as openai_li

    expected = custom.embedder().embed(TEXTS, cache=False)
    with serve_live(create_app(custom, SERVE_KEY)) as base_url:
        embedding = openai_li.OpenAIEmbedding(model_name=custom.id, api_base=base_url,
                                              api_key=SERVE_KEY, max_retries=0)
        texts = embedding.get_text_embedding_batch(TEXTS)
        query = embedding.get_query_embedding(TEXTS[1])
    np.testing.assert_allclose(texts, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(query, expected[1], rtol=1e-5, atol=1e-6)
