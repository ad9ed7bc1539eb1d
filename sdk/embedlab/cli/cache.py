"""``embedlab cache info|clear`` (placeholder until the cache lands)."""

from __future__ import annotations

import click

__all__ = ["cache"]


@click.group()
def cache() -> None:
    """Inspect or clear the persistent embedding cache."""
