"""``compare()``: the product's main job — baseline against finetuned model, measured and drawn.

load → validate → stratified split → embed train and test with the baseline → finetune on
train → embed with the custom model → evaluate both on the same held-out test → project each
to 2-D. ``Comparison.save(dir)`` then renders the maps and writes the report (see
:mod:`embedlab.report`). Each step is announced on stderr with its timing; embedding and
training draw their own tqdm bars.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .evaluation import METRIC_NAMES, Evaluation
from .steps import StepLog

if TYPE_CHECKING:
    import numpy as np

    from .cache import EmbeddingCache
    from .comparison_audit import CleanCandidate
    from .dataset import Dataset
    from .embedder import Embedder
    from .finetuner import CustomModel, FinetuneConfig
    from .label_audit import Audit
    from .visualizer import Projection

__all__ = ["DEFAULT_VISUALIZERS", "Comparison", "compare", "load_for_comparison"]

#: Visualizers ``Comparison.save`` renders unless told otherwise.
DEFAULT_VISUALIZERS: tuple[str, ...] = ("png", "html")
#: Steps :func:`compare` announces (``save`` adds render and save).
_STEPS = 8


def _redact(options: Mapping[str, Any]) -> dict[str, Any]:
    """Options safe to write into a report (through embedlab.secret.redact_options)."""
    from .secret import redact_options

    return redact_options(options)


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
        """Headline for the report and the maps."""
        return f"{self.dataset.name}: {self.baseline_model} vs custom ({self.custom_model.method})"

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
        from .visualizers.html import render_fragment

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


def load_for_comparison(dataset: Dataset | str | Path | Any, *, text_column: str = "text",
                        label_column: str = "label", encoding: str = "utf-8") -> Dataset:
    """A :class:`Dataset` as given, or loaded from a path, DataFrame or records; ``None`` is
    the shipped sample."""
    from .dataset import Dataset
    from .loaders import load_dataset
    from .sample import load_sample_dataset

    if dataset is None:
        return load_sample_dataset()
    if isinstance(dataset, Dataset):
        return dataset
    return load_dataset(dataset, text_column=text_column, label_column=label_column,
                        encoding=encoding)


def compare(
    dataset: Dataset | str | Path | Any = None,
    provider: str = "local",
    *,
    baseline_model: str | None = None,
    method: str | None = None,
    test_size: float | int = 0.2,
    seed: int = 42,
    input_type: str | None = "classification",
    projection: str = "umap",
    config: FinetuneConfig | None = None,
    epochs: int | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    max_steps: int | None = None,
    time_budget: float | None = None,
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
) -> Comparison:
    """Finetune a model on ``dataset`` and measure it against its baseline on a held-out split.

    ``dataset`` is a :class:`~embedlab.dataset.Dataset`, a file path, a DataFrame or records;
    ``None`` uses the shipped airline-intents sample (and says so).

    ``provider`` is a provider name, or ``provider:model`` (or give ``baseline_model``);
    ``method`` is ``"full"`` or ``"adapter"`` (the provider's default when ``None``). The
    hyperparameters fill a :class:`~embedlab.finetuner.FinetuneConfig` (or pass ``config``).
    Raises :class:`~embedlab.errors.DatasetError` for unusable data before any model loads.

    ``highlight``: texts (in the dataset or not) to mark on both maps, each with its nearest
    rows under both models; ``None`` picks the test rows whose neighbourhood changed most,
    ``[]`` marks none. The custom model keeps the report's probe, fitted on the train split,
    as its classifier (``custom_model.classify(texts)``).

    ``audit`` (on by default) audits the train split's labels with the baseline train
    embeddings (no extra provider call; see :mod:`embedlab.label_audit`): the report lists the
    rows to check and the overlapping classes. ``clean=True`` also trains a second custom
    model without those rows, scored on the same test split (:attr:`Comparison.clean`).
    """
    from dataclasses import replace

    import numpy as np

    from .classifier import fit_head
    from .comparison_audit import place_suspects, train_clean_candidate
    from .errors import ConfigurationError
    from .evaluation import evaluate
    from .finetuner import FinetuneConfig
    from .highlight import auto_pick, check_highlights, follow
    from .lookup import get_embedder, get_finetuner, parse_name
    from .projection import PROJECTIONS
    from .report import collect_versions
    from .visualizer import Projection

    if projection.lower() not in PROJECTIONS:
        raise ConfigurationError(
            f"unknown projection {projection!r}; choose one of {', '.join(PROJECTIONS)}")
    log = steps or StepLog(_STEPS + int(audit) + int(clean), quiet=quiet)
    chosen = check_highlights(highlight)
    if clean and not audit:
        raise ConfigurationError("clean=True trains without the rows the label audit flags: "
                                 "it needs the audit; drop audit=False (--no-audit)")
    provider_name, model_in_name = parse_name(provider)
    if baseline_model and model_in_name and baseline_model != model_in_name:
        raise ConfigurationError(
            f"two baseline models given: {provider!r} and baseline_model={baseline_model!r}; "
            "give one")
    model_name = baseline_model or model_in_name
    spec = f"{provider_name}:{model_name}" if model_name else provider_name

    # Names and options are checked before any data is read (constructing is cheap).
    embedder = get_embedder(spec, **dict(embedder_options or {}))
    options = dict(finetuner_options or {})
    finetuner = get_finetuner(spec, method=method, **options)
    if finetuner.method == "adapter" and "embedder" not in options:
        # The adapter trains on the very embedder measured as the baseline: same options
        # (dimensions, endpoint, key), same cache, so its vectors are embedded only once.
        finetuner = get_finetuner(spec, method=method, embedder=embedder, **options)
    # Hyperparameters are checked before any data is read or embedded.
    cfg = config or FinetuneConfig()
    overrides: dict[str, Any] = {k: v for k, v in {"epochs": epochs, "batch_size": batch_size,
                                   "learning_rate": learning_rate,
                                   "max_steps": max_steps,
                                   "time_budget": time_budget}.items() if v is not None}
    cfg = replace(cfg, seed=seed, input_type=input_type, progress=progress, **overrides)
    if dataset is None:
        log.say("no dataset given: using the shipped airline-intents sample")
    with log.step("load"):
        data = load_for_comparison(dataset, text_column=text_column,
                                   label_column=label_column, encoding=encoding)
    with log.step("validate"):
        report = data.validate(test_size=test_size)
        report.raise_for_errors()
        for issue in report.warnings:
            log.say(f"warning: {issue.message}")
    with log.step("split"):
        train, test = data.split(test_size=test_size, seed=seed)
        log.say(f"    {len(train)} train rows, {len(test)} test rows, "
                f"{len(data.classes)} classes")

    with log.step(f"embed with the baseline {embedder.name}", "embed_baseline"):
        base_train, base_test, base_extra = _embed_split(
            embedder, train, test, input_type, cache, progress, chosen or ())
    found, audit_note = _audit_step(log, audit, train, base_train, seed, embedder.name,
                                    progress)

    with log.step(f"finetune ({finetuner.method})", "finetune"):
        custom = finetuner.finetune(train, None, cfg)

    custom_embedder = custom.embedder()
    with log.step(f"embed with the custom model {custom.id}", "embed_custom"):
        custom_train, custom_test, custom_extra = _embed_split(
            custom_embedder, train, test, input_type, cache, progress, chosen or ())
    clean_candidate, clean_vectors = None, {}
    if clean and found is not None and found.suspects:
        with log.step(f"finetune without the {len(found.suspects)} rows to check",
                      "finetune_clean"):
            clean_candidate, clean_train, clean_test = train_clean_candidate(
                finetuner, train, test, found, cfg, input_type=input_type, cache=cache,
                progress=progress, seed=seed)
        clean_vectors = {"clean_train": clean_train, "clean_test": clean_test}
    elif clean:
        audit_note = audit_note or "the label audit flagged no rows: nothing to clean"
        log.say(f"note: no clean candidate: {audit_note}")

    with log.step("evaluate both models", "evaluate"):
        heads = {side: fit_head(vectors, train.labels, seed=seed, input_type=input_type,
                                fitted_on={"fingerprint": train.fingerprint})
                 for side, vectors in (("baseline", base_train), ("custom", custom_train))}
        evaluations = {
            "baseline": evaluate(base_train, train.labels, base_test, test.labels, seed=seed,
                                 head=heads["baseline"]),
            "custom": evaluate(custom_train, train.labels, custom_test, test.labels,
                               seed=seed, head=heads["custom"]),
        }
        custom.classifier = heads["custom"]
    with log.step(f"project to 2-D ({projection.lower()})", "project"):
        vectors = {"baseline": (base_train, base_test, base_extra),
                   "custom": (custom_train, custom_test, custom_extra)}
        if chosen is None:  # follow the test rows whose neighbourhood changed most
            picks = auto_pick({s: v[0] for s, v in vectors.items()},
                              {s: v[1] for s, v in vectors.items()}, train.labels, test.labels)
            chosen = [test.texts[i] for i in picks]
            vectors = {s: (v[0], v[1], v[1][picks]) for s, v in vectors.items()}
        label_of = dict(reversed(list(zip(data.texts, data.labels, strict=True))))
        maps = {side: follow(chosen, extra, test_vectors=test_x, test_texts=test.texts,
                             pool_vectors=np.vstack([train_x, test_x]),
                             pool_texts=[*train.texts, *test.texts],
                             pool_labels=[*train.labels, *test.labels], label_of=label_of,
                             method=projection, seed=seed)
                for side, (train_x, test_x, extra) in vectors.items()}
        projections = [
            Projection(title=f"Baseline · {embedder.name}", points=maps["baseline"][0],
                       labels=list(test.labels), texts=list(test.texts),
                       metrics=evaluations["baseline"].headline(),
                       markers=maps["baseline"][1]),
            Projection(title=f"Custom · {custom.id} ({custom.method})",
                       points=maps["custom"][0],
                       labels=list(test.labels), texts=list(test.texts),
                       metrics=evaluations["custom"].headline(), markers=maps["custom"][1]),
        ]
        if found is not None:
            projections[0].suspects = place_suspects(found, base_train, base_test,
                                                     projections[0].points)

    settings: dict[str, Any] = {
        "provider": provider_name,
        "baseline_model": embedder.name,
        "method": custom.method,
        "test_size": test_size,
        "seed": seed,
        "input_type": input_type,
        "projection": projection.lower(),
        "projection_fitted_on": "test split",
        "highlight": "given" if highlight is not None else "auto",
        "audit": {"enabled": audit, "clean": clean, "skipped": audit_note},
        "finetune": {k: (_redact(v) if k == "extra" else v)
                     for k, v in cfg.to_dict().items() if k != "progress"},
    }
    if embedder_options:
        settings["embedder_options"] = _redact(embedder_options)
    if finetuner_options:
        settings["finetuner_options"] = _redact(finetuner_options)
    return Comparison(
        dataset=data, train=train, test=test, provider=provider_name,
        baseline_model=embedder.name, custom_model=custom, evaluations=evaluations,
        embeddings={"baseline_train": base_train, "baseline_test": base_test,
                    "custom_train": custom_train, "custom_test": custom_test,
                    **clean_vectors},
        projections=projections, settings=settings, timings=dict(log.timings),
        versions=collect_versions(provider_name), warnings=[i.message for i in report.warnings],
        audit=found, clean=clean_candidate,
    )


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
