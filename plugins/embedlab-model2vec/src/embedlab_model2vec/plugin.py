"""The hook implementations embedlab finds through the ``embedlab`` entry point.

Registration only records a factory: model2vec (and torch, for a first distillation) load
when the provider is used, so ``embedlab --help`` stays fast with this plugin installed.
"""

from __future__ import annotations

from typing import Any

import embedlab
from embedlab.hookspecs import RegisterEmbedder

from .embedder import Model2VecEmbedder

DEFAULT_MODEL = "all-MiniLM-L6-v2"
INSTALL = "pip install embedlab-model2vec"
REQUIRES = ["model2vec"]
FINETUNE_NOTE = (
    "model2vec's own trainer fits a classifier (and needs the `datasets` package), not an "
    "embedding model; the adapter finetuner trains a head on the static vectors instead")


def _embedder(model: str, **options: Any) -> embedlab.Embedder:

    return Model2VecEmbedder(model, **options)


@embedlab.hookimpl
def embedlab_register_embedders(register: RegisterEmbedder) -> None:
    """Register provider ``model2vec``; finetuning falls to the adapter finetuner (``*``)."""
    register("model2vec", _embedder, default_model=DEFAULT_MODEL, models=[DEFAULT_MODEL],
             requires=REQUIRES, install=INSTALL, finetune_note=FINETUNE_NOTE,
             description="static embeddings distilled with model2vec (fast, offline)")
