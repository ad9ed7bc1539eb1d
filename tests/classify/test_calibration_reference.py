"""Reliability bins and ECE against a reference written here from the definition.

Bin i of ``bins`` holds the rows whose top probability lies in (i/bins, (i+1)/bins] (0 goes to
the first bin); per bin: count, mean confidence, accuracy; ECE = sum(count/n * |acc - conf|).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from embedlab._calibration import DEFAULT_BINS, calibration


def _reference(p: np.ndarray, labels: list[str], classes: list[str],
               bins: int) -> tuple[float, list[dict[str, object]]]:
    """The ECE and bin table by hand, one row at a time, in float64."""
    rows: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for probs, label in zip(p.astype(np.float64).tolist(), labels, strict=True):
        top = max(range(len(classes)), key=lambda j: (probs[j], -j))
        conf = probs[top]
        index = sum(conf > k / bins for k in range(1, bins))
        rows[index].append((conf, classes[top] == label))
    table: list[dict[str, object]] = []
    ece = 0.0
    for i, members in enumerate(rows):
        conf = math.fsum(c for c, _ in members) / len(members) if members else None
        acc = sum(ok for _, ok in members) / len(members) if members else None
        if members:
            assert conf is not None and acc is not None
            ece += len(members) / len(labels) * abs(acc - conf)
        table.append({"lower": i / bins, "upper": (i + 1) / bins, "count": len(members),
                      "confidence": conf, "accuracy": acc})
    return ece, table


def _assert_matches(result: dict[str, object], ece: float,
                    table: list[dict[str, object]]) -> None:
    assert result["ece"] == pytest.approx(ece, rel=1e-12, abs=1e-15)
    got = result["bins"]
    assert isinstance(got, list) and len(got) == len(table)
    for mine, theirs in zip(got, table, strict=True):
        assert sorted(mine) == ["accuracy", "confidence", "count", "lower", "upper"]
        assert mine["count"] == theirs["count"]
        assert mine["lower"] == pytest.approx(theirs["lower"], abs=1e-15)
        assert mine["upper"] == pytest.approx(theirs["upper"], abs=1e-15)
        for key in ("confidence", "accuracy"):
            if theirs[key] is None:
                assert mine[key] is None
            else:
                assert mine[key] == pytest.approx(theirs[key], rel=1e-12)


def _random_case(rows: int, classes: int, seed: int) -> tuple[np.ndarray, list[str], list[str]]:
    rng = np.random.default_rng(seed)
    names = [f"c{j}" for j in range(classes)]
    p = rng.dirichlet(np.full(classes, 0.6), size=rows)
    truth = [names[j] for j in rng.integers(0, classes, size=rows)]
    # Mostly right where confident, so the accuracies are not all near 1/classes.
    for r in range(rows):
        if rng.uniform() < p[r].max():
            truth[r] = names[int(p[r].argmax())]
    return p, truth, names


@pytest.mark.parametrize(("rows", "classes", "bins", "seed"),
                         [(400, 3, DEFAULT_BINS, 1), (250, 5, 7, 2), (90, 2, 1, 3)])
def test_ece_and_bins_match_the_definition(rows: int, classes: int, bins: int,
                                           seed: int) -> None:
    p, labels, names = _random_case(rows, classes, seed)
    ece, table = _reference(p, labels, names, bins)
    _assert_matches(calibration(p, labels, names, bins=bins), ece, table)


def test_the_default_is_ten_bins_from_zero_to_one() -> None:
    p, labels, names = _random_case(200, 4, 4)
    result = calibration(p, labels, names)
    assert DEFAULT_BINS == 10
    assert [b["lower"] for b in result["bins"]] == pytest.approx([i / 10 for i in range(10)],
                                                                abs=1e-15)
    assert [b["upper"] for b in result["bins"]] == pytest.approx(
        [(i + 1) / 10 for i in range(10)], abs=1e-15)
    _assert_matches(result, *_reference(p, labels, names, 10))


def test_one_bin_is_the_gap_between_mean_confidence_and_accuracy() -> None:
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    result = calibration(p, ["a", "a", "b", "b"], ["a", "b"], bins=1)
    # confidences 0.9 0.8 0.6 0.7 (mean 0.75); right on rows 1 and 4 (accuracy 0.5).
    assert result["ece"] == pytest.approx(0.25, rel=1e-12)
    assert result["bins"] == [{"lower": 0.0, "upper": 1.0, "count": 4,
                               "confidence": pytest.approx(0.75, rel=1e-12),
                               "accuracy": 0.5}]


def test_a_confidence_on_an_edge_belongs_to_the_bin_below_and_zero_to_the_first() -> None:
    # bins=4: edges 0, .25, .5, .75, 1 are exact in binary, so "on the edge" is exact.
    p = np.array([[0.0, 0.0], [0.25, 0.25], [0.5, 0.5], [0.75, 0.25], [1.0, 0.0],
                  [0.2, 0.2]])
    labels = ["a", "b", "a", "a", "b", "a"]
    result = calibration(p, labels, ["a", "b"], bins=4)
    assert [b["count"] for b in result["bins"]] == [3, 1, 1, 1]
    assert result["bins"][0]["confidence"] == pytest.approx(0.45 / 3, rel=1e-12)
    # Ties go to the first class: rows 1, 2 and 6 predict "a", right on rows 1 and 6.
    assert result["bins"][0]["accuracy"] == pytest.approx(2 / 3, rel=1e-12)
    assert [b["accuracy"] for b in result["bins"][1:]] == [1.0, 1.0, 0.0]
    expected = (3 * abs(2 / 3 - 0.15) + abs(1 - 0.5) + abs(1 - 0.75) + abs(0 - 1.0)) / 6
    assert result["ece"] == pytest.approx(expected, rel=1e-12)
    _assert_matches(result, *_reference(p, labels, ["a", "b"], 4))


@pytest.mark.parametrize(("label", "ece"), [("a", 1.0), ("b", 0.0)])
def test_an_all_zero_row_has_confidence_zero_in_the_first_bin(label: str, ece: float) -> None:
    result = calibration(np.zeros((1, 2)), [label], ["a", "b"], bins=5)
    assert result["bins"][0] == {"lower": 0.0, "upper": 0.2, "count": 1, "confidence": 0.0,
                                 "accuracy": ece}
    assert result["ece"] == ece


def test_low_confidence_rows_stay_in_the_first_bin() -> None:
    # Five classes, uniform: confidence 0.2 in (0, 0.25].
    result = calibration(np.full((2, 5), 0.2), ["c0", "c1"], [f"c{j}" for j in range(5)],
                         bins=4)
    assert [b["count"] for b in result["bins"]] == [2, 0, 0, 0]
    assert result["ece"] == pytest.approx(abs(0.5 - 0.2), rel=1e-12)


def test_a_confidence_a_rounding_error_above_one_counts_in_the_last_bin() -> None:
    top = 1.0 + 4 * np.finfo(np.float64).eps
    result = calibration(np.array([[top, 0.0], [0.95, 0.05]]), ["a", "b"], ["a", "b"])
    assert [b["count"] for b in result["bins"]] == [0] * 9 + [2]
    assert result["bins"][9]["confidence"] == pytest.approx((top + 0.95) / 2, rel=1e-15)
    assert result["bins"][9]["accuracy"] == 0.5


def test_empty_bins_have_no_averages() -> None:
    result = calibration(np.array([[0.95, 0.05]]), ["a"], ["a", "b"])
    for b in result["bins"][:9]:
        assert b["count"] == 0 and b["confidence"] is None and b["accuracy"] is None
    assert result["ece"] == pytest.approx(0.05, rel=1e-12)


def test_float32_probabilities_are_averaged_in_float64() -> None:
    # A torch softmax gives float32; the means are those of the float64 values.
    p, labels, names = _random_case(3000, 2, 5)
    p32 = p.astype(np.float32)
    result = calibration(p32, labels, names)
    _assert_matches(result, *_reference(p32.astype(np.float64), labels, names, 10))


def test_columns_follow_the_classes_order() -> None:
    p = np.array([[0.9, 0.1], [0.3, 0.7]])
    right = calibration(p, ["x", "y"], ["x", "y"])
    swapped = calibration(p, ["x", "y"], ["y", "x"])
    assert [b["accuracy"] for b in right["bins"] if b["count"]] == [1.0, 1.0]
    assert [b["accuracy"] for b in swapped["bins"] if b["count"]] == [0.0, 0.0]
    assert swapped["ece"] == pytest.approx(0.8, rel=1e-12)


def test_labels_are_compared_as_text() -> None:
    result = calibration(np.array([[0.85, 0.15]]), [1], ["1", "2"])
    assert result["bins"][8]["accuracy"] == 1.0


@pytest.mark.parametrize("classes", [["a", "b", "c"], []])
def test_no_rows_give_a_nan_ece_and_empty_bins(classes: list[str]) -> None:
    result = calibration(np.zeros((0, len(classes))), [], classes)
    assert math.isnan(result["ece"])
    assert [b["count"] for b in result["bins"]] == [0] * 10
    assert all(b["confidence"] is None and b["accuracy"] is None for b in result["bins"])


@pytest.mark.parametrize("p", [np.zeros((3, 2)), np.zeros((2, 3)), np.zeros(2),
                               np.zeros((2, 2, 1))])
def test_a_shape_that_does_not_fit_is_refused(p: np.ndarray) -> None:
    with pytest.raises(ValueError) as error:
        calibration(p, ["a", "b"], ["a", "b"])
    assert str(error.value) == (f"probabilities of shape {p.shape} for 2 labels and "
                                "2 classes")


@pytest.mark.parametrize("bins", [0, -3])
def test_fewer_than_one_bin_is_refused(bins: int) -> None:
    with pytest.raises(ValueError) as error:
        calibration(np.array([[0.6, 0.4]]), ["a"], ["a", "b"], bins=bins)
    assert str(error.value) == "calibration needs at least one bin"
