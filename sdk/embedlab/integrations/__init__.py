"""embedlab models inside the frameworks applications are built on.

- :mod:`embedlab.integrations.langchain`: ``EmbedlabEmbeddings``, a LangChain ``Embeddings``
  (``pip install 'embedlab[langchain]'``).
- :mod:`embedlab.integrations.llama_index`: ``EmbedlabEmbedding``, a LlamaIndex
  ``BaseEmbedding`` (``pip install 'embedlab[llama-index]'``).

Each module imports its framework only when it is imported itself, so ``import embedlab``
stays light. Both embed through embedlab's own pipeline (batching, cache, retries) and take
any model :func:`embedlab.get_embedder` takes, an ``Embedder``, or a ``CustomModel``.
"""

from __future__ import annotations

__all__: list[str] = []
