"""What a report should say, recomputed straight from scikit-learn as docs/report.md describes
each metric: a logistic-regression probe on L2-normalised vectors, k-NN (k = 5) on cosine
distance, silhouette on cosine distance, and the expected calibration error over ten
equal-width confidence bins. Workflow tests compare embedlab's numbers with these."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest

#: k of the report's k-NN accuracy (docs/report.md).
KNN_K = 5


def reference_headline(train_x: Any, train_y: Sequence[str], test_x: Any,
                       test_y: Sequence[str], *, seed: int = 42) -> dict[str, float]:
    """The seven headline metrics, each from scikit-learn directly."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import (
        accuracy_score,
        f1_score,
        log_loss,
        precision_score,
        recall_score,
        silhouette_score,
    )
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import normalize

    train_n = normalize(np.asarray(train_x, dtype=np.float64))
    test_n = normalize(np.asarray(test_x, dtype=np.float64))
    probe = LogisticRegression(max_iter=2000, random_state=seed).fit(train_n, list(train_y))
    predicted = probe.predict(test_n)
    knn = KNeighborsClassifier(n_neighbors=KNN_K, metric="cosine").fit(train_x, list(train_y))
    macro = {"average": "macro", "labels": sorted(set(train_y)), "zero_division": 0}
    return {
        "accuracy": accuracy_score(test_y, predicted),
        "log_loss": log_loss(test_y, probe.predict_proba(test_n), labels=probe.classes_),
        "f1_macro": f1_score(test_y, predicted, **macro),
        "precision_macro": precision_score(test_y, predicted, **macro),
        "recall_macro": recall_score(test_y, predicted, **macro),
        "knn_accuracy": accuracy_score(test_y, knn.predict(test_x)),
        # on the raw vectors: cosine distance does not depend on their length
        "silhouette": silhouette_score(np.asarray(test_x), list(test_y), metric="cosine"),
    }


def reference_ece(probabilities: Any, labels: Sequence[str], classes: Sequence[str],
                  bins: int = 10) -> float:
    """ECE written out row by row: bin (i/bins, (i+1)/bins] by the top probability, then the
    row-weighted mean of |accuracy - confidence| over the bins."""
    sums: dict[int, list[float]] = {}
    for row, label in zip(np.asarray(probabilities).tolist(), labels, strict=True):
        top = max(row)
        index = min(bins - 1, max(0, math.ceil(top * bins) - 1))
        correct = float(classes[row.index(top)] == label)
        total = sums.setdefault(index, [0.0, 0.0, 0.0])
        total[0] += 1
        total[1] += top
        total[2] += correct
    return sum(abs(c - conf) for _, conf, c in sums.values()) / len(labels)


def assert_headline_matches(reported: Mapping[str, Any], train_x: Any,
                            train_y: Sequence[str], test_x: Any, test_y: Sequence[str], *,
                            seed: int = 42, what: str = "") -> None:
    """Every headline metric of ``reported`` equals the scikit-learn reference."""
    expected = reference_headline(train_x, train_y, test_x, test_y, seed=seed)
    for name, value in expected.items():
        assert reported[name] == pytest.approx(value, rel=1e-5, abs=1e-6), (what, name)


def assert_saved_report_recomputes(out: Any, dataset: Any, *, seed: int = 42) -> dict[str, Any]:
    """The metrics in ``out``/report.json equal the references on the vectors saved beside it
    (``embeddings/*.npy`` in ``ids.json`` order, labels from ``dataset``); returns the report."""
    import json
    from pathlib import Path

    folder = Path(out)
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    ids = json.loads((folder / "embeddings" / "ids.json").read_text(encoding="utf-8"))
    label_of = dict(zip(dataset.ids, dataset.labels, strict=True))
    train_y = [label_of[i] for i in ids["train"]]
    test_y = [label_of[i] for i in ids["test"]]
    for side in ("baseline", "custom"):
        assert_headline_matches(report["metrics"][side],
                                np.load(folder / "embeddings" / f"{side}_train.npy"), train_y,
                                np.load(folder / "embeddings" / f"{side}_test.npy"), test_y,
                                seed=seed, what=side)
        assert report["metrics"][side]["knn_k"] == KNN_K
    return dict(report)
