"""``compare()``: the product's main job — baseline against finetuned model, measured and drawn.

load → validate → stratified split → embed train and test with each baseline → audit the
train labels → finetune each candidate and embed with it → score every model on the same
held-out test → project each to 2-D. Every model is a :class:`~embedlab._compare.runs.ModelRun`
(:mod:`embedlab._compare.running` runs them); ``Comparison.save(dir)`` then renders the maps
and writes the report (see :mod:`embedlab._compare.report`). Each step is announced on stderr
with its timing; embedding and training draw their own tqdm bars.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._datasets.dataset import Dataset
from .._datasets.loaders import load_dataset
from .._datasets.sample import load_sample_dataset
from .._datasets.splits import SplitInfo, describe_file, load_split_file, make_splits
from .._errors import FinetuneError
from .._secret import redact
from ..visualizers.html import render_fragment
from .candidates import as_list, expand_candidates
from .leaderboard import leaderboard_rows
from .options import UNSET, CompareOptions
from .report import build_report, collect_versions, write_report
from .running import Shared, audit_step, project, run_baseline, run_candidate, run_clean, score
from .runs import ComparisonData, ModelRun
from .steps import StepLog

if TYPE_CHECKING:
    from .._finetuner import CustomModel, FinetuneConfig
    from .._transport.cache import EmbeddingCache

__all__ = ["DEFAULT_VISUALIZERS", "UNSET", "Comparison", "compare", "load_comparison_inputs"]

#: Visualizers ``Comparison.save`` renders unless told otherwise.
DEFAULT_VISUALIZERS: tuple[str, ...] = ("png", "html")


@dataclass
class Comparison(ComparisonData):
    """A finished comparison: every model's scores on the same split, their maps, the models.

    Its runs (:attr:`runs`: baselines, candidates, the clean model) are
    :class:`~embedlab._compare.runs.ModelRun`; ``custom_model``, ``evaluations``,
    ``embeddings``, ``metrics`` and ``deltas`` read the primary pair."""

    @property
    def leaderboard(self) -> list[dict[str, Any]]:
        """One row per baseline and per custom model (failed ones too), ready for
        ``pandas.DataFrame(comparison.leaderboard)``."""
        return leaderboard_rows(self)

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict (what ``report.json`` holds)."""
        return build_report(self)

    def save(self, path: str | Path, *, visualizers: Sequence[str] = DEFAULT_VISUALIZERS,
             steps: StepLog | None = None, overwrite: bool = False) -> Path:
        """Write the report directory (atomically: all of it or none of it) and return it;
        an earlier report there is replaced only with ``overwrite=True``."""
        return write_report(self, path, visualizers=visualizers, steps=steps,
                            overwrite=overwrite)

    def _repr_html_(self) -> str:
        return render_fragment(self.projections, title=self.title, context=self.to_dict())

    def __repr__(self) -> str:
        def fmt(value: float) -> str:
            return "n/a" if not math.isfinite(value) else f"{value:.3f}"

        base, custom = self.metrics["baseline"], self.metrics["custom"]
        return (f"<Comparison {self.dataset.name!r} {self.baseline_model} → "
                f"{self.custom_model.id}: accuracy {fmt(base['accuracy'])} → "
                f"{fmt(custom['accuracy'])}, silhouette {fmt(base['silhouette'])} → "
                f"{fmt(custom['silhouette'])}>")


def load_comparison_inputs(dataset: Dataset | str | Path | Any, *, test: Any = None,
                           validation: Any = None, text_column: str = "text",
                           label_column: str = "label", encoding: str = "utf-8"
                           ) -> tuple[Dataset, dict[str, Dataset]]:
    """The training data (a :class:`Dataset` as given, or loaded from a path, DataFrame or
    records; ``None`` is the shipped sample) and the user's own ``test`` and ``validation``
    sets, keyed by ``"test"`` / ``"validation"`` where given."""
    if dataset is None:
        data = load_sample_dataset()
    elif isinstance(dataset, Dataset):
        data = dataset
    else:
        data = load_dataset(dataset, text_column=text_column, label_column=label_column,
                            encoding=encoding)
    given = {what: load_split_file(source, what, text_column=text_column,
                                   label_column=label_column, encoding=encoding)
             for what, source in (("test", test), ("validation", validation))
             if source is not None}
    return data, given


def compare(
    dataset: Dataset | str | Path | Any = None,
    provider: str | Sequence[str] = "local",
    *,
    baseline_model: str | None = None,
    method: str | Sequence[str] | None = None,
    test: Dataset | str | Path | Any = None,
    validation: Dataset | str | Path | Any = None,
    test_size: float | int = 0.2,
    seed: int | None = UNSET,
    input_type: str | None = UNSET,
    projection: str = "umap",
    config: FinetuneConfig | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    max_steps: int | None = None,
    time_budget: float | None = None,
    keep: float | None = None,
    text_column: str = "text",
    label_column: str = "label",
    encoding: str = "utf-8",
    embedder_options: Mapping[str, Any] | None = None,
    finetuner_options: Mapping[str, Any] | None = None,
    cache: EmbeddingCache | bool | None = None,
    progress: bool | None = None,
    quiet: bool = False,
    steps: StepLog | None = None,
    highlight: Sequence[str] | None = None,
    audit: bool = True,
    clean: bool = False,
    retrain: bool = False,
    options: CompareOptions | None = None,
) -> Comparison:
    """Finetune a model on ``dataset`` and measure it against its baseline on a held-out split.

    ``dataset`` is a :class:`~embedlab.Dataset`, a file path, a DataFrame or records;
    ``None`` uses the shipped airline-intents sample (and says so).

    ``provider`` is a provider name, or ``provider:model`` (or give ``baseline_model``);
    ``method`` is ``"full"`` or ``"adapter"`` (the provider's default when ``None``). The
    hyperparameters fill a :class:`~embedlab.FinetuneConfig` (or pass ``config``): the
    keyword arguments given (``seed``, ``input_type``, ``epochs``, ``keep``...) replace its
    fields, the others keep the config's values (without a config: seed 42,
    ``"classification"``). ``keep`` is the least similarity agreement with the baseline the
    custom model keeps (``FinetuneConfig.keep``; 0: the most separated model).
    Raises :class:`~embedlab.DatasetError` for unusable data before any model loads.

    ``highlight``: texts (in the dataset or not) to mark on both maps, each with its nearest
    rows under both models; ``None`` picks the test rows whose neighbourhood changed most,
    ``[]`` marks none. The custom model keeps the report's probe, fitted on the train split,
    as its classifier (``custom_model.classify(texts)``).

    ``audit`` (on by default) audits the train split's labels with the baseline train
    embeddings (no extra provider call; see :mod:`embedlab._label_audit`): the report lists the
    rows to check and the overlapping classes. ``clean=True`` also trains a second custom
    model without those rows, scored on the same test split (:attr:`Comparison.clean`).

    ``test`` and ``validation``: your own held-out sets (paths, DataFrames, datasets), loaded
    and validated like ``dataset``; with ``test`` all of ``dataset`` trains (no split), and
    ``validation`` goes to the finetuner. Their labels must all be in ``dataset``; texts also
    in ``dataset`` are warned about (leakage) and counted in :attr:`Comparison.split`.

    ``provider`` and ``method`` may be lists: every (provider, method) pair that can exist is
    a candidate (the others are skipped with a reason), all on one split, each provider's
    baseline embedded once. A candidate that fails is kept as failed
    (:attr:`Comparison.failed`) while the others finish; the first one that worked is the
    custom model of :attr:`metrics` and the maps' second panel.

    A custom model trained before the same way (provider, base model and revision, method,
    config, train and validation data, embedlab version) and saved is loaded instead of
    trained again, and the log says so; ``retrain=True`` always trains a new one.

    ``options``: a :class:`~embedlab._compare.options.CompareOptions` built beforehand (the
    CLI's); it replaces the keywords it holds (all but the data, ``cache``, ``quiet``
    and ``steps``; ``progress`` is its ``finetune.progress``).
    """
    opts = options or CompareOptions.build(
        config, seed=seed, input_type=input_type, progress=progress, epochs=epochs,
        batch_size=batch_size, learning_rate=learning_rate, max_steps=max_steps,
        time_budget=time_budget, keep=keep, baseline_model=baseline_model, method=method,
        test_size=test_size, projection=projection, highlight=highlight, audit=audit,
        clean=clean, retrain=retrain, text_column=text_column, label_column=label_column,
        encoding=encoding, embedder_options=embedder_options,
        finetuner_options=finetuner_options)
    log = steps or StepLog(opts.steps(), quiet=quiet)
    baselines, candidates, skipped = expand_candidates(
        as_list(provider), as_list(opts.method), opts.baseline_model, opts.embedder_options,
        opts.finetuner_options)
    # One step per extra baseline embedding and two (finetune, embed) per extra candidate,
    # counted now so the total never changes mid-run; steps that cannot run are skipped.
    log.total += (len(baselines) - 1) + 2 * (len(candidates) - 1)
    for line in skipped:
        log.say(f"skipped: {line}")
    data, shared, given, warnings = _prepare(dataset, test, validation, opts, cache, log)
    for base in baselines:
        run_baseline(base, log, shared)
    found, audit_note = (audit_step(log, next((b for b in baselines if b.ok), None), shared)
                         if opts.audit else (None, None))
    for cand in candidates:
        run_candidate(cand, log, shared, f"finetune ({cand.method})" if len(candidates) == 1
                      else f"finetune {cand.label}", opts.retrain)
    primary = next((c for c in candidates if c.ok and c.baseline and c.baseline.ok), None)
    runs: list[ModelRun] = [*baselines, *candidates]
    if primary is not None and opts.clean and found is not None and found.suspects:
        runs.append(run_clean(primary, log, shared, found))
    elif opts.clean:
        audit_note = audit_note or "the label audit flagged no rows: nothing to clean"
        log.skip("finetune without the rows to check", audit_note)
    if primary is not None:
        models = len(baselines) + sum(c.ok for c in candidates)
        with log.step("evaluate " + ("both models" if len(candidates) == 1 else
                                     f"{models} models"), "evaluate"):
            for run in runs:
                if run.role != "clean" and run.vectors and run.evaluation is None:
                    score(run, log, shared)
    if primary is None or not primary.ok or not (primary.baseline and primary.baseline.ok):
        raise _failure(candidates, primary)
    result = Comparison(
        dataset=data, train=shared.train, test=shared.test, runs=runs, primary=primary,
        settings={}, warnings=warnings, audit=found, validation=shared.validation,
        split=shared.info, skipped=skipped)
    with log.step(f"project to 2-D ({opts.projection})", "project"):
        project(result, None if opts.highlight is None else list(opts.highlight),
                opts.projection, opts.finetune.seed)
    result.settings = _settings(result, opts, given, audit_note)
    result.timings, result.versions = dict(log.timings), collect_versions(result.provider)
    return result


def _prepare(dataset: Any, test: Any, validation: Any, opts: CompareOptions,
             cache: EmbeddingCache | bool | None, log: StepLog
             ) -> tuple[Dataset, Shared, set[str], list[str]]:
    """Load, validate and split the data: the dataset, what every run shares, which of the
    test and validation sets were the user's files, and the warnings the run goes on with."""
    if dataset is None:
        log.say("no dataset given: using the shipped airline-intents sample")
    with log.step("load"):
        data, given = load_comparison_inputs(dataset, test=test, validation=validation,
                                             text_column=opts.text_column,
                                             label_column=opts.label_column,
                                             encoding=opts.encoding)
    files = {what: describe_file(source, given[what]) for what, source
             in (("test", test), ("validation", validation)) if what in given}
    with log.step("validate"):
        report = data.validate(test_size=None if "test" in given else opts.test_size)
        report.raise_for_errors()
        for issue in report.warnings:
            log.say(f"warning: {issue.message}")
    with log.step("split"):
        train, val_part, test_part, info = make_splits(
            data, test=given.get("test"), validation=given.get("validation"),
            test_size=opts.test_size, seed=opts.finetune.seed)
        info.files = files
        log.say(f"    {len(train)} train rows, "
                + (f"{len(val_part)} validation rows, " if val_part is not None else "")
                + f"{len(test_part)} test rows ({'your file' if 'test' in given else 'split'}), "
                f"{len(data.classes)} classes")
    warnings = [i.message for i in report.warnings]
    if info.warning:
        log.say(f"warning: {info.warning}")
        warnings.append(info.warning)
    shared = Shared(train, val_part, test_part, info, opts.finetune, cache,
                    tuple(opts.highlight or ()))
    return data, shared, set(given), warnings


def _failure(candidates: list[ModelRun], primary: ModelRun | None) -> BaseException:
    """What sinks a comparison whose primary run failed: a one-candidate run's own exception
    (as a one-model comparison always raised), else a :class:`FinetuneError` naming them."""
    failed = primary or candidates[0]
    if len(candidates) == 1:
        reason = failed if failed.exception is not None else failed.baseline
        if reason is not None and reason.exception is not None:
            return reason.exception
    if primary is None:
        return FinetuneError("every candidate failed: " + "; ".join(
            f"{c.label}: {c.error}" for c in candidates))
    failed = primary if primary.error is not None or primary.baseline is None else primary.baseline
    return FinetuneError(f"{failed.label}: {failed.error}")


def _settings(result: Comparison, opts: CompareOptions, given: set[str],
              audit_note: str | None) -> dict[str, Any]:
    """``report.json``'s ``settings``: what the run was asked and what it went ahead with."""
    cfg, custom = opts.finetune, result.custom_model
    clean = next((r for r in result.runs if r.role == "clean" and not r.ok), None)
    settings: dict[str, Any] = {
        "provider": result.provider,
        "baseline_model": result.baseline_model,
        "method": custom.method,
        "test_size": opts.test_size if "test" not in given else None,
        "test": "file" if "test" in given else "split",
        "validation": _validation_note("validation" in given, result.split, custom),
        "seed": cfg.seed,
        "input_type": cfg.input_type,
        "projection": opts.projection,
        "projection_fitted_on": "test split",
        "highlight": "given" if opts.highlight is not None else "auto",
        "audit": {"enabled": opts.audit, "clean": opts.clean, "skipped": audit_note,
                  **({"clean_skipped": clean.error} if clean is not None else {})},
        "finetune": {k: (redact(v) if k == "extra" else v)
                     for k, v in cfg.to_dict().items() if k != "progress"},
    }
    if len(result.candidates) > 1:
        settings["candidates"] = [c.label for c in result.candidates]
    if result.skipped:
        settings["skipped"] = list(result.skipped)
    if opts.embedder_options:
        settings["embedder_options"] = redact(opts.embedder_options)
    if opts.finetuner_options:
        settings["finetuner_options"] = redact(opts.finetuner_options)
    return settings


def _validation_note(given: bool, split: SplitInfo | None, custom: CustomModel) -> str:
    """What the finetuner early-stopped on, for the settings: the user's file, the train rows
    it held out (counted in ``split``), or nothing."""
    if given:
        return "file"
    held = custom.metrics.get("validation_rows")
    if isinstance(held, int) and held > 0:
        if split is not None:
            split.held_out = held
        return f"none given: {held} train rows held out for early stopping"
    return "none"
