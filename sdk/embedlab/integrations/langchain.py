"""``EmbedlabEmbeddings``: any embedlab model as a LangChain ``Embeddings``.

Documents are embedded as ``search_document`` and queries as ``search_query`` where the
provider distinguishes them (Cohere, local models with prompts); embedlab's pipeline does
the batching, caching and retries::

    from embedlab.integrations.langchain import EmbedlabEmbeddings
    from langchain_core.vectorstores import InMemoryVectorStore

    store = InMemoryVectorStore(EmbedlabEmbeddings(model="runs/queries/model"))
"""

from __future__ import annotations

import asyncio
from typing import Any

from .._embedder import Embedder
from .._transport.cache import EmbeddingCache
from ._embedder import ModelLike, bind_model, embed_as_lists, missing_framework

try:
    from langchain_core.embeddings import Embeddings
except ImportError as exc:  # the extra is not installed
    raise missing_framework("langchain-core", "langchain",
                            "embedlab.integrations.langchain") from exc

__all__ = ["EmbedlabEmbeddings"]


class EmbedlabEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` backed by an embedlab model.

    ``model``: anything :func:`embedlab.get_embedder` takes (``"local"``,
    ``"cohere:embed-english-v3.0"``, a custom model's id or saved path, a plugin's
    ``provider:model``), an ``Embedder`` or a ``CustomModel``. ``options`` go to the
    provider (``base_url``, ``dimensions``...). ``cache``: an ``EmbeddingCache``, ``False``
    for none, ``None`` for embedlab's configured default.
    """

    def __init__(
        self,
        model: ModelLike = "local",
        *,
        document_input_type: str | None = "search_document",
        query_input_type: str | None = "search_query",
        cache: EmbeddingCache | bool | None = None,
        **options: Any,
    ) -> None:
        bound = bind_model(model, options, document_input_type=document_input_type,
                           query_input_type=query_input_type)
        self.embedder: Embedder = bound.embedder
        #: The model's name as given (or the embedder's ``provider:model``).
        self.model = bound.label
        self.document_input_type = bound.document_input_type
        self.query_input_type = bound.query_input_type
        self.cache = cache

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per document, in order."""
        return embed_as_lists(self.embedder, texts, self.document_input_type, self.cache)

    def embed_query(self, text: str) -> list[float]:
        """The vector of one search query."""
        if not isinstance(text, str):
            raise TypeError(f"embed_query takes one text, got {type(text).__name__}")
        return embed_as_lists(self.embedder, [text], self.query_input_type, self.cache)[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """:meth:`embed_documents` in a worker thread, so the event loop keeps running."""
        return await asyncio.to_thread(self.embed_documents, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """:meth:`embed_query` in a worker thread, so the event loop keeps running."""
        return await asyncio.to_thread(self.embed_query, text)

    def __repr__(self) -> str:
        return f"EmbedlabEmbeddings(model={self.model!r})"
