"""Up-front checks of finetuning hyperparameters, for every finetuner.

A learning rate of NaN, infinity or 1e308 cannot train anything: it ends in a traceback
deep inside the optimiser, or worse in a saved model full of NaN. These are refused when a
:class:`~embedlab.FinetuneConfig` is made (:mod:`embedlab._finetune_config`), with the
allowed range in the message.
"""

from __future__ import annotations

import math
from typing import Any

from ._errors import ConfigurationError

__all__ = ["MAX_LEARNING_RATE", "MAX_SEED", "check_number"]

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
