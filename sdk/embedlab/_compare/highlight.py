"""Following chosen texts through both maps: tags, automatic picks, nearest neighbours.

``compare(..., highlight=[...])`` marks each text on the baseline's and the custom model's
map with a short tag (``A``, ``B``, ...) and lists its nearest dataset rows under each
model, so a reader sees what finetuning changed for the examples they care about. With no
texts given, the test rows whose nearest-neighbour class changed most are picked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError
from .._visualizer import Marker
from .projection import project

if TYPE_CHECKING:
    import numpy as np

__all__ = ["AUTO_COUNT", "NEIGHBOURS", "auto_pick", "check_highlights", "follow", "nearest",
           "tag"]

#: How many test rows are picked when no texts are given.
AUTO_COUNT = 5
#: Neighbours listed for each highlighted text under each model.
NEIGHBOURS = 5
#: Neighbours (in train) whose classes score a test row for the automatic pick.
_PICK_K = 10


def tag(i: int) -> str:
    """The short label of the ``i``-th highlight: ``A`` … ``Z``, ``AA``, ``AB`` …"""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def check_highlights(highlight: Sequence[str] | None) -> list[str] | None:
    """The texts to highlight, de-duplicated in order; ``None`` means pick automatically."""
    if highlight is None:
        return None
    if isinstance(highlight, str):
        raise ConfigurationError("highlight takes a list of texts, not a str: pass [text]")
    texts = []
    for i, text in enumerate(highlight):
        if not isinstance(text, str) or not text.strip():
            raise ConfigurationError(f"highlight text {i + 1} is empty or not a string; give "
                                     "the texts to follow through the maps")
        texts.append(text)
    return list(dict.fromkeys(texts))


def _neighbour_indices(pool: Any, queries: Any, k: int) -> np.ndarray:
    """Indices of each query's ``k`` nearest pool rows by cosine distance, nearest first."""
    from sklearn.neighbors import NearestNeighbors

    index = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(pool)
    indices: np.ndarray = index.kneighbors(queries, return_distance=False)
    return indices


def auto_pick(train: dict[str, Any], test: dict[str, Any], train_labels: Sequence[str],
              test_labels: Sequence[str], *, count: int = AUTO_COUNT) -> list[int]:
    """Test rows whose neighbourhood changed most between the models, one per class first.

    ``train`` and ``test`` map ``"baseline"`` and ``"custom"`` to their vectors. A row's
    score is the share of its nearest train rows that carry its own class; the rows with the
    largest change of that share (either way) are returned, most changed first.
    """
    import numpy as np

    if count < 1 or not len(test_labels) or not len(train_labels):
        return []
    k = min(_PICK_K, len(train_labels))
    own = np.asarray([str(label) for label in test_labels])
    pool = np.asarray([str(label) for label in train_labels])
    share = {}
    for side in ("baseline", "custom"):
        near = _neighbour_indices(train[side], test[side], k)
        share[side] = (pool[near] == own[:, None]).mean(axis=1)
    change = np.abs(share["custom"] - share["baseline"])
    order = sorted(range(len(own)), key=lambda i: (-change[i], i))
    picked: list[int] = []
    seen: set[str] = set()
    for i in order:  # one row per class first, so the picks show several classes
        if len(picked) == count:
            break
        if own[i] not in seen:
            picked.append(i)
            seen.add(own[i])
    for i in order:
        if len(picked) == count:
            break
        if i not in picked:
            picked.append(i)
    return sorted(picked, key=lambda i: (-change[i], i))


def nearest(pool: Any, pool_texts: Sequence[str], pool_labels: Sequence[str],
            queries: Any, query_texts: Sequence[str], *,
            k: int = NEIGHBOURS) -> list[list[tuple[str, str, float]]]:
    """For each query, its ``k`` nearest pool rows ``(text, label, cosine similarity)``,
    leaving out rows with the query's own text."""
    import numpy as np
    from sklearn.preprocessing import normalize

    if not len(query_texts):
        return []
    counts = Counter(pool_texts)
    repeats = max(counts[q] for q in query_texts)  # query_texts is not empty
    wanted = min(len(pool_texts), k + repeats)
    if wanted < 1:  # before normalize, which refuses an empty pool
        return [[] for _ in query_texts]
    pool_x = normalize(np.asarray(pool, dtype=np.float64))
    query_x = normalize(np.asarray(queries, dtype=np.float64))
    near = _neighbour_indices(pool_x, query_x, wanted)
    out: list[list[tuple[str, str, float]]] = []
    for row, text in zip(near, query_texts, strict=True):
        found = [(str(pool_texts[j]), str(pool_labels[j]), float(pool_x[j] @ query_x[len(out)]))
                 for j in row if pool_texts[j] != text]
        out.append(found[:k])
    return out


def follow(texts: Sequence[str], vectors: Any, *, test_vectors: Any, test_texts: Sequence[str],
           pool_vectors: Any, pool_texts: Sequence[str], pool_labels: Sequence[str],
           label_of: Mapping[str, str], method: str, seed: int) -> tuple[np.ndarray, list[Marker]]:
    """One model's 2-D map of the test split, and a :class:`~embedlab.Marker` for
    each of ``texts`` (embedded as ``vectors``) on it.

    A text of the test split is marked on its own point; any other is projected with the
    test points, so it lands where the model puts it, and the map still shows the test split.
    """
    import numpy as np

    position = {text: i for i, text in reversed(list(enumerate(test_texts)))}
    outside = [i for i, text in enumerate(texts) if text not in position]
    test_x = np.asarray(test_vectors, dtype=np.float32)
    where: dict[int, np.ndarray] = {}  # where each text outside the test split lands
    if outside:
        extra = np.asarray(vectors, dtype=np.float32)[outside]
        joint = project(np.vstack([test_x, extra]), method, seed=seed)
        points = joint[:len(test_x)]
        where = dict(zip(outside, joint[len(test_x):], strict=True))
    else:
        points = project(test_x, method, seed=seed)
    neighbours = nearest(pool_vectors, pool_texts, pool_labels, vectors, texts)
    markers = []
    for i, text in enumerate(texts):
        x, y = where[i] if i in where else points[position[text]]
        markers.append(Marker(tag=tag(i), text=text, x=float(x), y=float(y),
                              label=label_of.get(text), neighbours=neighbours[i]))
    return points, markers
