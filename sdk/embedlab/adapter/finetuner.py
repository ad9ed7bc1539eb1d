"""``AdapterFinetuner``: a custom model for any embedder, trained on its frozen vectors.

It embeds every distinct training and validation text once, through the embedder's
pipeline and cache, then trains a small head (see :mod:`embedlab.adapter.training`) and
returns an :class:`~embedlab.adapter.model.AdapterModel`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import time
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._custom_models import read_card
from .._errors import ConfigurationError, DatasetError, FinetuneError, ModelNotFoundError
from .._finetuner import FinetuneConfig, Finetuner
from .._lookup import get_embedder
from .._secret import safe_identity
from .head import l2_normalize
from .keep import HEAD_GRID, choose_blend
from .model import AdapterModel, public_options
from .sklearn_training import train_linear_head
from .training import (
    TrainingResult,
    TrainingSettings,
    default_batch_size,
    default_learning_rate,
    train_head,
)

if TYPE_CHECKING:
    import numpy as np

    from .._datasets.dataset import Dataset
    from .._embedder import Embedder
    from .keep import KeepChoice

__all__ = ["TRAINERS", "AdapterFinetuner", "default_trainer"]

#: Who can train the head: torch (both heads) or scikit-learn (linear only, no torch needed).
TRAINERS: tuple[str, ...] = ("torch", "scikit-learn")
#: ``FinetuneConfig.extra`` keys this finetuner reads (besides ``trainer``).
_EXTRA = {f.name for f in fields(TrainingSettings)} - {
    "epochs", "batch_size", "learning_rate", "max_steps", "patience", "seed"}


def torch_available() -> bool:
    """Whether torch can be imported here (without importing it)."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def default_trainer() -> str:
    """``torch`` when it is installed, else ``scikit-learn``."""
    return "torch" if torch_available() else "scikit-learn"


class AdapterFinetuner(Finetuner):
    """Trains an adapter head for any provider's embedder.

    Give either ``provider`` (and optionally ``base_model``; the embedder is built with
    :func:`embedlab.get_embedder` and ``embedder_options``) or a ready ``embedder``. Extra
    keyword options are passed to the embedder too (``dimensions=``, ``api_key=``...); only
    numeric and boolean ones are written into the model card.
    """

    provider = "*"
    method = "adapter"

    def __init__(self, provider: str | None = None, base_model: str | None = None, *,
                 embedder: Embedder | None = None,
                 embedder_options: dict[str, Any] | None = None, **options: Any) -> None:
        if embedder is None and not provider:
            raise ConfigurationError(
                "AdapterFinetuner needs provider= (e.g. 'cohere') or embedder=")
        if embedder is not None:
            provider = provider or embedder.provider
            base_model = base_model or embedder.model
        self._provider: str = str(provider)
        self._base_model = base_model
        self._embedder = embedder
        self._options: dict[str, Any] = {**(embedder_options or {}), **options}

    def __repr__(self) -> str:
        return f"<AdapterFinetuner {self._provider}:{self._base_model or '(default)'}>"

    # --- the base embedder ------------------------------------------------------------------
    def base_embedder(self) -> Embedder:
        """The embedder whose vectors the head is trained on (built once)."""
        if self._embedder is None:

            name = f"{self._provider}:{self._base_model}" if self._base_model else self._provider
            self._embedder = get_embedder(name, **self._options)
            self._base_model = self._embedder.model
        return self._embedder

    def identity(self) -> dict[str, Any]:
        """The base embedder (name, revision, dimension) and the options written down."""
        base = self.base_embedder()
        return {"base": base.name, "revision": safe_identity(base.revision or ""),
                "dimension": base.dimension, "options": public_options(self._options)}

    # --- training -----------------------------------------------------------------------------
    def finetune(self, train: Dataset, validation: Dataset | None = None,
                 config: FinetuneConfig | None = None) -> AdapterModel:
        """Embed the distinct texts once, train the head, return the adapter."""
        import numpy as np

        config = config or FinetuneConfig()
        trainer, settings = _settings(config)
        train.validate().raise_for_errors()
        fit, validation, val_note = config.validation_split(train, validation)
        classes = train.classes
        index = {label: i for i, label in enumerate(classes)}
        if validation is not None:
            _check_labels(validation, index)

        base = self.base_embedder()
        texts = list(dict.fromkeys([*train.texts, *(validation.texts if validation else ())]))
        started = time.perf_counter()
        vectors = base.embed(texts, input_type=config.input_type, progress=config.progress)
        embed_seconds = time.perf_counter() - started
        if vectors.ndim != 2 or len(vectors) != len(texts) or not np.isfinite(vectors).all():
            raise FinetuneError(
                f"{base.name} returned unusable vectors (shape {vectors.shape}, or non-finite "
                "values); the adapter cannot train on them")
        row_of = {t: i for i, t in enumerate(texts)}

        def arrays(ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
            rows = np.fromiter((row_of[t] for t in ds.texts), dtype=np.intp, count=len(ds))
            return vectors[rows], np.array([index[label] for label in ds.labels], np.int64)

        x_train, y_train = arrays(fit)
        x_val, y_val = arrays(validation) if validation is not None else (None, None)
        result = _train(trainer, x_train, y_train, x_val, y_val, settings,
                        config.progress)
        if validation is not None and x_val is not None:
            choice = _keep_meaning(result, x_val, list(validation.labels), config, "validation")
        else:
            choice = _keep_meaning(result, x_train, list(fit.labels), config, "train")
        model = self._model(base, train, fit, validation, val_note, config, settings, trainer,
                            result, len(texts), embed_seconds, int(vectors.shape[1]))
        model.metrics["keep"] = choice.to_dict()
        return model

    def _model(self, base: Embedder, train: Dataset, fit: Dataset, validation: Dataset | None,
               val_note: str, config: FinetuneConfig, settings: TrainingSettings,
               trainer: str, result: TrainingResult, distinct: int, embed_seconds: float,
               base_dimension: int) -> AdapterModel:
        """Wrap a training result as an :class:`AdapterModel` with its card data."""
        digest = hashlib.sha256()
        for part in (result.head.digest(), base.name, base.revision or "", train.fingerprint,
                     str(config.input_type)):
            digest.update(part.encode())
            digest.update(b"\x00")
        metrics = {
            **result.metrics(),
            "train_rows": len(train),
            "validation_rows": len(validation) if validation is not None else 0,
            "validation": val_note,
            "distinct_texts_embedded": distinct,
            "embed_seconds": round(embed_seconds, 3),
        }
        hyper = {**settings.to_dict(), "input_type": config.input_type, "keep": config.keep,
                 "learning_rate": settings.learning_rate or default_learning_rate(settings.head),
                 "batch_size": settings.batch_size or default_batch_size(len(fit))}
        if result.head.kind == "mlp":
            hyper["hidden_dim"] = int(result.head.tensors["up.weight"].shape[0])
        if trainer == "scikit-learn":
            for unused in ("hidden_dim", "temperature", "loss"):
                hyper.pop(unused, None)
            hyper["loss"] = "softmax"
        training = {
            "trainer": trainer,
            "dataset": {"fingerprint": train.fingerprint, "name": train.name,
                        "rows": len(train),
                        "validation_fingerprint": validation.fingerprint if validation else None},
            "classes": train.classes,
            "hyperparameters": hyper,
        }
        return AdapterModel(
            id=f"{base.provider}-adapter-{digest.hexdigest()[:12]}",
            provider=base.provider, base_model=base.model, head=result.head,
            input_type=config.input_type, base_revision=safe_identity(base.revision or ""),
            base_dimension=base_dimension, metrics=metrics, training=training,
            base_options=public_options(self._options), runtime_options=self._options,
            base_factory=(lambda: base),
        )

    # --- loading ------------------------------------------------------------------------------
    def load(self, path: str | Path) -> AdapterModel:
        """Load an adapter saved by :meth:`AdapterModel.save`; the base embedder is rebuilt by
        name (or is this finetuner's ``embedder`` when it is the same model)."""
        card = read_card(path)
        if card.get("method") != "adapter":
            raise ModelNotFoundError(
                f"{path}: this is a {card.get('method')!r} model, not an adapter; load it "
                "with embedlab.load_custom_model")
        factory = None
        own = self._embedder
        if own is not None and own.provider == card.get("provider") \
                and own.model == card.get("base_model"):
            factory = lambda: own  # noqa: E731
        return AdapterModel.read(path, card, base_factory=factory, base_options=self._options)


def _settings(config: FinetuneConfig) -> tuple[str, TrainingSettings]:
    """The trainer and its settings from a :class:`FinetuneConfig`, checking ``extra``."""
    extra = dict(config.extra)
    trainer = str(extra.pop("trainer", None) or default_trainer())
    if trainer not in TRAINERS:
        raise ConfigurationError(
            f"unknown adapter trainer {trainer!r}; use one of {', '.join(TRAINERS)}")
    unknown = sorted(set(extra) - _EXTRA)
    if unknown:
        raise ConfigurationError(
            f"the adapter finetuner does not know option(s) {', '.join(unknown)} in "
            f"FinetuneConfig.extra; it takes trainer, {', '.join(sorted(_EXTRA))}")
    if trainer == "scikit-learn":
        extra.setdefault("head", "linear")
    given: dict[str, Any] = {"epochs": config.epochs, "batch_size": config.batch_size,
             "learning_rate": config.learning_rate, "max_steps": config.max_steps,
             "patience": config.patience}
    settings = TrainingSettings(seed=config.seed, **{k: v for k, v in given.items()
                                                     if v is not None}, **extra)
    if settings.epochs < 1 or (settings.batch_size or 2) < 2 \
            or (settings.learning_rate is not None and settings.learning_rate <= 0):
        raise ConfigurationError(
            "the adapter needs epochs >= 1, batch_size >= 2 and learning_rate > 0; got "
            f"{settings.epochs}, {settings.batch_size}, {settings.learning_rate}")
    return trainer, settings


def _check_labels(validation: Dataset, index: dict[str, int]) -> None:
    """Every validation label must be a training class."""
    unknown = [(row, label) for row, label in zip(validation.rows, validation.labels,
                                                             strict=True)
               if label not in index]
    if unknown:
        shown = ", ".join(f"row {r} ({label!r})" for r, label in unknown[:5])
        raise DatasetError(
            f"{validation.source or validation.name}: {len(unknown)} validation row(s) have "
            f"labels the training data lacks: {shown}; remove them or add training rows of "
            "those classes")


def _keep_meaning(result: TrainingResult, x: np.ndarray, labels: list[str],
                  config: FinetuneConfig, chosen_on: str) -> KeepChoice:
    """Scale the trained head back towards the identity until its vectors of the held-out
    rows ``x`` keep ``config.keep`` of the base's similarities (``result.head`` replaced)."""

    base = l2_normalize(x)
    trained = result.head
    choice = choose_blend(lambda t: trained.scaled(t).apply(base), base, labels, config.keep,
                          chosen_on=chosen_on, seed=config.seed, grid=HEAD_GRID)
    if choice.blend != 1.0:
        result.head = trained.scaled(choice.blend)
    return choice


def _train(trainer: str, x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray | None,
           y_val: np.ndarray | None, settings: TrainingSettings,
           progress: bool | None) -> TrainingResult:
    """Run the chosen trainer."""
    if trainer == "torch":
        if not torch_available():
            raise ConfigurationError(
                "trainer='torch' needs torch, which is not installed; pip install torch, or "
                "use trainer='scikit-learn'")

        return train_head(x_train, y_train, x_val, y_val, settings, progress=progress)

    return train_linear_head(x_train, y_train, x_val, y_val, settings, progress=progress)
