"""What local training measures the model with: the validation probe (a logistic regression
on the embeddings, scored by accuracy and macro-F1, the numbers early stopping watches) and
the base model's class centroids that seed the proxy loss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import torch

__all__ = ["PROBE_TRAIN_ROWS", "SILHOUETTE_WEIGHT", "class_centroids", "probe_scores",
           "stratified_cap"]

#: How much the validation silhouette counts beside macro-F1 when choosing a checkpoint: a
#: small validation set saturates F1 early, while the classes keep drawing apart (a 0.1 gain
#: in silhouette weighs as much as one point of F1).
SILHOUETTE_WEIGHT = 0.1
#: The probe is fitted on at most this many training rows, so epochs stay cheap at 20k rows.
PROBE_TRAIN_ROWS = 2000


def probe_scores(train_x: np.ndarray, train_y: Sequence[str], val_x: np.ndarray,
                 val_y: Sequence[str], seed: int = 0) -> dict[str, float]:
    """Fit a logistic-regression probe on ``train_x`` and score it on ``val_x``; with the
    validation rows' cosine silhouette, and ``score``: what checkpoints are chosen by."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score, silhouette_score

    probe = LogisticRegression(max_iter=1000, random_state=seed)
    probe.fit(train_x, list(train_y))
    predicted = probe.predict(val_x)
    macro_f1 = float(f1_score(list(val_y), predicted, average="macro", zero_division=0))
    classes = len(set(val_y))
    silhouette = (float(silhouette_score(val_x, list(val_y), metric="cosine"))
                  if 1 < classes < len(val_y) else 0.0)
    return {
        "accuracy": float(accuracy_score(list(val_y), predicted)),
        "macro_f1": macro_f1,
        "silhouette": silhouette,
        "score": macro_f1 + SILHOUETTE_WEIGHT * silhouette,
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


def class_centroids(model: Any, texts: Sequence[str], labels: Sequence[str],
                    classes: Sequence[str], *, prompt: str | None, seed: int = 0,
                    rows_per_class: int = 32) -> torch.Tensor:
    """The base model's unit-length mean vector of each class (in ``classes`` order), from at
    most ``rows_per_class`` rows a class: the starting point of the class proxies."""
    import numpy as np
    import torch

    keep = stratified_cap(labels, rows_per_class * len(classes), seed)
    vectors = model.encode([texts[i] for i in keep], prompt=prompt, batch_size=64,
                           show_progress_bar=False, convert_to_numpy=True,
                           normalize_embeddings=True)
    kept_labels = np.asarray([labels[i] for i in keep])
    centroids = np.stack([vectors[kept_labels == c].mean(axis=0) for c in classes])
    return torch.from_numpy(centroids.astype(np.float32))
