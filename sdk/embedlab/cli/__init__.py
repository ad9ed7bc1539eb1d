"""The ``embedlab`` command line. Each command lives in its own module; heavy libraries
load inside the commands, so ``embedlab --help`` stays fast."""

from __future__ import annotations

import click

from .._version import __version__
from ._warnings import plain_warnings
from .audit import audit_command
from .cache import cache
from .check import check
from .classify import classify_command
from .compare import compare_command
from .embed import embed_command
from .finetune import finetune_command
from .providers import providers_command
from .serve import serve_command

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="embedlab")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Finetune embedding models on labelled text and see how much better they separate
    your classes than the baseline, with any provider."""
    ctx.with_resource(plain_warnings())


cli.add_command(providers_command)
cli.add_command(cache)
cli.add_command(check)
cli.add_command(classify_command)
cli.add_command(compare_command)
cli.add_command(audit_command)
cli.add_command(embed_command)
cli.add_command(finetune_command)
cli.add_command(serve_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="embedlab")
