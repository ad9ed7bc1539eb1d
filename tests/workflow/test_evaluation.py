"""Evaluation: hand-checkable cases, and the properties the metrics must have."""

from __future__ import annotations

import math

import numpy as np
import pytest
from embedlab._evaluation import METRIC_NAMES, evaluate


def _clusters(n_per_class: int, centers: np.ndarray, spread: float, seed: int
              ) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    vectors, labels = [], []
    for k, center in enumerate(centers):
        vectors.append(center + spread * rng.normal(size=(n_per_class, centers.shape[1])))
        labels += [f"class{k}"] * n_per_class
    return np.vstack(vectors), labels


def test_perfectly_separated_classes_score_perfectly() -> None:
    centers = np.eye(3, 16) * 10
    x_train, y_train = _clusters(20, centers, 0.05, seed=1)
    x_test, y_test = _clusters(10, centers, 0.05, seed=2)
    ev = evaluate(x_train, y_train, x_test, y_test)
    assert ev.accuracy == 1.0
    assert ev.f1_macro == ev.precision_macro == ev.recall_macro == 1.0
    assert ev.knn_accuracy == 1.0
    assert ev.silhouette > 0.95
    assert ev.log_loss < 0.5
    assert ev.confusion_matrix == [[10, 0, 0], [0, 10, 0], [0, 0, 10]]
    assert set(ev.per_class) == {"class0", "class1", "class2"}
    assert all(row["support"] == 10 for row in ev.per_class.values())


def test_labels_unrelated_to_vectors_score_near_chance() -> None:
    rng = np.random.default_rng(0)
    x_train, x_test = rng.normal(size=(300, 32)), rng.normal(size=(300, 32))
    y_train = list(rng.choice(["a", "b"], size=300))
    y_test = list(rng.choice(["a", "b"], size=300))
    ev = evaluate(x_train, y_train, x_test, y_test)
    assert 0.35 < ev.accuracy < 0.65
    assert 0.35 < ev.knn_accuracy < 0.65
    assert abs(ev.silhouette) < 0.05
    assert ev.log_loss > 0.6  # no better than guessing (ln 2 = 0.69)


def test_hand_checked_case_one_test_point_in_the_wrong_cluster() -> None:
    # Two classes on orthogonal axes; the 4th test point is labelled "b" but sits on "a".
    x_train = np.array([[1, 0], [1, 0.1], [1, -0.1], [0, 1], [0.1, 1], [-0.1, 1]])
    y_train = ["a", "a", "a", "b", "b", "b"]
    x_test = np.array([[1, 0.05], [0.05, 1], [0, 1], [1, 0]])
    y_test = ["a", "b", "b", "b"]
    ev = evaluate(x_train, y_train, x_test, y_test, knn_k=1)
    assert ev.accuracy == pytest.approx(0.75)
    assert ev.knn_accuracy == pytest.approx(0.75)
    # a: precision 1/2, recall 1; b: precision 1, recall 2/3.
    assert ev.precision_macro == pytest.approx(0.75)
    assert ev.recall_macro == pytest.approx((1 + 2 / 3) / 2)
    assert ev.per_class["a"]["precision"] == pytest.approx(0.5)
    assert ev.confusion_matrix == [[1, 0], [1, 2]]
    assert ev.knn_k == 1


def test_scale_of_the_vectors_does_not_matter() -> None:
    centers = np.eye(2, 8) * 3
    x_train, y_train = _clusters(15, centers, 1.0, seed=3)
    x_test, y_test = _clusters(15, centers, 1.0, seed=4)
    a = evaluate(x_train, y_train, x_test, y_test)
    b = evaluate(x_train * 100, y_train, x_test * 100, y_test)
    for name in METRIC_NAMES:
        assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-6)


def test_better_separated_embeddings_score_higher() -> None:
    centers = np.eye(3, 8) * 2
    tight_train, y_train = _clusters(30, centers, 0.3, seed=5)
    tight_test, y_test = _clusters(30, centers, 0.3, seed=6)
    loose_train, _ = _clusters(30, centers, 2.0, seed=5)
    loose_test, _ = _clusters(30, centers, 2.0, seed=6)
    tight = evaluate(tight_train, y_train, tight_test, y_test)
    loose = evaluate(loose_train, y_train, loose_test, y_test)
    assert tight.silhouette > loose.silhouette
    assert tight.accuracy >= loose.accuracy
    assert tight.log_loss < loose.log_loss


def test_headline_and_dict_are_json_ready() -> None:
    centers = np.eye(2, 4)
    x, y = _clusters(5, centers, 0.1, seed=7)
    ev = evaluate(x, y, x, y)
    assert list(ev.headline()) == list(METRIC_NAMES)
    assert all(isinstance(v, float) for v in ev.headline().values())
    assert ev.to_dict()["train_size"] == 10


def test_single_test_class_gives_nan_silhouette_not_an_error() -> None:
    centers = np.eye(2, 4)
    x, y = _clusters(5, centers, 0.1, seed=8)
    ev = evaluate(x, y, x[:3], y[:3])
    assert math.isnan(ev.silhouette)
    assert ev.accuracy == 1.0


@pytest.mark.parametrize(
    ("train", "labels", "message"),
    [
        (np.ones((3, 2)), ["a", "a", "a"], "at least two classes"),
        (np.ones((2, 2)), ["a", "b", "c"], "expected 3 rows"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), ["a", "b"], "NaN"),
    ],
)
def test_bad_input_is_a_clear_error(train: np.ndarray, labels: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        evaluate(train, labels, np.eye(2), ["a", "b"])


def test_test_label_missing_from_train_is_named() -> None:
    with pytest.raises(ValueError, match="'c'"):
        evaluate(np.eye(2), ["a", "b"], np.eye(2), ["a", "c"])
