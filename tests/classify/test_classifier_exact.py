"""The classification head to the letter: probabilities against scipy's softmax and
logistic function, ties and thresholds, the saved digest and card (saved models depend on
them), and every refusal's exact message. Written to kill mutmut's mutants of
``embedlab/_classifier.py`` (bench/mutants.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from embedlab._classifier import (
    FORMAT,
    UNCERTAIN,
    WEIGHTS_NAME,
    ClassificationHead,
    Prediction,
    fit_head,
    read_head,
)
from embedlab._errors import ConfigurationError, DatasetError, ModelNotFoundError
from scipy.special import expit, softmax

THREE = ClassificationHead(classes=("a", "b", "c"), coef=np.arange(6.0).reshape(3, 2),
                           intercept=np.array([0.5, -1.0, 0.0]))
TWO = ClassificationHead(classes=("no", "yes"), coef=np.array([[1.0, -2.0]]),
                         intercept=np.array([0.25]))
VECTORS = np.array([[3.0, 4.0], [0.0, -2.0], [0.0, 0.0], [1e-14, 0.0]])


def unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 1e-12)


def test_probabilities_are_softmax_and_logistic_of_the_unit_vectors() -> None:
    x = unit(VECTORS)
    x[3] = VECTORS[3] / 1e-12  # below the floor a row is divided by 1e-12, not its norm
    np.testing.assert_allclose(THREE.predict_proba(VECTORS),
                               softmax(x @ THREE.coef.T + THREE.intercept, axis=1), atol=1e-12)
    positive = expit(x @ TWO.coef[0] + TWO.intercept[0])
    np.testing.assert_allclose(TWO.predict_proba(VECTORS),
                               np.column_stack([1 - positive, positive]), atol=1e-12)
    assert THREE.predict_proba(np.zeros((0, 2))).shape == (0, 3)
    assert THREE.dimension == 2 and TWO.dimension == 2


def test_vectors_must_be_a_matrix_of_the_heads_dimension() -> None:
    with pytest.raises(ValueError, match=r"^expected a 2-D array of vectors, got shape \(2,\)$"):
        THREE.predict_proba(np.ones(2))
    with pytest.raises(ConfigurationError) as caught:
        THREE.predict_proba(np.ones((1, 3)))
    assert str(caught.value) == ("the classification head takes 2-dimensional embeddings, got "
                                 "3; classify with the model (and options) it was fitted on")


def test_predictions_rank_ties_in_class_order_and_threshold_is_inclusive() -> None:
    flat = ClassificationHead(classes=("x", "y", "z"), coef=np.zeros((3, 2)),
                              intercept=np.zeros(3))
    [tie] = flat.predict(np.ones((1, 2)), ["t"], top_k=2, threshold=1 / 3)
    assert tie == Prediction(text="t", label="x", probability=pytest.approx(1 / 3),
                             alternatives=[("x", pytest.approx(1 / 3)),
                                           ("y", pytest.approx(1 / 3))], uncertain=False)
    [sure] = THREE.predict(VECTORS[:1], ["s"], top_k=1)
    expected = softmax(unit(VECTORS[:1]) @ THREE.coef.T + THREE.intercept, axis=1)[0]
    assert (sure.label, sure.uncertain) == ("c", False)
    assert sure.probability == pytest.approx(expected[2], abs=1e-12)
    assert sure.alternatives == [("c", pytest.approx(expected[2], abs=1e-12))]
    [unsure] = THREE.predict(VECTORS[:1], ["s"], top_k=3, threshold=expected[2] + 1e-9)
    assert (unsure.label, unsure.uncertain) == (UNCERTAIN, True)
    assert [c for c, _ in unsure.alternatives] == ["c", "b", "a"]
    assert unsure.to_record() == {
        "text": "s", "label": UNCERTAIN, "probability": unsure.probability,
        "alternatives": [{"label": c, "probability": p} for c, p in unsure.alternatives]}


def test_predict_refuses_top_k_below_one_and_a_count_mismatch() -> None:
    with pytest.raises(ValueError, match=r"^top_k=0: ask for at least one class$"):
        THREE.predict(VECTORS, ["a"] * 4, top_k=0)
    with pytest.raises(ValueError, match=r"^4 vectors for 3 texts$"):
        THREE.predict(VECTORS, ["a"] * 3)
    assert len(THREE.predict(VECTORS, ["a"] * 4, top_k=1)[0].alternatives) == 1


def test_digest_and_card_are_stable_across_versions() -> None:
    # A saved model's card holds this digest: a change of the scheme would refuse every
    # model saved before it.
    assert THREE.digest() == "440926fe81a3b578a638ca7a040a91b140ff36ad1ed7688d58fcded2d37a71b6"
    assert TWO.digest() == "4134c6eaec004196b900eb7125fcffe8a9881220bc9492ffdc0e35f04427d4bd"
    head = ClassificationHead(classes=TWO.classes, coef=TWO.coef, intercept=TWO.intercept,
                              input_type="query", fitted_on={"rows": 7})
    assert head.card() == {"format": "embedlab-classifier/1", "weights": WEIGHTS_NAME,
                           "classes": ["no", "yes"], "dimension": 2, "input_type": "query",
                           "sha256": TWO.digest(), "fitted_on": {"rows": 7}}
    assert WEIGHTS_NAME == "classifier.safetensors" and FORMAT == "embedlab-classifier/1"


def test_written_weights_are_float64_safetensors_tagged_with_the_format(tmp_path: Path) -> None:
    from safetensors import safe_open

    head = ClassificationHead(classes=TWO.classes, coef=TWO.coef.astype(np.float32),
                              intercept=TWO.intercept.astype(np.float32))
    path = head.write(tmp_path)
    assert path == tmp_path / "classifier.safetensors"
    with safe_open(str(path), framework="numpy") as fh:
        assert fh.metadata() == {"format": "embedlab-classifier/1"}
        assert sorted(fh.keys()) == ["coef", "intercept"]
        assert fh.get_tensor("coef").dtype == np.float64
        np.testing.assert_array_equal(fh.get_tensor("intercept"), [0.25])


def test_fit_head_records_rows_input_type_and_what_it_was_fitted_on() -> None:
    x = np.array([[1.0, 0.1], [0.9, 0.0], [0.0, 1.0], [0.1, 0.8]])
    head = fit_head(x, [1, 1, 2, 2], input_type="classification",
                    fitted_on={"fingerprint": "abc"})
    assert head.classes == ("1", "2") and head.coef.dtype == np.float64
    assert head.input_type == "classification"
    assert dict(head.fitted_on) == {"rows": 4, "fingerprint": "abc"}
    assert dict(fit_head(x, ["p", "p", "q", "q"]).fitted_on) == {"rows": 4}
    with pytest.raises(DatasetError) as caught:
        fit_head(x, ["p"] * 4)
    assert str(caught.value) == ("a classifier needs examples of at least two classes; add "
                                 "rows with another label")


@pytest.mark.parametrize("classes, coef, intercept, problem", [
    (["a"], np.zeros((1, 2)), np.zeros(1), "needs at least two classes, has 1"),
    (["a", "a"], np.zeros((1, 2)), np.zeros(1), "classes must be distinct strings"),
    (["a", 1], np.zeros((1, 2)), np.zeros(1), "classes must be distinct strings"),
    (["a", "b"], np.zeros((2, 2)), np.zeros(1),
     "coef has shape (2, 2), expected (1, dimension) for 2 classes"),
    (["a", "b", "c"], np.zeros((3, 0)), np.zeros(3),
     "coef has shape (3, 0), expected (3, dimension) for 3 classes"),
    (["a", "b", "c"], np.zeros(3), np.zeros(3),
     "coef has shape (3,), expected (3, dimension) for 3 classes"),
    (["a", "b", "c"], np.zeros((3, 2)), np.zeros((3, 1)),
     "intercept has shape (3, 1), expected (3,)"),
    (["a", "b"], np.array([[0.0, np.inf]]), np.zeros(1), "the arrays hold NaN or infinite values"),
    (["a", "b"], np.zeros((1, 2)), np.array([np.nan]), "the arrays hold NaN or infinite values"),
])
def test_a_malformed_head_is_refused_saying_what_is_wrong(classes: list, coef: np.ndarray,
                                                          intercept: np.ndarray,
                                                          problem: str) -> None:
    with pytest.raises(ValueError) as caught:
        ClassificationHead(classes=tuple(classes), coef=coef, intercept=intercept)
    assert str(caught.value) == f"classification head: {problem}"


def _saved(tmp_path: Path) -> dict:
    head = ClassificationHead(classes=THREE.classes, coef=THREE.coef, intercept=THREE.intercept,
                              input_type="classification", fitted_on={"rows": 3})
    head.write(tmp_path)
    return json.loads(json.dumps(head.card()))


def _refusal(tmp_path: Path, entry: object) -> str:
    with pytest.raises(ModelNotFoundError) as caught:
        read_head(tmp_path, entry)
    way_out = ("; train the model again (`embedlab finetune`), or delete the \"classifier\" "
               f"entry of {tmp_path / 'embedlab.json'} to use the model without its head")
    message = str(caught.value)
    assert message.endswith(way_out)
    return message.removesuffix(way_out)


def test_read_head_gives_back_what_was_saved_with_defaults(tmp_path: Path) -> None:
    entry = _saved(tmp_path)
    head = read_head(tmp_path, entry)
    assert (head.classes, head.input_type, dict(head.fitted_on)) == (
        ("a", "b", "c"), "classification", {"rows": 3})
    np.testing.assert_array_equal(head.coef, THREE.coef)
    del entry["weights"]
    entry["input_type"], entry["fitted_on"] = "", ["not", "a", "mapping"]
    bare = read_head(tmp_path, entry)
    assert bare.input_type is None and dict(bare.fitted_on) == {}


@pytest.mark.parametrize("damage, message", [
    ("not-a-dict", "{dir}: the card's \"classifier\" entry is not an object"),
    ("format", "{dir}: the card's classifier has format 'other/2', expected "
               "'embedlab-classifier/1'"),
    ("classes-not-list", "{dir}: the card's classifier \"classes\" is not a list of labels"),
    ("classes-not-str", "{dir}: the card's classifier \"classes\" is not a list of labels"),
    ("outside", "{dir}: the card's classifier points outside the model directory"),
    ("missing", "{weights}: the classification head's weights are missing"),
    ("no-intercept", "{weights}: the classification head lacks intercept"),
    ("no-tensors", "{weights}: the classification head lacks coef, intercept"),
    ("shape", "{weights}: needs at least two classes, has 1"),
    ("digest", "{weights}: the classification head does not match the card's sha256 "
               "(changed or damaged since saving)"),
])
def test_read_head_refuses_each_damage_with_its_exact_message(tmp_path: Path, damage: str,
                                                              message: str) -> None:
    from safetensors.numpy import save_file

    entry: object = _saved(tmp_path)
    assert isinstance(entry, dict)
    weights = tmp_path / WEIGHTS_NAME
    if damage == "not-a-dict":
        entry = [entry]
    elif damage == "format":
        entry["format"] = "other/2"
    elif damage == "classes-not-list":
        entry["classes"] = "a,b,c"
    elif damage == "classes-not-str":
        entry["classes"] = ["a", "b", 3]
    elif damage == "outside":
        entry["weights"] = "../classifier.safetensors"
    elif damage == "missing":
        weights.unlink()
    elif damage == "no-intercept":
        save_file({"coef": THREE.coef}, str(weights))
    elif damage == "no-tensors":
        save_file({"other": THREE.coef}, str(weights))
    elif damage == "shape":
        entry["classes"] = ["a"]
    elif damage == "digest":
        entry["sha256"] = "0" * 64
    assert _refusal(tmp_path, entry) == message.format(dir=tmp_path, weights=weights)


def test_unreadable_weights_name_the_file_and_the_cause(tmp_path: Path) -> None:
    entry = _saved(tmp_path)
    weights = tmp_path / WEIGHTS_NAME
    weights.write_bytes(weights.read_bytes()[:40])
    assert _refusal(tmp_path, entry).startswith(
        f"{weights}: cannot read the classification head (")


def test_predict_lists_three_alternatives_by_default() -> None:
    four = ClassificationHead(classes=("a", "b", "c", "d"), coef=np.eye(4, 2),
                              intercept=np.zeros(4))
    [answer] = four.predict(np.array([[1.0, 0.2]]), ["t"])
    assert [c for c, _ in answer.alternatives] == ["a", "b", "c"]


def test_float32_arrays_and_one_dimension_are_taken_as_float64() -> None:
    single = ClassificationHead(classes=("a", "b"), coef=np.array([[2.0]]),
                                intercept=np.array([0.0]))
    np.testing.assert_allclose(single.predict_proba(np.array([[-3.0], [5.0]])),
                               [[1 - expit(-2.0), expit(-2.0)], [1 - expit(2.0), expit(2.0)]])
    as32 = ClassificationHead(classes=THREE.classes, coef=THREE.coef.astype(np.float32),
                              intercept=THREE.intercept.astype(np.float32))
    assert as32.digest() == THREE.digest()
    vectors = np.array([[0.3, 0.7], [1.1, -0.2]], dtype=np.float32)
    np.testing.assert_allclose(THREE.predict_proba(vectors),
                               softmax(unit(vectors.astype(np.float64)) @ THREE.coef.T
                                       + THREE.intercept, axis=1), rtol=0, atol=1e-15)


def test_written_intercept_is_float64_and_fit_head_names_its_input(tmp_path: Path) -> None:
    from safetensors import safe_open

    head = ClassificationHead(classes=TWO.classes, coef=TWO.coef,
                              intercept=TWO.intercept.astype(np.float32))
    with safe_open(str(head.write(tmp_path)), framework="numpy") as fh:
        assert fh.get_tensor("intercept").dtype == np.float64
    with pytest.raises(ValueError) as caught:
        fit_head(np.ones((3, 2)), ["a", "b"])
    assert str(caught.value) == ("classifier training embeddings: expected 2 rows of vectors, "
                                 "got shape (3, 2)")


def test_large_scores_neither_overflow_nor_underflow() -> None:
    """Each row is shifted by its own maximum: scores of ±1000 give scipy's softmax, not NaN."""
    steep = ClassificationHead(classes=("a", "b", "c"),
                               coef=np.array([[1000.0, 0.0], [0.0, 1000.0], [0.0, 0.0]]),
                               intercept=np.array([0.0, 0.0, -1500.0]))
    vectors = np.array([[1.0, 0.0], [-1.0, 0.0]])
    np.testing.assert_allclose(steep.predict_proba(vectors),
                               softmax(vectors @ steep.coef.T + steep.intercept, axis=1),
                               atol=1e-12)
