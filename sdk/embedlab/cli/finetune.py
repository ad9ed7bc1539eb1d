"""``embedlab finetune``: train a custom model on a dataset and save it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .._custom_models import find_trained
from .._datasets.loaders import load_dataset
from .._finetuner import FinetuneConfig
from .._lookup import get_finetuner
from .._manifest import check_output_dir
from .._meaning import DEFAULT_KEEP
from .._reuse import finetune_or_reuse, training_key
from ._errors import reports_errors
from ._options import dataset_options, input_type_option, provider_option, training_options

__all__ = ["finetune_command"]


@click.command("finetune")
@click.argument("dataset")
@provider_option("whose model is finetuned")
@click.option("--out", "-o", type=click.Path(file_okay=False), required=True,
              help="Directory to save the custom model into.")
@click.option("--overwrite", is_flag=True,
              help="Replace a model embedlab saved in OUT before (only embedlab's own files; a "
                   "directory holding anything else is always refused).")
@input_type_option("What the texts are for, for providers that ask.")
@training_options
@dataset_options
@click.option("--json", "as_json", is_flag=True, help="Print the model's card as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@reports_errors
def finetune_command(dataset: str, provider: str, out: str, overwrite: bool, input_type: str,
                     method: str | None, epochs: int | None, batch_size: int | None,
                     learning_rate: float | None, max_steps: int | None,
                     time_budget: float | None, keep: float | None, seed: int, retrain: bool,
                     text_column: str, label_column: str, encoding: str, as_json: bool,
                     quiet: bool) -> None:
    """Finetune on every row of DATASET and save the custom model to OUT; print its id.

    Embed with it later: `embedlab embed --model ID` or get_embedder(ID); label texts with
    its classifier (fitted on the same rows): `embedlab classify --model ID TEXT...`.
    """

    check_output_dir(Path(out), overwrite=overwrite, what="custom model")  # before training
    data = load_dataset(dataset, text_column=text_column, label_column=label_column,
                        encoding=encoding)
    data.validate().raise_for_errors()
    finetuner = get_finetuner(provider, method=method)
    config = FinetuneConfig(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                            max_steps=max_steps, time_budget=time_budget, seed=seed,
                            keep=DEFAULT_KEEP if keep is None else keep,
                            input_type=input_type,
                            progress=False if quiet else None)
    key = training_key(finetuner, data, None, config)
    if not quiet and (retrain or key is None or find_trained(key) is None):
        click.echo(f"finetuning ({finetuner.method}) on {len(data)} rows of {data.name} ...",
                   err=True)
    model, _ = finetune_or_reuse(finetuner, data, None, config, retrain=retrain,
                                 say=None if quiet else lambda line: click.echo(line, err=True))
    if not quiet:
        click.echo("fitting the classifier (embedlab classify --model ID) ...", err=True)
    model.fit_classifier(data, input_type=input_type, seed=seed,
                         progress=False if quiet else None,
                         calibrate_on=config.validation_size)
    path = model.save(Path(out), overwrite=overwrite)
    if as_json:
        click.echo(json.dumps({**model.card(), "path": str(path)}, indent=2, default=str))
        return
    click.echo(f"saved {model.method} model to {path}", err=True)
    click.echo(model.id)
