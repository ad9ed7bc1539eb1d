"""Parts of a finished comparison built by hand, for the exact tests of the leaderboard and
the run model: no training, no embedding, no ``compare()``.

Every part is the real class (``ModelRun``, ``ComparisonData``, ``Evaluation``,
``AdapterModel``, ``CountingEmbedder``); an evaluation's per-class report and confusion
matrix come from scikit-learn on given predictions, as :func:`embedlab._evaluation.evaluate`
makes them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from embedlab._compare.runs import ComparisonData, ModelRun
from embedlab._datasets.dataset import Dataset
from embedlab._evaluation import METRIC_NAMES, Evaluation
from embedlab._transport.usage import CountingEmbedder
from embedlab.adapter.head import Head
from embedlab.adapter.model import AdapterModel
from embedlab.testing import FakeEmbedder


class OtherEmbedder(FakeEmbedder):
    """A second provider's embedder (``other:<model>``)."""

    provider = "other"


def embedder(model: str, *, provider: str = "fake") -> CountingEmbedder:
    """A counted embedder named ``provider:model``."""
    inner = OtherEmbedder(model) if provider == "other" else FakeEmbedder(model)
    return CountingEmbedder(inner)


def custom_model(model_id: str) -> AdapterModel:
    """An adapter model called ``model_id`` (an identity head: nothing is trained)."""
    head = Head("linear", {"weight": np.eye(2, dtype=np.float32),
                           "bias": np.zeros(2, np.float32)})
    return AdapterModel(id=model_id, provider="fake", base_model="bow", head=head,
                        input_type=None, base_revision="1", base_dimension=2, metrics={},
                        training={})


def figures(*values: float) -> dict[str, float]:
    """The seven headline metrics in ``METRIC_NAMES`` order."""
    assert len(values) == len(METRIC_NAMES)
    return dict(zip(METRIC_NAMES, values, strict=True))


def scored(true: list[str], predicted: list[str], headline: dict[str, Any], *,
           classes: list[str] | None = None, kept: tuple[float, float] | None = None
           ) -> Evaluation:
    """An evaluation with the given headline figures whose per-class report and confusion
    matrix are scikit-learn's for ``predicted`` against ``true``."""
    from sklearn.metrics import classification_report, confusion_matrix

    labels = classes or sorted(set(true))
    report = classification_report(true, predicted, labels=labels, output_dict=True,
                                   zero_division=0)
    meaning: dict[str, Any] = {}
    if kept is not None:
        meaning = {"neighbours_kept": kept[0], "similarity_agreement": kept[1]}
    return Evaluation(**headline, per_class={c: dict(report[c]) for c in labels},
                      confusion_matrix=confusion_matrix(true, predicted, labels=labels).tolist(),
                      classes=labels, **meaning)


def vectors(rows: int, dimension: int, seed: int) -> dict[str, np.ndarray]:
    """``train`` (``rows + 1`` rows) and ``test`` (``rows``) vectors of one width."""
    rng = np.random.default_rng(seed)
    return {"train": rng.normal(size=(rows + 1, dimension)).astype(np.float32),
            "test": rng.normal(size=(rows, dimension)).astype(np.float32)}


def comparison(runs: list[ModelRun], primary: ModelRun, **fields: Any) -> ComparisonData:
    """A comparison of ``runs`` on a six-row dataset named ``tiny``."""
    data = Dataset([f"text {i}" for i in range(6)], ["a", "b"] * 3, name="tiny")
    return ComparisonData(dataset=data, train=data.subset([0, 1, 2, 3]),
                          test=data.subset([4, 5]), runs=runs, primary=primary, settings={},
                          **fields)
