"""Issue 24 item 7: the saved classifier is calibrated by temperature scaling on the rows the
finetuner held out, and the report shows the expected calibration error before and after."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import embedlab
import numpy as np
from embedlab._classifier import fit_head
from embedlab._temperature import calibrate_head


def _ece(probabilities: np.ndarray, labels: list[str], classes: tuple[str, ...],
         bins: int = 10) -> float:
    """Expected calibration error computed here: equal-width bins (lower, upper] of the top
    probability, each weighted by its share of rows."""
    confidence = probabilities.max(axis=1)
    right = np.asarray(classes)[probabilities.argmax(axis=1)] == np.asarray(labels)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        rows = (confidence > low) & (confidence <= high)
        if rows.any():
            total += rows.mean() * abs(right[rows].mean() - confidence[rows].mean())
    return float(total)


def test_temperature_scaling_lowers_the_error_of_an_overconfident_head() -> None:
    """Like a finetuned encoder: the train rows it learned from sit in tight clusters, the
    rows it held out and the test rows do not, so a probe fitted on train is overconfident."""
    rng = np.random.default_rng(0)
    centers = np.eye(16)[:3]
    y_train, y_test = rng.integers(0, 3, 3000), rng.integers(0, 3, 600)
    labels = [f"c{i}" for i in y_train]
    test_labels = [f"c{i}" for i in y_test]
    rows = embedlab.Dataset([str(i) for i in range(len(labels))], labels)
    _, held, _ = embedlab.FinetuneConfig(seed=42).validation_split(rows)
    assert held is not None
    held_out = [int(t) for t in held.texts]
    x_train = centers[y_train] + rng.normal(0, 0.01, (3000, 16))
    x_train[held_out] = centers[y_train[held_out]] + rng.normal(0, 0.9, (len(held_out), 16))
    x_test = centers[y_test] + rng.normal(0, 0.9, (600, 16))

    head = fit_head(x_train, labels)
    before = head.predict_proba(x_test)
    accuracy = (np.asarray(head.classes)[before.argmax(axis=1)] == test_labels).mean()
    assert before.max(axis=1).mean() - accuracy > 0.05  # clearly overconfident

    scaled, info = calibrate_head(head, x_train, labels, validation_size=0.1, seed=42)
    after = scaled.predict_proba(x_test)
    assert info["rows"] == len(held_out) and info["temperature"] > 1.2  # softened
    assert (after.argmax(axis=1) == before.argmax(axis=1)).all()  # same predictions
    assert _ece(after, test_labels, head.classes) < _ece(before, test_labels, head.classes) - 0.02
    assert scaled.fitted_on["temperature"] == info["temperature"]


def test_the_report_shows_the_error_before_and_after(fake_provider: str,
                                                     tmp_path: Path) -> None:
    from .conftest import write_rows

    # 120 rows: 96 train, of which 10 are held out for the temperature.
    fake_comparison = embedlab.compare(
        write_rows(tmp_path / "data.csv", 40), fake_provider, method="adapter",
        projection="pca", max_steps=20, quiet=True, progress=False, audit=False)
    out = fake_comparison.save(tmp_path / "run")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    scaled = report["custom_model"]["classifier_calibration"]
    assert scaled["rows"] == 10
    classifier = fake_comparison.custom_model.classifier
    assert classifier is not None
    test_x = fake_comparison.embeddings["custom_test"]
    labels = list(fake_comparison.test.labels)
    assert scaled["ece_test_after"] == _ece(classifier.predict_proba(test_x), labels,
                                            classifier.classes)
    assert scaled["ece_test_before"] == report["metrics"]["custom"]["calibration"]["ece"]
    card = json.loads((out / "model" / "embedlab.json").read_text(encoding="utf-8"))
    assert card["classifier"]["fitted_on"]["temperature"] == scaled["temperature"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "The saved classifier is calibrated by temperature scaling" in page


def test_too_few_rows_leave_the_head_as_it_is() -> None:
    rng = np.random.default_rng(1)
    labels = ["a", "b"] * 15  # 30 rows: 3 would be held out
    vectors = rng.normal(size=(30, 4))
    head = fit_head(vectors, labels)
    same, info = calibrate_head(head, vectors, labels, validation_size=0.1, seed=42)
    assert same is head and info["rows"] == 0 and info["temperature"] == 1.0
