"""The kept meaning (``neighbours_kept``, ``similarity_agreement``, ``meaning_kept``) checked
exactly against independent references: scikit-learn's ``NearestNeighbors`` and a set overlap
written out row by row, ``scipy.stats.spearmanr`` on pair cosines computed with numpy, the
documented defaults (k = 10, seed 42, 20,000 pairs), ties, one class, tiny inputs and the
cases with no answer (NaN). Milliseconds each: the mutation tests of ``_meaning.py`` run them.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from embedlab._meaning import PAIRS, meaning_kept, neighbours_kept, similarity_agreement
from scipy.stats import spearmanr
from sklearn.neighbors import NearestNeighbors


def _cosines(x: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine similarity of each (left, right) row pair, in float64."""
    x = np.asarray(x, dtype=np.float64)
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    return np.array([float(x[i] @ x[j]) for i, j in zip(left, right, strict=True)])


def _kept_by_sklearn(base: np.ndarray, model: np.ndarray, labels: list[str],
                     k_max: int = 10) -> float:
    """The documented figure with scikit-learn's cosine neighbours inside each class (a row
    is not its own neighbour): the mean over rows of |before ∩ after| / k."""
    shares = []
    y = np.asarray(labels)
    for label in sorted(set(labels)):
        rows = np.flatnonzero(y == label)
        k = min(k_max, len(rows) - 1)
        if k < 1:
            continue
        found = [NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute")
                 .fit(x[rows]).kneighbors(return_distance=False) for x in (base, model)]
        shares += [len(set(b) & set(m)) / k for b, m in zip(*found, strict=True)]
    return float(np.mean(shares))


def _spearman_all_pairs(base: np.ndarray, model: np.ndarray) -> float:
    """Spearman's rho between the two models' cosines over every pair i < j."""
    n = len(base)
    left = np.array([i for i in range(n) for _ in range(i + 1, n)])
    right = np.array([j for i in range(n) for j in range(i + 1, n)])
    return float(spearmanr(_cosines(base, left, right), _cosines(model, left, right))[0])


def _spearman_sampled(base: np.ndarray, model: np.ndarray, seed: int, pairs: int) -> float:
    """The documented sample: ``pairs`` draws from numpy's ``default_rng(seed)``, first every
    left row uniform over the n rows, then every right row uniform over the n - 1 others
    (counted past the left row)."""
    n = len(base)
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size=pairs)
    drawn = rng.integers(0, n - 1, size=pairs)
    right = np.array([r if r < row else r + 1 for row, r in zip(left, drawn, strict=True)])
    assert not (left == right).any()
    return float(spearmanr(_cosines(base, left, right), _cosines(model, left, right))[0])


def _noisy(rows: int, dim: int, seed: int, scale: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(rows, dim))
    return base, base + rng.normal(scale=scale, size=base.shape)


@pytest.mark.parametrize("sizes", [(13, 4, 2), (2, 3, 1, 12), (1, 25), (11, 12)])
def test_neighbours_kept_is_scikit_learns_neighbour_overlap(sizes: tuple[int, ...]) -> None:
    """Classes of 13 (k = 10 of 12), 12 (k = 10 of 11), 11 (k = 10: every classmate), 2
    (k = 1), one row (left out) and 25, in several orders, a singleton class first."""
    labels = [f"c{i}" for i, n in enumerate(sizes) for _ in range(n)]
    base, model = _noisy(len(labels), 5, seed=sum(sizes))
    got = neighbours_kept(base, model, labels)
    assert got == pytest.approx(_kept_by_sklearn(base, model, labels), abs=1e-12)
    assert 0.3 < got < 1.0


def test_k_max_caps_each_rows_neighbours() -> None:
    base, model = _noisy(14, 4, seed=2)
    labels = ["a"] * 14
    for k_max in (1, 3, 12, 13, 20):
        assert neighbours_kept(base, model, labels, k_max=k_max) == pytest.approx(
            _kept_by_sklearn(base, model, labels, k_max=k_max), abs=1e-12), k_max
    assert neighbours_kept(base, model, labels, k_max=13) == 1.0  # every classmate


def test_a_hand_counted_overlap_with_k_one() -> None:
    """With ``k_max=1`` each row keeps its nearest classmate or not. Class a (rows 0, 1):
    each other's nearest under both, 1 and 1. Class b: under the baseline row 2's nearest is
    3, row 3's is 2, row 4's is 3; under the model rows 2 and 3 turn to row 4 and row 4 to
    row 2: 0, 0, 0. Row 5, alone in class c, is left out: 2/5. With the default k every
    classmate of these small classes is a neighbour: 1.0."""
    base = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [1, 1], [5, 5]], dtype=float)
    model = np.array([[1, 0], [1, 0.1], [0, 1], [1, 0], [0.5, 1], [5, 5]], dtype=float)
    labels = ["a", "a", "b", "b", "b", "c"]
    assert neighbours_kept(base, model, labels, k_max=1) == pytest.approx(2 / 5, abs=1e-12)
    assert neighbours_kept(base, model, labels) == 1.0


def test_labels_are_compared_as_text_and_by_class() -> None:
    """Each class is scored apart: three rows of three classes have no neighbours (NaN),
    one class of them has; ``1`` and ``"1"`` are one class."""
    three = np.array([[1, 0], [1, 0.1], [1, 0.3]], dtype=float)
    moved = np.array([[1, 0], [1, 0.3], [1, 0.1]], dtype=float)
    assert math.isnan(neighbours_kept(three, moved, [1, "2", 3], k_max=1))
    assert neighbours_kept(three, moved, [1, "1", 1], k_max=1) == pytest.approx(
        _kept_by_sklearn(three, moved, ["1"] * 3, k_max=1))
    assert neighbours_kept(three, moved, [1, "1", 1], k_max=1) == 0.0


def test_ties_go_to_the_earlier_row() -> None:
    """Twenty identical rows under the baseline: each row's nearest are the ten earliest
    other rows. The model ranks classmates by row number too (earlier nearer, on a curve
    of angles), so every neighbourhood is kept: 1.0. Ties broken any other way lose some."""
    base = np.ones((20, 3))
    angles = np.linspace(0, 1.5, 20) ** 3 / 3
    model = np.c_[np.cos(angles), np.sin(angles), np.zeros(20)]
    # The model's nearest ten for row 19 are rows 9..18; the baseline's are rows 0..9.
    expected = []
    for i in range(20):
        others = [j for j in range(20) if j != i]
        tied = others[:10]
        mine = sorted(others, key=lambda j: (abs(angles[j] - angles[i]), j))[:10]
        expected.append(len(set(tied) & set(mine)) / 10)
    assert neighbours_kept(base, model, ["a"] * 20) == pytest.approx(np.mean(expected))
    assert neighbours_kept(model, model, ["a"] * 20) == 1.0
    assert neighbours_kept(base, base.copy(), ["a"] * 20) == 1.0


def test_zero_rows_stay_zero_and_length_is_ignored() -> None:
    """A zero row is at cosine 0 from everyone (not NaN): with rows scaled by any positive
    factor the figures are the unscaled ones."""
    base, model = _noisy(28, 4, seed=4)
    labels = ["a"] * 14 + ["b"] * 14
    scaled = model * np.arange(1, 29)[:, None]
    assert neighbours_kept(base, scaled, labels) == pytest.approx(
        neighbours_kept(base, model, labels), abs=1e-12)
    zero = model.copy()
    zero[0] = 0
    assert neighbours_kept(base, zero, labels) == pytest.approx(
        _kept_by_zero_aware(base, zero, labels), abs=1e-12)


def _kept_by_zero_aware(base: np.ndarray, model: np.ndarray, labels: list[str]) -> float:
    """Row-by-row overlap with cosine 0 for a zero row, ties to the earlier row."""
    def cos(x: np.ndarray, i: int, j: int) -> float:
        norm = np.linalg.norm(x[i]) * np.linalg.norm(x[j])
        return float(x[i] @ x[j] / norm) if norm else 0.0
    shares = []
    for i, label in enumerate(labels):
        same = [j for j, other in enumerate(labels) if other == label and j != i]
        k = min(10, len(same))
        near = [set(sorted(same, key=lambda j: (-cos(x, i, j), j))[:k]) for x in (base, model)]
        shares.append(len(near[0] & near[1]) / k)
    return float(np.mean(shares))


def test_float32_vectors_are_measured_in_float64() -> None:
    """Cosines 1 - 5e-9 apart tie in float32 but not in float64: the figures are the float64
    ones (a model that reverses those rows' order keeps nothing of it)."""
    tilt = np.array([0, 1e-4, 2e-4, 3e-4, 4e-4])
    base = np.c_[np.ones(5), tilt].astype(np.float32)
    reversed_model = np.c_[np.ones(5), np.array([0, 4e-4, 1e-4, 3e-4, 2e-4])].astype(
        np.float32)
    got = similarity_agreement(base, reversed_model)
    assert got == pytest.approx(_spearman_all_pairs(base.astype(np.float64),
                                                    reversed_model.astype(np.float64)))
    assert not math.isnan(got)
    labels = ["a"] * 5
    assert neighbours_kept(base, reversed_model, labels, k_max=1) == pytest.approx(
        _kept_by_sklearn(base.astype(np.float64), reversed_model.astype(np.float64), labels,
                         k_max=1))


@pytest.mark.parametrize("rows", [3, 4, 30, 200])
def test_similarity_agreement_is_spearman_over_every_pair(rows: int) -> None:
    """Up to 200 rows (19,900 pairs, under the 20,000 cap) every pair is used."""
    base, model = _noisy(rows, 6, seed=rows, scale=0.8)
    assert similarity_agreement(base, model) == pytest.approx(
        _spearman_all_pairs(base, model), abs=1e-12)


def test_similarity_agreement_samples_the_documented_pairs() -> None:
    """201 rows (20,100 pairs): 20,000 pairs drawn with seed 42 by default, or the seed given."""
    assert PAIRS == 20000
    base, model = _noisy(201, 6, seed=11, scale=0.8)
    default = similarity_agreement(base, model)
    assert default == pytest.approx(_spearman_sampled(base, model, 42, 20000), abs=1e-12)
    assert default != pytest.approx(_spearman_all_pairs(base, model), abs=1e-9)
    assert similarity_agreement(base, model, seed=7) == pytest.approx(
        _spearman_sampled(base, model, 7, 20000), abs=1e-12)


def test_the_pair_cap_is_inclusive() -> None:
    """Five rows have ten pairs: with ``pairs=10`` all ten are used, with ``pairs=9`` nine
    are drawn (the seed's)."""
    base, model = _noisy(5, 3, seed=12, scale=1.0)
    assert similarity_agreement(base, model, pairs=10) == pytest.approx(
        _spearman_all_pairs(base, model), abs=1e-12)
    assert similarity_agreement(base, model, pairs=9, seed=3) == pytest.approx(
        _spearman_sampled(base, model, 3, 9), abs=1e-12)
    assert similarity_agreement(base, model, pairs=9, seed=3) != pytest.approx(
        _spearman_all_pairs(base, model), abs=1e-6)


def test_no_answer_is_nan_without_warnings() -> None:
    """Fewer than three rows, two sides of different lengths, either side's cosines all
    equal, or no class with two rows: NaN, and no numpy or scipy warning on the way (no
    mean of nothing, no correlation of a constant). Three rows are enough."""
    base, model = _noisy(4, 3, seed=13)
    same = np.tile([1.0, 2.0, 3.0], (4, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for n in (0, 1, 2):
            assert math.isnan(similarity_agreement(base[:n], model[:n])), n
        assert math.isnan(similarity_agreement(base, np.vstack([model, model[:1]])))
        assert math.isnan(similarity_agreement(np.vstack([base, base[:1]]), model))
        assert math.isnan(similarity_agreement(same, model))
        assert math.isnan(similarity_agreement(model, same))
        assert math.isnan(neighbours_kept(base, model, ["a", "b", "c", "d"]))
        assert math.isnan(neighbours_kept(base[:0], model[:0], []))
        assert similarity_agreement(base[:3], model[:3]) == pytest.approx(
            _spearman_all_pairs(base[:3], model[:3]))


def test_cosines_spanning_exactly_one_are_scored() -> None:
    """Two equal rows and one at right angles: cosines 1, 0, 0 (a range of exactly 1, not
    0) on either side still give Spearman's rho."""
    span = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    other = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])  # cosines 0.8, 0, 0.6
    assert similarity_agreement(span, other) == pytest.approx(
        _spearman_all_pairs(span, other), abs=1e-12)
    assert similarity_agreement(other, span) == pytest.approx(
        _spearman_all_pairs(other, span), abs=1e-12)
    # ranks 3, 1.5, 1.5 against 3, 1, 2: rho = 1.5 / sqrt(1.5 * 2)
    assert similarity_agreement(span, other) == pytest.approx(math.sqrt(3) / 2)


def test_meaning_kept_is_both_figures_with_their_defaults() -> None:
    """Both figures under their report names; the sample's seed is 42 unless given, and k
    is at most 10."""
    base, model = _noisy(201, 5, seed=14)
    labels = [c for c in "ab" for _ in range(100)] + ["c"]
    expected = {"neighbours_kept": _kept_by_sklearn(base, model, labels),
                "similarity_agreement": _spearman_sampled(base, model, 42, 20000)}
    got = meaning_kept(base, model, labels)
    assert list(got) == ["neighbours_kept", "similarity_agreement"]
    assert got == pytest.approx(expected, abs=1e-12)
    assert meaning_kept(base, model, labels, seed=5)["similarity_agreement"] == pytest.approx(
        _spearman_sampled(base, model, 5, 20000), abs=1e-12)
