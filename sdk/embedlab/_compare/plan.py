"""The cheap preview behind ``embedlab compare --dry-run``: what a comparison would do.

It loads and validates the data, splits it, and counts the texts, batches and provider calls
the run would make, without loading a model or calling a provider: embedders and finetuners
are only constructed (cheap by the interface's contract), never asked to embed or train.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._datasets.splits import make_splits
from .candidates import as_list, expand_candidates
from .options import CompareOptions

if TYPE_CHECKING:
    from .._datasets.dataset import Dataset

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
    #: ``"file"`` when the test set is the user's own, ``"split"`` when split off the data.
    test_source: str = "split"
    validation_rows: int = 0
    #: Train rows the finetuner holds out for early stopping (no validation file given).
    held_out_rows: int = 0
    #: Distinct test texts also in train (leakage).
    overlap: int = 0
    #: Every candidate: provider, method, baseline model, and the calls, texts and tokens
    #: it sends (a baseline's embedding counted once, on its provider's first candidate).
    candidates: list[dict[str, Any]] = field(default_factory=list)
    #: Pairs that cannot exist, with their reason.
    skipped: list[str] = field(default_factory=list)

    @property
    def training_estimate(self) -> dict[str, Any] | None:
        """The first candidate's measured training-time estimate, if its finetuner gives one."""
        return self.candidates[0].get("training_estimate") if self.candidates else None

    @property
    def provider_calls(self) -> int:
        """Embedding requests (batches) the run makes, with an empty cache."""
        if len(self.candidates) > 1:
            return (sum(c["calls"] for c in self.candidates)
                    + self.custom_batches * (1 if self.clean else 0))
        return self.baseline_batches + self.custom_batches * (2 if self.clean else 1)

    def _candidate_lines(self) -> list[str]:
        lines = [f"{len(self.candidates)} candidates on one shared split, each provider's "
                 "baseline embedded once:"]
        for c in self.candidates:
            tokens = "tokens n/a (runs on this machine)" if c["tokens"] is None else \
                f"at most {c['tokens']} tokens"
            lines.append(f"  {c['provider']} · {c['method']} (baseline {c['baseline_model']}):"
                         f" {c['calls']} calls, {c['texts']} texts, {tokens}"
                         + (" — its baseline's embedding is counted here"
                            if c["embeds_baseline"] else "")
                         + (f"; training at most ~{_duration(c['training_estimate']['seconds'])}"
                            if c.get("training_estimate") else ""))
        lines += [f"  skipped: {line}" for line in self.skipped]
        return lines

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
            f"split: {self.train_rows} train rows, "
            + (f"{self.validation_rows} validation rows (your file), "
               if self.validation_rows else "")
            + f"{self.test_rows} test rows"
            + (" (your file)" if self.test_source == "file" else "")
            + (f"; {self.overlap} test texts also in train (leakage)" if self.overlap else ""),
            f"baseline: embed {self.distinct_texts} distinct texts with {self.baseline_model} "
            f"in {self.baseline_batches} batches of up to {self.max_batch_size}",
            f"finetune: method {self.method} on {self.train_rows - self.held_out_rows} of "
            f"the {self.train_rows} train rows"
            + (f", {self.held_out_rows} held out for early stopping" if self.held_out_rows
               else "")
            + f" (training settings: {training})",
            *self._estimate_lines(),
            custom,
            *self._audit_lines(),
            *(self._candidate_lines() if len(self.candidates) > 1 else []),
            f"provider calls (empty cache): at most {self.provider_calls} embedding requests"
            + (" (run on this machine)" if self.local else "")
            + "; texts already in the cache are not embedded again",
            f"would write: {self.out}/ (report.html, report.json, comparison.png, "
            "embeddings/, model/)",
        ]
        out += [f"warning: {w}" for w in self.warnings]
        return out

    def _estimate_lines(self) -> list[str]:
        estimate = self.training_estimate
        if not estimate:
            return []
        return [f"training time on this machine: at most ~{_duration(estimate['seconds'])} "
                f"({estimate['steps']} steps × {estimate['seconds_per_step']:.2f} s, measured "
                f"on {estimate['measured_on']}, plus a validation probe per epoch; early "
                "stopping may end sooner)"]

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


def plan_comparison(dataset: Dataset, provider: str | Sequence[str], *, out: str | Path,
                    baseline_model: str | None = None,
                    method: str | Sequence[str] | None = None,
                    test_size: float | int = 0.2, seed: int = 42,
                    epochs: int | None = None, batch_size: int | None = None,
                    max_steps: int | None = None,
                    embedder_options: dict[str, Any] | None = None,
                    audit: bool = True, clean: bool = False, test: Dataset | None = None,
                    validation: Dataset | None = None, estimate: bool = True,
                    options: CompareOptions | None = None) -> ComparisonPlan:
    """Validate ``dataset`` and count the work ``compare`` would do; raises on bad data.

    ``options`` (the CLI's :class:`CompareOptions`, the very object ``compare`` then runs
    with) replaces the keywords it holds. With ``estimate``, a finetuner that can (the local
    one) times a few training steps on this machine to estimate its training time; nothing
    else is embedded or trained."""
    opts = options or CompareOptions.build(
        seed=seed, epochs=epochs, batch_size=batch_size, max_steps=max_steps,
        baseline_model=baseline_model, method=method, test_size=test_size,
        embedder_options=embedder_options, audit=audit, clean=clean)
    baselines, candidates, skipped = expand_candidates(
        as_list(provider), as_list(opts.method), opts.baseline_model, opts.embedder_options,
        opts.finetuner_options)
    report = dataset.validate(test_size=None if test is not None else opts.test_size)
    report.raise_for_errors()
    config = opts.finetune
    train, _, test, info = make_splits(dataset, test=test, validation=validation,
                                       test_size=opts.test_size, seed=config.seed)
    # The finetuners' own policy: the rows they would hold out for early stopping.
    _, held_out, _ = config.validation_split(train, validation)
    embedder, method = baselines[0].embedder.inner, candidates[0].method or ""
    texts = list(dict.fromkeys([*train.texts, *test.texts]))
    distinct = len(texts)
    batches = math.ceil(distinct / max(1, embedder.max_batch_size))
    planned = []
    for cand in candidates:
        assert cand.finetuner is not None
        inner = cand.embedder.inner
        first = next(c for c in candidates if c.baseline is cand.baseline) is cand
        # Passes over the texts: the baseline (once per provider), then the custom model's
        # own (an adapter reuses the baseline's vectors).
        passes = int(first) + int(cand.method != "adapter")
        planned.append({"provider": cand.provider, "method": cand.method,
                        "baseline_model": inner.name,
                        "calls": passes * math.ceil(distinct / max(1, inner.max_batch_size)),
                        "texts": passes * distinct, "tokens": _tokens(inner, texts, passes),
                        "embeds_baseline": first,
                        "training_estimate": (cand.finetuner.estimate(train, validation, config)
                                              if estimate else None)})
    training = {k: v for k, v in {"epochs": config.epochs, "batch_size": config.batch_size,
                                  "max_steps": config.max_steps}.items() if v is not None}
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
        method=method,
        custom_batches=0 if method == "adapter" else batches,
        local=all(c.embedder.inner.runs_locally for c in candidates),
        out=str(Path(out).expanduser()),
        warnings=[i.message for i in report.warnings],
        training=training,
        audit=opts.audit,
        clean=opts.clean,
        test_source=info.source,
        validation_rows=info.validation,
        held_out_rows=len(held_out) if validation is None and held_out is not None else 0,
        overlap=info.overlap,
        candidates=planned,
        skipped=skipped,
    )


def _duration(seconds: float) -> str:
    """``45 s``, ``3.5 min`` or ``1.2 h``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def _tokens(embedder: Any, texts: list[str], times: int) -> int | None:
    """Tokens ``times`` passes over ``texts`` cost; ``None`` for a model that runs on this
    machine (counting would load its tokenizer, which a dry run does not)."""
    if embedder.runs_locally:
        return None
    try:
        return times * sum(embedder.count_tokens(t) for t in texts)
    except Exception:  # a tokenizer that cannot load offline: the plan goes on without it
        return None
