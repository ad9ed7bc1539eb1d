"""Up-front checks of finetuning hyperparameters, for every finetuner.

A learning rate of NaN, infinity or 1e308 cannot train anything: it ends in a traceback
deep inside the optimiser, or worse in a saved model full of NaN. These are refused when a
:class:`~embedlab.FinetuneConfig` is made, with the allowed range in the message.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ._errors import ConfigurationError

if TYPE_CHECKING:
    from ._finetuner import FinetuneConfig

__all__ = ["MAX_LEARNING_RATE", "MAX_SEED", "check_config", "check_number"]

#: The largest learning rate accepted; anything above it diverges with every optimiser we use.
MAX_LEARNING_RATE = 10.0
#: Seeds are unsigned 32-bit integers (numpy's and torch's common range).
MAX_SEED = 2**32 - 1


def check_number(name: str, value: Any, *, integer: bool = False, low: float | None = None,
                 high: float | None = None, low_open: bool = False) -> None:
    """Raise ConfigurationError unless ``value`` is a finite number in ``[low, high]``."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            integer and not float(value).is_integer()):
        kind = "a whole number" if integer else "a number"
        raise ConfigurationError(f"{name} must be {kind}, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ConfigurationError(f"{name} must be a finite number, got {value!r}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and number > high
    if too_low or too_high:
        left = "(" if low_open else "["
        span = f"{left}{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
        raise ConfigurationError(f"{name} must lie in {span}, got {value!r}")


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
