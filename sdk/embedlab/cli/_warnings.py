"""embedlab's warnings shown to a command-line user as one plain ``warning: ...`` line on
stderr, never as Python's ``file:line: RuntimeWarning`` with a source line under it."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

__all__ = ["plain_warnings"]

#: Folders whose warnings are embedlab's own: the SDK, the bundled adapters and plugins.
_OWN_PREFIXES = ("embedlab",)


def _is_own(filename: str, message: str) -> bool:
    """Whether a warning comes from embedlab (a module in an ``embedlab*`` package, or a
    message embedlab prefixed with its name) rather than from a library underneath it."""
    if message.startswith("embedlab:"):
        return True
    return any(part.startswith(_OWN_PREFIXES) for part in Path(filename).parts[:-1])


@contextlib.contextmanager
def plain_warnings() -> Iterator[None]:
    """While the command runs, print embedlab's warnings as ``warning: <message>``; other
    libraries' warnings keep Python's format. The previous handler comes back afterwards."""
    previous = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        text = str(message)
        if issubclass(category, DeprecationWarning) or not _is_own(filename, text):
            previous(message, category, filename, lineno, file, line)
            return
        text = text.removeprefix("embedlab:").strip()
        click.secho(f"warning: {text}", fg="yellow", err=True)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous
