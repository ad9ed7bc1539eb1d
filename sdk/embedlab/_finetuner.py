"""The ``Finetuner`` interface and the ``CustomModel`` it produces.

A finetuner trains on a labelled :class:`~embedlab.Dataset` and returns a
:class:`CustomModel`: either ``full`` weight training (the provider's own model changes)
or an ``adapter`` trained on top of frozen base embeddings. A custom model is saved as a
directory holding its weights and a JSON card (``embedlab.json``), and is loaded again by
path or id with :func:`embedlab.load_custom_model`. The card and the id index are
:mod:`embedlab._custom_models`'s job.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._classifier import fit_head, read_head
from ._custom_models import read_card, remember_saved, write_card
from ._errors import ConfigurationError
from ._finetune_config import FinetuneConfig
from ._manifest import staged_output
from ._temperature import calibrate_head
from ._version import __version__
from ._weights import check_finite_weights

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._classifier import ClassificationHead, Prediction
    from ._datasets.dataset import Dataset
    from ._embedder import Embedder
    from ._transport.cache import EmbeddingCache

__all__ = ["CustomModel", "FinetuneConfig", "Finetuner"]

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
    #: The classification head fitted on its training data (saved and loaded with the model;
    #: see :mod:`embedlab._classifier`); ``None`` until fitted.
    classifier: ClassificationHead | None = None
    #: What determined this model (see :mod:`embedlab._reuse`), recorded in the card so the
    #: same training is found again instead of run twice; ``None``: never reused.
    training_key: str | None = None
    _classify_embedder: Embedder | None = None

    @abstractmethod
    def embedder(self) -> Embedder:
        """An :class:`~embedlab.Embedder` that embeds with this model."""

    @abstractmethod
    def write_weights(self, directory: Path) -> None:
        """Write the weights (safetensors) and anything else needed to load into ``directory``."""

    def card(self) -> dict[str, Any]:
        """The JSON card written beside the weights; subclasses add their own keys."""

        return {
            "id": self.id,
            "provider": self.provider,
            "base_model": self.base_model,
            "method": self.method,
            "metrics": self.metrics,
            "embedlab_version": __version__,
            **({"classifier": self.classifier.card()} if self.classifier is not None else {}),
            **({"training_key": self.training_key} if self.training_key else {}),
        }

    def save(self, path: str | Path, *, overwrite: bool = False, remember: bool = True) -> Path:
        """Save into directory ``path`` and return it. An earlier model saved there is replaced
        only with ``overwrite=True``; a directory holding files embedlab did not write is
        refused (see :mod:`embedlab._manifest`). Weights holding NaN or inf are never saved.

        ``remember`` records ``id -> path`` in the model index so the id works from any
        process; a caller saving into a staging directory that moves afterwards passes
        ``False`` and indexes the final place (:func:`embedlab._custom_models.remember_saved`).
        """

        target = Path(path).expanduser()
        with staged_output(target, overwrite=overwrite, what="custom model") as tmp:
            self.write_weights(tmp)
            if self.classifier is not None:
                self.classifier.write(tmp)
            check_finite_weights(tmp, what=f"custom model {self.id}")
            write_card(tmp, self.card())
        if remember:
            remember_saved(self, target)
        else:
            self.path = target
        return target

    def fit_classifier(self, train: Dataset, *, input_type: str | None = "classification",
                       seed: int = 42, cache: EmbeddingCache | bool | None = None,
                       progress: bool | None = None,
                       calibrate_on: float | None = None) -> ClassificationHead:
        """Fit the classification head on ``train`` embedded with this model, keep it as
        :attr:`classifier` (saved with the model) and return it. ``calibrate_on``: the
        validation share of ``train`` whose rows fit its temperature (see
        :mod:`embedlab._temperature`), the rows the finetuner held out with that share."""

        vectors = self.embedder().embed(list(train.texts), input_type, cache=cache,
                                        progress=progress)
        head = fit_head(vectors, train.labels, seed=seed, input_type=input_type,
                        fitted_on={"fingerprint": train.fingerprint})
        if calibrate_on:

            head, _ = calibrate_head(head, vectors, train.labels, validation_size=calibrate_on,
                                     seed=seed)
        self.classifier = head
        return self.classifier

    def classify(self, texts: Sequence[str], *, top_k: int = 3, threshold: float | None = None,
                 cache: EmbeddingCache | bool | None = None,
                 progress: bool | None = None) -> list[Prediction]:
        """Label each text with the classification head: label, probability and the
        ``top_k`` most probable classes; under ``threshold`` the label is ``"uncertain"``."""
        if isinstance(texts, str):
            raise TypeError("classify() takes a list of texts, not a str: pass [text]")
        head = self.classifier if self.classifier is not None else self._saved_classifier()
        items = list(texts)
        if self._classify_embedder is None:  # built once: loading weights per call would dominate
            self._classify_embedder = self.embedder()
        vectors = self._classify_embedder.embed(items, head.input_type, cache=cache,
                                                progress=progress)
        return head.predict(vectors, items, top_k=top_k, threshold=threshold)

    def _saved_classifier(self) -> ClassificationHead:
        """The head saved beside the model, or a clear error saying how to get one."""

        card = read_card(self.path) if self.path is not None else {}
        if "classifier" in card:
            self.classifier = read_head(self.path or ".", card["classifier"])
            return self.classifier
        raise ConfigurationError(
            f"custom model {self.id} has no classification head (it was saved before "
            "embedlab kept one, or trained without `embedlab finetune`/compare); give labelled "
            f"examples: `embedlab classify --model {self.id} --examples train.csv TEXT...`, or "
            "in Python model.fit_classifier(dataset) then model.save(path, overwrite=True)")

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

    def estimate(self, train: Dataset, validation: Dataset | None = None,
                 config: FinetuneConfig | None = None) -> dict[str, Any] | None:
        """How long training would take on this machine, measured on a few steps (for the
        dry run): at least ``seconds`` and ``steps``. ``None`` (the default): no estimate."""
        return None

    def identity(self) -> dict[str, Any] | None:
        """What, beside the data and the config, decides this finetuner's models (the base
        model, its revision, options), JSON-ready; a finished model with the same identity,
        data and config is reused instead of trained again. ``None`` (the default): never
        reused. Called before training: keep it cheap."""
        return None
