"""How well one model's embeddings separate the classes, measured with scikit-learn.

Both models of a comparison are scored the same way on the same split: a logistic-regression
probe trained on the train embeddings and scored on the held-out test embeddings, a k-NN
classifier (cosine distance) likewise, and the silhouette of the test embeddings on cosine
distance — how far apart the classes sit with no classifier at all. A custom model's
evaluation also says how much of its baseline's meaning it kept on the test rows
(:mod:`embedlab._meaning`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ._calibration import calibration
from ._meaning import meaning_kept
from ._probe import as_matrix, make_probe, probe_features

if TYPE_CHECKING:

    from ._classifier import ClassificationHead

__all__ = ["METRIC_NAMES", "Evaluation", "evaluate", "make_probe", "probe_features"]

#: The headline metrics every evaluation has, in report order.
METRIC_NAMES: tuple[str, ...] = (
    "accuracy", "log_loss", "f1_macro", "precision_macro", "recall_macro",
    "knn_accuracy", "silhouette",
)
#: Metrics where lower is better (the report colours deltas accordingly).
LOWER_IS_BETTER: frozenset[str] = frozenset({"log_loss"})


@dataclass
class Evaluation:
    """One model's scores on the held-out test split."""

    accuracy: float
    log_loss: float
    f1_macro: float
    precision_macro: float
    recall_macro: float
    knn_accuracy: float
    silhouette: float
    #: scikit-learn's classification report as a dict: per class precision, recall, f1, support.
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Rows true label, columns predicted label, in ``classes`` order.
    confusion_matrix: list[list[int]] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    #: The probe's calibration on test: ``ece`` and reliability ``bins`` (see
    #: :mod:`embedlab._calibration`).
    calibration: dict[str, Any] = field(default_factory=dict)
    knn_k: int = 0
    train_size: int = 0
    test_size: int = 0
    #: Of the baseline's meaning, kept on the test rows (:mod:`embedlab._meaning`); ``None``
    #: for a baseline itself.
    neighbours_kept: float | None = None
    similarity_agreement: float | None = None

    def headline(self) -> dict[str, float]:
        """The seven headline metrics, in report order."""
        return {name: float(getattr(self, name)) for name in METRIC_NAMES}

    def meaning(self) -> dict[str, float | None]:
        """``neighbours_kept`` and ``similarity_agreement`` (``None`` for a baseline)."""
        return {"neighbours_kept": self.neighbours_kept,
                "similarity_agreement": self.similarity_agreement}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


def evaluate(
    train_vectors: Any,
    train_labels: Sequence[str],
    test_vectors: Any,
    test_labels: Sequence[str],
    *,
    seed: int = 42,
    knn_k: int = 5,
    head: ClassificationHead | None = None,
    baseline_test_vectors: Any = None,
) -> Evaluation:
    """Score embeddings: probe and k-NN trained on train, scored on test; silhouette on test.

    Vectors are L2-normalised first so every model is compared on the same footing (cosine
    geometry), whatever scale its provider returns. Pass ``head`` (a
    :class:`~embedlab.ClassificationHead` fitted on the same train vectors) to
    score that head rather than fit the probe again: ``compare`` keeps the custom model's.
    Pass ``baseline_test_vectors`` (the baseline's vectors of the same test rows) to score a
    custom model's kept meaning too.
    """
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        classification_report,
        confusion_matrix,
        log_loss,
        precision_recall_fscore_support,
        silhouette_score,
    )
    from sklearn.neighbors import KNeighborsClassifier

    train_y = np.asarray([str(label) for label in train_labels])
    test_y = np.asarray([str(label) for label in test_labels])
    x_train = probe_features(train_vectors, len(train_y), "train embeddings")
    x_test = probe_features(test_vectors, len(test_y), "test embeddings")
    classes = sorted(set(train_y.tolist()))
    if len(classes) < 2:
        raise ValueError("evaluation needs at least two classes in the train split")
    unseen = sorted(set(test_y.tolist()) - set(classes))
    if unseen:
        raise ValueError(f"test labels {unseen} do not occur in the train split")

    if head is None:
        probe = make_probe(seed)
        probe.fit(x_train, train_y)
        probe_classes = [str(c) for c in probe.classes_]
        probabilities = probe.predict_proba(x_test)
    else:  # the classifier a custom model keeps: the same probe, fitted on the same rows
        if sorted(head.classes) != classes:
            raise ValueError("the classification head was fitted on other classes than the "
                             "train split's")
        probe_classes = list(head.classes)
        probabilities = head.predict_proba(x_test)
    predicted = np.asarray(probe_classes)[probabilities.argmax(axis=1)]
    precision, recall, f1, _ = precision_recall_fscore_support(
        test_y, predicted, labels=classes, average="macro", zero_division=0)
    report = classification_report(test_y, predicted, labels=classes, output_dict=True,
                                   zero_division=0)
    per_class = {label: {k: float(v) for k, v in report[label].items()} for label in classes}

    k = max(1, min(knn_k, len(train_y)))
    knn = KNeighborsClassifier(n_neighbors=k, metric="cosine")
    knn.fit(x_train, train_y)
    knn_accuracy = accuracy_score(test_y, knn.predict(x_test))

    # Silhouette is defined for 2 <= classes present <= samples - 1.
    present = len(set(test_y.tolist()))
    silhouette = (float(silhouette_score(x_test, test_y, metric="cosine"))
                  if 2 <= present <= len(test_y) - 1 else float("nan"))

    kept: dict[str, float] = {}
    if baseline_test_vectors is not None:

        reference = as_matrix(baseline_test_vectors, len(test_y), "baseline test embeddings")
        kept = meaning_kept(reference, x_test, test_y.tolist(), seed=seed)
    return Evaluation(
        accuracy=float(accuracy_score(test_y, predicted)),
        log_loss=float(log_loss(test_y, probabilities, labels=probe_classes)),
        f1_macro=float(f1),
        precision_macro=float(precision),
        recall_macro=float(recall),
        knn_accuracy=float(knn_accuracy),
        silhouette=silhouette,
        per_class=per_class,
        confusion_matrix=confusion_matrix(test_y, predicted, labels=classes).tolist(),
        classes=classes,
        calibration=calibration(probabilities, test_y, probe_classes),
        knn_k=k,
        train_size=len(train_y),
        test_size=len(test_y),
        **kept,
    )
