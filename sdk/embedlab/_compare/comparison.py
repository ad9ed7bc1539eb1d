"""``compare()``: the product's main job — baseline against finetuned model, measured and drawn.

load → validate → stratified split → embed train and test with the baseline → finetune on
train → embed with the custom model → evaluate both on the same held-out test → project each
to 2-D. ``Comparison.save(dir)`` then renders the maps and writes the report (see
:mod:`embedlab._compare.report`). Each step is announced on stderr with its timing; embedding and
training draw their own tqdm bars.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._evaluation import METRIC_NAMES, Evaluation
from .steps import StepLog

if TYPE_CHECKING:
    import numpy as np

    from .._datasets.dataset import Dataset
    from .._datasets.splits import SplitInfo
    from .._embedder import Embedder
    from .._finetuner import CustomModel, FinetuneConfig
    from .._label_audit import Audit
    from .._transport.cache import EmbeddingCache
    from .._visualizer import Projection
    from .candidates import Baseline, Candidate
    from .comparison_audit import CleanCandidate

__all__ = ["DEFAULT_VISUALIZERS", "Comparison", "compare", "load_comparison_inputs"]

#: Visualizers ``Comparison.save`` renders unless told otherwise.
DEFAULT_VISUALIZERS: tuple[str, ...] = ("png", "html")
#: Steps :func:`compare` announces (``save`` adds render and save).
_STEPS = 8


class _Unset:
    """The default of a :func:`compare` option a ``FinetuneConfig`` also holds: "not given",
    so the config's value stands (``None`` is a real value for ``input_type``)."""

    def __repr__(self) -> str:
        return "<the config's value>"


UNSET: Any = _Unset()


@dataclass
class Comparison:
    """A finished comparison: both models' scores on the same split, their maps, the model."""

    dataset: Dataset
    train: Dataset
    test: Dataset
    provider: str
    baseline_model: str
    custom_model: CustomModel
    evaluations: dict[str, Evaluation]
    #: ``baseline_train``, ``baseline_test``, ``custom_train``, ``custom_test``: float32 arrays.
    embeddings: dict[str, np.ndarray]
    #: Baseline's map first, the custom model's second (test split).
    projections: list[Projection]
    settings: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    #: Validation warnings (duplicates, small classes...) the run went ahead with.
    warnings: list[str] = field(default_factory=list)
    #: Artifacts (visualizer name → error) that failed while saving; the rest were saved.
    artifact_errors: dict[str, str] = field(default_factory=dict)
    #: The label audit of the train split (``None`` when off or skipped; see settings).
    audit: Audit | None = None
    #: The custom model retrained without the audit's suspects (``compare(clean=True)``).
    clean: CleanCandidate | None = None
    #: The validation set the finetuner was given (``compare(validation=...)``), if any.
    validation: Dataset | None = None
    #: Split sizes, their source and the train/test overlap (``report.json``'s ``split``).
    split: SplitInfo | None = None
    #: Every provider's baseline, and every (provider, method) candidate, failed ones too.
    baselines: list[Baseline] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    #: Pairs that cannot exist, each with its one-line reason.
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Candidate]:
        """The candidates that failed, each with its ``error``."""
        return [c for c in self.candidates if not c.ok]

    @property
    def leaderboard(self) -> list[dict[str, Any]]:
        """One row per baseline and per custom model (failed ones too), ready for
        ``pandas.DataFrame(comparison.leaderboard)``."""
        from .leaderboard import leaderboard_rows

        return leaderboard_rows(self)

    @property
    def metrics(self) -> dict[str, dict[str, float]]:
        """``{"baseline": {...}, "custom": {...}}`` with the seven headline metrics each."""
        return {side: ev.headline() for side, ev in self.evaluations.items()}

    @property
    def deltas(self) -> dict[str, float]:
        """Custom minus baseline for each headline metric (log loss: negative is better)."""
        base, custom = self.metrics["baseline"], self.metrics["custom"]
        return {name: custom[name] - base[name] for name in METRIC_NAMES}

    @property
    def title(self) -> str:
        """Headline for the report and the maps: the baseline against its custom model, or
        every baseline against every candidate."""
        if len(self.candidates) <= 1:
            return (f"{self.dataset.name}: {self.baseline_model} vs custom "
                    f"({self.custom_model.method})")
        bases = ", ".join(b.name for b in self.baselines)
        models = ", ".join(c.label for c in self.candidates)
        return f"{self.dataset.name}: {bases} vs {len(self.candidates)} custom models ({models})"

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict (what ``report.json`` holds)."""
        from .report import build_report

        return build_report(self)

    def save(self, path: str | Path, *, visualizers: Sequence[str] = DEFAULT_VISUALIZERS,
             steps: StepLog | None = None, overwrite: bool = False) -> Path:
        """Write the report directory (atomically: all of it or none of it) and return it;
        an earlier report there is replaced only with ``overwrite=True``."""
        from .report import write_report

        return write_report(self, path, visualizers=visualizers, steps=steps,
                            overwrite=overwrite)

    def _repr_html_(self) -> str:
        from ..visualizers.html import render_fragment

        return render_fragment(self.projections, title=self.title, context=self.to_dict())

    def __repr__(self) -> str:
        def fmt(value: float) -> str:
            return "n/a" if not math.isfinite(value) else f"{value:.3f}"

        base, custom = self.metrics["baseline"], self.metrics["custom"]
        return (f"<Comparison {self.dataset.name!r} {self.baseline_model} → "
                f"{self.custom_model.id}: accuracy {fmt(base['accuracy'])} → "
                f"{fmt(custom['accuracy'])}, silhouette {fmt(base['silhouette'])} → "
                f"{fmt(custom['silhouette'])}>")


def _embed_split(embedder: Embedder, train: Dataset, test: Dataset, input_type: str | None,
                 cache: EmbeddingCache | bool | None, progress: bool | None,
                 extra: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Embed train, test and the ``extra`` texts (highlights) in one call (one progress
    bar), returned as three arrays."""
    vectors = embedder.embed([*train.texts, *test.texts, *extra], input_type, cache=cache,
                             progress=progress)
    n = len(train) + len(test)
    return vectors[:len(train)], vectors[len(train):n], vectors[n:]


def load_comparison_inputs(dataset: Dataset | str | Path | Any, *, test: Any = None,
                           validation: Any = None, text_column: str = "text",
                           label_column: str = "label", encoding: str = "utf-8"
                           ) -> tuple[Dataset, dict[str, Dataset]]:
    """The training data (a :class:`Dataset` as given, or loaded from a path, DataFrame or
    records; ``None`` is the shipped sample) and the user's own ``test`` and ``validation``
    sets, keyed by ``"test"`` / ``"validation"`` where given."""
    from .._datasets.dataset import Dataset
    from .._datasets.loaders import load_dataset
    from .._datasets.sample import load_sample_dataset
    from .._datasets.splits import load_split_file

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
    """
    import numpy as np

    from .._datasets.splits import describe_file, make_splits
    from .._errors import ConfigurationError, FinetuneError
    from .._visualizer import Projection
    from .candidates import Baseline, Candidate, as_list, expand_candidates
    from .comparison_audit import place_suspects, train_clean_candidate
    from .highlight import auto_pick, check_highlights, follow
    from .projection import PROJECTIONS
    from .report import collect_versions

    if projection.lower() not in PROJECTIONS:
        raise ConfigurationError(
            f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    log = steps or StepLog(_STEPS + int(audit) + int(clean), quiet=quiet)
    chosen = check_highlights(highlight)
    if clean and not audit:
        raise ConfigurationError("clean=True trains without the rows the label audit flags: "
                                 "it needs the audit; drop audit=False (--no-audit)")
    baselines, candidates, skipped = expand_candidates(
        as_list(provider), as_list(method), baseline_model, embedder_options,
        finetuner_options)
    single = len(candidates) == 1
    # One step per extra baseline embedding and two (finetune, embed) per extra candidate,
    # counted now so the total never changes mid-run; steps that cannot run are skipped.
    log.total += (len(baselines) - 1) + 2 * (len(candidates) - 1)
    # Hyperparameters are checked before any data is read or embedded.
    cfg = _finetune_config(config, {"seed": seed, "input_type": input_type,
                                    "progress": progress, "epochs": epochs,
                                    "batch_size": batch_size, "learning_rate": learning_rate,
                                    "max_steps": max_steps, "time_budget": time_budget,
                                    "keep": keep})
    seed, input_type = cfg.seed, cfg.input_type
    for line in skipped:
        log.say(f"skipped: {line}")
    if dataset is None:
        log.say("no dataset given: using the shipped airline-intents sample")
    with log.step("load"):
        data, given = load_comparison_inputs(dataset, test=test, validation=validation,
                                             text_column=text_column,
                                             label_column=label_column, encoding=encoding)
    files = {what: describe_file(source, given[what]) for what, source
             in (("test", test), ("validation", validation)) if what in given}
    with log.step("validate"):
        report = data.validate(test_size=None if "test" in given else test_size)
        report.raise_for_errors()
        for issue in report.warnings:
            log.say(f"warning: {issue.message}")
    with log.step("split"):
        train, val_part, test, split_info = make_splits(
            data, test=given.get("test"), validation=given.get("validation"),
            test_size=test_size, seed=seed)
        split_info.files = files
        log.say(f"    {len(train)} train rows, "
                + (f"{len(val_part)} validation rows, " if val_part is not None else "")
                + f"{len(test)} test rows ({'your file' if 'test' in given else 'split'}), "
                f"{len(data.classes)} classes")
    run_warnings = [i.message for i in report.warnings]
    if split_info.warning:
        log.say(f"warning: {split_info.warning}")
        run_warnings.append(split_info.warning)

    for base in baselines:
        _run_baseline(base, log, single, train, test, input_type, cache, progress,
                      chosen or ())
    primary_base = next((b for b in baselines if b.error is None), None)
    found, audit_note = (None, None)
    if primary_base is not None:
        found, audit_note = _audit_step(log, audit, train, primary_base.vectors["train"],
                                        seed, primary_base.name, progress)
    elif audit:
        log.skip("audit the training labels", "every baseline failed")

    for cand in candidates:
        _run_candidate(cand, log, single, train, val_part, test, cfg, input_type, cache,
                       progress, chosen or (), retrain)
    ok = [c for c in candidates if c.ok]
    if not ok:
        raise FinetuneError("every candidate failed: " + "; ".join(
            f"{c.label}: {c.error}" for c in candidates))
    primary = next(c for c in ok if c.baseline.error is None)
    base = primary.baseline
    finetuner, custom = primary.finetuner, primary.custom_model
    assert custom is not None
    clean_candidate, clean_vectors, clean_skipped = None, {}, None
    if clean and found is not None and found.suspects:
        try:  # the clean model is an extra: its failure never loses the run
            with log.step(f"finetune without the {len(found.suspects)} rows to check",
                          "finetune_clean"):
                clean_candidate, clean_train, clean_test = train_clean_candidate(
                    finetuner, train, test, found, cfg, input_type=input_type, cache=cache,
                    progress=progress, seed=seed,
                    baseline_test=base.vectors["test"])
            clean_vectors = {"clean_train": clean_train, "clean_test": clean_test}
        except Exception as exc:
            clean_skipped = (f"the model without the {len(found.suspects)} rows to check "
                             f"was not trained: {' '.join(_failure(exc).split())}")
            log.say(f"warning: {clean_skipped}; the rest of the comparison goes on")
    elif clean:
        audit_note = audit_note or "the label audit flagged no rows: nothing to clean"
        log.skip("finetune without the rows to check", audit_note)

    with log.step("evaluate " + ("both models" if single else
                                 f"{len(ok) + len(baselines)} models"), "evaluate"):
        scored: list[Baseline | Candidate] = [*baselines, *ok]
        for item in scored:
            if item.vectors and item.evaluation is None:
                _score(item, single, log, train, test, seed, input_type,
                       cfg.validation_size)
    ok = [c for c in ok if c.ok]
    if not primary.ok:
        raise FinetuneError(f"{primary.label}: {primary.error}")
    evaluations = {"baseline": base.evaluation, "custom": primary.evaluation}
    with log.step(f"project to 2-D ({projection.lower()})", "project"):
        shown = [b for b in [base, *(b for b in baselines if b is not base)] if b.evaluation]
        sides: list[Baseline | Candidate] = []
        for shown_base in shown:
            sides.append(shown_base)
            sides += sorted((c for c in ok if c.baseline is shown_base),
                            key=lambda c: c is not primary)
        if chosen is None:  # follow the test rows whose neighbourhood changed most
            picks = auto_pick({"baseline": base.vectors["train"],
                               "custom": primary.vectors["train"]},
                              {"baseline": base.vectors["test"],
                               "custom": primary.vectors["test"]}, train.labels, test.labels)
            chosen = [test.texts[i] for i in picks]
            for item in sides:
                item.vectors["extra"] = item.vectors["test"][picks]
        label_of = dict(reversed(list(zip(
            [*data.texts, *test.texts], [*data.labels, *test.labels], strict=True))))
        for item in sides:
            train_x, test_x = item.vectors["train"], item.vectors["test"]
            points, markers = follow(
                chosen, item.vectors["extra"], test_vectors=test_x, test_texts=test.texts,
                pool_vectors=np.vstack([train_x, test_x]),
                pool_texts=[*train.texts, *test.texts],
                pool_labels=[*train.labels, *test.labels], label_of=label_of,
                method=projection, seed=seed)
            assert item.evaluation is not None
            if isinstance(item, Baseline):
                title = f"Baseline · {item.name}"
            else:
                assert item.custom_model is not None
                title = f"Custom · {item.custom_model.id} ({item.method})"
            item.projection = Projection(
                title=title, points=points, labels=list(test.labels), texts=list(test.texts),
                metrics=item.evaluation.headline(), markers=markers,
                group=item.baseline.spec if isinstance(item, Candidate) else item.spec)
        projections = [item.projection for item in sides if item.projection is not None]
        if found is not None:
            projections[0].suspects = place_suspects(found, base.vectors["train"],
                                                     base.vectors["test"],
                                                     projections[0].points)

    from .._secret import redact

    settings: dict[str, Any] = {
        "provider": base.provider,
        "baseline_model": base.name,
        "method": custom.method,
        "test_size": test_size if "test" not in given else None,
        "test": "file" if "test" in given else "split",
        "validation": _validation_note("validation" in given, split_info, custom),
        "seed": seed,
        "input_type": input_type,
        "projection": projection.lower(),
        "projection_fitted_on": "test split",
        "highlight": "given" if highlight is not None else "auto",
        "audit": {"enabled": audit, "clean": clean, "skipped": audit_note,
                  **({"clean_skipped": clean_skipped} if clean_skipped else {})},
        "finetune": {k: (redact(v) if k == "extra" else v)
                     for k, v in cfg.to_dict().items() if k != "progress"},
    }
    if not single:
        settings["candidates"] = [c.label for c in candidates]
    if skipped:
        settings["skipped"] = list(skipped)
    if embedder_options:
        settings["embedder_options"] = redact(embedder_options)
    if finetuner_options:
        settings["finetuner_options"] = redact(finetuner_options)
    embeddings = {"baseline_train": base.vectors["train"], "baseline_test": base.vectors["test"],
                  "custom_train": primary.vectors["train"],
                  "custom_test": primary.vectors["test"], **clean_vectors}
    for item in sides:
        if item is not base and item is not primary:
            embeddings[f"{item.key}_train"] = item.vectors["train"]
            embeddings[f"{item.key}_test"] = item.vectors["test"]
    return Comparison(
        dataset=data, train=train, test=test, provider=base.provider,
        baseline_model=base.name, custom_model=custom, evaluations=evaluations,  # type: ignore[arg-type]
        embeddings=embeddings, projections=projections, settings=settings,
        timings=dict(log.timings),
        versions=collect_versions(base.provider), warnings=run_warnings,
        audit=found, clean=clean_candidate, validation=val_part, split=split_info,
        baselines=baselines, candidates=candidates, skipped=skipped,
    )


def _validation_note(given: bool, split: SplitInfo, custom: CustomModel) -> str:
    """What the finetuner early-stopped on, for the settings: the user's file, the train rows
    it held out (counted in ``split``), or nothing."""
    if given:
        return "file"
    held = custom.metrics.get("validation_rows")
    if isinstance(held, int) and held > 0:
        split.held_out = held
        return f"none given: {held} train rows held out for early stopping"
    return "none"


def _finetune_config(config: FinetuneConfig | None, given: Mapping[str, Any]
                     ) -> FinetuneConfig:
    """``config`` (or the defaults) with the options given explicitly in its fields: a
    value left unset (or ``None``, except ``input_type``) keeps the config's."""
    from dataclasses import replace

    from .._finetuner import FinetuneConfig

    changes = {name: value for name, value in given.items() if value is not UNSET
               and (value is not None or name == "input_type")}
    return replace(config or FinetuneConfig(), **changes)


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _run_baseline(base: Baseline, log: StepLog, single: bool, train: Dataset, test: Dataset,
                  input_type: str | None, cache: EmbeddingCache | bool | None,
                  progress: bool | None, extra: Sequence[str]) -> None:
    """Embed train, test and the highlights with one provider's baseline, once."""
    import time

    start, (calls, texts) = time.perf_counter(), base.embedder.usage()
    try:
        with log.step(f"embed with the baseline {base.name}", "embed_baseline"):
            tr, te, ex = _embed_split(base.embedder, train, test, input_type, cache,
                                      progress, extra)
        base.vectors = {"train": tr, "test": te, "extra": ex}
    except Exception as exc:
        if single:
            raise
        base.error = _failure(exc)
        log.say(f"warning: the baseline {base.name} failed: {base.error}")
    finally:
        base.seconds = round(time.perf_counter() - start, 3)
        now = base.embedder.usage()
        base.calls, base.texts = now[0] - calls, now[1] - texts


def _run_candidate(cand: Candidate, log: StepLog, single: bool, train: Dataset,
                   validation: Dataset | None, test: Dataset, cfg: FinetuneConfig,
                   input_type: str | None, cache: EmbeddingCache | bool | None,
                   progress: bool | None, extra: Sequence[str], retrain: bool) -> None:
    """Finetune one candidate (or reuse the same training saved before) and embed the split
    with it; a failure marks it failed (and is raised when it is the only candidate, as a
    one-model comparison always did)."""
    import time

    from .._reuse import finetune_or_reuse
    from .._transport.usage import CountingEmbedder

    if cand.baseline.error is not None:
        cand.status, cand.error = "failed", f"its baseline failed: {cand.baseline.error}"
        log.skip(f"finetune {cand.label}", "its baseline failed")
        log.skip(f"embed with {cand.label}", "its baseline failed")
        return
    base = cand.baseline.embedder
    before = base.usage()
    start = time.perf_counter()
    try:
        with log.step(f"finetune ({cand.method})" if single
                      else f"finetune {cand.label}", "finetune"):
            cand.custom_model, cand.reused = finetune_or_reuse(
                cand.finetuner, train, validation, cfg, retrain=retrain, say=log.say)
        cand.timings["finetune"] = round(time.perf_counter() - start, 3)
        inner = cand.custom_model.embedder()
        counted = CountingEmbedder(inner)
        start = time.perf_counter()
        with log.step(f"embed with the custom model {cand.custom_model.id}", "embed_custom"):
            tr, te, ex = _embed_split(counted, train, test, input_type, cache, progress,
                                      extra)
        cand.timings["embed"] = round(time.perf_counter() - start, 3)
        cand.vectors = {"train": tr, "test": te, "extra": ex}
        cand.status = "ok"
    except Exception as exc:
        if single:
            raise
        cand.status, cand.error, cand.exception = "failed", _failure(exc), exc
        log.say(f"warning: candidate {cand.label} failed: {cand.error}")
        if cand.custom_model is None:
            log.skip(f"embed with {cand.label}", "its finetune failed")
        return
    finally:
        after = base.usage()
        cand.calls, cand.texts = after[0] - before[0], after[1] - before[1]
    # An adapter's own requests run on this machine; its base's are counted above.
    if getattr(inner, "base", None) is not base:
        own = counted.usage()
        cand.calls, cand.texts = cand.calls + own[0], cand.texts + own[1]


def _score(item: Baseline | Candidate, single: bool, log: StepLog, train: Dataset,
           test: Dataset, seed: int, input_type: str | None,
           validation_size: float) -> None:
    """Fit the probe on train and score it on test; a custom model keeps the probe as its
    classifier, temperature-scaled on the train split's validation share."""
    from .._calibration import calibration
    from .._classifier import fit_head
    from .._evaluation import evaluate
    from .._temperature import calibrate_head
    from .candidates import Candidate

    try:
        head = fit_head(item.vectors["train"], train.labels, seed=seed, input_type=input_type,
                        fitted_on={"fingerprint": train.fingerprint})
        reference = (item.baseline.vectors["test"] if isinstance(item, Candidate) else None)
        item.evaluation = evaluate(item.vectors["train"], train.labels, item.vectors["test"],
                                   test.labels, seed=seed, head=head,
                                   baseline_test_vectors=reference)
    except Exception as exc:
        if single:
            raise
        item.error = _failure(exc)
        if isinstance(item, Candidate):
            item.status = "failed"
        name = item.label if isinstance(item, Candidate) else item.name
        log.say(f"warning: scoring {name} failed: {item.error}")
        return
    if isinstance(item, Candidate) and item.custom_model is not None:
        # Metrics stay the probe's (as the baselines'); the saved classifier is calibrated.
        scaled, info = calibrate_head(head, item.vectors["train"], train.labels,
                                      validation_size=validation_size, seed=seed)
        after = calibration(scaled.predict_proba(item.vectors["test"]), test.labels,
                            list(scaled.classes))
        item.calibration = {**info, "ece_test_before": item.evaluation.calibration.get("ece"),
                            "ece_test_after": after["ece"]}
        item.custom_model.classifier = scaled
        # The model card records what it kept of the baseline's meaning on the test rows.
        item.custom_model.metrics["test_meaning_kept"] = item.evaluation.meaning()


def _audit_step(log: StepLog, enabled: bool, train: Dataset, vectors: np.ndarray, seed: int,
                embedder: str, progress: bool | None) -> tuple[Audit | None, str | None]:
    """Audit the train split's labels with the baseline vectors; a failure is a warning."""
    from .comparison_audit import run_audit

    if not enabled:
        return None, None
    with log.step("audit the training labels", "audit"):
        found, note = run_audit(train, vectors, seed=seed, embedder=embedder,
                                progress=progress)
    if found is None:
        log.say(f"warning: label audit skipped: {note}")
    else:
        log.say(f"    {len(found.suspects)} train rows to check, {len(found.overlaps)} "
                "overlapping class pair(s)")
    return found, note
