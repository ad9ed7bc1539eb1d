"""Options shared by several commands: the dataset and training options of ``compare`` and
``finetune``, ``--provider``, ``--input-type``, ``--encoding``, ``--invalid-text``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

from .._embedder import INPUT_TYPES
from .._hyperparameters import MAX_LEARNING_RATE, MAX_SEED
from .._meaning import DEFAULT_KEEP
from .._text import INVALID_TEXT_CHOICES, check_texts

__all__ = ["FiniteFloat", "TestSize", "argument_texts", "compare_training_options",
           "dataset_options", "encoding_option", "input_type_option", "invalid_text_option",
           "provider_option", "training_options"]


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
        encoding_option("Text encoding of the data file."),
    ])(func)


def _known_encoding(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``value`` if Python can decode text with it (``codecs.lookup``); else a usage error."""
    import codecs

    try:
        info = codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(f"{value!r} is not an encoding Python knows; use e.g. "
                                 "utf-8, utf-8-sig, latin-1 or cp1252") from None
    if not getattr(info, "_is_text_encoding", True):
        raise click.BadParameter(f"{value!r} is not a text encoding; use e.g. utf-8 or "
                                 "latin-1")
    return value


def encoding_option(description: str) -> Callable[[Any], Any]:
    """``--encoding``, checked when the command line is parsed (every command that reads
    text files takes this one)."""
    return click.option("--encoding", default="utf-8", show_default=True,
                        callback=_known_encoding, help=description)


def provider_option(what: str) -> Callable[[Any], Any]:
    """``--provider/-p`` (default ``local``): the provider, or provider:model, ``what``."""
    return click.option("--provider", "-p", default="local", show_default=True,
                        help=f"Provider, or provider:model, {what}.")


def input_type_option(description: str,
                      default: str | None = "classification") -> Callable[[Any], Any]:
    """``--input-type``: what the texts are for, one of embedlab's input types."""
    return click.option("--input-type", type=click.Choice(INPUT_TYPES), default=default,
                        show_default=default is not None, help=description)


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
        click.option("--retrain", is_flag=True,
                     help="Train a new model even when one trained the same way (same data, "
                          "base model, method and settings) was saved before; it is reused "
                          "otherwise."),
    ])(func)


def invalid_text_option(func: Any) -> Any:
    """``--invalid-text error|replace``: what to do with texts given on the command line that
    are not valid Unicode (invalid UTF-8 bytes arrive as lone surrogates)."""
    return click.option(
        "--invalid-text", type=click.Choice(INVALID_TEXT_CHOICES), default="error",
        show_default=True,
        help="Texts given on the command line that are not valid Unicode (invalid UTF-8): "
             "refuse them, naming the argument, or replace the bad bytes with U+FFFD.")(func)


def argument_texts(values: Sequence[str], invalid: str, name: str = "TEXTS") -> list[str]:
    """``values`` given as ``name`` on the command line, checked by :mod:`embedlab._text`."""
    return check_texts(values, lambda i: f"{name} argument {i + 1}",
                       invalid="replace" if invalid == "replace" else "error",
                       fix="fix it, or pass --invalid-text replace to replace the bad bytes "
                           "with U+FFFD")
