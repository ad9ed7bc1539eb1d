"""``embedlab providers``: every provider, whether it can be used, and why not."""

from __future__ import annotations

import json
import warnings

import click

from .._lookup import providers

__all__ = ["providers_command"]


@click.command("providers")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def providers_command(as_json: bool) -> None:
    """List providers: status, models, finetuning methods, plugin and where it comes from."""
    from dataclasses import asdict

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are shown in the table instead
        rows = providers()
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], indent=2))
        return
    if not rows:
        click.echo("No providers are registered. Install one: pip install 'embedlab[local]'")
        return
    for row in rows:
        colour = {"available": "green", "unavailable": "yellow"}.get(row.status, "red")
        click.echo(f"{click.style(row.name, bold=True)}  "
                   f"{click.style(row.status, fg=colour)}  "
                   f"plugin {row.plugin} {row.version} ({row.source})")
        if row.default_model:
            models = ", ".join(row.models) if row.models else row.default_model
            click.echo(f"    default model: {row.default_model}")
            click.echo(f"    models: {models}")
        if row.finetune_methods:
            click.echo(f"    finetuning: {', '.join(row.finetune_methods)}")
        if row.extra.get("finetune_note"):
            click.echo(f"    note: {row.extra['finetune_note']}")
        if row.hint:
            label = "install" if row.status == "unavailable" else "error"
            click.echo(f"    {label}: {row.hint}")
