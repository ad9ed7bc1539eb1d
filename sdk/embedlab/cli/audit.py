"""``embedlab audit``: the rows whose labels look wrong, and the classes that overlap."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .._label_audit import audit
from .._manifest import check_output_dir
from ._errors import reports_errors
from ._options import dataset_options, input_type_option, provider_option

__all__ = ["audit_command"]


@click.command("audit")
@click.argument("dataset")
@provider_option("whose embeddings the audit uses")
@click.option("--out", "-o", type=click.Path(file_okay=False), default=None,
              help="Output directory [default: runs/<dataset name>-audit].")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True,
              help="Folds of the out-of-fold probe (fewer when a class is smaller).")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed for the folds.")
@click.option("--min-overlap", type=click.IntRange(min=1), default=2, show_default=True,
              help="Rows each way before two classes are listed as overlapping.")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="Rows and class pairs to print.")
@input_type_option("What the texts are for, for providers that ask.")
@dataset_options
@click.option("--overwrite", is_flag=True,
              help="Replace an earlier embedlab audit in OUT (only embedlab's own files; a "
                   "directory holding anything else is always refused).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@reports_errors
def audit_command(dataset: str, provider: str, out: str | None, folds: int, seed: int,
                  min_overlap: int, top: int, input_type: str, text_column: str,
                  label_column: str, encoding: str, overwrite: bool, no_cache: bool,
                  as_json: bool, quiet: bool) -> None:
    """Find the rows of DATASET whose label the embeddings disagree with, and the classes
    the labels mix up both ways (CSV, TSV, JSONL, JSON or Parquet with text and label).

    Writes OUT/suspects.csv (row, id, text, label, suggested, confidence, label_probability;
    worst first), OUT/overlapping_classes.csv and OUT/audit.json. DATASET is never modified;
    OUT is replaced only with --overwrite, and only if embedlab wrote everything in it.
    """

    out_dir = Path(out) if out else Path("runs") / f"{Path(dataset).stem}-audit"
    check_output_dir(out_dir, overwrite=overwrite, what="label audit")  # before any embedding
    result = audit(dataset, provider, folds=folds, seed=seed, min_overlap=min_overlap,
                   input_type=input_type, text_column=text_column, label_column=label_column,
                   encoding=encoding, cache=False if no_cache else None,
                   progress=False if quiet else None)
    saved = result.save(out_dir, overwrite=overwrite)
    if as_json:
        click.echo(json.dumps({"out": str(saved), **result.to_dict(limit=top)}, indent=2))
        return
    click.echo(result.summary(top=top))
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"suspects: {saved / 'suspects.csv'}")
