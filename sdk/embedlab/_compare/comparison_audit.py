"""The label audit inside ``compare()``: audit the train split, report and save its suspects.

``compare`` audits the training split with the baseline train embeddings it already has
(no extra provider call). The rows to check are placed on the baseline map among their
nearest test rows, listed in the report, and saved as ``suspects.csv``. With ``clean=True``
a second custom model is trained without them and scored on the same test split: the
``clean`` run (:mod:`embedlab._compare.running`), kept apart from the custom model so a user
sees whether cleaning pays.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._custom_models import remember_saved
from .._errors import ConfigurationError, DatasetError
from .._label_audit import SUSPECTS_CSV, audit_vectors
from .._visualizer import Marker

if TYPE_CHECKING:
    from .._datasets.dataset import Dataset
    from .._evaluation import Evaluation
    from .._label_audit import Audit
    from .runs import ComparisonData as Comparison
    from .runs import ModelRun

__all__ = [
    "CLEAN_MODEL_DIR",
    "MAP_SUSPECTS",
    "audit_report",
    "audit_summary",
    "clean_entry",
    "place_suspects",
    "relocate_clean_model",
    "run_audit",
    "save_audit_files",
]

#: Rows to check placed on the baseline map (the worst first); all are in report.json.
MAP_SUSPECTS = 50
#: Nearest test rows whose map positions place a suspect row.
_PLACE_K = 5
#: Where the clean candidate's model is saved inside the report directory.
CLEAN_MODEL_DIR = "model-clean"


def clean_entry(clean: ModelRun, custom: Evaluation) -> dict[str, Any]:
    """``report.json``'s ``clean_candidate``: its metrics, its model, and its deltas against
    the custom model's ``custom`` scores."""
    assert clean.evaluation is not None and clean.custom_model is not None
    metrics = clean.evaluation.headline()
    base = custom.headline()
    return {
        "metrics": {**metrics, "per_class": clean.evaluation.per_class},
        "custom_model": {"id": clean.custom_model.id, "method": clean.custom_model.method,
                         "path": CLEAN_MODEL_DIR},
        "train_rows": clean.train_rows,
        "removed_rows": len(clean.removed),
        "removed_ids": list(clean.removed),
        "deltas_vs_custom": {k: metrics[k] - base[k] for k in metrics},
    }


def run_audit(train: Dataset, vectors: Any, *, seed: int, embedder: str,
              progress: bool | None) -> tuple[Audit | None, str | None]:
    """The audit of ``train`` with its baseline ``vectors``, or ``None`` and why it could
    not run (a missing extra, a class with one train row): the comparison goes on."""
    try:
        return audit_vectors(train, vectors, seed=seed, embedder=embedder,
                             progress=progress), None
    except (ConfigurationError, DatasetError) as exc:
        return None, str(exc)


def place_suspects(audit: Audit, train_vectors: Any, test_vectors: Any, test_points: Any,
                   limit: int = MAP_SUSPECTS) -> list[Marker]:
    """A marker on the baseline map for each of the first ``limit`` suspects, placed at the
    mean map position of its nearest test rows under the baseline (the map shows the test
    split; the suspects are train rows), tagged with its rank in the list."""
    import numpy as np
    from sklearn.neighbors import NearestNeighbors

    shown = audit.suspects[:limit]
    points = np.asarray(test_points, dtype=np.float64)
    if not shown or not len(points):
        return []
    k = min(_PLACE_K, len(points))
    index = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
    index.fit(np.asarray(test_vectors, dtype=np.float64))
    queries = np.asarray(train_vectors, dtype=np.float64)[[s.index for s in shown]]
    near = index.kneighbors(queries, return_distance=False)
    return [Marker(tag=str(rank), text=s.text, x=float(points[row].mean(axis=0)[0]),
                   y=float(points[row].mean(axis=0)[1]), label=s.label)
            for rank, (s, row) in enumerate(zip(shown, near, strict=True), start=1)]


def audit_report(comparison: Comparison) -> dict[str, Any]:
    """The ``audit`` and ``clean_candidate`` sections of ``report.json`` (empty if off)."""
    out: dict[str, Any] = {}
    audit, clean = comparison.audit, comparison.clean
    if audit is not None:
        section = audit.to_dict()
        marks = comparison.projections[0].suspects if comparison.projections else []
        for record, mark in zip(section["suspects"], marks, strict=False):
            record["map_tag"] = mark.tag
        out["audit"] = section
    elif comparison.settings.get("audit", {}).get("skipped"):
        out["audit"] = {"skipped": comparison.settings["audit"]["skipped"]}
    if clean is not None:
        out["clean_candidate"] = clean_entry(clean, comparison.evaluations["custom"])
    elif comparison.settings.get("audit", {}).get("clean_skipped"):
        out["clean_candidate"] = {"skipped": comparison.settings["audit"]["clean_skipped"]}
    return out


def save_audit_files(comparison: Comparison, directory: Path) -> list[str]:
    """Write ``suspects.csv`` and the clean candidate's model into the report directory."""
    written = []
    if comparison.audit is not None:
        comparison.audit.write_suspects_csv(directory / SUSPECTS_CSV)
        written.append(SUSPECTS_CSV)
    if comparison.clean is not None and comparison.clean.custom_model is not None:
        comparison.clean.custom_model.save(directory / CLEAN_MODEL_DIR, remember=False)
        written.append(f"{CLEAN_MODEL_DIR}/")
    return written


def relocate_clean_model(comparison: Comparison, target: Path) -> None:
    """After the report directory is renamed into place, point the clean model's id at it."""
    clean = comparison.clean
    if clean is not None and clean.custom_model is not None:
        remember_saved(clean.custom_model, target / CLEAN_MODEL_DIR)


def audit_summary(comparison: Comparison) -> dict[str, Any]:
    """The audit's headline for ``compare --json``: rows to check, clean candidate metrics."""
    out: dict[str, Any] = {}
    audit, clean = comparison.audit, comparison.clean
    if audit is not None:
        out["rows_to_check"] = len(audit.suspects)
        out["overlapping_classes"] = len(audit.overlaps)
    if clean is not None and clean.custom_model and clean.evaluation:
        out["clean_candidate"] = {"custom_model": clean.custom_model.id,
                                  "metrics": clean.evaluation.headline()}
    return out
