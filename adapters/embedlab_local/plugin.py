"""Hook implementations that register the local provider. Imports nothing heavy: torch and
sentence-transformers load inside the factories, when the provider is used."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl

from .embedder import LocalEmbedder
from .finetuner import LocalFinetuner

DEFAULT_MODEL = "all-MiniLM-L6-v2"
INSTALL = "pip install torch==2.13.0 && pip install 'embedlab[local]'"
REQUIRES = ["sentence_transformers", "torch"]


def _embedder(model: str, **options: Any) -> Any:

    return LocalEmbedder(model, **options)


def _finetuner(**options: Any) -> Any:

    return LocalFinetuner(**options)


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("local", _embedder, default_model=DEFAULT_MODEL, models=[DEFAULT_MODEL],
             requires=REQUIRES, install=INSTALL,
             description="sentence-transformers models on this machine (offline default)")


@hookimpl
def embedlab_register_finetuners(register: Any) -> None:
    register("local", _finetuner, method="full", requires=REQUIRES, install=INSTALL,
             description="trains the model's weights with SentenceTransformerTrainer")
