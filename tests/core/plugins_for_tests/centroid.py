"""A small but real finetuner for the fake provider, to exercise FinetunerContract: it learns
each class's centroid and pulls every vector towards its nearest centroid. Saved as .npy."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from embedlab import CustomModel, FinetuneConfig, Finetuner, hookimpl, read_card
from embedlab._datasets.dataset import Dataset
from embedlab._embedder import Embedder
from embedlab._errors import FinetuneError
from embedlab._lookup import get_embedder


class CentroidEmbedder(Embedder):
    """Base vectors pulled towards their nearest class centroid, renormalised."""

    normalized = True

    def __init__(self, base: Embedder, centroids: np.ndarray, model_id: str) -> None:
        self.base = base
        self.centroids = centroids
        self.provider = base.provider
        self.model = model_id
        self.dimension = base.dimension
        self.max_batch_size = base.max_batch_size
        self.max_input_length = base.max_input_length
        self.truncates = base.truncates
        digest = hashlib.sha256(centroids.tobytes()).hexdigest()[:12]
        self.revision = f"{base.revision}+centroids-{digest}"

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        x = np.asarray(self.base.embed_batch(texts, input_type), dtype=np.float64)
        nearest = self.centroids[np.argmax(x @ self.centroids.T, axis=1)]
        out = x + nearest
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


class CentroidModel(CustomModel):
    """Class centroids over a base embedder."""

    def __init__(self, base: Embedder, centroids: np.ndarray, classes: list[str],
                 metrics: dict[str, Any]) -> None:
        self.base = base
        self.centroids = centroids
        self.classes = classes
        self.id = "centroid-" + hashlib.sha256(centroids.tobytes()).hexdigest()[:12]
        self.provider = base.provider
        self.base_model = base.model
        self.method = "full"
        self.metrics = metrics

    def embedder(self) -> Embedder:
        return CentroidEmbedder(self.base, self.centroids, self.id)

    def write_weights(self, directory: Path) -> None:
        np.save(directory / "centroids.npy", self.centroids)
        (directory / "classes.json").write_text(json.dumps(self.classes), encoding="utf-8")


class CentroidFinetuner(Finetuner):
    """Learns one centroid per class from the base embedder's vectors."""

    method = "full"

    def __init__(self, provider: str = "fake", base_model: str | None = None) -> None:
        self.provider = provider
        self.base_model = base_model

    def finetune(self, train: Dataset, validation: Dataset | None = None,
                 config: FinetuneConfig | None = None) -> CentroidModel:
        classes = sorted(set(train.labels))
        if len(classes) < 2:
            raise FinetuneError(f"{train.source}: need at least two classes, got {classes}")
        base = get_embedder(f"{self.provider}:{self.base_model}" if self.base_model
                            else self.provider)
        vectors = base.embed(list(train.texts), cache=False, progress=False)
        labels = np.asarray(train.labels)
        centroids = np.stack([vectors[labels == c].mean(axis=0) for c in classes])
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        return CentroidModel(base, centroids.astype(np.float64), classes,
                             {"classes": len(classes), "rows": len(train)})

    def load(self, path: str | Path) -> CentroidModel:
        card = read_card(path)
        base = get_embedder(f"{card['provider']}:{card['base_model']}")
        classes = json.loads((Path(path) / "classes.json").read_text(encoding="utf-8"))
        return CentroidModel(base, np.load(Path(path) / "centroids.npy"), classes,
                             card["metrics"])


@hookimpl
def embedlab_register_finetuners(register: Any) -> None:
    register("fake", CentroidFinetuner, method="full")
