"""Turning embedlab's errors into a clear message and an exit code, never a traceback.

Bad input (data, options, names) exits with 2, like a usage error; a provider or training
failure exits with 1; Ctrl-C exits with 130. The message is the error's own text, which
names the file, the row and the fix, and never holds an API key.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._errors import ConfigurationError, DatasetError, EmbedlabError, ModelNotFoundError

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED", "reports_errors"]

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Decorate a click command so an :class:`~embedlab.EmbedlabError` ends it cleanly."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:

        try:
            return func(*args, **kwargs)
        except (DatasetError, ConfigurationError, ModelNotFoundError) as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except EmbedlabError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(EXIT_FAILED)
        except KeyboardInterrupt:
            click.secho("interrupted: nothing half-written was left behind", fg="yellow",
                        err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]
