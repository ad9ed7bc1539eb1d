"""``embedlab compare``: finetune on a dataset and report how much better the custom model
separates its classes than the baseline."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._compare.comparison_audit import audit_summary
from .._compare.options import CompareOptions
from .._compare.plan import plan_comparison
from .._compare.projection import PROJECTIONS
from .._compare.report import REPORT_JSON, check_output_dir, check_requirements
from .._compare.steps import StepLog
from .._datasets.sample import sample_dataset_path
from .._embedder import INPUT_TYPES
from ..corpus.texts import read_texts
from ._audit_lines import audit_lines
from ._errors import EXIT_FAILED, reports_errors
from ._options import (
    TestSize,
    argument_texts,
    compare_training_options,
    dataset_options,
    invalid_text_option,
)

if TYPE_CHECKING:
    from .._compare.comparison import Comparison

__all__ = ["compare_command"]


def _fmt(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.4f}"


@click.command("compare")
@click.argument("dataset", required=False)
@click.option("--provider", "-p", "providers", multiple=True, default=["local"],
              show_default=True,
              help="Provider, or provider:model (see `embedlab providers`). Repeatable: "
                   "each (provider, method) pair is a candidate, all on one split.")
@click.option("--test", "test_file", default=None, metavar="FILE",
              help="Your own test set (same format and columns as DATASET): all of DATASET "
                   "trains, and both models are scored on FILE.")
@click.option("--validation", "validation_file", default=None, metavar="FILE",
              help="Your own validation set, given to the finetuner (instead of holding "
                   "out part of the training rows).")
@click.option("--out", "-o", type=click.Path(file_okay=False), default=None,
              help="Output directory [default: runs/<dataset name>].")
@click.option("--baseline-model", default=None,
              help="Baseline model of the provider (default: the provider's default).")
@click.option("--test-size", type=TestSize(), default=0.2, show_default=True,
              help="Held-out test split: a fraction (0.2) or a number of rows.")
@click.option("--input-type", type=click.Choice(INPUT_TYPES), default="classification",
              show_default=True, help="What the texts are for, for providers that ask.")
@click.option("--projection", type=click.Choice(PROJECTIONS), default="umap",
              show_default=True, help="How the 2-D maps are drawn.")
@compare_training_options
@dataset_options
@click.option("--overwrite", is_flag=True,
              help="Replace an earlier embedlab report in OUT (only embedlab's own files; a "
                   "directory holding anything else is always refused).")
@click.option("--highlight", "highlights", multiple=True, metavar="TEXT",
              help="A text to mark on both maps with its nearest neighbours under each model "
                   "(repeatable; need not be in the dataset). Default: the test rows whose "
                   "neighbourhood changed most.")
@click.option("--highlight-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Texts to highlight: a .txt file (one a line) or the text column of a "
                   "data file (CSV, TSV, JSONL, JSON, Parquet or a plugin's format).")
@invalid_text_option
@click.option("--no-audit", is_flag=True,
              help="Skip the label audit of the train split (rows to check, overlapping "
                   "classes; see `embedlab audit`).")
@click.option("--clean", is_flag=True,
              help="Also train a custom model without the rows the label audit flags, "
                   "scored on the same test split.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--dry-run", is_flag=True,
              help="Validate the data and print what the run would do, with the training "
                   "time a local finetune takes here (timed on a few steps); nothing is "
                   "embedded, kept or written.")
@click.option("--no-estimate", is_flag=True,
              help="With --dry-run: skip timing a few training steps (loads no model).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No step lines or progress bars.")
@reports_errors
def compare_command(dataset: str | None, providers: tuple[str, ...], test_file: str | None,
                    validation_file: str | None, out: str | None,
                    baseline_model: str | None, test_size: float | int, input_type: str,
                    projection: str, methods: tuple[str, ...], epochs: int | None,
                    batch_size: int | None, learning_rate: float | None,
                    max_steps: int | None, time_budget: float | None, keep: float | None,
                    seed: int, retrain: bool, text_column: str, label_column: str,
                    encoding: str, overwrite: bool, highlights: tuple[str, ...],
                    highlight_file: Path | None, invalid_text: str, no_audit: bool,
                    clean: bool, no_cache: bool, dry_run: bool, no_estimate: bool,
                    as_json: bool, quiet: bool) -> None:
    """Compare a finetuned model with its baseline on DATASET (CSV, TSV, JSONL, JSON or
    Parquet with text and label columns; default: the shipped airline-intents sample).

    Writes OUT/report.html, report.json, comparison.png, the embeddings and the custom model.
    """
    # numpy loads with the comparison: only when the command runs, not for --help
    from .._compare.comparison import DEFAULT_VISUALIZERS, compare, load_comparison_inputs

    provider: str | list[str] = list(providers) if len(providers) > 1 else providers[0]
    method: str | list[str] | None = (list(methods) if len(methods) > 1
                                      else methods[0] if methods else None)

    if dataset is None:
        dataset = str(sample_dataset_path())
        click.echo(f"No DATASET given: using the shipped sample {dataset} "
                   "(airline intents: airfare, airline, ground_service).", err=True)
    out_dir = Path(out) if out else Path("runs") / Path(dataset).stem
    check_output_dir(out_dir, overwrite=overwrite)  # fail now, not after the training
    # umap-learn for the maps, matplotlib for the PNG: missing ones fail now, not at the end
    check_requirements(projection=projection, visualizers=DEFAULT_VISUALIZERS)

    highlight: list[str] | None = None
    if highlights or highlight_file is not None:
        highlight = [*argument_texts(highlights, invalid_text, "--highlight"),
                     *(read_texts(highlight_file, text_column=text_column, encoding=encoding,
                                  skip_blank=True)[1]
                       if highlight_file is not None else [])]

    options = CompareOptions.build(
        seed=seed, input_type=input_type, progress=False if quiet else None, epochs=epochs,
        batch_size=batch_size, learning_rate=learning_rate, max_steps=max_steps,
        time_budget=time_budget, keep=keep, baseline_model=baseline_model, method=method,
        test_size=test_size, projection=projection, highlight=highlight,
        audit=not no_audit, clean=clean, retrain=retrain, text_column=text_column,
        label_column=label_column, encoding=encoding)
    if dry_run:
        data, given = load_comparison_inputs(dataset, test=test_file,
                                             validation=validation_file,
                                             text_column=text_column,
                                             label_column=label_column, encoding=encoding)
        plan = plan_comparison(data, provider, out=out_dir, options=options,
                               test=given.get("test"), validation=given.get("validation"),
                               estimate=not no_estimate)
        if as_json:
            click.echo(json.dumps(plan.to_dict(), indent=2))
        else:
            click.echo("Dry run: nothing is embedded, trained or written.")
            for line in plan.lines():
                click.echo(f"  {line}")
        return

    steps = StepLog(options.steps(saving=True), quiet=quiet)
    result = compare(dataset, provider, test=test_file, validation=validation_file,
                     cache=False if no_cache else None, progress=False if quiet else None,
                     steps=steps, options=options)
    saved = result.save(out_dir, steps=steps, overwrite=overwrite)
    report = json.loads((saved / REPORT_JSON).read_text(encoding="utf-8"))
    for name, error in report["artifact_errors"].items():
        click.secho(f"warning: the {name} artifact was not saved: {error}", fg="yellow",
                    err=True)
    if as_json:
        click.echo(json.dumps({"out": str(saved), "custom_model": result.custom_model.id,
                               "metrics": result.metrics, "deltas": result.deltas,
                               **audit_summary(result), **_candidates_json(result)},
                              indent=2, default=str))
        _exit_if_failed(result)
        return
    if len(result.candidates) > 1:
        _leaderboard(result)
    base, custom, deltas = result.metrics["baseline"], result.metrics["custom"], result.deltas
    click.echo(f"{'metric':<18}{'baseline':>10}{'custom':>10}{'delta':>10}")
    for name in base:
        delta = "n/a" if not math.isfinite(deltas[name]) else f"{deltas[name]:+.4f}"
        click.echo(f"{name:<18}{_fmt(base[name]):>10}{_fmt(custom[name]):>10}{delta:>10}")
    click.echo(f"custom model: {result.custom_model.id} (saved in {saved / 'model'})")
    for line in audit_lines(result, saved):
        click.echo(line)
    if result.split is not None and result.split.warning:
        click.secho(f"warning: {result.split.warning}", fg="yellow", err=True)
    click.echo(f"report: {saved / 'report.html'}")
    _exit_if_failed(result)


def _candidates_json(result: Comparison) -> dict[str, object]:
    """The split and, for several candidates, the leaderboard, for ``--json``."""
    out: dict[str, object] = {}
    if result.split is not None:
        out["split"] = result.split.to_dict()
    if len(result.candidates) > 1:
        out["leaderboard"] = result.leaderboard
        out["failed"] = {c.label: c.error for c in result.failed}
    return out


def _leaderboard(result: Comparison) -> None:
    """Print one line per baseline and custom model."""
    click.echo(f"{'model':<34}{'accuracy':>10}{'macro F1':>10}{'silhouette':>11}"
               f"{'calls':>7}{'texts':>7}")
    for row in result.leaderboard:
        name = f"{row['candidate']}" + ("" if row["status"] == "ok" else " (failed)")
        cells = "".join(f"{_fmt(row[k]) if isinstance(row[k], float) else 'n/a':>{w}}"
                        for k, w in (("accuracy", 10), ("f1_macro", 10), ("silhouette", 11)))
        calls = "" if row["embedding_calls"] is None else row["embedding_calls"]
        texts = "" if row["texts_sent"] is None else row["texts_sent"]
        sent = f"{calls:>7}{texts:>7}"
        if row["status"] == "ok" and calls == 0 and texts == 0:
            sent = f"{'reused' if row.get('reused') else 'cached':>14}"  # nothing was sent
        click.echo(f"{name[:33]:<34}{cells}{sent}")
    click.echo("(metrics, deltas and models below are the first candidate's: "
               f"{result.baseline_model} vs {result.custom_model.id})")


def _exit_if_failed(result: Comparison) -> None:
    """Exit non-zero naming every failed candidate (the rest of the report is saved)."""
    if result.failed:
        for cand in result.failed:
            click.secho(f"error: candidate {cand.label} failed: {cand.error}", fg="red",
                        err=True)
        click.secho(f"{len(result.failed)} of {len(result.candidates)} candidates failed: "
                    + ", ".join(c.label for c in result.failed), fg="red", err=True)
        sys.exit(EXIT_FAILED)
