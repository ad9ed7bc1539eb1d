"""The cheap preview behind ``embedlab compare --dry-run``: what a comparison would do.

It loads and validates the data, splits it, and counts the texts, batches and provider calls
the run would make, without loading a model or calling a provider: embedders and finetuners
are only constructed (cheap by the interface's contract), never asked to embed or train.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["ComparisonPlan", "plan_comparison"]


@dataclass
class ComparisonPlan:
    """What :func:`embedlab.compare` would do with these arguments."""

    dataset: str
    rows: int
    classes: dict[str, int]
    train_rows: int
    test_rows: int
    distinct_texts: int
    baseline_model: str
    max_batch_size: int
    baseline_batches: int
    method: str
    #: 0 for an adapter: it reuses the cached baseline vectors.
    custom_batches: int
    #: True when the provider runs on this machine (its "calls" are local batches).
    local: bool
    out: str
    warnings: list[str] = field(default_factory=list)
    training: dict[str, Any] = field(default_factory=dict)
    #: The label audit of the train split (baseline vectors: no provider call).
    audit: bool = True
    #: A second custom model trained without the rows the audit flags.
    clean: bool = False

    @property
    def provider_calls(self) -> int:
        """Embedding requests (batches) the run makes, with an empty cache."""
        return self.baseline_batches + self.custom_batches * (2 if self.clean else 1)

    def lines(self) -> list[str]:
        """The plan as human-readable lines."""
        classes = ", ".join(f"{k} {v}" for k, v in self.classes.items())
        custom = (f"embed {self.distinct_texts} texts with the custom model in "
                  f"{self.custom_batches} batches")
        if not self.custom_batches:
            custom = (f"custom model: an adapter over the cached baseline vectors "
                      f"({self.distinct_texts} texts, no further provider calls)")
        training = ", ".join(f"{k} {v}" for k, v in self.training.items()) or "its defaults"
        out = [
            f"dataset: {self.dataset}: {self.rows} rows, {len(self.classes)} classes "
            f"({classes})",
            f"split: {self.train_rows} train rows, {self.test_rows} test rows",
            f"baseline: embed {self.distinct_texts} distinct texts with {self.baseline_model} "
            f"in {self.baseline_batches} batches of up to {self.max_batch_size}",
            f"finetune: method {self.method} on the {self.train_rows} train rows "
            f"(training settings: {training})",
            custom,
            *self._audit_lines(),
            f"provider calls (empty cache): at most {self.provider_calls} embedding requests"
            + (" (run on this machine)" if self.local else "")
            + "; texts already in the cache are not embedded again",
            f"would write: {self.out}/ (report.html, report.json, comparison.png, "
            "embeddings/, model/)",
        ]
        out += [f"warning: {w}" for w in self.warnings]
        return out

    def _audit_lines(self) -> list[str]:
        if not self.audit:
            return ["label audit: off (--no-audit)"]
        lines = [f"label audit: the {self.train_rows} train rows, with the baseline vectors "
                 "(no provider call); writes suspects.csv"]
        if self.clean:
            lines.append(f"clean candidate: a second {self.method} finetune without the rows "
                         "the audit flags, scored on the same test split (model-clean/)")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, with the derived provider-call count."""
        from dataclasses import asdict

        return {**asdict(self), "provider_calls": self.provider_calls}


def plan_comparison(dataset: Dataset, provider: str, *, out: str | Path,
                    baseline_model: str | None = None, method: str | None = None,
                    test_size: float | int = 0.2, seed: int = 42,
                    epochs: int | None = None, batch_size: int | None = None,
                    max_steps: int | None = None,
                    embedder_options: dict[str, Any] | None = None,
                    audit: bool = True, clean: bool = False) -> ComparisonPlan:
    """Validate ``dataset`` and count the work ``compare`` would do; raises on bad data."""
    from .errors import ConfigurationError
    from .lookup import get_embedder, get_finetuner, parse_name

    if clean and not audit:
        raise ConfigurationError("--clean trains without the rows the label audit flags: it "
                                 "needs the audit; drop --no-audit")
    report = dataset.validate(test_size=test_size)
    report.raise_for_errors()
    train, test = dataset.split(test_size=test_size, seed=seed)
    name, model = parse_name(provider)
    model = baseline_model or model
    spec = f"{name}:{model}" if model else name
    embedder = get_embedder(spec, **(embedder_options or {}))
    finetuner = get_finetuner(spec, method=method)
    distinct = len(set(train.texts) | set(test.texts))
    batches = math.ceil(distinct / max(1, embedder.max_batch_size))
    training = {k: v for k, v in {"epochs": epochs, "batch_size": batch_size,
                                  "max_steps": max_steps}.items() if v is not None}
    return ComparisonPlan(
        dataset=dataset.source or dataset.name,
        rows=len(dataset),
        classes=dict(dataset.describe()["class_counts"]),
        train_rows=len(train),
        test_rows=len(test),
        distinct_texts=distinct,
        baseline_model=embedder.name,
        max_batch_size=embedder.max_batch_size,
        baseline_batches=batches,
        method=finetuner.method,
        custom_batches=0 if finetuner.method == "adapter" else batches,
        local=embedder.provider == "local",
        out=str(Path(out).expanduser()),
        warnings=[i.message for i in report.warnings],
        training=training,
        audit=audit,
        clean=clean,
    )
