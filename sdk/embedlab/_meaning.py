"""How much of the baseline's meaning a custom model keeps, measured on the user's own rows.

A model trained to separate classes can stop being an embedding model: texts of one class
collapse onto one point and similarity no longer follows meaning, which is what search,
RAG and clustering rely on. Two figures say how much is kept, with no external data:

- ``neighbours_kept``: for each row, of its k nearest same-class rows under the baseline
  (k = min(10, class size - 1)), the share still among its k nearest same-class rows under
  the model; averaged over rows. 1.0: the order within each class is the baseline's.
- ``similarity_agreement``: Spearman correlation between the baseline's and the model's
  cosine similarities over pairs of rows (all pairs, or a seeded sample of them).

Low values mean a search with the model ranks texts of one class in an order that no longer
follows what they say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DEFAULT_KEEP", "MEANING_NAMES", "MEANING_SENTENCE", "PAIRS", "meaning_kept",
           "neighbours_kept", "similarity_agreement"]

#: The figures every evaluation of a custom model gains, in report order.
MEANING_NAMES: tuple[str, ...] = ("neighbours_kept", "similarity_agreement")
#: The least ``similarity_agreement`` (on the validation split) a custom model keeps unless
#: told otherwise (``FinetuneConfig.keep``); chosen by measurement (bench/keep.py).
DEFAULT_KEEP = 0.5
#: Pairs sampled for ``similarity_agreement`` when there are more than this many.
PAIRS = 20000
#: What a low value means, for the report page.
MEANING_SENTENCE = (
    "Neighbours kept and similarity agreement say how much of the baseline's sense of "
    "similarity the custom model keeps on your test rows (1.0: all of it); a low value means "
    "search, RAG or clustering with it ranks texts by their class rather than by what they "
    "say — train with a higher --keep if you will search with it.")


def _unit(vectors: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """Rows as float64, L2-normalised by scikit-learn (zero rows stay zero; no rows stay
    none, which scikit-learn refuses)."""
    import numpy as np
    from sklearn.preprocessing import normalize

    rows = np.asarray(vectors, dtype=np.float64)
    return normalize(rows) if len(rows) else rows


def neighbours_kept(baseline: np.ndarray, model: np.ndarray, labels: Sequence[str],
                    k_max: int = 10) -> float:
    """Mean share of each row's k nearest same-class rows under ``baseline`` that stay among
    its k nearest same-class rows under ``model`` (k = min(k_max, class size - 1)); NaN when
    no class has two rows."""
    import numpy as np

    base, mine = _unit(baseline), _unit(model)
    y = np.asarray([str(label) for label in labels])
    shares: list[float] = []
    for label in dict.fromkeys(y.tolist()):
        rows = np.flatnonzero(y == label)
        k = min(k_max, len(rows) - 1)
        if k < 1:
            continue
        nearest = []
        for vectors in (base[rows], mine[rows]):
            sims = vectors @ vectors.T
            np.fill_diagonal(sims, -np.inf)
            nearest.append(np.argsort(-sims, kind="stable")[:, :k])  # along each row
        for before, after in zip(*nearest, strict=True):
            shares.append(len(set(before.tolist()) & set(after.tolist())) / k)
    return float(np.mean(shares)) if shares else float("nan")


def similarity_agreement(baseline: np.ndarray, model: np.ndarray, *, seed: int = 42,
                         pairs: int = PAIRS) -> float:
    """Spearman correlation between the two models' cosine similarities over row pairs: all
    pairs when there are at most ``pairs``, else ``pairs`` distinct-row pairs drawn with
    ``seed``. NaN with fewer than three rows or when either side's similarities are constant."""
    import numpy as np
    from scipy.stats import spearmanr

    base, mine = _unit(baseline), _unit(model)
    n = len(base)
    if n < 3 or len(mine) != n:
        return float("nan")
    if n * (n - 1) // 2 <= pairs:
        left, right = np.triu_indices(n, k=1)
    else:
        rng = np.random.default_rng(seed)
        left = rng.integers(0, n, size=pairs)
        right = rng.integers(0, n - 1, size=pairs)
        right = right + (right >= left)  # never a row with itself
    a = np.einsum("ij,ij->i", base[left], base[right])
    b = np.einsum("ij,ij->i", mine[left], mine[right])
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def meaning_kept(baseline: np.ndarray, model: np.ndarray, labels: Sequence[str], *,
                 seed: int = 42) -> dict[str, float]:
    """Both figures, keyed as in :data:`MEANING_NAMES`."""
    return {"neighbours_kept": neighbours_kept(baseline, model, labels),
            "similarity_agreement": similarity_agreement(baseline, model, seed=seed)}
