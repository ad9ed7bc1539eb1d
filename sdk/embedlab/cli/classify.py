"""``embedlab classify``: label texts with a custom model's classification head (or with any
model given labelled examples), printed or written as JSON Lines or CSV."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._atomic import atomic_open
from .._classification import classify
from .._errors import ConfigurationError
from ..corpus.texts import read_texts
from ._display import csv_cell, terminal_json, terminal_text
from ._errors import reports_errors
from ._options import (
    argument_texts,
    encoding_option,
    input_type_option,
    invalid_text_option,
)
from ._outputs import check_out_file

if TYPE_CHECKING:
    from .._classifier import Prediction

__all__ = ["classify_command"]

#: The fields of every record ``--out`` writes, in order.
FIELDS = ("text", "label", "probability", "alternatives")


def _write(predictions: Sequence[Prediction], out: Path) -> None:
    """One record per text, in order, as ``.jsonl`` or ``.csv``; written atomically."""
    import csv

    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(out, newline="") as fh:
        if out.suffix.lower() == ".csv":
            writer = csv.writer(fh)
            writer.writerow(FIELDS)
            for p in predictions:
                record = p.to_record()
                writer.writerow([csv_cell(record["text"]), csv_cell(record["label"]),
                                 record["probability"],
                                 json.dumps(record["alternatives"], ensure_ascii=False)])
        else:
            for p in predictions:
                fh.write(json.dumps(p.to_record(), ensure_ascii=False) + "\n")


@click.command("classify")
@click.argument("texts", nargs=-1)
@click.option("--model", "-m", required=True,
              help="A custom model's id or directory (its own classifier), or any model "
                   "(local, provider:model) with --examples.")
@click.option("--file", "-f", "file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Read texts from a .txt file (one a line) or a column of a CSV, "
                                  "TSV, JSONL, JSON, Parquet or plugin-format file.")
@click.option("--examples", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Labelled examples (text,label file): fit a classifier on them instead "
                   "of the model's own; needed for base models.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write one record per text (text, label, probability, alternatives) to a "
                   ".jsonl or .csv file instead of printing.")
@click.option("--overwrite", is_flag=True, help="Replace --out if it exists.")
@click.option("--top-k", type=click.IntRange(min=1), default=3, show_default=True,
              help="How many of the most probable classes to list per text.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Under this probability the label is 'uncertain'.")
@click.option("--text-column", default="text", show_default=True,
              help="Text column of a CSV/TSV --file and of --examples.")
@click.option("--label-column", default="label", show_default=True,
              help="Label column of --examples.")
@encoding_option("Encoding of --file and --examples.")
@input_type_option("What the texts are for, with --examples.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON Lines instead of a table.")
@invalid_text_option
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary.")
@reports_errors
def classify_command(texts: tuple[str, ...], model: str, file: Path | None,
                     examples: Path | None, out: Path | None, overwrite: bool, top_k: int,
                     threshold: float | None, text_column: str, label_column: str,
                     encoding: str, input_type: str, as_json: bool, invalid_text: str,
                     no_cache: bool, quiet: bool) -> None:
    """Label TEXTS (or the texts in --file) with a custom model's classifier.

    Each text gets its label, that label's probability and the --top-k most probable
    classes. A model saved by `embedlab finetune` or `embedlab compare` keeps its classifier;
    any other model (a base model such as `local`) needs --examples.
    """
    if out is not None:
        if out.suffix.lower() not in {".jsonl", ".csv"}:
            raise ConfigurationError(f"--out {out}: use a .jsonl or .csv file name")
        check_out_file(out, overwrite=overwrite,
                       inputs=[p for p in (file, examples) if p is not None])
    if texts and file is not None:
        raise ConfigurationError("give texts as arguments or --file, not both")
    items = argument_texts(texts, invalid_text) if texts else (
        read_texts(file, text_column=text_column, encoding=encoding,
                   suggest_skip_blank=False)[1]
        if file is not None else [])
    if not items:
        raise ConfigurationError("nothing to classify: give texts as arguments or --file")
    predictions = classify(items, model, examples=examples, top_k=top_k, threshold=threshold,
                           input_type=input_type, text_column=text_column,
                           label_column=label_column, encoding=encoding,
                           cache=False if no_cache else None,
                           progress=False if quiet else None)
    if out is not None:
        _write(predictions, out)
        if not quiet:
            click.echo(f"wrote {len(predictions)} labels to {out}", err=True)
        return
    if as_json:
        for p in predictions:
            click.echo(terminal_json(p.to_record()))
        return
    for p in predictions:
        shown = p.alternatives if p.uncertain else p.alternatives[1:]
        others = ", ".join(f"{terminal_text(str(label))} {prob:.3f}" for label, prob in shown)
        click.echo(f"{terminal_text(str(p.label))}\t{p.probability:.3f}\t"
                   f"{terminal_text(p.text)}" + (f"\t(then {others})" if others else ""))
