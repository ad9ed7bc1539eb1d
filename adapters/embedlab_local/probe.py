"""The validation probe used while training: a logistic regression on the embeddings,
scored by accuracy and macro-F1, the numbers early stopping watches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["probe_scores", "stratified_cap"]


def probe_scores(train_x: np.ndarray, train_y: Sequence[str], val_x: np.ndarray,
                 val_y: Sequence[str], seed: int = 0) -> dict[str, float]:
    """Fit a logistic-regression probe on ``train_x`` and score it on ``val_x``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    probe = LogisticRegression(max_iter=1000, random_state=seed)
    probe.fit(train_x, list(train_y))
    predicted = probe.predict(val_x)
    return {
        "accuracy": float(accuracy_score(list(val_y), predicted)),
        "macro_f1": float(f1_score(list(val_y), predicted, average="macro", zero_division=0)),
    }


def stratified_cap(labels: Sequence[str], cap: int, seed: int = 0) -> list[int]:
    """Positions of at most ``cap`` rows, keeping every class (used to bound probe cost)."""
    import random
    from collections import defaultdict

    if len(labels) <= cap:
        return list(range(len(labels)))
    by_class: dict[str, list[int]] = defaultdict(list)
    for position, label in enumerate(labels):
        by_class[label].append(position)
    rng = random.Random(seed)
    per_class = max(2, cap // len(by_class))
    chosen: list[int] = []
    for positions in by_class.values():
        chosen.extend(rng.sample(positions, min(per_class, len(positions))))
    return sorted(chosen)
