"""``EmbedlabEmbedding``: any embedlab model as a LlamaIndex ``BaseEmbedding``.

Queries are embedded as ``search_query`` and texts (nodes) as ``search_document`` where the
provider distinguishes them. LlamaIndex hands over up to ``embed_batch_size`` texts at a
time (2,048 by default, LlamaIndex's maximum) and embedlab's pipeline does the real
batching, caching and retries::

    from embedlab.integrations.llama_index import EmbedlabEmbedding
    from llama_index.core import Settings

    Settings.embed_model = EmbedlabEmbedding(model="runs/queries/model")
"""

from __future__ import annotations

import asyncio
from typing import Any

from .._embedder import Embedder
from ._embedder import ModelLike, bind_model, embed_as_lists, missing_framework

try:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import Field, PrivateAttr
except ImportError as exc:  # the extra is not installed
    raise missing_framework("llama-index-core", "llama-index",
                            "embedlab.integrations.llama_index") from exc

__all__ = ["EmbedlabEmbedding"]

#: LlamaIndex's largest ``embed_batch_size``: hand embedlab's pipeline as much as allowed.
MAX_HANDOFF = 2048


class EmbedlabEmbedding(BaseEmbedding):
    """A LlamaIndex ``BaseEmbedding`` backed by an embedlab model.

    ``model``: anything :func:`embedlab.get_embedder` takes, an ``Embedder`` or a
    ``CustomModel``; ``options`` go to the provider. Other keyword arguments
    (``callback_manager``, ``num_workers``...) go to ``BaseEmbedding``.
    """

    query_input_type: str | None = Field(
        default="search_query", description="embedlab input type for queries.")
    document_input_type: str | None = Field(
        default="search_document", description="embedlab input type for texts and nodes.")
    cache: bool | None = Field(
        default=None, description="False: no embedlab cache; None: the configured default.")
    _embedder: Any = PrivateAttr()

    def __init__(
        self,
        model: ModelLike = "local",
        *,
        options: dict[str, Any] | None = None,
        embed_batch_size: int = MAX_HANDOFF,
        query_input_type: str | None = "search_query",
        document_input_type: str | None = "search_document",
        cache: bool | None = None,
        **kwargs: Any,
    ) -> None:
        bound = bind_model(model, options, document_input_type=document_input_type,
                           query_input_type=query_input_type)
        fields: dict[str, Any] = {"query_input_type": bound.query_input_type,
                                  "document_input_type": bound.document_input_type,
                                  "cache": cache}
        super().__init__(model_name=bound.label, embed_batch_size=embed_batch_size, **fields,
                         **kwargs)
        self._embedder = bound.embedder

    @classmethod
    def class_name(cls) -> str:
        """LlamaIndex's serialisation name for this class."""
        return "EmbedlabEmbedding"

    @property
    def embedder(self) -> Embedder:
        """The embedlab embedder doing the work."""
        embedder: Embedder = self._embedder
        return embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return embed_as_lists(self._embedder, [query], self.query_input_type, self.cache)[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return embed_as_lists(self._embedder, [text], self.document_input_type, self.cache)[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return embed_as_lists(self._embedder, texts, self.document_input_type, self.cache)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return await asyncio.to_thread(self._get_query_embedding, query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return await asyncio.to_thread(self._get_text_embedding, text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return await asyncio.to_thread(self._get_text_embeddings, texts)
