"""How far a classifier's stated confidence can be trusted: reliability bins and the
expected calibration error (ECE).

The test rows are put into equal-width bins by the probability of the predicted class; a
well-calibrated classifier is right about 80 % of the time on rows it gives 0.8. The ECE is
the row-weighted mean gap between confidence and accuracy over the bins (0 is perfect).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["DEFAULT_BINS", "calibration"]

#: Bins of the reliability table.
DEFAULT_BINS = 10


def calibration(probabilities: Any, labels: Sequence[str] | Any, classes: Sequence[str], *,
                bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """``{"ece": float, "bins": [...]}`` for predicted-class probabilities against ``labels``.

    ``probabilities`` has one row per label and one column per class (in ``classes`` order).
    Each bin holds ``lower``, ``upper``, ``count``, ``confidence`` (mean) and ``accuracy``;
    empty bins are kept (count 0, ``None`` averages) so every table has the same rows.
    """
    import numpy as np

    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray([str(label) for label in labels])
    if p.ndim != 2 or p.shape != (len(y), len(classes)):
        raise ValueError(f"probabilities of shape {p.shape} for {len(y)} labels and "
                         f"{len(classes)} classes")
    if bins < 1:
        raise ValueError("calibration needs at least one bin")
    confidence = p.max(axis=1) if len(y) else np.zeros(0)
    correct = (np.asarray(classes)[p.argmax(axis=1)] == y) if len(y) else np.zeros(0, bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin i holds (edges[i], edges[i+1]]; a confidence of exactly 0 goes to the first bin.
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    table: list[dict[str, Any]] = []
    ece = 0.0
    for i in range(bins):
        mask = index == i
        count = int(mask.sum())
        conf = float(confidence[mask].mean()) if count else None
        acc = float(correct[mask].mean()) if count else None
        if count:
            ece += count / len(y) * abs(float(acc or 0.0) - float(conf or 0.0))
        table.append({"lower": float(edges[i]), "upper": float(edges[i + 1]), "count": count,
                      "confidence": conf, "accuracy": acc})
    return {"ece": float(ece) if len(y) else float("nan"), "bins": table}
