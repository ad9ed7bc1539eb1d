"""Projection to 2-D: shape, determinism, and that separated classes stay separated."""

from __future__ import annotations

from pathlib import Path

import embedlab
import numpy as np
import pytest
from embedlab import ConfigurationError
from embedlab._compare.projection import PROJECTIONS, project
from sklearn.metrics import silhouette_score


def _clusters(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(3, 48)) * 4
    labels = np.repeat(np.arange(3), 20)
    return centers[labels] + rng.normal(size=(60, 48)), labels


@pytest.mark.parametrize("method", PROJECTIONS)
def test_each_method_keeps_separated_classes_apart(method: str) -> None:
    vectors, labels = _clusters()
    points = project(vectors, method, seed=3)
    assert points.shape == (60, 2)
    assert points.dtype == np.float32
    assert np.isfinite(points).all()
    assert silhouette_score(points, labels) > 0.5


@pytest.mark.parametrize("method", PROJECTIONS)
def test_same_seed_same_map(method: str) -> None:
    vectors, _ = _clusters(1)
    np.testing.assert_allclose(project(vectors, method, seed=5),
                               project(vectors, method, seed=5))


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5])
def test_tiny_inputs_still_give_n_by_2(n: int) -> None:
    vectors, _ = _clusters(2)
    points = project(vectors[:n], "umap", seed=1) if n < 4 else project(vectors[:n], "tsne")
    assert points.shape == (n, 2)
    assert np.isfinite(points).all()


def test_unknown_method_names_the_choices() -> None:
    with pytest.raises(ConfigurationError, match="umap, pca, tsne"):
        project(np.eye(4), "mds")


def test_one_dimensional_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="2-D"):
        project(np.ones(5), "pca")


def test_compare_draws_with_umap_by_default_and_the_same_run_gives_the_same_maps(
        fake_provider: str, tiny_csv: Path) -> None:
    """No ``projection`` given: UMAP end to end, and a second run draws identical maps."""
    def run() -> embedlab.Comparison:
        return embedlab.compare(tiny_csv, fake_provider, method="adapter", test_size=0.3,
                                max_steps=5, quiet=True, progress=False)

    first, second = run(), run()
    assert first.settings["projection"] == "umap"
    for a, b in zip(first.projections, second.projections, strict=True):
        np.testing.assert_array_equal(a.points, b.points)
    # really UMAP: PCA of the same custom test vectors gives another picture
    test_vectors = first.embeddings["custom_test"]
    assert not np.allclose(first.projections[1].points, project(test_vectors, "pca"), atol=0.1)
    np.testing.assert_array_equal(first.projections[1].points,
                                  project(test_vectors, "umap", seed=42))
