"""The ``Finetuner`` interface and the ``CustomModel`` it produces.

A finetuner trains on a labelled :class:`~embedlab.dataset.Dataset` and returns a
:class:`CustomModel`: either ``full`` weight training (the provider's own model changes)
or an ``adapter`` trained on top of frozen base embeddings. A custom model is saved as a
directory holding its weights and a JSON card (``embedlab.json``), and is loaded again by
path or id with :func:`embedlab.load_custom_model`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .dataset import Dataset
    from .embedder import Embedder

__all__ = ["CARD_NAME", "CustomModel", "FinetuneConfig", "Finetuner", "Method", "read_card"]

Method = Literal["full", "adapter"]
#: The file inside a saved custom model's directory that describes it.
CARD_NAME = "embedlab.json"


@dataclass
class FinetuneConfig:
    """Hyperparameters shared by finetuners. ``None`` means "the finetuner's default"."""

    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    max_steps: int | None = None
    #: Fraction of the training data held out for early stopping when no validation set is given.
    validation_size: float = 0.1
    #: Epochs without improvement before stopping.
    patience: int | None = None
    seed: int = 42
    input_type: str | None = "classification"
    progress: bool | None = None
    #: Provider-specific options (loss name, head type, ...).
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from .hyperparameters import check_config

        check_config(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for the model card and the report."""
        return asdict(self)


class CustomModel(ABC):
    """A trained model: who made it, from what, how, and how it scored while training.

    Subclasses implement :meth:`embedder` and :meth:`write_weights`; :meth:`save` writes the
    weights and the card into a temporary directory and renames it into place, so an
    interrupted save never leaves a directory that looks like a complete model.
    """

    #: Stable id, e.g. ``local-ft-3f2a9c1d0b7e``; also a name :func:`embedlab.get_embedder` takes.
    id: str
    #: Provider of the base model.
    provider: str
    #: Base model name.
    base_model: str
    #: ``"full"`` or ``"adapter"``.
    method: str
    #: Training metrics: per-epoch history and final values.
    metrics: dict[str, Any]
    #: Where it was last saved or loaded from.
    path: Path | None = None

    @abstractmethod
    def embedder(self) -> Embedder:
        """An :class:`~embedlab.embedder.Embedder` that embeds with this model."""

    @abstractmethod
    def write_weights(self, directory: Path) -> None:
        """Write the weights (safetensors) and anything else needed to load into ``directory``."""

    def card(self) -> dict[str, Any]:
        """The JSON card written beside the weights; subclasses add their own keys."""
        from ._version import __version__

        return {
            "id": self.id,
            "provider": self.provider,
            "base_model": self.base_model,
            "method": self.method,
            "metrics": self.metrics,
            "embedlab_version": __version__,
        }

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Save into directory ``path`` and return it. An earlier model saved there is replaced
        only with ``overwrite=True``; a directory holding files embedlab did not write is
        refused (see :mod:`embedlab.manifest`). Weights holding NaN or inf are never saved."""
        from .custom_models import remember_custom_model
        from .manifest import staged_output
        from .weights import check_finite_weights

        target = Path(path).expanduser()
        with staged_output(target, overwrite=overwrite, what="custom model") as tmp:
            self.write_weights(tmp)
            check_finite_weights(tmp, what=f"custom model {self.id}")
            (tmp / CARD_NAME).write_text(
                json.dumps(self.card(), indent=2, default=str), encoding="utf-8")
        self.path = target
        remember_custom_model(self.id, target)
        return target

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} {self.id} {self.method} over "
                f"{self.provider}:{self.base_model}>")


class Finetuner(ABC):
    """Trains a :class:`CustomModel` for one provider with one method."""

    #: Provider this finetuner trains for (``"*"`` for any provider: the adapter finetuner).
    provider: str = ""
    #: ``"full"`` or ``"adapter"``.
    method: str = "full"

    @abstractmethod
    def finetune(
        self,
        train: Dataset,
        validation: Dataset | None = None,
        config: FinetuneConfig | None = None,
    ) -> CustomModel:
        """Train on ``train`` (early-stopping on ``validation``) and return the custom model."""

    @abstractmethod
    def load(self, path: str | Path) -> CustomModel:
        """Load a custom model this finetuner saved to ``path``."""


def read_card(path: str | Path) -> dict[str, Any]:
    """Read the card of the custom model saved in directory ``path``."""
    from .errors import ModelNotFoundError

    card_path = Path(path) / CARD_NAME
    try:
        data: dict[str, Any] = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelNotFoundError(
            f"{path}: no custom model here ({CARD_NAME} is missing); pass the directory "
            "that embedlab saved the model into"
        ) from None
    except json.JSONDecodeError as exc:
        raise ModelNotFoundError(f"{card_path}: not valid JSON ({exc})") from None
    return data
