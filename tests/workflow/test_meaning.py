"""What a custom model keeps of its baseline's meaning (issue 22): ``neighbours_kept`` and
``similarity_agreement`` against brute-force references, hand-made cases with a known
answer, the identity (1.0) and a shuffled model (chance)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from embedlab._evaluation import evaluate
from embedlab._meaning import meaning_kept, neighbours_kept, similarity_agreement
from scipy.stats import spearmanr


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _brute_neighbours_kept(base: np.ndarray, model: np.ndarray, labels: list[str]) -> float:
    """The issue's definition, row by row with plain loops."""
    b, m = _unit(base), _unit(model)
    shares = []
    for i, label in enumerate(labels):
        same = [j for j, other in enumerate(labels) if other == label and j != i]
        k = min(10, len(same))
        if k < 1:
            continue
        near_b = sorted(same, key=lambda j: -float(b[i] @ b[j]))[:k]
        near_m = sorted(same, key=lambda j: -float(m[i] @ m[j]))[:k]
        shares.append(len(set(near_b) & set(near_m)) / k)
    return float(np.mean(shares))


def test_a_hand_made_case_with_a_known_answer() -> None:
    """Twelve rows of one class at angles 0, 0.1, ..., 1.1 on a circle: each row's k =
    min(10, 12 - 1) = 10 nearest leave out its farthest classmate (row 0 for rows 6..11,
    row 11 for rows 0..5). Mirroring the circle keeps every neighbourhood (1.0). Moving row
    0 to angle 3.0 makes it everyone's farthest: rows 1..5 swap row 0 for row 11 (9 of 10
    kept) and row 0's own nearest become 2..11 instead of 1..10 (9 of 10): (6 * 0.9 + 6)/12."""
    def circle(angles: np.ndarray) -> np.ndarray:
        return np.c_[np.cos(angles), np.sin(angles)]

    angles = np.arange(12) * 0.1
    labels = ["a"] * 12
    base = circle(angles)
    assert neighbours_kept(base, circle(1.1 - angles), labels) == pytest.approx(1.0)
    moved = angles.copy()
    moved[0] = 3.0
    assert neighbours_kept(base, circle(moved), labels) == pytest.approx(0.95)
    assert _brute_neighbours_kept(base, circle(moved), labels) == pytest.approx(0.95)
    # Four rows a class: k = 3 takes every classmate, so no order within it can lose any.
    assert neighbours_kept(base[:4], base[[0, 2, 1, 3]], ["a"] * 4) == 1.0


def test_neighbours_kept_matches_brute_force_on_random_data() -> None:
    rng = np.random.default_rng(3)
    labels = [c for c, n in (("a", 15), ("b", 12), ("c", 5), ("d", 1)) for _ in range(n)]
    base = rng.normal(size=(len(labels), 8))
    model = base + rng.normal(scale=0.7, size=base.shape)
    got = neighbours_kept(base, model, labels)
    assert got == pytest.approx(_brute_neighbours_kept(base, model, labels))
    assert 0.2 < got < 1.0


def test_similarity_agreement_is_spearman_over_all_pairs_when_few() -> None:
    rng = np.random.default_rng(5)
    base = rng.normal(size=(30, 6))
    model = base + rng.normal(scale=0.5, size=base.shape)
    b, m = _unit(base), _unit(model)
    pairs = list(itertools.combinations(range(30), 2))
    expected = spearmanr([b[i] @ b[j] for i, j in pairs], [m[i] @ m[j] for i, j in pairs])
    assert similarity_agreement(base, model) == pytest.approx(expected.statistic)


def test_similarity_agreement_samples_pairs_with_its_seed() -> None:
    rng = np.random.default_rng(6)
    base = rng.normal(size=(400, 16))
    model = base + rng.normal(scale=0.8, size=base.shape)
    b, m = _unit(base), _unit(model)
    every = list(itertools.combinations(range(400), 2))  # 79,800 pairs > 20,000 sampled
    full = spearmanr([b[i] @ b[j] for i, j in every], [m[i] @ m[j] for i, j in every])
    sampled = similarity_agreement(base, model, seed=1)
    assert sampled == similarity_agreement(base, model, seed=1)
    assert sampled != similarity_agreement(base, model, seed=2)
    assert sampled == pytest.approx(full.statistic, abs=0.02)


def test_the_identity_keeps_everything_and_a_shuffled_model_keeps_chance() -> None:
    rng = np.random.default_rng(8)
    labels = [c for c in "abc" for _ in range(40)]
    base = rng.normal(size=(120, 32))
    assert meaning_kept(base, base.copy(), labels) == {"neighbours_kept": 1.0,
                                                       "similarity_agreement": 1.0}
    assert meaning_kept(base, 3.0 * base, labels)["similarity_agreement"] == pytest.approx(1.0)
    shuffled = base[rng.permutation(120)]
    kept = meaning_kept(base, shuffled, labels)
    # Chance: 10 of a row's 39 classmates, drawn at random, overlap 10/39 = 0.256 on average.
    assert kept["neighbours_kept"] == pytest.approx(10 / 39, abs=0.05)
    assert abs(kept["similarity_agreement"]) < 0.05


def test_undefined_cases_give_nan() -> None:
    assert math.isnan(neighbours_kept(np.eye(3), np.eye(3), ["a", "b", "c"]))
    assert math.isnan(similarity_agreement(np.eye(2), np.eye(2)))
    same = np.ones((5, 3))
    assert math.isnan(similarity_agreement(same, np.eye(5, 3)))


def test_an_evaluation_scores_kept_meaning_only_against_a_baseline() -> None:
    rng = np.random.default_rng(9)
    labels = [c for c in "ab" for _ in range(20)]
    centers = {"a": np.eye(8)[0] * 3, "b": np.eye(8)[1] * 3}
    train = np.array([centers[x] for x in labels]) + rng.normal(size=(40, 8))
    test = np.array([centers[x] for x in labels]) + rng.normal(size=(40, 8))
    model_test = test + rng.normal(scale=0.5, size=test.shape)
    plain = evaluate(train, labels, test, labels)
    assert plain.neighbours_kept is None and plain.similarity_agreement is None
    scored = evaluate(train, labels, model_test, labels, baseline_test_vectors=test)
    expected = meaning_kept(test, model_test, labels)
    assert scored.meaning() == pytest.approx(expected)
    assert scored.to_dict()["neighbours_kept"] == expected["neighbours_kept"]


def test_the_report_shows_what_the_custom_model_kept(fake_comparison: object,
                                                     tmp_path: Path) -> None:
    """report.json, the leaderboard, the page and the saved card hold the custom model's
    kept meaning, computed from the two models' test vectors; the baseline has none."""
    import json

    from embedlab import Comparison
    from embedlab._meaning import MEANING_SENTENCE

    assert isinstance(fake_comparison, Comparison)
    c = fake_comparison
    expected = meaning_kept(c.embeddings["baseline_test"], c.embeddings["custom_test"],
                            list(c.test.labels))
    out = c.save(tmp_path / "run")
    report = json.loads((out / "report.json").read_text("utf-8"))
    custom = report["metrics"]["custom"]
    for name, value in expected.items():
        assert custom[name] == pytest.approx(value)
        assert name not in report["metrics"]["baseline"]
    rows = {row["kind"]: row for row in report["leaderboard"]}
    assert rows["custom"]["similarity_agreement"] == pytest.approx(
        expected["similarity_agreement"])
    assert rows["baseline"]["similarity_agreement"] is None
    page = (out / "report.html").read_text("utf-8")
    assert "Similarity agreement with the baseline" in page
    assert MEANING_SENTENCE.split(";")[0].replace("'", "&#39;") in page
    card = json.loads((out / "model" / "embedlab.json").read_text("utf-8"))
    assert card["metrics"]["test_meaning_kept"]["neighbours_kept"] == pytest.approx(
        expected["neighbours_kept"])
