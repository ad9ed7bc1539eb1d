"""A comparison's candidates ranked side by side: the leaderboard rows, per-class F1 across
models, and the class pairs each custom model stopped or started confusing.

Everything here reads finished :class:`~embedlab._evaluation.Evaluation` objects: it is what
``report.json`` stores under ``leaderboard`` and what the report page draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._evaluation import LOWER_IS_BETTER, METRIC_NAMES
from .._meaning import MEANING_NAMES

if TYPE_CHECKING:
    from .._evaluation import Evaluation
    from .runs import ComparisonData as Comparison
    from .runs import ModelRun

__all__ = ["LEADERBOARD_COLUMNS", "best_rows", "candidate_entry", "candidates_report",
           "confusion_changes", "leaderboard_rows", "model_path", "per_class_f1"]

#: Numeric columns of a leaderboard row, beside the seven metrics.
LEADERBOARD_COLUMNS: tuple[str, ...] = (*METRIC_NAMES, *MEANING_NAMES, "train_seconds",
                                        "embedding_calls", "texts_sent", "dimension")
#: Class pairs listed per custom model, each way.
PAIRS_SHOWN = 8


def _dimension(vectors: Any) -> int | None:
    """The vectors' width (``None`` without vectors: a failed run)."""
    return int(vectors.shape[1]) if vectors is not None and vectors.ndim == 2 else None


def leaderboard_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per baseline and per custom model (the clean model too; failed candidates
    with their error and no metrics), for tables and ``pandas.DataFrame``."""
    rows: list[dict[str, Any]] = []
    for base in comparison.baselines:
        rows.append(_row(base, calls=base.calls, texts=base.texts, seconds=None))
        for cand in comparison.candidates:
            if cand.baseline is base:
                rows.append(_row(cand, calls=cand.calls, texts=cand.texts,
                                 seconds=cand.timings.get("finetune")))
                rows[-1]["reused"] = cand.reused  # trained before: nothing was trained or sent
    if comparison.clean is not None:
        rows.append(_row(comparison.clean, calls=None, texts=None, seconds=None))
    return rows


def _row(run: ModelRun, *, calls: int | None, texts: int | None,
         seconds: float | None) -> dict[str, Any]:
    """One model's row: its role as ``kind`` (``baseline``, ``custom``, ``clean``), names,
    status, metrics (``None`` when it was not scored), cost and vector width."""
    evaluation = run.evaluation
    metrics: dict[str, float | None] = ({**evaluation.headline(), **evaluation.meaning()}
                                        if evaluation is not None else {})
    row: dict[str, Any] = {
        "kind": run.role, "candidate": run.label,
        "model": run.name if run.role == "baseline" else
        (run.custom_model.id if run.custom_model is not None else None),
        "provider": run.provider, "method": run.method, "status": run.status,
        **{name: metrics.get(name) for name in (*METRIC_NAMES, *MEANING_NAMES)},
        "train_seconds": seconds, "embedding_calls": calls, "texts_sent": texts,
        "dimension": _dimension(run.vectors.get("test")),
    }
    if run.error is not None:
        row["error"] = run.error
    return row


def best_rows(rows: list[dict[str, Any]]) -> dict[str, set[int]]:
    """For each metric, the indices of the rows holding its best value (ties all marked)."""
    import math

    out: dict[str, set[int]] = {}
    for name in METRIC_NAMES:
        values: list[tuple[int, float]] = [
            (i, float(r[name])) for i, r in enumerate(rows)
            if isinstance(r.get(name), (int, float)) and math.isfinite(r[name])]
        if len(values) < 2:
            continue
        pick = min if name in LOWER_IS_BETTER else max
        best = pick(v for _, v in values)
        out[name] = {i for i, v in values if v == best}
    return out


def per_class_f1(columns: dict[str, Evaluation | None]) -> dict[str, dict[str, float | None]]:
    """``{class: {column: F1}}`` for the named evaluations (``None``: a failed model)."""
    classes: dict[str, None] = {}
    for evaluation in columns.values():
        if evaluation is not None:
            classes.update(dict.fromkeys(evaluation.classes))
    out: dict[str, dict[str, float | None]] = {}
    for label in classes:
        out[label] = {}
        for column, evaluation in columns.items():
            entry = evaluation.per_class.get(label) if evaluation is not None else None
            out[label][column] = float(entry["f1-score"]) if entry else None
    return out


def confusion_changes(baseline: Evaluation, custom: Evaluation,
                      limit: int = PAIRS_SHOWN) -> dict[str, list[dict[str, Any]]]:
    """The (true, predicted) class pairs the custom model confuses less (``stopped``) and more
    (``started``) than the baseline on the same test rows, largest change first."""
    def pairs(evaluation: Evaluation) -> dict[tuple[str, str], int]:
        classes = evaluation.classes
        return {(classes[i], classes[j]): int(n)
                for i, row in enumerate(evaluation.confusion_matrix)
                for j, n in enumerate(row) if i != j and n}

    before, after = pairs(baseline), pairs(custom)
    changes: list[dict[str, Any]] = [{"true": t, "predicted": p, "baseline": before.get((t, p), 0),
                "custom": after.get((t, p), 0)} for t, p in sorted({*before, *after})]
    stopped = sorted((c for c in changes if c["custom"] < c["baseline"]),
                     key=lambda c: (c["custom"] - c["baseline"], c["true"], c["predicted"]))
    started = sorted((c for c in changes if c["custom"] > c["baseline"]),
                     key=lambda c: (c["baseline"] - c["custom"], c["true"], c["predicted"]))
    return {"stopped": stopped[:limit], "started": started[:limit]}


def model_path(comparison: Comparison, candidate: ModelRun) -> str | None:
    """Where a candidate's custom model is saved inside the report directory."""
    if candidate.custom_model is None or not candidate.ok:
        return None
    if candidate is comparison.primary:
        return "model"
    return f"models/{candidate.key}"


def candidate_entry(cand: ModelRun, model_path: str | None) -> dict[str, Any]:
    """One entry of ``report.json``'s ``candidates``."""
    base = cand.baseline
    assert base is not None
    out: dict[str, Any] = {
        "provider": cand.provider,
        "baseline_model": base.name,
        "method": cand.method,
        "status": cand.status,
        "custom_model": ({"id": cand.custom_model.id, "path": model_path}
                         if cand.custom_model is not None else None),
        "timings": dict(cand.timings),
        "reused": cand.reused,
        "classifier_calibration": dict(cand.calibration),
        "embedding_calls": cand.calls,
        "texts_sent": cand.texts,
        "baseline_embedding_calls": base.calls,
        "baseline_texts_sent": base.texts,
    }
    if cand.error is not None:
        out["error"] = cand.error
    metrics: dict[str, Any] = {}
    if base.evaluation is not None:
        metrics["baseline"] = base.evaluation.headline()
    if cand.evaluation is not None:
        metrics["custom"] = cand.evaluation.headline()
    out["metrics"] = metrics
    if cand.evaluation is not None and base.evaluation is not None:
        out["confusion_changes"] = confusion_changes(base.evaluation, cand.evaluation)
    return out


def candidates_report(comparison: Comparison) -> dict[str, Any]:
    """``report.json``'s ``split``, ``candidates``, ``leaderboard``, ``per_class_f1`` and
    ``skipped`` sections."""
    out: dict[str, Any] = {}
    if comparison.split is not None:
        out["split"] = comparison.split.to_dict()
    out["candidates"] = [candidate_entry(c, model_path(comparison, c))
                         for c in comparison.candidates]
    out["leaderboard"] = leaderboard_rows(comparison)
    columns: dict[str, Evaluation | None] = {}
    for base in comparison.baselines:
        columns[base.label] = base.evaluation
        for cand in comparison.candidates:
            if cand.baseline is base:
                columns[cand.label] = cand.evaluation
    if comparison.clean is not None:
        columns[comparison.clean.label] = comparison.clean.evaluation
    out["per_class_f1"] = {"columns": list(columns), "classes": per_class_f1(columns)}
    if comparison.skipped:
        out["skipped"] = list(comparison.skipped)
    return out
