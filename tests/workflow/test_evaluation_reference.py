"""``evaluate`` number by number against scikit-learn run independently on the same
L2-normalised vectors, the edges of k and of the silhouette, a kept head, the kept meaning,
and each refusal's exact message. Written to kill mutmut's mutants of
``embedlab/_evaluation.py`` (bench/mutants.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from embedlab._calibration import calibration
from embedlab._classifier import fit_head
from embedlab._evaluation import (
    LOWER_IS_BETTER,
    METRIC_NAMES,
    Evaluation,
    evaluate,
    make_probe,
    probe_features,
)
from embedlab._meaning import meaning_kept
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    silhouette_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import normalize


def _overlapping(seed: int = 0) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Three classes that overlap, in unequal numbers, at a scale far from 1."""
    rng = np.random.default_rng(seed)
    centers = np.eye(3, 6) * 1.2
    def rows(counts: tuple[int, ...]) -> tuple[np.ndarray, list[str]]:
        x = np.vstack([c + rng.normal(size=(n, 6)) for c, n in zip(centers, counts, strict=True)])
        return x * 7.0, [f"k{i}" for i, n in enumerate(counts) for _ in range(n)]
    x_train, y_train = rows((30, 20, 25))
    x_test, y_test = rows((12, 9, 15))
    return x_train, y_train, x_test, y_test


def test_every_number_is_scikit_learns_on_unit_vectors() -> None:
    x_train, y_train, x_test, y_test = _overlapping()
    ev = evaluate(x_train, y_train, x_test, y_test, seed=3, knn_k=7)
    a, b = normalize(x_train), normalize(x_test)
    probe = LogisticRegression(max_iter=2000, random_state=3).fit(a, y_train)
    proba = probe.predict_proba(b)
    predicted = probe.classes_[proba.argmax(axis=1)]
    assert 0.5 < ev.accuracy < 1.0  # overlapping: every mistake counts
    assert ev.accuracy == pytest.approx(accuracy_score(y_test, predicted), abs=1e-12)
    assert ev.log_loss == pytest.approx(log_loss(y_test, proba), abs=1e-9)
    for name, score in (("f1_macro", f1_score), ("precision_macro", precision_score),
                        ("recall_macro", recall_score)):
        assert getattr(ev, name) == pytest.approx(
            score(y_test, predicted, average="macro", zero_division=0), abs=1e-12)
    knn = KNeighborsClassifier(n_neighbors=7, metric="cosine").fit(a, y_train)
    assert ev.knn_accuracy == pytest.approx(accuracy_score(y_test, knn.predict(b)), abs=1e-12)
    assert ev.silhouette == pytest.approx(silhouette_score(b, y_test, metric="cosine"),
                                          abs=1e-9)
    report = classification_report(y_test, predicted, output_dict=True, zero_division=0)
    assert ev.per_class == {k: pytest.approx(report[k]) for k in ("k0", "k1", "k2")}
    assert ev.confusion_matrix == confusion_matrix(y_test, predicted).tolist()
    assert ev.classes == ["k0", "k1", "k2"]
    assert ev.calibration == calibration(proba, np.asarray(y_test), ["k0", "k1", "k2"])
    assert (ev.knn_k, ev.train_size, ev.test_size) == (7, 75, 36)
    assert ev.neighbours_kept is None and ev.similarity_agreement is None
    assert ev.meaning() == {"neighbours_kept": None, "similarity_agreement": None}
    assert ev.headline() == {n: getattr(ev, n) for n in METRIC_NAMES}
    assert ev.to_dict()["per_class"] == ev.per_class and ev.to_dict()["knn_k"] == 7


def test_the_report_order_and_direction_of_the_metrics() -> None:
    assert METRIC_NAMES == ("accuracy", "log_loss", "f1_macro", "precision_macro",
                            "recall_macro", "knn_accuracy", "silhouette")
    assert frozenset({"log_loss"}) == LOWER_IS_BETTER
    assert list(Evaluation(*range(7)).headline()) == list(METRIC_NAMES)


def test_the_probe_is_seeded_logistic_regression_on_unit_rows() -> None:
    params = make_probe(11).get_params()
    assert (params["max_iter"], params["random_state"]) == (2000, 11)
    assert make_probe().get_params()["random_state"] == 42
    np.testing.assert_allclose(probe_features([[3, 4], [0, -2]], 2, "x"),
                               [[0.6, 0.8], [0.0, -1.0]], atol=1e-15)


def test_k_is_clamped_to_one_and_to_the_train_size() -> None:
    x_train, y_train, x_test, y_test = _overlapping(1)
    a, b = normalize(x_train), normalize(x_test)
    for asked, used in ((0, 1), (-3, 1), (1, 1), (75, 75), (500, 75)):
        ev = evaluate(x_train, y_train, x_test, y_test, knn_k=asked)
        knn = KNeighborsClassifier(n_neighbors=used, metric="cosine").fit(a, y_train)
        assert ev.knn_k == used
        assert ev.knn_accuracy == pytest.approx(accuracy_score(y_test, knn.predict(b)))


def test_silhouette_needs_two_classes_and_one_shared_sample() -> None:
    x_train, y_train, _, _ = _overlapping(2)
    x_test = normalize(np.array([[1.0, 0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0, 0],
                                 [0.9, 0.1, 0, 0, 0, 0]]))
    all_apart = evaluate(x_train, y_train, x_test, ["k0", "k1", "k2"])
    assert math.isnan(all_apart.silhouette)  # as many classes as samples
    shared = evaluate(x_train, y_train, x_test, ["k0", "k1", "k0"])
    assert shared.silhouette == pytest.approx(
        silhouette_score(x_test, ["k0", "k1", "k0"], metric="cosine"))


def test_a_kept_head_is_scored_instead_of_a_new_probe() -> None:
    x_train, y_train, x_test, y_test = _overlapping(3)
    # A head fitted on other rows than the train split: its answers differ from a new probe's.
    head = fit_head(x_test, y_test, seed=5)
    ev = evaluate(x_train, y_train, x_test, y_test, head=head)
    proba = head.predict_proba(x_test)
    predicted = np.asarray(head.classes)[proba.argmax(axis=1)]
    assert ev.accuracy == pytest.approx(accuracy_score(y_test, predicted))
    assert ev.log_loss == pytest.approx(log_loss(y_test, proba, labels=list(head.classes)))
    assert ev.accuracy != evaluate(x_train, y_train, x_test, y_test).accuracy
    other = fit_head(x_train, [f"z{y}" for y in y_train])
    with pytest.raises(ValueError) as caught:
        evaluate(x_train, y_train, x_test, y_test, head=other)
    assert str(caught.value) == ("the classification head was fitted on other classes than "
                                 "the train split's")


def test_the_kept_meaning_is_measured_against_the_baseline_rows() -> None:
    x_train, y_train, x_test, y_test = _overlapping(4)
    baseline = np.random.default_rng(9).normal(size=x_test.shape)
    ev = evaluate(x_train, y_train, x_test, y_test, seed=6, baseline_test_vectors=baseline)
    expected = meaning_kept(baseline, normalize(x_test), y_test, seed=6)
    assert ev.meaning() == pytest.approx(expected)
    assert ev.neighbours_kept == pytest.approx(expected["neighbours_kept"])
    with pytest.raises(ValueError) as caught:
        evaluate(x_train, y_train, x_test, y_test, baseline_test_vectors=baseline[:-1])
    assert str(caught.value) == ("baseline test embeddings: expected 36 rows of vectors, got "
                                 "shape (35, 6)")


@pytest.mark.parametrize("change, message", [
    ("train-rows", "train embeddings: expected 75 rows of vectors, got shape (74, 6)"),
    ("test-1d", "test embeddings: expected 36 rows of vectors, got shape (36,)"),
    ("test-inf", "test embeddings: embeddings contain NaN or infinite values"),
    ("train-nan", "train embeddings: embeddings contain NaN or infinite values"),
    ("one-class", "evaluation needs at least two classes in the train split"),
    ("unseen", "test labels ['k7', 'k9'] do not occur in the train split"),
])
def test_bad_input_is_refused_with_the_exact_message(change: str, message: str) -> None:
    x_train, y_train, x_test, y_test = _overlapping(5)
    if change == "train-rows":
        x_train = x_train[:-1]
    elif change == "test-1d":
        x_test = x_test[:, 0]
    elif change == "test-inf":
        x_test[3, 2] = np.inf
    elif change == "train-nan":
        x_train[0, 0] = np.nan
    elif change == "one-class":
        y_train = ["k0"] * len(y_train)
        y_test = ["k0"] * len(y_test)
    elif change == "unseen":
        y_test = [*y_test[:-2], "k9", "k7"]
    with pytest.raises(ValueError) as caught:
        evaluate(x_train, y_train, x_test, y_test)
    assert str(caught.value) == message


def test_the_defaults_are_k_five_and_seed_42() -> None:
    """The documented defaults: k = 5 neighbours, and seed 42 for the kept meaning's sample
    of row pairs (300 test rows: more pairs than it compares, so the seed matters)."""
    rng = np.random.default_rng(8)
    x_train, y_train = rng.normal(size=(40, 6)), [f"k{i % 3}" for i in range(40)]
    x_test, y_test = rng.normal(size=(300, 6)), [f"k{i % 3}" for i in range(300)]
    baseline = rng.normal(size=(300, 6))
    ev = evaluate(x_train, y_train, x_test, y_test, baseline_test_vectors=baseline)
    assert ev.knn_k == 5
    expected = meaning_kept(baseline, normalize(x_test), y_test, seed=42)
    assert expected != meaning_kept(baseline, normalize(x_test), y_test, seed=43)
    assert ev.meaning() == pytest.approx(expected)


def test_macro_scores_and_the_matrix_cover_every_train_class() -> None:
    """A train class absent from the test rows and never predicted still counts, as 0, in
    the macro averages and has its row and column in the confusion matrix."""
    directions = {"a": [1.0, 0, 0, 0], "b": [0, 1.0, 0, 0], "c": [0, 0, 1.0, 0],
                  "d": [0, 0, 0, 1.0]}
    rng = np.random.default_rng(2)
    y_train = [k for k in directions for _ in range(10)]
    x_train = np.array([directions[k] for k in y_train]) + 0.05 * rng.normal(size=(40, 4))
    y_test = ["a"] * 5 + ["b"] * 3  # the b rows sit where c is: predicted c
    x_test = np.array([directions["a"]] * 5 + [directions["c"]] * 3) \
        + 0.05 * rng.normal(size=(8, 4))
    ev = evaluate(x_train, y_train, x_test, y_test)
    predicted = ["a"] * 5 + ["c"] * 3
    labels = ["a", "b", "c", "d"]
    for name, score in (("f1_macro", f1_score), ("precision_macro", precision_score),
                        ("recall_macro", recall_score)):
        assert getattr(ev, name) == pytest.approx(
            score(y_test, predicted, labels=labels, average="macro", zero_division=0))
    assert ev.precision_macro == pytest.approx(0.25) and ev.recall_macro == pytest.approx(0.25)
    assert ev.confusion_matrix == [[5, 0, 0, 0], [0, 0, 3, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    assert ev.per_class["d"] == {"precision": 0.0, "recall": 0.0, "f1-score": 0.0,
                                 "support": 0.0}


def test_the_kept_meaning_uses_the_seed_given() -> None:
    rng = np.random.default_rng(12)
    x_train, y_train = rng.normal(size=(30, 6)), [f"k{i % 3}" for i in range(30)]
    x_test, y_test = rng.normal(size=(300, 6)), [f"k{i % 3}" for i in range(300)]
    baseline = rng.normal(size=(300, 6))
    ev = evaluate(x_train, y_train, x_test, y_test, seed=6, baseline_test_vectors=baseline)
    expected = meaning_kept(baseline, normalize(x_test), y_test, seed=6)
    assert expected != meaning_kept(baseline, normalize(x_test), y_test, seed=42)
    assert ev.meaning() == pytest.approx(expected)


def test_float32_vectors_are_scored_as_float64() -> None:
    x_train, y_train, x_test, y_test = _overlapping(6)
    x_train, x_test = x_train.astype(np.float32), x_test.astype(np.float32)
    baseline = np.random.default_rng(1).normal(size=x_test.shape).astype(np.float32)
    single = evaluate(x_train, y_train, x_test, y_test, baseline_test_vectors=baseline)
    double = evaluate(x_train.astype(np.float64), y_train, x_test.astype(np.float64), y_test,
                      baseline_test_vectors=baseline.astype(np.float64))
    assert single.to_dict() == double.to_dict()
