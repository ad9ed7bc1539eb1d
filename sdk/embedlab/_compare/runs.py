"""The data model of a comparison: every model in it is a :class:`ModelRun`.

A run is one provider's frozen baseline, one (provider, method) custom model, or the custom
model retrained without the rows the label audit flags (``clean``): each with its vectors,
scores, map, cost and status. :class:`ComparisonData` holds the runs of one comparison and
the shared split; the single-pair view (``custom_model``, ``evaluations``, ``embeddings``,
``metrics``) is read off its primary run. Nothing here imports the modules that read it
(report, leaderboard, audit), so they can all import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._evaluation import METRIC_NAMES

if TYPE_CHECKING:
    import numpy as np

    from .._datasets.dataset import Dataset
    from .._datasets.splits import SplitInfo
    from .._evaluation import Evaluation
    from .._finetuner import CustomModel, Finetuner
    from .._label_audit import Audit
    from .._transport.usage import CountingEmbedder
    from .._visualizer import Projection

__all__ = ["ComparisonData", "ModelRun", "slug"]


def slug(*parts: str) -> str:
    """A file-name-safe key such as ``local-full`` for a run's files."""
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "candidate"


@dataclass(eq=False)
class ModelRun:
    """One model of a comparison: a ``baseline``, a ``custom`` model or the ``clean`` one."""

    role: str
    provider: str
    #: The name the provider was given as (``local`` or ``local:model``).
    spec: str
    embedder: CountingEmbedder
    method: str | None = None
    finetuner: Finetuner | None = None
    #: The baseline a custom or clean model is measured against (``None`` for a baseline).
    baseline: ModelRun | None = None
    #: The rows a clean model trained on (the train split less the audit's suspects).
    train: Dataset | None = None
    #: Ids of the train rows a clean model left out.
    removed: list[str] = field(default_factory=list)
    status: str = "pending"
    error: str | None = None
    #: The exception behind ``error``, raised again when it sinks a one-model comparison.
    exception: BaseException | None = field(default=None, repr=False)
    custom_model: CustomModel | None = None
    evaluation: Evaluation | None = None
    #: ``train``, ``test`` and ``extra`` (highlighted texts) vectors.
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    projection: Projection | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: Embedding requests and texts sent to the provider for this run (a baseline's own
    #: embedding is counted once, on the baseline).
    calls: int = 0
    texts: int = 0
    #: True when its custom model was trained before and loaded instead (:mod:`embedlab._reuse`).
    reused: bool = False
    #: The saved classifier's temperature scaling: ``temperature``, ``rows`` it was fitted on,
    #: and the test split's expected calibration error before and after.
    calibration: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The baseline's ``provider:model``."""
        return self.embedder.name

    @property
    def model(self) -> CustomModel | None:
        """The custom model (the clean model's name for it)."""
        return self.custom_model

    @property
    def key(self) -> str:
        """File-name key: ``baseline-local``, ``local-adapter`` or ``clean``."""
        if self.role == "baseline":
            return slug("baseline", self.spec)
        return "clean" if self.role == "clean" else slug(self.spec, self.method or "")

    @property
    def label(self) -> str:
        """``local · full`` (``local · baseline``) for tables and logs."""
        if self.role == "clean":
            return f"{self.provider} · {self.method} · clean"
        return f"{self.spec} · {self.method if self.role == 'custom' else 'baseline'}"

    @property
    def ok(self) -> bool:
        """True once it ran (a custom model: trained, embedded and scored)."""
        return self.status == "ok"

    @property
    def train_rows(self) -> int:
        """Rows a clean model trained on."""
        return len(self.train) if self.train is not None else 0

    def fail(self, exc: BaseException) -> str:
        """Mark the run failed with ``exc`` and return the one-line error."""
        self.status, self.exception = "failed", exc
        self.error = f"{type(exc).__name__}: {exc}"
        return self.error


@dataclass
class ComparisonData:
    """The runs of one comparison on one shared split, and what the run went ahead with."""

    dataset: Dataset
    train: Dataset
    test: Dataset
    #: Every baseline, then every custom model (failed ones too), then the clean model.
    runs: list[ModelRun]
    #: The first custom model that worked: the one of ``metrics`` and the maps' second panel.
    primary: ModelRun
    settings: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    #: Validation warnings (duplicates, small classes...) the run went ahead with.
    warnings: list[str] = field(default_factory=list)
    #: Artifacts (visualizer name → error) that failed while saving; the rest were saved.
    artifact_errors: dict[str, str] = field(default_factory=dict)
    #: The label audit of the train split (``None`` when off or skipped; see settings).
    audit: Audit | None = None
    #: The validation set the finetuner was given (``compare(validation=...)``), if any.
    validation: Dataset | None = None
    #: Split sizes, their source and the train/test overlap (``report.json``'s ``split``).
    split: SplitInfo | None = None
    #: Pairs that cannot exist, each with its one-line reason.
    skipped: list[str] = field(default_factory=list)

    def _role(self, role: str) -> list[ModelRun]:
        return [run for run in self.runs if run.role == role]

    @property
    def baselines(self) -> list[ModelRun]:
        """Every provider's baseline, failed ones too."""
        return self._role("baseline")

    @property
    def candidates(self) -> list[ModelRun]:
        """Every (provider, method) custom model, failed ones too."""
        return self._role("custom")

    @property
    def clean(self) -> ModelRun | None:
        """The custom model retrained without the audit's suspects (``compare(clean=True)``)."""
        return next((run for run in self._role("clean") if run.ok), None)

    @property
    def failed(self) -> list[ModelRun]:
        """The candidates that failed, each with its ``error``."""
        return [c for c in self.candidates if not c.ok]

    @property
    def base(self) -> ModelRun:
        """The primary custom model's baseline."""
        assert self.primary.baseline is not None
        return self.primary.baseline

    @property
    def provider(self) -> str:
        return self.base.provider

    @property
    def baseline_model(self) -> str:
        return self.base.name

    @property
    def custom_model(self) -> CustomModel:
        assert self.primary.custom_model is not None
        return self.primary.custom_model

    @property
    def evaluations(self) -> dict[str, Evaluation]:
        """``{"baseline": ..., "custom": ...}``: the primary pair's scores."""
        assert self.base.evaluation is not None and self.primary.evaluation is not None
        return {"baseline": self.base.evaluation, "custom": self.primary.evaluation}

    @property
    def shown(self) -> list[ModelRun]:
        """The runs drawn, in map order: the primary baseline with its custom models (the
        primary first), then every other scored baseline with its own."""
        out: list[ModelRun] = []
        for base in [self.base, *(b for b in self.baselines if b is not self.base)]:
            if base.evaluation is None:
                continue
            out.append(base)
            out += sorted((c for c in self.candidates if c.baseline is base and c.ok),
                          key=lambda c: c is not self.primary)
        return out

    @property
    def projections(self) -> list[Projection]:
        """The maps of the test split, in :attr:`shown` order."""
        return [run.projection for run in self.shown if run.projection is not None]

    @property
    def embeddings(self) -> dict[str, np.ndarray]:
        """``baseline_train``, ``baseline_test``, ``custom_train``, ``custom_test`` (then the
        clean model's and every other drawn run's, by key): float32 arrays."""
        out = {f"{side}_{part}": run.vectors[part]
               for side, run in (("baseline", self.base), ("custom", self.primary))
               for part in ("train", "test")}
        if self.clean is not None:
            out.update({f"clean_{part}": self.clean.vectors[part] for part in ("train", "test")})
        for run in self.shown:
            if run is not self.base and run is not self.primary:
                out.update({f"{run.key}_{part}": run.vectors[part] for part in ("train", "test")})
        return out

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
