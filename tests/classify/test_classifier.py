"""The classification head: the report's probe as arrays, numpy prediction, checked files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from embedlab._calibration import calibration
from embedlab._classifier import UNCERTAIN, WEIGHTS_NAME, ClassificationHead, fit_head, read_head
from embedlab._errors import ConfigurationError, DatasetError, ModelNotFoundError
from embedlab._evaluation import make_probe, probe_features


def _data(classes: int, rows: int = 120, dim: int = 12) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(classes)
    labels = [f"c{i % classes}" for i in range(rows)]
    x = rng.normal(size=(rows, dim))
    x[np.arange(rows), np.arange(rows) % classes] += 3.0
    return x, labels


@pytest.mark.parametrize("classes", [2, 4])
def test_head_gives_scikit_learns_probabilities(classes: int) -> None:
    x, labels = _data(classes)
    head = fit_head(x[:100], labels[:100], seed=3)
    probe = make_probe(3).fit(probe_features(x[:100], 100, "train"), labels[:100])
    expected = probe.predict_proba(probe_features(x[100:], 20, "test"))
    assert list(head.classes) == list(probe.classes_)
    np.testing.assert_allclose(head.predict_proba(x[100:]), expected, atol=1e-12)


def test_predictions_list_top_k_and_mark_uncertain_answers() -> None:
    x, labels = _data(4)
    head = fit_head(x, labels)
    texts = [f"t{i}" for i in range(6)]
    predictions = head.predict(x[:6], texts, top_k=2)
    for p, text in zip(predictions, texts, strict=True):
        assert p.text == text and len(p.alternatives) == 2
        assert p.label == p.alternatives[0][0] and p.probability == p.alternatives[0][1]
        assert p.alternatives[0][1] >= p.alternatives[1][1]
        assert set(p.to_record()) == {"text", "label", "probability", "alternatives"}
    unsure = head.predict(x[:6], texts, top_k=9, threshold=1.0)
    assert all(p.uncertain and p.label == UNCERTAIN for p in unsure)
    assert all(len(p.alternatives) == 4 for p in unsure)  # at most every class
    assert head.predict(np.zeros((0, 12)), [], top_k=1) == []


def test_head_refuses_vectors_of_another_dimension() -> None:
    x, labels = _data(3)
    with pytest.raises(ConfigurationError, match="12-dimensional"):
        fit_head(x, labels).predict_proba(np.ones((2, 5)))


def test_one_class_is_not_enough() -> None:
    with pytest.raises(DatasetError, match="two classes"):
        fit_head(np.eye(3), ["a", "a", "a"])


def _saved(tmp_path: Path) -> tuple[ClassificationHead, dict]:
    x, labels = _data(3)
    head = fit_head(x, labels, input_type="classification")
    head.write(tmp_path)
    return head, json.loads(json.dumps(head.card()))


def test_saved_head_reads_back_identical(tmp_path: Path) -> None:
    head, entry = _saved(tmp_path)
    again = read_head(tmp_path, entry)
    assert again.classes == head.classes and again.input_type == "classification"
    np.testing.assert_array_equal(again.coef, head.coef)
    np.testing.assert_array_equal(again.intercept, head.intercept)


@pytest.mark.parametrize("damage, message", [
    ("truncate", "cannot read the classification head"),
    ("delete", "weights are missing"),
    ("classes", "does not match the card's sha256"),
    ("format", "format"),
    ("shape", "coef has shape"),
    ("outside", "outside the model directory"),
])
def test_damaged_head_is_refused_with_the_way_out(tmp_path: Path, damage: str,
                                                  message: str) -> None:
    _, entry = _saved(tmp_path)
    weights = tmp_path / WEIGHTS_NAME
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:40])
    elif damage == "delete":
        weights.unlink()
    elif damage == "classes":
        entry["classes"] = list(reversed(entry["classes"]))
    elif damage == "format":
        entry["format"] = "something/9"
    elif damage == "shape":
        entry["classes"] = [*entry["classes"], "extra"]
    elif damage == "outside":
        entry["weights"] = "../elsewhere.safetensors"
    with pytest.raises(ModelNotFoundError, match=message) as info:
        read_head(tmp_path, entry)
    assert "embedlab finetune" in str(info.value)


def test_calibration_of_a_known_classifier() -> None:
    # Confidence 0.9 twice (one right), 0.6 twice (both right): |0.5-0.9|/2 + |1-0.6|/2 = 0.4
    p = np.array([[0.9, 0.1], [0.9, 0.1], [0.4, 0.6], [0.4, 0.6]])
    result = calibration(p, ["a", "b", "b", "b"], ["a", "b"], bins=10)
    assert result["ece"] == pytest.approx(0.4)
    counts = [(round(b["lower"], 6), b["count"]) for b in result["bins"] if b["count"]]
    assert counts == [(0.5, 2), (0.8, 2)]
    assert len(result["bins"]) == 10
    perfect = calibration(np.array([[1.0, 0.0], [0.0, 1.0]]), ["a", "b"], ["a", "b"])
    assert perfect["ece"] == pytest.approx(0.0)
