"""``FinetuneConfig.keep`` for the adapter (issue 22): the head scaled back towards the
identity until it keeps ``keep`` of the base's similarities on the validation rows, the
choice recorded in the card; ``keep=0`` is the head as trained."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from embedlab import ConfigurationError, FinetuneConfig
from embedlab.adapter import AdapterFinetuner, choose_blend
from embedlab.adapter.head import Head, gelu, l2_normalize
from embedlab.testing import FakeEmbedder
from scipy.stats import spearmanr
from test_adapter_finetuner import combos, silhouette, topic_dataset

pytestmark = pytest.mark.usefixtures("fake_provider")


def _agreement(base: np.ndarray, model: np.ndarray) -> float:
    """Spearman over every pair of rows, with plain loops (the reference)."""
    b, m = l2_normalize(base), l2_normalize(model)
    pairs = list(itertools.combinations(range(len(b)), 2))
    return float(spearmanr([b[i] @ b[j] for i, j in pairs],
                           [m[i] @ m[j] for i, j in pairs]).statistic)


@pytest.mark.parametrize("kind", ["linear", "mlp"])
def test_a_scaled_head_moves_each_vector_that_share_of_the_way(kind: str) -> None:
    rng = np.random.default_rng(0)
    if kind == "linear":
        tensors = {"weight": rng.normal(size=(6, 6)), "bias": rng.normal(size=6)}
    else:
        tensors = {"up.weight": rng.normal(size=(4, 6)), "up.bias": rng.normal(size=4),
                   "down.weight": rng.normal(size=(6, 4)), "down.bias": rng.normal(size=6)}
    head = Head(kind, {k: v.astype(np.float32) for k, v in tensors.items()})
    x = l2_normalize(rng.normal(size=(5, 6)))
    t = {k: v.astype(np.float64) for k, v in tensors.items()}
    raw = (x @ t["weight"].T + t["bias"] if kind == "linear"
           else x + gelu(x @ t["up.weight"].T + t["up.bias"]) @ t["down.weight"].T
           + t["down.bias"])
    for scale in (0.0, 0.3, 1.0):
        expected = l2_normalize(x + scale * (raw - x))
        np.testing.assert_allclose(head.scaled(scale).apply(x), expected, atol=1e-5)
    np.testing.assert_allclose(head.scaled(0).apply(x), x, atol=1e-6)


def test_choose_blend_keeps_the_most_separating_admissible_blend() -> None:
    """Blend t moves class rows towards their class centre: separation grows with t and
    agreement falls; the pick is the largest t whose agreement is at least keep."""
    rng = np.random.default_rng(1)
    labels = [c for c in "abc" for _ in range(15)]
    base = rng.normal(size=(45, 8))
    centres = {c: rng.normal(size=8) * 3 for c in "abc"}
    target = np.array([centres[c] for c in labels])

    def blend(t: float) -> np.ndarray:
        return (1 - t) * base + t * target + 0.01 * base

    choice = choose_blend(blend, base, labels, 0.6)
    tried = {round(e["blend"], 1): e for e in choice.tried}
    admissible = [t for t, e in tried.items() if e["similarity_agreement"] >= 0.6]
    assert choice.blend == max(admissible) < 1.0
    assert choice.similarity_agreement == pytest.approx(_agreement(base, blend(choice.blend)))
    assert tried[choice.blend]["silhouette"] > tried[0.0]["silhouette"]
    only = choose_blend(blend, base, labels, 0.0)
    assert only.blend == 1.0 and [e["blend"] for e in only.tried] == [1.0]


def _towards_centres(seed: int) -> tuple[Any, np.ndarray, list[str]]:
    """``blend(t)``: rows moved share ``t`` of the way to their class centre (separation
    grows with t and agreement falls), with the baseline and labels."""
    rng = np.random.default_rng(seed)
    labels = [c for c in "abc" for _ in range(15)]
    base = rng.normal(size=(45, 8))
    centres = {c: rng.normal(size=8) * 3 for c in "abc"}
    target = np.array([centres[c] for c in labels])
    return (lambda t: (1 - t) * base + t * target + 0.01 * base), base, labels


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.6, 0.8, 0.95, 0.999])
def test_bisecting_a_monotone_blend_chooses_what_trying_every_blend_does(keep: float) -> None:
    """``monotone=True`` calls the blend for t = 1, at most four more grid points and t = 0
    (last, when no other is admissible), and picks the same t, with the same figures, as
    the full grid search."""
    blend, base, labels = _towards_centres(1)
    calls: list[float] = []

    def counted(t: float) -> np.ndarray:
        calls.append(t)
        return blend(t)

    every = choose_blend(blend, base, labels, keep)
    bisected = choose_blend(counted, base, labels, keep, monotone=True)
    assert [e["blend"] for e in every.tried] == [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2,
                                                  0.1, 0.0]
    assert bisected.blend == every.blend
    assert bisected.to_dict() | {"tried": None} == every.to_dict() | {"tried": None}
    assert calls[0] == 1.0 and len(calls) == len(set(calls))
    assert len([t for t in calls if t != 0]) <= 5 and 0.0 not in calls[:-1]
    assert [e["blend"] for e in bisected.tried] == calls
    assert all(e in every.tried for e in bisected.tried)


def test_keep_bounds_are_checked() -> None:
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ConfigurationError, match="keep"):
            FinetuneConfig(keep=bad)


def test_the_adapter_keeps_what_it_is_asked_to_on_validation_and_says_so(
        tmp_path: Path) -> None:
    train, validation = combos(0), topic_dataset([1, 3], [0, 2, 4], "validation")
    fake = FakeEmbedder()
    free = AdapterFinetuner(embedder=fake).finetune(
        train, validation, FinetuneConfig(keep=0, progress=False))
    kept = AdapterFinetuner(embedder=fake).finetune(
        train, validation, FinetuneConfig(keep=0.9, progress=False))
    assert free.metrics["keep"]["blend"] == 1.0
    chosen = kept.metrics["keep"]
    assert chosen["keep"] == 0.9 and chosen["chosen_on"] == "validation"
    assert 0 < chosen["blend"] < 1.0
    # The saved head is the trained head scaled by the recorded blend.
    np.testing.assert_allclose(kept.head.tensors["down.weight"],
                               chosen["blend"] * free.head.tensors["down.weight"], rtol=1e-5)
    base_val = fake.embed(list(validation.texts), cache=False)
    free_val = free.embedder().embed(list(validation.texts), cache=False)
    kept_val = kept.embedder().embed(list(validation.texts), cache=False)
    assert _agreement(base_val, free_val) < 0.9
    assert _agreement(base_val, kept_val) == pytest.approx(chosen["similarity_agreement"])
    assert chosen["similarity_agreement"] >= 0.9
    # It still separates unseen rows better than the base.
    test = combos(1)
    base_s = silhouette(fake.embed(list(test.texts), cache=False), test.labels)
    kept_s = silhouette(kept.embedder().embed(list(test.texts), cache=False), test.labels)
    assert kept_s > base_s + 0.05, (base_s, kept_s)
    card = json.loads((kept.save(tmp_path / "m") / "embedlab.json").read_text("utf-8"))
    assert card["metrics"]["keep"]["blend"] == chosen["blend"]
    assert card["hyperparameters"]["keep"] == 0.9
    assert kept.id != free.id
