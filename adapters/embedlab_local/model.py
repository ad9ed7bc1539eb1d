"""``LocalCustomModel``: a sentence-transformers model whose weights embedlab trained,
saved as safetensors beside its JSON card.

A saved model's embeddings are cached under its id and a digest of its weight files,
recorded in the card when saved and taken again when loaded (once per load, never per
embed call): weights changed after saving never get the old weights' cached vectors."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embedlab import ConfigurationError, CustomModel

from . import resolve
from .embedder import LocalEmbedder
from .loading import load_sentence_transformer, quiet_transformers

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from .embedder import LocalEmbedder

__all__ = ["LocalCustomModel", "custom_model_id", "saved_weights_digest"]

#: Files of a saved sentence-transformers module that decide its vectors: the weights and
#: the configs. Files embedlab keeps beside them (the card, a classification head) do not.
_MODEL_FILES = ("model*.safetensors", "pytorch_model*.bin", "config.json",
                "sentence_bert_config.json")


def custom_model_id(base_revision: str, dataset_fingerprint: str,
                    hyperparameters: dict[str, Any]) -> str:
    """``local-ft-<12 hex>``: a hash of the base weights, the data and the settings."""
    digest = hashlib.sha256()
    for part in (base_revision, dataset_fingerprint,
                 json.dumps(hyperparameters, sort_keys=True, default=str)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return f"local-ft-{digest.hexdigest()[:12]}"


def saved_weights_digest(directory: Path) -> str:
    """A short SHA-256 over ``modules.json`` and each module folder's weights and configs
    (memoised per file size and modification time, so a load hashes each file once)."""

    try:
        modules = json.loads((directory / "modules.json").read_text(encoding="utf-8"))
        folders = sorted({str(module["path"]) for module in modules})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f"{directory}: modules.json is missing or damaged ({exc}); save the model again "
            "with embedlab") from None
    root = directory.resolve()
    files = {root / "modules.json"}  # resolved: the digest never depends on how the path was typed
    for folder in folders:
        base = (root / folder).resolve()
        if base.is_relative_to(root) and base.is_dir():
            files.update(p.resolve() for pattern in _MODEL_FILES for p in base.glob(pattern)
                         if p.is_file())
    named = sorted((path.relative_to(root).as_posix(), path) for path in files
                   if path.is_relative_to(root))
    combined = hashlib.sha256()
    for name, path in named:
        combined.update(name.encode())
        combined.update(resolve.file_digest(path).encode())
    return combined.hexdigest()[:16]


class LocalCustomModel(CustomModel):
    """A fully finetuned local model: in memory after training, or on disk after saving."""

    provider = "local"
    method = "full"

    def __init__(self, *, id: str, base_model: str, base_revision: str,
                 dataset_fingerprint: str, hyperparameters: dict[str, Any],
                 metrics: dict[str, Any], model: SentenceTransformer | None = None,
                 path: Path | None = None, weights_digest: str | None = None) -> None:
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
        #: Digest of the saved weight files (``None`` until saved); part of the cache key.
        self.weights_digest = weights_digest

    @property
    def fingerprint(self) -> str:
        """The revision this model's embeddings are cached under (never the base's): the id,
        and once saved the digest of the weights on disk."""
        return f"{self.id}-{self.weights_digest}" if self.weights_digest else self.id

    def embedder(self, **options: Any) -> LocalEmbedder:
        """An embedder on the trained weights (``options``: device, normalize, batch_size)."""

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

            assert self.path is not None
            model = load_sentence_transformer(self.path, "cpu")

        with quiet_transformers():
            model.save(str(directory), safe_serialization=True, create_model_card=False)
        self.weights_digest = saved_weights_digest(directory)

    def card(self) -> dict[str, Any]:
        """The base card plus the base revision, data fingerprint and hyperparameters."""
        card = super().card()
        card.update({
            "base_revision": self.base_revision,
            "dataset_fingerprint": self.dataset_fingerprint,
            "hyperparameters": self.hyperparameters,
            "weights": "safetensors",
        })
        if self.weights_digest:
            card["weights_digest"] = self.weights_digest
        return card

    @classmethod
    def from_card(cls, card: dict[str, Any], path: Path) -> LocalCustomModel:
        """The custom model saved in ``path`` whose card is ``card`` (weights load lazily;
        their digest is taken now and compared with the one the card recorded)."""
        digest = saved_weights_digest(path)
        recorded = card.get("weights_digest")
        if isinstance(recorded, str) and recorded != digest:
            warnings.warn(
                f"{path}: the weights changed since embedlab saved this model (digest "
                f"{recorded} in the card, {digest} on disk); its embeddings are cached under "
                "the new digest. Save the model again with embedlab if the change was meant",
                RuntimeWarning, stacklevel=2)
        return cls(id=str(card["id"]), base_model=str(card["base_model"]),
                   base_revision=str(card.get("base_revision", "")),
                   dataset_fingerprint=str(card.get("dataset_fingerprint", "")),
                   hyperparameters=dict(card.get("hyperparameters", {})),
                   metrics=dict(card.get("metrics", {})), path=path, weights_digest=digest)
