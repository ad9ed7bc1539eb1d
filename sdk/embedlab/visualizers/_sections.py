"""The report page's sections as plain data (strings, numbers, lists) for the templates.

Nothing here writes markup: the templates do, with autoescaping, so no dataset string reaches
the page unescaped. Numbers are formatted here so the templates only place them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .._meaning import MEANING_SENTENCE
from .._visualizer import Marker, Projection
from ._leaderboard import FOLD_CLASSES

__all__ = ["calibration", "facts", "fmt", "highlights", "leak", "legend", "meaning_note",
           "metric_rows", "per_class", "run_tables"]

_METRIC_LABELS = {
    "accuracy": "Probe accuracy",
    "log_loss": "Probe log loss",
    "f1_macro": "Macro F1",
    "precision_macro": "Macro precision",
    "recall_macro": "Macro recall",
    "knn_accuracy": "k-NN accuracy",
    "silhouette": "Silhouette (cosine)",
    "neighbours_kept": "Neighbours kept (of the baseline's)",
    "similarity_agreement": "Similarity agreement with the baseline",
}
_LOWER_IS_BETTER = {"log_loss"}


def fmt(value: Any) -> str:
    """A value as the report shows it: floats to four places, NaN and infinity as ``n/a``."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return "n/a" if not math.isfinite(value) else f"{value:.4f}"
    return str(value)


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def delta(name: str, base: Any, custom: Any) -> dict[str, str]:
    """Custom minus baseline, with ``el-better``/``el-worse`` (log loss: lower is better)."""
    if not (_finite(base) and _finite(custom)):
        return {"text": "n/a", "css": ""}
    change = float(custom) - float(base)
    better = change < 0 if name in _LOWER_IS_BETTER else change > 0
    css = "" if change == 0 else ("el-better" if better else "el-worse")
    return {"text": f"{change:+.4f}", "css": css}


def facts(context: Mapping[str, Any]) -> list[dict[str, str | None]]:
    """The line under the title: the dataset, the baseline and the custom model (its id
    as ``code``)."""
    out: list[dict[str, str | None]] = []
    dataset = context.get("dataset") or {}
    if dataset:
        out.append({"text": f"dataset {dataset.get('name') or dataset.get('path') or ''}: "
                            f"{dataset.get('rows', '?')} rows, "
                            f"{len(dataset.get('classes') or [])} classes",
                    "code": None, "after": ""})
    if context.get("baseline_model"):
        out.append({"text": "baseline ", "code": str(context["baseline_model"]), "after": ""})
    custom = context.get("custom_model") or {}
    if custom:
        out.append({"text": "custom ", "code": str(custom.get("id", "")),
                    "after": f" ({custom.get('method', '')})"})
    return out


def leak(context: Mapping[str, Any]) -> dict[str, Any] | None:
    """Test rows whose text is also in the training data, or ``None`` when there are none."""
    split = context.get("split") or {}
    if not (isinstance(split, Mapping) and split.get("overlap")):
        return None
    return {"overlap": split["overlap"], "test": split.get("test", "?"),
            "examples": list(split.get("overlap_examples") or [])}


def metric_rows(metrics: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per headline metric either model has: both values and the delta."""
    base = metrics.get("baseline") or {}
    custom = metrics.get("custom") or {}
    return [{"label": label + (" (lower is better)" if name in _LOWER_IS_BETTER else ""),
             "baseline": fmt(base.get(name)) if name in base else "—",
             "custom": fmt(custom.get(name)) if name in custom else "—",
             "delta": delta(name, base.get(name), custom.get(name))}
            for name, label in _METRIC_LABELS.items() if name in base or name in custom]


def meaning_note(metrics: Mapping[str, Any]) -> str:
    """The sentence under the metrics saying what a low kept-meaning value means, when the
    custom model has those figures."""
    return MEANING_SENTENCE if "neighbours_kept" in (metrics.get("custom") or {}) else ""


def legend(projections: Sequence[Projection], classes: Sequence[str],
           colors: Mapping[str, str]) -> list[dict[str, Any]]:
    """One toggle per class, with its colour and its count on the first map."""
    counts: dict[str, int] = {}
    for label in projections[0].labels if projections else []:
        counts[str(label)] = counts.get(str(label), 0) + 1
    return [{"index": i, "name": name, "color": colors[name], "count": counts.get(name, 0)}
            for i, name in enumerate(classes)]


def per_class(metrics: Mapping[str, Any]) -> dict[str, Any] | None:
    """Precision, recall and F1 per class under both models; past FOLD_CLASSES classes it is
    sorted by Δ F1 (largest gain first) and starts folded."""
    per_b = (metrics.get("baseline") or {}).get("per_class") or {}
    per_c = (metrics.get("custom") or {}).get("per_class") or {}
    classes = sorted(set(per_b) | set(per_c))
    if not classes:
        return None
    many = len(classes) > FOLD_CLASSES

    def f1(side: Mapping[str, Any], label: str) -> Any:
        return (side.get(label) or {}).get("f1-score")

    def gain(label: str) -> float:
        b, c = f1(per_b, label), f1(per_c, label)
        return float(c) - float(b) if _finite(b) and _finite(c) else -math.inf

    if many:
        classes.sort(key=lambda label: (-gain(label), label))
    rows = []
    for label in classes:
        b, c = per_b.get(label) or {}, per_c.get(label) or {}
        support = (c or b).get("support", "")
        if isinstance(support, float) and support.is_integer():
            support = int(support)
        rows.append({"label": label, "support": fmt(support),
                     "cells": [fmt(side.get(key)) for key in ("precision", "recall", "f1-score")
                               for side in (b, c)],
                     "delta": delta("f1", b.get("f1-score"), c.get("f1-score"))})
    return {"rows": rows, "many": many}


def _neighbours(marker: Marker | None) -> list[dict[str, str]]:
    if marker is None:
        return []
    return [{"text": text, "label": label, "similarity": fmt(float(similarity))}
            for text, label, similarity in marker.neighbours]


def highlights(projections: Sequence[Projection]) -> list[dict[str, Any]]:
    """Each highlighted text with its nearest rows under the baseline and the custom model."""
    if not projections:
        return []
    other = {m.tag: m for m in projections[1].markers} if len(projections) > 1 else {}
    return [{"tag": m.tag, "text": m.text, "label": m.label,
             "baseline": _neighbours(m), "custom": _neighbours(other.get(m.tag))}
            for m in projections[0].markers]


def calibration(metrics: Mapping[str, Any],
                scaled: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The classifier's calibration: expected calibration error and the reliability table,
    and the saved classifier's temperature scaling (``scaled``) when there is one."""
    sides = [(metrics.get(side) or {}).get("calibration") or {}
             for side in ("baseline", "custom")]
    if not any(sides):
        return None
    ece = [fmt(side["ece"]) if side.get("ece") is not None else "n/a" for side in sides]
    rows = []
    for i, edges in enumerate(sides[1].get("bins") or sides[0].get("bins") or []):
        cells = []
        for side in sides:
            side_bins = side.get("bins") or []
            row = side_bins[i] if i < len(side_bins) else {}
            accuracy = row.get("accuracy")
            cells += [str(row.get("count", 0)), fmt(accuracy) if accuracy is not None else "—"]
        rows.append({"bin": f"{fmt(edges.get('lower'))}–{fmt(edges.get('upper'))}",
                     "cells": cells})
    saved = None
    if isinstance(scaled, Mapping) and scaled.get("rows"):
        saved = {"temperature": fmt(scaled.get("temperature")), "rows": scaled.get("rows"),
                 "before": fmt(scaled.get("ece_test_before")),
                 "after": fmt(scaled.get("ece_test_after"))}
    return {"ece": ece, "rows": rows, "scaled": saved}


def _kv_rows(items: Mapping[str, Any], *, seconds: bool = False) -> list[tuple[str, str]]:
    rows = []
    for key, value in items.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k}={fmt(v)}" for k, v in value.items()
                              if v is not None and v != {})
        elif isinstance(value, float) and seconds:
            value = f"{value:.1f} s"
        rows.append((str(key), fmt(value)))
    return rows


def _settings(context: Mapping[str, Any]) -> dict[str, Any]:
    run: dict[str, Any] = {}
    if context.get("provider"):
        run["provider"] = context["provider"]
    dataset = context.get("dataset") or {}
    for key in ("path", "rows", "fingerprint"):
        if key in dataset:
            run[f"dataset {key}"] = dataset[key]
    if dataset.get("classes"):
        run["classes"] = ", ".join(map(str, dataset["classes"]))
    settings = context.get("settings")
    if isinstance(settings, Mapping):
        run.update({str(k): v for k, v in settings.items()})
    split = context.get("split") or {}
    for what in ("test", "validation"):
        entry = split.get(f"{what}_file") if isinstance(split, Mapping) else None
        if isinstance(entry, Mapping):  # the user's own file: which one, exactly
            run[f"{what} file"] = (f"{entry.get('path')} ({entry.get('rows')} rows, "
                                   f"fingerprint {str(entry.get('fingerprint'))[:12]})")
    return run


def run_tables(context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The closing key-value tables: settings, timings, versions (those with any rows)."""
    tables = []
    for title, css, items in (("Settings", "el-settings", _settings(context)),
                              ("Timings", "el-timings", context.get("timings")),
                              ("Versions", "el-versions", context.get("versions"))):
        if isinstance(items, Mapping) and items:
            tables.append({"title": title, "css": css,
                           "rows": _kv_rows(items, seconds=css == "el-timings")})
    return tables
