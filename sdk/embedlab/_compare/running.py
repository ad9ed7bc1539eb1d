"""The steps :func:`~embedlab.compare` runs on each :class:`~embedlab._compare.runs.ModelRun`:
embed with a baseline, finetune and embed a custom model, retrain without the audit's
suspects, score, and project to 2-D.

Each helper records a failure on its run (``run.fail(exc)``) and says so on the step log;
``compare`` alone decides whether a failure sinks the comparison.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._calibration import calibration
from .._classifier import fit_head
from .._datasets.dataset import Dataset
from .._evaluation import evaluate
from .._reuse import finetune_or_reuse
from .._temperature import calibrate_head
from .._transport.usage import CountingEmbedder
from .._visualizer import Projection
from .comparison_audit import place_suspects, run_audit
from .highlight import auto_pick, follow
from .runs import ComparisonData, ModelRun

if TYPE_CHECKING:
    from .._datasets.splits import SplitInfo
    from .._embedder import Embedder
    from .._finetuner import FinetuneConfig
    from .._label_audit import Audit
    from .._transport.cache import EmbeddingCache
    from .steps import StepLog

__all__ = ["Shared", "audit_step", "project", "run_baseline", "run_candidate", "run_clean",
           "score"]


@dataclass
class Shared:
    """What every run of one comparison shares: the split, the settings, the cache."""

    train: Dataset
    validation: Dataset | None
    test: Dataset
    info: SplitInfo
    config: FinetuneConfig
    cache: EmbeddingCache | bool | None
    #: The highlighted texts, embedded with the split (``()`` when picked automatically).
    extra: Sequence[str] = ()

    def embed(self, embedder: Embedder, *, highlights: bool = True) -> dict[str, np.ndarray]:
        """Embed train, test and the highlights in one call (one progress bar)."""
        train, test = self.train, self.test
        extra = self.extra if highlights else ()
        vectors = embedder.embed([*train.texts, *test.texts, *extra],
                                 self.config.input_type, cache=self.cache,
                                 progress=self.config.progress)
        n = len(train) + len(test)
        return {"train": vectors[:len(train)], "test": vectors[len(train):n],
                "extra": vectors[n:]}


def run_baseline(base: ModelRun, log: StepLog, shared: Shared) -> None:
    """Embed train, test and the highlights with one provider's baseline, once."""
    start, (calls, texts) = time.perf_counter(), base.embedder.usage()
    try:
        with log.step(f"embed with the baseline {base.name}", "embed_baseline"):
            base.vectors = shared.embed(base.embedder)
        base.status = "ok"
    except Exception as exc:
        log.say(f"warning: the baseline {base.name} failed: {base.fail(exc)}")
    finally:
        base.timings["embed"] = round(time.perf_counter() - start, 3)
        now = base.embedder.usage()
        base.calls, base.texts = now[0] - calls, now[1] - texts


def run_candidate(cand: ModelRun, log: StepLog, shared: Shared, title: str,
                  retrain: bool) -> None:
    """Finetune one candidate (or reuse the same training saved before) and embed the split
    with it; a failure marks it failed."""
    assert cand.baseline is not None and cand.finetuner is not None
    if not cand.baseline.ok:
        cand.status, cand.exception = "failed", cand.baseline.exception
        cand.error = f"its baseline failed: {cand.baseline.error}"
        log.skip(f"finetune {cand.label}", "its baseline failed")
        log.skip(f"embed with {cand.label}", "its baseline failed")
        return
    base = cand.baseline.embedder
    before, start = base.usage(), time.perf_counter()
    try:
        with log.step(title, "finetune"):
            cand.custom_model, cand.reused = finetune_or_reuse(
                cand.finetuner, shared.train, shared.validation, shared.config,
                retrain=retrain, say=log.say)
        cand.timings["finetune"] = round(time.perf_counter() - start, 3)
        inner = cand.custom_model.embedder()
        counted = CountingEmbedder(inner)
        start = time.perf_counter()
        with log.step(f"embed with the custom model {cand.custom_model.id}", "embed_custom"):
            cand.vectors = shared.embed(counted)
        cand.timings["embed"] = round(time.perf_counter() - start, 3)
        cand.status = "ok"
    except Exception as exc:
        log.say(f"warning: candidate {cand.label} failed: {cand.fail(exc)}")
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


def score(run: ModelRun, log: StepLog, shared: Shared) -> None:
    """Fit the probe on train and score it on test; a custom model keeps the probe as its
    classifier, temperature-scaled on the train split's validation share."""
    train, test, cfg = shared.train, shared.test, shared.config
    try:
        head = fit_head(run.vectors["train"], train.labels, seed=cfg.seed,
                        input_type=cfg.input_type, fitted_on={"fingerprint": train.fingerprint})
        reference = run.baseline.vectors["test"] if run.baseline is not None else None
        run.evaluation = evaluate(run.vectors["train"], train.labels, run.vectors["test"],
                                  test.labels, seed=cfg.seed, head=head,
                                  baseline_test_vectors=reference)
    except Exception as exc:
        log.say(f"warning: scoring {run.label if run.method else run.name} failed: "
                f"{run.fail(exc)}")
        return
    if run.custom_model is not None:
        # Metrics stay the probe's (as the baselines'); the saved classifier is calibrated.
        scaled, info = calibrate_head(head, run.vectors["train"], train.labels,
                                      validation_size=cfg.validation_size, seed=cfg.seed)
        after = calibration(scaled.predict_proba(run.vectors["test"]), test.labels,
                            list(scaled.classes))
        run.calibration = {**info, "ece_test_before": run.evaluation.calibration.get("ece"),
                           "ece_test_after": after["ece"]}
        run.custom_model.classifier = scaled
        # The model card records what it kept of the baseline's meaning on the test rows.
        run.custom_model.metrics["test_meaning_kept"] = run.evaluation.meaning()


def audit_step(log: StepLog, base: ModelRun | None, shared: Shared
               ) -> tuple[Audit | None, str | None]:
    """Audit the train split's labels with the first working baseline's vectors; a failure
    is a warning."""
    if base is None:
        log.skip("audit the training labels", "every baseline failed")
        return None, None
    with log.step("audit the training labels", "audit"):
        found, note = run_audit(shared.train, base.vectors["train"], seed=shared.config.seed,
                                embedder=base.name, progress=shared.config.progress)
    if found is None:
        log.say(f"warning: label audit skipped: {note}")
    else:
        log.say(f"    {len(found.suspects)} train rows to check, {len(found.overlaps)} "
                "overlapping class pair(s)")
    return found, note


def run_clean(primary: ModelRun, log: StepLog, shared: Shared, audit: Audit) -> ModelRun:
    """Retrain the primary custom model's method without the audit's suspects, embed the
    split with it and score it with the probe fitted on the kept rows (the clean model is an
    extra: a failure is recorded and the comparison goes on)."""
    assert primary.baseline is not None and primary.finetuner is not None
    train, test, cfg = shared.train, shared.test, shared.config
    flagged = set(audit.suspect_indices)
    keep = [i for i in range(len(train)) if i not in flagged]
    part = train.subset(keep)
    # Named for what it is, so a check that fails on it does not blame the user's file.
    kept = Dataset(part.texts, part.labels, ids=part.ids, rows=part.rows, lines=part.lines,
                   source=f"the train split less its {len(flagged)} rows to check",
                   name=train.name)
    run = ModelRun("clean", primary.baseline.provider, primary.spec, primary.embedder,
                   method=primary.custom_model.method if primary.custom_model else None,
                   finetuner=primary.finetuner, baseline=primary.baseline, train=kept,
                   removed=[train.ids[i] for i in sorted(flagged)])
    try:
        with log.step(f"finetune without the {len(flagged)} rows to check", "finetune_clean"):
            run.custom_model = model = primary.finetuner.finetune(kept, None, cfg)
            vectors = shared.embed(model.embedder(), highlights=False)
            # Like the custom model, it keeps the probe it is scored with as its classifier.
            model.classifier = fit_head(vectors["train"][keep], kept.labels, seed=cfg.seed,
                                        input_type=cfg.input_type,
                                        fitted_on={"fingerprint": kept.fingerprint})
            run.evaluation = evaluate(vectors["train"][keep], kept.labels, vectors["test"],
                                      test.labels, seed=cfg.seed, head=model.classifier,
                                      baseline_test_vectors=primary.baseline.vectors["test"])
        run.vectors, run.status = {"train": vectors["train"], "test": vectors["test"]}, "ok"
    except Exception as exc:
        run.fail(exc)
        run.error = (f"the model without the {len(flagged)} rows to check was not trained: "
                     f"{' '.join((run.error or '').split())}")
        log.say(f"warning: {run.error}; the rest of the comparison goes on")
    return run


def project(result: ComparisonData, chosen: list[str] | None, method: str, seed: int) -> None:
    """Draw every shown run's map of the test split, following the ``chosen`` texts (``None``:
    the test rows whose neighbourhood changed most), and place the audit's suspects on the
    first baseline map."""
    base, primary, data, train, test = (result.base, result.primary, result.dataset,
                                        result.train, result.test)
    shown = result.shown
    if chosen is None:
        picks = auto_pick({"baseline": base.vectors["train"], "custom": primary.vectors["train"]},
                          {"baseline": base.vectors["test"], "custom": primary.vectors["test"]},
                          train.labels, test.labels)
        chosen = [test.texts[i] for i in picks]
        for run in shown:
            run.vectors["extra"] = run.vectors["test"][picks]
    label_of = dict(reversed(list(zip(
        [*data.texts, *test.texts], [*data.labels, *test.labels], strict=True))))
    for run in shown:
        train_x, test_x = run.vectors["train"], run.vectors["test"]
        points, markers = follow(
            chosen, run.vectors["extra"], test_vectors=test_x, test_texts=test.texts,
            pool_vectors=np.vstack([train_x, test_x]), pool_texts=[*train.texts, *test.texts],
            pool_labels=[*train.labels, *test.labels], label_of=label_of, method=method,
            seed=seed)
        assert run.evaluation is not None
        title = (f"Baseline · {run.name}" if run.custom_model is None
                 else f"Custom · {run.custom_model.id} ({run.method})")
        run.projection = Projection(
            title=title, points=points, labels=list(test.labels), texts=list(test.texts),
            metrics=run.evaluation.headline(), markers=markers,
            group=run.baseline.spec if run.baseline is not None else run.spec)
    if result.audit is not None:
        first = result.projections[0]
        first.suspects = place_suspects(result.audit, base.vectors["train"],
                                        base.vectors["test"], first.points)
