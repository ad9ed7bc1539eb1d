"""``LocalCustomModel``: a sentence-transformers model whose weights embedlab trained,
saved as safetensors beside its JSON card."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embedlab import CustomModel

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from .embedder import LocalEmbedder

__all__ = ["LocalCustomModel", "custom_model_id"]


def custom_model_id(base_revision: str, dataset_fingerprint: str,
                    hyperparameters: dict[str, Any]) -> str:
    """``local-ft-<12 hex>``: a hash of the base weights, the data and the settings."""
    digest = hashlib.sha256()
    for part in (base_revision, dataset_fingerprint,
                 json.dumps(hyperparameters, sort_keys=True, default=str)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return f"local-ft-{digest.hexdigest()[:12]}"


class LocalCustomModel(CustomModel):
    """A fully finetuned local model: in memory after training, or on disk after saving."""

    provider = "local"
    method = "full"

    def __init__(self, *, id: str, base_model: str, base_revision: str,
                 dataset_fingerprint: str, hyperparameters: dict[str, Any],
                 metrics: dict[str, Any], model: SentenceTransformer | None = None,
                 path: Path | None = None) -> None:
        if model is None and path is None:
            raise ValueError("a LocalCustomModel needs its trained model or a saved path")
        self.id = id
        self.base_model = base_model
        self.base_revision = base_revision
        self.dataset_fingerprint = dataset_fingerprint
        self.hyperparameters = hyperparameters
        self.metrics = metrics
        self.path = path
        self._model = model

    @property
    def fingerprint(self) -> str:
        """The revision this model's embeddings are cached under (never the base's)."""
        return self.id

    def embedder(self, **options: Any) -> LocalEmbedder:
        """An embedder on the trained weights (``options``: device, normalize, batch_size)."""
        from .embedder import LocalEmbedder

        if self.path is not None:
            embedder = LocalEmbedder(str(self.path), revision=self.fingerprint, **options)
            embedder.model = self.id  # the same name (and cache namespace) before and after saving
            return embedder
        assert self._model is not None
        return LocalEmbedder.from_model(self._model, self.id, self.fingerprint,
                                        normalize=options.get("normalize", True),
                                        batch_size=options.get("batch_size", 64))

    def write_weights(self, directory: Path) -> None:
        """Save the sentence-transformers model (safetensors) into ``directory``."""
        model = self._model
        if model is None:
            from .loading import load_sentence_transformer

            assert self.path is not None
            model = load_sentence_transformer(self.path, "cpu")
        model.save(str(directory), safe_serialization=True, create_model_card=False)

    def card(self) -> dict[str, Any]:
        """The base card plus the base revision, data fingerprint and hyperparameters."""
        card = super().card()
        card.update({
            "base_revision": self.base_revision,
            "dataset_fingerprint": self.dataset_fingerprint,
            "hyperparameters": self.hyperparameters,
            "weights": "safetensors",
        })
        return card

    @classmethod
    def from_card(cls, card: dict[str, Any], path: Path) -> LocalCustomModel:
        """The custom model saved in ``path`` whose card is ``card`` (weights load lazily)."""
        return cls(id=str(card["id"]), base_model=str(card["base_model"]),
                   base_revision=str(card.get("base_revision", "")),
                   dataset_fingerprint=str(card.get("dataset_fingerprint", "")),
                   hyperparameters=dict(card.get("hyperparameters", {})),
                   metrics=dict(card.get("metrics", {})), path=path)
