"""Registers the OpenAI provider. The ``openai`` SDK loads only when the provider is used."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl

from .embedder import OpenAIEmbedder

DEFAULT_MODEL = "text-embedding-3-small"
MODELS = ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"]
INSTALL = "pip install 'embedlab[openai]'"
#: Shown when someone asks for a native OpenAI fine-tune.
FINETUNE_NOTE = (
    "OpenAI cannot finetune embedding models. A custom OpenAI model is the adapter method "
    "(a head trained on frozen OpenAI embeddings, as OpenAI's cookbook recommends): "
    "get_finetuner('openai', method='adapter') or --method adapter")


def _embedder(model: str, **options: Any) -> Any:

    return OpenAIEmbedder(model, **options)


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("openai", _embedder, default_model=DEFAULT_MODEL, models=MODELS,
             requires=["openai"], install=INSTALL, finetune_note=FINETUNE_NOTE,
             description="OpenAI embeddings through the official SDK "
                         "(and OpenAI-compatible servers through base_url)")
