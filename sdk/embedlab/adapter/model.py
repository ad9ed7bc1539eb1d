"""A trained adapter as a :class:`~embedlab.CustomModel`, and the embedder that applies it.

The adapter embeds with its base model (through the base's own pipeline and cache) and maps
the vectors through the head. Nothing here needs torch: the head runs in numpy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._card_schema import ADAPTER_CARD_SCHEMA, check_card, file_in_model
from .._embedder import Embedder
from .._errors import (
    ConfigurationError,
    FinetuneError,
    ModelNotFoundError,
    ProviderUnavailableError,
    UnknownProviderError,
)
from .._finetuner import CustomModel
from .._lookup import get_embedder
from .._secret import is_secret_name
from .head import Head

if TYPE_CHECKING:
    import numpy as np

__all__ = ["WEIGHTS_NAME", "AdapterEmbedder", "AdapterModel", "adapter_revision",
           "public_options"]

#: The head's weights inside a saved adapter's directory.
WEIGHTS_NAME = "adapter.safetensors"
#: Format tag written into the weights' metadata and the card.
FORMAT = "embedlab-adapter/1"


def public_options(options: dict[str, Any]) -> dict[str, Any]:
    """The embedder options safe to write down and reuse at load: numbers and booleans under
    names that are not a credential's (:func:`embedlab._secret.is_secret_name`). Strings are
    never kept: a redacted URL or header could not be used again."""
    return {k: v for k, v in options.items()
            if isinstance(v, (bool, int, float)) and not is_secret_name(k)}


def adapter_revision(head: Head, base_revision: str, input_type: str | None) -> str:
    """Cache revision of an adapter: the head's weights, the base's revision and the input
    type, so an adapter never shares cache keys with its base or with another head."""
    h = hashlib.sha256()
    for part in (head.digest(), base_revision or "", input_type or ""):
        h.update(part.encode())
        h.update(b"\x00")
    return f"adapter-{h.hexdigest()[:16]}"


class AdapterEmbedder(Embedder):
    """Embeds with the base embedder, then applies the head; rows are L2-normalised."""

    normalized = True
    max_concurrency = 1

    def __init__(self, base: Embedder, head: Head, *, model: str,
                 input_type: str | None, revision: str) -> None:
        self.base = base
        self.head = head
        self.provider = base.provider
        self.model = model
        self.dimension = head.output_dim
        self.revision = revision
        #: The input type the head was trained on; the base is always asked for it.
        self.trained_input_type = input_type
        self.input_types = base.input_types  # type: ignore[misc]
        self.default_input_type = input_type or base.default_input_type
        # The base's own pipeline batches, throttles and retries; hand it large slices.
        self.max_batch_size = max(int(base.max_batch_size), 512)
        self.max_input_length = base.max_input_length
        self.truncates = base.truncates
        self.runs_locally = base.runs_locally

    def count_tokens(self, text: str) -> int:
        """The base model's count: it is the base that reads the text."""
        return self.base.count_tokens(text)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Base vectors (cached by the base's pipeline) mapped through the head."""
        kind = self.trained_input_type or input_type
        vectors = self.base.embed(list(texts), input_type=kind, progress=False)
        return self.head.apply(vectors)


class AdapterModel(CustomModel):
    """A head trained on one base model's frozen embeddings, with what it was trained on."""

    method = "adapter"

    def __init__(
        self,
        *,
        id: str,
        provider: str,
        base_model: str,
        head: Head,
        input_type: str | None,
        base_revision: str,
        base_dimension: int,
        metrics: dict[str, Any],
        training: dict[str, Any],
        base_options: dict[str, Any] | None = None,
        base_factory: Callable[[], Embedder] | None = None,
        runtime_options: dict[str, Any] | None = None,
    ) -> None:
        self.id = id
        self.provider = provider
        self.base_model = base_model
        self.head = head
        self.input_type = input_type
        self.base_revision = base_revision
        self.base_dimension = base_dimension
        self.metrics = metrics
        #: Dataset fingerprint, classes, hyperparameters and trainer: goes into the card.
        self.training = training
        #: Non-secret options the base embedder was built with (e.g. ``dimensions``); these
        #: go into the card. Anything else (API keys, URLs) is used now and never written.
        self.base_options = public_options(base_options or {})
        self._runtime_options = {**self.base_options, **(runtime_options or {})}
        self._base_factory = base_factory
        self._base: Embedder | None = None
        self.path: Path | None = None

    @property
    def revision(self) -> str:
        """The cache revision of this adapter's embedder."""
        return adapter_revision(self.head, self.base_revision, self.input_type)

    def base_embedder(self) -> Embedder:
        """The base embedder: the one trained with, or rebuilt by name (once)."""

        if self._base is None:
            factory = self._base_factory or self._build_base
            base = factory()
            if base.dimension is not None and int(base.dimension) != self.base_dimension:
                raise ConfigurationError(
                    f"adapter {self.id} was trained on {self.base_dimension}-dimensional "
                    f"{self.provider}:{self.base_model} vectors, but that embedder now gives "
                    f"{base.dimension}; build it with the options used in training (e.g. "
                    "dimensions=...)")
            self._base = base
        return self._base

    def _build_base(self) -> Embedder:
        """The base embedder rebuilt by name with the card's ``base_options``; an option the
        provider does not take is the card's fault, named as such (not a TypeError)."""

        try:
            return get_embedder(f"{self.provider}:{self.base_model}", **self._runtime_options)
        except (UnknownProviderError, ProviderUnavailableError):
            raise
        except (TypeError, ConfigurationError) as exc:
            if not self.base_options:
                raise
            card = (self.path / "embedlab.json") if self.path else f"adapter {self.id}'s card"
            raise ModelNotFoundError(
                f"{card}: its base_options ({', '.join(sorted(self.base_options))}) cannot "
                f"build {self.provider}:{self.base_model} ({exc}); remove the unknown key or "
                "save the model again with embedlab") from None

    def embedder(self) -> AdapterEmbedder:
        """An embedder that applies this adapter on top of its base model."""
        return AdapterEmbedder(self.base_embedder(), self.head, model=self.id,
                               input_type=self.input_type, revision=self.revision)

    def card(self) -> dict[str, Any]:
        """The base card plus everything needed to check and rebuild the adapter."""
        card = super().card()
        card.update({
            "format": FORMAT,
            "head": self.head.kind,
            "weights": WEIGHTS_NAME,
            "weights_sha256": self.head.digest(),
            "parameters": self.head.parameter_count(),
            "input_type": self.input_type,
            "base_revision": self.base_revision,
            "dimensions": {"base": self.base_dimension, "output": self.head.output_dim},
            "base_options": self.base_options,
            "revision": self.revision,
            **self.training,
        })
        return card

    def write_weights(self, directory: Path) -> None:
        """The head's tensors as safetensors (numpy flavour: no torch needed)."""
        import numpy as np
        from safetensors.numpy import save_file

        tensors = {k: np.ascontiguousarray(v, dtype=np.float32)
                   for k, v in self.head.tensors.items()}
        save_file(tensors, str(Path(directory) / WEIGHTS_NAME),
                  metadata={"format": FORMAT, "head": self.head.kind})

    @classmethod
    def read(cls, path: str | Path, card: dict[str, Any],
             base_factory: Callable[[], Embedder] | None = None,
             base_options: dict[str, Any] | None = None) -> AdapterModel:
        """Rebuild a saved adapter from its directory and card, checking the weights."""

        directory = Path(path)
        check_card(card, directory / "embedlab.json", ADAPTER_CARD_SCHEMA)
        weights = file_in_model(directory, str(card.get("weights") or WEIGHTS_NAME),
                                directory / "embedlab.json")
        if card.get("format") != FORMAT:
            raise ModelNotFoundError(
                f"{directory}: not an embedlab adapter (card format {card.get('format')!r}, "
                f"expected {FORMAT!r})")
        if not weights.is_file():
            raise ModelNotFoundError(
                f"{weights}: the adapter's weights are missing; save the model again")
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        try:
            tensors = load_file(str(weights))
        except (SafetensorError, OSError) as exc:
            raise ModelNotFoundError(
                f"{weights}: cannot read the adapter's weights ({exc}); save the model "
                "again") from None
        try:
            head = Head(str(card["head"]), tensors)
        except (FinetuneError, ValueError, KeyError) as exc:
            raise ModelNotFoundError(f"{weights}: not a usable adapter head ({exc}); save the "
                                     "model again") from None
        if head.digest() != card.get("weights_sha256"):
            raise ModelNotFoundError(
                f"{weights}: the weights do not match the card's weights_sha256 (changed or "
                "damaged since saving); save the model again")
        training_keys = ("trainer", "dataset", "hyperparameters", "classes")
        model = cls(
            id=str(card["id"]), provider=str(card["provider"]),
            base_model=str(card["base_model"]), head=head,
            input_type=card.get("input_type"), base_revision=str(card.get("base_revision", "")),
            base_dimension=int(card["dimensions"]["base"]),
            metrics=dict(card.get("metrics") or {}),
            training={k: card[k] for k in training_keys if k in card},
            base_options=dict(card.get("base_options") or {}),
            base_factory=base_factory,
            runtime_options=base_options,
        )
        model.path = directory
        return model
