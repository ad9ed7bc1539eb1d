"""What ``embedlab compare`` prints about the label audit after the metrics table."""

from __future__ import annotations

from pathlib import Path

from .._compare.comparison_audit import CLEAN_MODEL_DIR
from .._compare.runs import ComparisonData
from .._label_audit import SUSPECTS_CSV

__all__ = ["audit_lines"]


def audit_lines(comparison: ComparisonData, saved: Path) -> list[str]:
    """The rows to check (and where they were saved) and, with ``--clean``, the macro F1 of
    the model trained without them beside the custom model's."""
    lines = []
    audit, clean = comparison.audit, comparison.clean
    if audit is not None:
        lines.append(f"label audit: {len(audit.suspects)} of {audit.rows} train rows to check, "
                     f"{len(audit.overlaps)} overlapping class pair(s) "
                     f"(see {saved / SUSPECTS_CSV})")
    if clean is not None and clean.evaluation is not None and clean.custom_model is not None:
        before = comparison.evaluations["custom"].f1_macro
        lines.append(f"without those rows: macro F1 {before:.4f} → "
                     f"{clean.evaluation.f1_macro:.4f} ({clean.custom_model.id}, saved in "
                     f"{saved / CLEAN_MODEL_DIR})")
    return lines
