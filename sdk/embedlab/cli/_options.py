"""Options shared by ``embedlab compare`` and ``embedlab finetune``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .._hyperparameters import MAX_LEARNING_RATE, MAX_SEED
from .._meaning import DEFAULT_KEEP

__all__ = ["FiniteFloat", "TestSize", "compare_training_options", "dataset_options",
           "training_options"]


class FiniteFloat(click.ParamType):
    """A finite number in ``(low, high]``: NaN, infinity and absurd values are refused."""

    name = "number"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or not self.low < number <= self.high:
            self.fail(f"{value!r}: give a finite number above {self.low:g} and at most "
                      f"{self.high:g}", param, ctx)
        return number


class TestSize(click.ParamType):
    """A fraction of the rows (``0.2``) or a number of rows (``50``) for the test split."""

    name = "fraction-or-count"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float | int:
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            try:
                number = float(value)
            except ValueError:
                self.fail(f"{value!r} is neither a fraction like 0.2 nor a row count like 50",
                          param, ctx)
        if 0 < number < 1:
            return number
        if number >= 1 and number.is_integer():
            return int(number)
        self.fail(f"{value!r}: give a fraction between 0 and 1 or a whole number of rows",
                  param, ctx)


def _apply(options: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    def decorate(func: Any) -> Any:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def dataset_options(func: Any) -> Any:
    """``--text-column``, ``--label-column``, ``--encoding``."""
    return _apply([
        click.option("--text-column", default="text", show_default=True,
                     help="Column holding the text."),
        click.option("--label-column", default="label", show_default=True,
                     help="Column holding the label."),
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Text encoding of the data file."),
    ])(func)


def training_options(func: Any) -> Any:
    """``--method`` and the finetuning hyperparameters."""
    return _training(func, multiple=False)


def compare_training_options(func: Any) -> Any:
    """As :func:`training_options`, with ``--method/-m`` repeatable (one candidate each)."""
    return _training(func, multiple=True)


def _training(func: Any, *, multiple: bool) -> Any:
    method_help = ("full: train the model's weights; adapter: train a head on frozen "
                   "embeddings. Default: the provider's own method, else adapter.")
    if multiple:
        method_help += " Repeatable: each (provider, method) pair is a candidate."
    return _apply([
        click.option("--method", *(["-m", "methods"] if multiple else []),
                     type=click.Choice(["full", "adapter"]), multiple=multiple,
                     default=None, help=method_help),
        click.option("--epochs", type=click.IntRange(min=1), default=None,
                     help="Training epochs (default: the finetuner's)."),
        click.option("--batch-size", type=click.IntRange(min=1), default=None,
                     help="Training batch size."),
        click.option("--learning-rate", type=FiniteFloat(0.0, MAX_LEARNING_RATE),
                     default=None, help="Learning rate (finite, above 0, at most "
                                        f"{MAX_LEARNING_RATE:g})."),
        click.option("--max-steps", type=click.IntRange(min=1), default=None,
                     help="Stop training after this many steps."),
        click.option("--time-budget", type=FiniteFloat(0.0, 1e7), default=None,
                     metavar="SECONDS",
                     help="Stop training cleanly after this many seconds, keeping the best "
                          "checkpoint so far (the model card records why it stopped)."),
        click.option("--keep", type=click.FloatRange(0.0, 1.0), default=None,
                     metavar="FRACTION",
                     help="The least similarity agreement with the baseline the custom model "
                          "keeps on the validation rows (default: "
                          f"{DEFAULT_KEEP:g}, for search, RAG and clustering); 0: the most "
                          "separated model, for routing or moderation by nearest class."),
        click.option("--seed", type=click.IntRange(0, MAX_SEED), default=42, show_default=True,
                     help="Seed for the split, training and the maps."),
    ])(func)
