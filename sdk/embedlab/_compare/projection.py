"""Projecting embeddings to 2-D for the maps: UMAP by default, PCA or t-SNE on request.

Each model gets its own map, fitted on the held-out **test** points only: those are the
points the metrics describe, none of them was seen in finetuning, and fitting on fewer points
keeps the step quick. Every method is seeded, so the same run draws the same map. Vectors
are L2-normalised first and UMAP and t-SNE use cosine distance, matching the evaluation.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["PROJECTIONS", "REQUIRES", "project"]

#: Projection methods :func:`project` knows.
PROJECTIONS: tuple[str, ...] = ("umap", "pca", "tsne")
#: What a method needs beyond the core (checked before a run starts): the module it imports,
#: the distribution that ships it and the command that installs it.
REQUIRES: dict[str, tuple[str, str, str]] = {
    "umap": ("umap", "umap-learn", "pip install 'embedlab[report]'"),
}


def project(vectors: Any, method: str = "umap", *, seed: int = 42) -> np.ndarray:
    """Return a float32 ``(n, 2)`` array: ``vectors`` projected to 2-D with ``method``."""
    import numpy as np
    from sklearn.preprocessing import normalize

    method = method.lower()
    if method not in PROJECTIONS:
        raise ConfigurationError(
            f"unknown projection {method!r}; choose one of {', '.join(PROJECTIONS)}")
    array = np.asarray(vectors, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {array.shape}")
    n = array.shape[0]
    if n <= 1:
        return np.zeros((n, 2), dtype=np.float32)
    if n < 4:
        # Too few points for any neighbourhood method; PCA still gives a faithful picture.
        method = "pca"
    x = normalize(array)
    if method == "pca":
        out = _pca(x)
    elif method == "tsne":
        from sklearn.manifold import TSNE

        perplexity = float(min(30.0, max(1.0, (n - 1) / 3)))
        out = TSNE(n_components=2, metric="cosine", init="pca", perplexity=perplexity,
                   random_state=seed).fit_transform(x)
    else:
        out = _umap(x, seed)
    return np.ascontiguousarray(out, dtype=np.float32)


def _pca(x: np.ndarray) -> np.ndarray:
    import numpy as np
    from sklearn.decomposition import PCA

    components = min(2, x.shape[0], x.shape[1])
    out = PCA(n_components=components).fit_transform(x)
    if out.shape[1] < 2:  # one point or one dimension: pad so every map is (n, 2)
        out = np.hstack([out, np.zeros((out.shape[0], 2 - out.shape[1]))])
    return out


def _umap(x: np.ndarray, seed: int) -> np.ndarray:
    import umap

    n = x.shape[0]
    reducer = umap.UMAP(n_components=2, n_neighbors=max(2, min(15, n - 1)), metric="cosine",
                        random_state=seed, init="spectral" if n > 10 else "random",
                        n_jobs=1)
    with warnings.catch_warnings():
        # UMAP warns that a fixed random_state disables parallelism: that is the intent.
        warnings.filterwarnings("ignore", message=".*random_state.*", category=UserWarning)
        warnings.filterwarnings("ignore", message=".*n_jobs.*", category=UserWarning)
        return reducer.fit_transform(x)
