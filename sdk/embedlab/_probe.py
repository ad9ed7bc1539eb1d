"""The logistic-regression probe every score in embedlab uses (the report, the classifier a
custom model keeps, the label audit) and the features it reads: one module both
:mod:`embedlab._evaluation` and :mod:`embedlab._classifier` import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["as_matrix", "make_probe", "probe_features"]


def as_matrix(vectors: Any, n: int, what: str) -> np.ndarray:
    """``vectors`` as a float64 matrix of ``n`` finite rows; ValueError naming ``what``."""
    import numpy as np

    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] != n:
        raise ValueError(f"{what}: expected {n} rows of vectors, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{what}: embeddings contain NaN or infinite values")
    return array


def probe_features(vectors: Any, n: int, what: str) -> np.ndarray:
    """Checked, L2-normalised float64 rows: every model is probed in cosine geometry."""
    from sklearn.preprocessing import normalize

    return normalize(as_matrix(vectors, n, what))


def make_probe(seed: int = 42) -> Any:
    """The logistic-regression probe every score in embedlab uses (report and label audit)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000, random_state=seed)
