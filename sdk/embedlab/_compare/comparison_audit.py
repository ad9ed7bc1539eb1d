"""The label audit inside ``compare()``: audit the train split, retrain without its suspects.

``compare`` audits the training split with the baseline train embeddings it already has
(no extra provider call). The rows to check are placed on the baseline map among their
nearest test rows, listed in the report, and saved as ``suspects.csv``. With ``clean=True``
a second custom model is trained without them and scored on the same test split: the
:class:`CleanCandidate`, kept apart from the custom model so a user sees whether cleaning pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .._datasets.dataset import Dataset
    from .._evaluation import Evaluation
    from .._finetuner import CustomModel, FinetuneConfig, Finetuner
    from .._label_audit import Audit
    from .._transport.cache import EmbeddingCache
    from .._visualizer import Marker
    from .comparison import Comparison

__all__ = [
    "CLEAN_MODEL_DIR",
    "MAP_SUSPECTS",
    "CleanCandidate",
    "audit_lines",
    "audit_report",
    "audit_summary",
    "place_suspects",
    "relocate_clean_model",
    "run_audit",
    "save_audit_files",
    "train_clean_candidate",
]

#: Rows to check placed on the baseline map (the worst first); all are in report.json.
MAP_SUSPECTS = 50
#: Nearest test rows whose map positions place a suspect row.
_PLACE_K = 5
#: Where the clean candidate's model is saved inside the report directory.
CLEAN_MODEL_DIR = "model-clean"


@dataclass
class CleanCandidate:
    """The custom model retrained without the rows the audit flags, on the same test split."""

    model: CustomModel
    evaluation: Evaluation
    #: Ids of the train rows left out (the audit's suspects).
    removed: list[str]
    #: Train rows it was trained on.
    train_rows: int

    def to_dict(self, custom: Evaluation | None = None) -> dict[str, Any]:
        """JSON-ready: its metrics, its model, and its deltas against ``custom`` if given."""
        metrics = self.evaluation.headline()
        out: dict[str, Any] = {
            "metrics": {**metrics, "per_class": self.evaluation.per_class},
            "custom_model": {"id": self.model.id, "method": self.model.method,
                             "path": CLEAN_MODEL_DIR},
            "train_rows": self.train_rows,
            "removed_rows": len(self.removed),
            "removed_ids": list(self.removed),
        }
        if custom is not None:
            base = custom.headline()
            out["deltas_vs_custom"] = {k: metrics[k] - base[k] for k in metrics}
        return out


def run_audit(train: Dataset, vectors: Any, *, seed: int, embedder: str,
              progress: bool | None) -> tuple[Audit | None, str | None]:
    """The audit of ``train`` with its baseline ``vectors``, or ``None`` and why it could
    not run (a missing extra, a class with one train row): the comparison goes on."""
    from .._errors import ConfigurationError, DatasetError
    from .._label_audit import audit_vectors

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

    from .._visualizer import Marker

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


def train_clean_candidate(
    finetuner: Finetuner, train: Dataset, test: Dataset, audit: Audit, config: FinetuneConfig,
    *, input_type: str | None, cache: EmbeddingCache | bool | None, progress: bool | None,
    seed: int, baseline_test: np.ndarray | None = None,
) -> tuple[CleanCandidate, np.ndarray, np.ndarray]:
    """Train on ``train`` less the suspects, embed train and test with the new model, and
    score it with the probe fitted on the kept rows; returns it with its train/test vectors."""
    from .._classifier import fit_head
    from .._datasets.dataset import Dataset
    from .._evaluation import evaluate

    flagged = set(audit.suspect_indices)
    keep = [i for i in range(len(train)) if i not in flagged]
    part = train.subset(keep)
    # Named for what it is, so a check that fails on it does not blame the user's file.
    kept = Dataset(part.texts, part.labels, ids=part.ids, rows=part.rows, lines=part.lines,
                   source=f"the train split less its {len(flagged)} rows to check",
                   name=train.name)
    model = finetuner.finetune(kept, None, config)
    vectors = model.embedder().embed([*train.texts, *test.texts], input_type, cache=cache,
                                     progress=progress)
    train_x, test_x = vectors[:len(train)], vectors[len(train):]
    # Like the custom model, it keeps the probe it is scored with as its classifier.
    model.classifier = fit_head(train_x[keep], kept.labels, seed=seed, input_type=input_type,
                                fitted_on={"fingerprint": kept.fingerprint})
    evaluation = evaluate(train_x[keep], kept.labels, test_x, test.labels, seed=seed,
                          head=model.classifier, baseline_test_vectors=baseline_test)
    removed = [train.ids[i] for i in sorted(flagged)]
    return CleanCandidate(model, evaluation, removed, len(kept)), train_x, test_x


def audit_report(comparison: Comparison) -> dict[str, Any]:
    """The ``audit`` and ``clean_candidate`` sections of ``report.json`` (empty if off)."""
    out: dict[str, Any] = {}
    audit: Audit | None = getattr(comparison, "audit", None)
    if audit is not None:
        section = audit.to_dict()
        marks = comparison.projections[0].suspects if comparison.projections else []
        for record, mark in zip(section["suspects"], marks, strict=False):
            record["map_tag"] = mark.tag
        out["audit"] = section
    elif comparison.settings.get("audit", {}).get("skipped"):
        out["audit"] = {"skipped": comparison.settings["audit"]["skipped"]}
    clean: CleanCandidate | None = getattr(comparison, "clean", None)
    if clean is not None:
        out["clean_candidate"] = clean.to_dict(comparison.evaluations.get("custom"))
    elif comparison.settings.get("audit", {}).get("clean_skipped"):
        out["clean_candidate"] = {"skipped": comparison.settings["audit"]["clean_skipped"]}
    return out


def save_audit_files(comparison: Comparison, directory: Path) -> list[str]:
    """Write ``suspects.csv`` and the clean candidate's model into the report directory."""
    from .._label_audit import SUSPECTS_CSV

    written = []
    audit: Audit | None = getattr(comparison, "audit", None)
    if audit is not None:
        audit.write_suspects_csv(directory / SUSPECTS_CSV)
        written.append(SUSPECTS_CSV)
    clean: CleanCandidate | None = getattr(comparison, "clean", None)
    if clean is not None:
        clean.model.save(directory / CLEAN_MODEL_DIR, remember=False)
        written.append(f"{CLEAN_MODEL_DIR}/")
    return written


def relocate_clean_model(comparison: Comparison, target: Path) -> None:
    """After the report directory is renamed into place, point the clean model's id at it."""
    from .._custom_models import remember_saved

    clean: CleanCandidate | None = getattr(comparison, "clean", None)
    if clean is not None:
        remember_saved(clean.model, target / CLEAN_MODEL_DIR)


def audit_summary(comparison: Comparison) -> dict[str, Any]:
    """The audit's headline for ``compare --json``: rows to check, clean candidate metrics."""
    out: dict[str, Any] = {}
    audit: Audit | None = getattr(comparison, "audit", None)
    if audit is not None:
        out["rows_to_check"] = len(audit.suspects)
        out["overlapping_classes"] = len(audit.overlaps)
    clean: CleanCandidate | None = getattr(comparison, "clean", None)
    if clean is not None:
        out["clean_candidate"] = {"custom_model": clean.model.id,
                                  "metrics": clean.evaluation.headline()}
    return out


def audit_lines(comparison: Comparison, saved: Path) -> list[str]:
    """What ``embedlab compare`` prints about the audit after the metrics table."""
    lines = []
    audit: Audit | None = getattr(comparison, "audit", None)
    if audit is not None:
        lines.append(f"label audit: {len(audit.suspects)} of {audit.rows} train rows to check, "
                     f"{len(audit.overlaps)} overlapping class pair(s) "
                     f"(see {saved / 'suspects.csv'})")
    clean: CleanCandidate | None = getattr(comparison, "clean", None)
    custom = comparison.evaluations.get("custom")
    if clean is not None and custom is not None:
        before, after = custom.f1_macro, clean.evaluation.f1_macro
        lines.append(f"without those rows: macro F1 {before:.4f} → {after:.4f} "
                     f"({clean.model.id}, saved in {saved / CLEAN_MODEL_DIR})")
    return lines
