"""``embedlab cache info|clear``: see what the persistent embedding cache holds, or empty it."""

from __future__ import annotations

import json

import click

from .._secret import redact
from ._errors import reports_errors

__all__ = ["cache"]


def _size(size: int) -> str:
    """Bytes as a short human-readable figure."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # unreachable; keeps type checkers content


@click.group()
def cache() -> None:
    """Inspect or clear the persistent embedding cache."""


@cache.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@reports_errors
def info_command(as_json: bool) -> None:
    """Show the cache's path, its size on disk, and the vectors held per model."""
    from .._transport.cache import default_cache

    info = default_cache().info()
    if as_json:
        click.echo(json.dumps({
            "path": str(info.path), "size_bytes": info.size_bytes, "rows": info.rows,
            "namespaces": [
                {"provider": ns.provider, "model": redact(ns.model),
                 "revision": redact(ns.revision),
                 "input_type": ns.input_type or None, "dim": ns.dim, "rows": ns.rows}
                for ns in info.namespaces],
        }, indent=2))
        return
    click.echo(f"path: {info.path}")
    click.echo(f"size on disk: {_size(info.size_bytes)}")
    click.echo(f"vectors: {info.rows}")
    if not info.namespaces:
        click.echo("(empty)")
        return
    header = ("PROVIDER:MODEL", "REVISION", "INPUT TYPE", "DIM", "ROWS")
    table = [(f"{ns.provider}:{redact(ns.model)}", redact(ns.revision) or "-", ns.input_type or "-",
              str(ns.dim), str(ns.rows)) for ns in info.namespaces]
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header))]
    for row in [header, *table]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                   .rstrip())


@cache.command("clear")
@click.option("--model", "model", metavar="PROVIDER[:MODEL]",
              help="Clear only this model's vectors (every revision and input type), or a "
                   "whole provider's. Default: everything.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@reports_errors
def clear_command(model: str | None, yes: bool) -> None:
    """Delete cached vectors: all of them, or one model's or provider's."""
    from .._transport.cache import default_cache

    provider, name = None, None
    if model is not None:
        provider, _, rest = model.partition(":")
        name = rest or None
        if not provider:
            raise click.BadParameter("give PROVIDER:MODEL, e.g. local:all-MiniLM-L6-v2, "
                                     "or a PROVIDER alone", param_hint="--model")
    store = default_cache()
    what = "every cached vector" if provider is None else (
        f"the cached vectors of {provider}:{name}" if name else
        f"the cached vectors of every {provider} model")
    if not yes:
        click.confirm(f"Delete {what} in {store.path}?", abort=True)
    deleted = store.clear(provider, name)
    click.echo(f"deleted {deleted} vectors; cache is now {_size(store.size_bytes())}")
