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
    from .comparison import Comparison

__all__ = ["LEADERBOARD_COLUMNS", "best_rows", "confusion_changes", "leaderboard_rows",
           "per_class_f1"]

#: Numeric columns of a leaderboard row, beside the seven metrics.
LEADERBOARD_COLUMNS: tuple[str, ...] = (*METRIC_NAMES, *MEANING_NAMES, "train_seconds",
                                        "embedding_calls", "texts_sent", "dimension")
#: Class pairs listed per custom model, each way.
PAIRS_SHOWN = 8


def _dimension(vectors: Any) -> int | None:
    shape = getattr(vectors, "shape", None)
    return int(shape[1]) if shape is not None and len(shape) == 2 else None


def leaderboard_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """One row per baseline and per custom model (the clean candidate too; failed candidates
    with their error and no metrics), for tables and ``pandas.DataFrame``."""
    rows: list[dict[str, Any]] = []
    baselines = list(getattr(comparison, "baselines", []) or [])
    candidates = list(getattr(comparison, "candidates", []) or [])
    if not baselines:  # a Comparison built by hand: its one baseline and custom model
        for kind, model in (("baseline", comparison.baseline_model),
                            ("custom", comparison.custom_model.id)):
            evaluation = comparison.evaluations.get(kind)
            rows.append(_row(kind, model, comparison.provider,
                             comparison.custom_model.method if kind == "custom" else None,
                             evaluation, comparison.embeddings.get(f"{kind}_test")))
        return rows
    for base in baselines:
        rows.append(_row("baseline", base.name, base.provider, None, base.evaluation,
                         base.vectors.get("test"), calls=base.calls, texts=base.texts,
                         status="ok" if base.error is None else "failed", error=base.error,
                         seconds=None, candidate=f"{base.spec} · baseline"))
        for cand in candidates:
            if cand.baseline is not base:
                continue
            custom_id = cand.custom_model.id if cand.custom_model is not None else None
            rows.append(_row("custom", custom_id, cand.provider, cand.method, cand.evaluation,
                             cand.vectors.get("test"), calls=cand.calls, texts=cand.texts,
                             status=cand.status, error=cand.error,
                             seconds=cand.timings.get("finetune"),
                             candidate=cand.label))
            rows[-1]["reused"] = cand.reused  # trained before: nothing was trained or sent
    clean = getattr(comparison, "clean", None)
    if clean is not None:
        rows.append(_row("clean", clean.model.id, comparison.provider, clean.model.method,
                         clean.evaluation, comparison.embeddings.get("clean_test"),
                         candidate=f"{comparison.provider} · {clean.model.method} · clean"))
    return rows


def _row(kind: str, model: str | None, provider: str, method: str | None,
         evaluation: Evaluation | None, vectors: Any, *, calls: int | None = None,
         texts: int | None = None, status: str = "ok", error: str | None = None,
         seconds: float | None = None, candidate: str | None = None) -> dict[str, Any]:
    metrics: dict[str, float | None] = ({**evaluation.headline(), **evaluation.meaning()}
                                        if evaluation is not None else {})
    row: dict[str, Any] = {
        "kind": kind, "candidate": candidate or f"{provider} · baseline", "model": model,
        "provider": provider, "method": method, "status": status,
        **{name: metrics.get(name) for name in (*METRIC_NAMES, *MEANING_NAMES)},
        "train_seconds": seconds, "embedding_calls": calls, "texts_sent": texts,
        "dimension": _dimension(vectors),
    }
    if error is not None:
        row["error"] = error
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


def model_path(comparison: Comparison, candidate: Any) -> str | None:
    """Where a candidate's custom model is saved inside the report directory."""
    if candidate.custom_model is None or not candidate.ok:
        return None
    if candidate.custom_model is comparison.custom_model:
        return "model"
    return f"models/{candidate.key}"


def candidates_report(comparison: Comparison) -> dict[str, Any]:
    """``report.json``'s ``split``, ``candidates``, ``leaderboard``, ``per_class_f1`` and
    ``skipped`` sections."""
    out: dict[str, Any] = {}
    split = getattr(comparison, "split", None)
    if split is not None:
        out["split"] = split.to_dict()
    candidates = list(getattr(comparison, "candidates", []) or [])
    entries = []
    for cand in candidates:
        entry = cand.to_dict(model_path(comparison, cand))
        if cand.evaluation is not None and cand.baseline.evaluation is not None:
            entry["confusion_changes"] = confusion_changes(cand.baseline.evaluation,
                                                           cand.evaluation)
        entries.append(entry)
    if entries:
        out["candidates"] = entries
    out["leaderboard"] = leaderboard_rows(comparison)
    columns: dict[str, Evaluation | None] = {}
    if candidates:
        for base in comparison.baselines:
            columns[f"{base.spec} · baseline"] = base.evaluation
            for cand in candidates:
                if cand.baseline is base:
                    columns[cand.label] = cand.evaluation
    else:
        columns = {"baseline": comparison.evaluations.get("baseline"),
                   "custom": comparison.evaluations.get("custom")}
    clean = getattr(comparison, "clean", None)
    if clean is not None:
        columns[f"{comparison.provider} · {clean.model.method} · clean"] = clean.evaluation
    out["per_class_f1"] = {"columns": list(columns), "classes": per_class_f1(columns)}
    skipped = list(getattr(comparison, "skipped", []) or [])
    if skipped:
        out["skipped"] = skipped
    return out
