"""Choosing how far a custom model moves from its baseline: ``FinetuneConfig.keep``.

A finetuner blends its trained model with the baseline by one number ``t`` in [0, 1] (0: the
baseline, 1: the trained model): the local finetuner interpolates the encoder's weights
(WiSE-FT, Wortsman et al. 2022), a head is scaled on its residual,
``normalize(x + t * (head(x) - x))``. :func:`choose_blend` tries a grid of ``t`` on held-out
rows and keeps the most separating one (the cosine silhouette of those rows) whose
``similarity_agreement`` with the baseline (:mod:`embedlab._meaning`) is at least ``keep``.
``keep=0`` takes ``t = 1``: the most separated model, as before the knob existed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .._meaning import DEFAULT_KEEP

if TYPE_CHECKING:
    import numpy as np

__all__ = ["BLEND_GRID", "DEFAULT_KEEP", "HEAD_GRID", "KeepChoice", "choose_blend"]

#: The blends tried, most separating first: even steps, for weight interpolation.
BLEND_GRID: tuple[float, ...] = tuple(round(1 - i / 10, 1) for i in range(11))
#: The scales tried for a head: a trained head moves vectors far, so most of the change in
#: similarity happens at small scales (measured: 0.1 of a stacked head already costs more
#: agreement than its whole encoder) and the steps shrink towards 0.
HEAD_GRID: tuple[float, ...] = (1.0, 0.5, 0.3, 0.2, 0.1, 0.07, 0.05, 0.03, 0.02, 0.01, 0.005,
                                0.0)


@dataclass
class KeepChoice:
    """The blend chosen, its figures on the rows it was chosen on, and every blend tried."""

    blend: float
    keep: float
    similarity_agreement: float
    neighbours_kept: float
    silhouette: float
    #: ``"validation"`` (held-out rows) or ``"train"`` (no rows could be held out).
    chosen_on: str
    rows: int
    tried: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for the model card (NaN as ``None``)."""
        def clean(value: Any) -> Any:
            if isinstance(value, float) and not math.isfinite(value):
                return None
            if isinstance(value, list):
                return [{k: clean(v) for k, v in item.items()} for item in value]
            return value

        return {k: clean(v) for k, v in asdict(self).items()}


def _silhouette(vectors: np.ndarray, labels: Sequence[str]) -> float:
    from sklearn.metrics import silhouette_score

    present = len(set(labels))
    if not 2 <= present <= len(labels) - 1:
        return float("nan")
    return float(silhouette_score(vectors, list(labels), metric="cosine"))


def choose_blend(blend: Callable[[float], np.ndarray], baseline: np.ndarray,
                 labels: Sequence[str], keep: float, *, chosen_on: str = "validation",
                 seed: int = 42, grid: Sequence[float] = BLEND_GRID,
                 monotone: bool = False) -> KeepChoice:
    """Call ``blend(t)`` (the model's vectors of the rows ``baseline`` holds, blended by
    ``t``) for each ``t`` in ``grid`` and keep the most separating ``t`` whose similarity
    agreement with ``baseline`` is at least ``keep``; ``t = 0`` (the baseline) always is.
    With ``keep`` 0 only ``t = 1`` is tried. Ties go to the larger ``t``.

    ``monotone=True`` is for a costly ``blend`` whose agreement falls and separation grows
    as ``t`` grows (weight interpolation, measured): the grid is bisected for its largest
    admissible ``t``, about log2(len(grid)) calls instead of one per ``t`` (``t = 1`` first,
    ``t = 0`` last if at all). Where that holds the choice is the full search's."""
    tried: list[dict[str, float]] = []

    def measure(t: float) -> dict[str, float]:
        entry = _measure(blend, t, baseline, labels, seed)
        tried.append(entry)
        return entry

    def admissible(entry: dict[str, float]) -> bool:
        agreement = entry["similarity_agreement"]
        return entry["blend"] == 0 or keep <= 0 or (math.isfinite(agreement)
                                                     and agreement >= keep)

    if keep <= 0:
        best = measure(1.0)
    else:
        ts = sorted(set(grid) | {0.0}, reverse=True)
        best = (_bisect(ts, measure, admissible) if monotone
                else _most_separating([e for e in map(measure, ts) if admissible(e)]))
    return KeepChoice(blend=best["blend"], keep=keep,
                      similarity_agreement=best["similarity_agreement"],
                      neighbours_kept=best["neighbours_kept"], silhouette=best["silhouette"],
                      chosen_on=chosen_on, rows=len(baseline), tried=tried)


def _measure(blend: Callable[[float], np.ndarray], t: float, baseline: np.ndarray,
             labels: Sequence[str], seed: int) -> dict[str, float]:
    """Blend ``t``'s figures against the baseline: what it kept and its silhouette."""
    from .._meaning import meaning_kept

    vectors = blend(t)
    return {"blend": t, **meaning_kept(baseline, vectors, labels, seed=seed),
            "silhouette": _silhouette(vectors, labels)}


def _most_separating(entries: Sequence[dict[str, float]]) -> dict[str, float]:
    """The entry of highest silhouette (NaN lowest); ties to the first (the larger ``t``)."""
    def score(entry: dict[str, float]) -> float:
        return entry["silhouette"] if math.isfinite(entry["silhouette"]) else -math.inf

    return max(entries, key=score)  # max keeps the first of equal scores


def _bisect(ts: Sequence[float], measure: Callable[[float], dict[str, float]],
            admissible: Callable[[dict[str, float]], bool]) -> dict[str, float]:
    """The entry of the largest admissible ``t`` in ``ts`` (descending, ending at 0, which
    is admissible), assuming admissibility only grows as ``t`` falls."""
    first = measure(ts[0])
    if admissible(first):
        return first
    low, high = 0, len(ts) - 1  # ts[low] is refused, ts[high] admissible
    found: dict[str, float] | None = None
    while high - low > 1:
        middle = (low + high) // 2
        entry = measure(ts[middle])
        if admissible(entry):
            high, found = middle, entry
        else:
            low = middle
    return found if found is not None else measure(ts[high])
