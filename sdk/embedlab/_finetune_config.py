"""``FinetuneConfig``: the hyperparameters every finetuner shares, checked when made."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ._datasets.holdout import hold_out
from ._errors import ConfigurationError
from ._hyperparameters import MAX_LEARNING_RATE, MAX_SEED, check_number
from ._meaning import DEFAULT_KEEP

if TYPE_CHECKING:
    from ._datasets.dataset import Dataset

__all__ = ["FinetuneConfig", "Method", "check_config"]

Method = Literal["full", "adapter"]


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
    #: Seconds of training after which a finetuner stops cleanly, keeping the best checkpoint
    #: so far (the card records that it stopped early and why); ``None``: no limit.
    time_budget: float | None = None
    seed: int = 42
    input_type: str | None = "classification"
    progress: bool | None = None
    #: The least ``similarity_agreement`` with the baseline (Spearman of their cosine
    #: similarities, :mod:`embedlab._meaning`) the custom model keeps on the validation rows:
    #: the finetuner blends back towards the baseline until it does. 0: the most separated
    #: model (routing, moderation by nearest class); the default keeps search, RAG and
    #: clustering working (bench/keep.py).
    keep: float = DEFAULT_KEEP
    #: Provider-specific options (loss name, head type, ...).
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_config(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for the model card and the report."""
        return asdict(self)

    def validation_split(self, train: Dataset, validation: Dataset | None = None
                         ) -> tuple[Dataset, Dataset | None, str]:
        """``(rows to fit, validation rows, note)``: the one policy every finetuner (and the
        dry run's count) uses. The ``validation`` set given; else a stratified
        ``validation_size`` share of ``train`` held out for early stopping (at least one row
        per class); else none, when ``train`` is too small to spare it."""
        if validation is not None:
            return train, validation, "given"
        return hold_out(train, self.validation_size, self.seed)


def check_config(config: FinetuneConfig) -> None:
    """Refuse hyperparameters no finetuner can train with (non-finite, absurd, wrong type)."""
    check_number("epochs", config.epochs, integer=True, low=1)
    check_number("batch_size", config.batch_size, integer=True, low=1)
    check_number("max_steps", config.max_steps, integer=True, low=1)
    check_number("patience", config.patience, integer=True, low=0)
    check_number("learning_rate", config.learning_rate, low=0, low_open=True,
                 high=MAX_LEARNING_RATE)
    check_number("validation_size", config.validation_size, low=0, low_open=True, high=0.9)
    check_number("seed", config.seed, integer=True, low=0, high=MAX_SEED)
    check_number("time_budget", config.time_budget, low=0, low_open=True)
    check_number("keep", config.keep, low=0, high=1)
    if config.keep is None:
        raise ConfigurationError("keep must be a number in [0, 1] (0: the most separated "
                                 "model), got None")
    for key, value in (config.extra or {}).items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigurationError(f"finetuner option {key} must be a finite number, "
                                     f"got {value!r}")
