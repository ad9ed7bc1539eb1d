"""Registers the Cohere provider. The ``cohere`` SDK loads only when the provider is used."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl

from .embedder import CohereEmbedder

DEFAULT_MODEL = "embed-english-v3.0"
MODELS = ["embed-v4.0", "embed-english-v3.0", "embed-multilingual-v3.0",
          "embed-english-light-v3.0", "embed-multilingual-light-v3.0"]
INSTALL = "pip install 'embedlab[cohere]'"
#: Shown when someone asks for a native Cohere fine-tune.
FINETUNE_NOTE = (
    "Cohere retired its fine-tuning service (classify fine-tunes for embed included) on "
    "2025-09-15, so embedlab does not call those endpoints. A custom Cohere model is the "
    "adapter method: a head trained on frozen Cohere embeddings — "
    "get_finetuner('cohere', method='adapter') or --method adapter")


def _embedder(model: str, **options: Any) -> Any:

    return CohereEmbedder(model, **options)


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("cohere", _embedder, default_model=DEFAULT_MODEL, models=MODELS,
             requires=["cohere"], install=INSTALL, finetune_note=FINETUNE_NOTE,
             description="Cohere Embed through the official SDK (ClientV2.embed)")
