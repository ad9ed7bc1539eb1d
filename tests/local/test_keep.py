"""``FinetuneConfig.keep`` for the local finetuner (issue 22) and the collapse check (issue
23, item 10). Training runs for real, a few steps on a tiny dataset."""

from __future__ import annotations

import copy
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from embedlab import FinetuneConfig, FinetuneError, get_embedder
from embedlab.testing.finetuner_contract import sample_dataset
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).parent))
from test_finetuner import TWO_EPOCHS, held_out


def _agreement(base: np.ndarray, model: np.ndarray) -> float:
    """Spearman of the two models' cosines over every pair of rows (the reference)."""
    b = base / np.linalg.norm(base, axis=1, keepdims=True)
    m = model / np.linalg.norm(model, axis=1, keepdims=True)
    pairs = list(itertools.combinations(range(len(b)), 2))
    return float(spearmanr([b[i] @ b[j] for i, j in pairs],
                           [m[i] @ m[j] for i, j in pairs]).statistic)


@pytest.fixture(scope="module")
def free_and_kept() -> tuple[Any, Any]:
    """The same two epochs of training, kept at 0 (the most separated) and at 0.9."""
    from dataclasses import replace

    from embedlab_local.finetuner import LocalFinetuner

    train, validation = sample_dataset(10), held_out()
    free = LocalFinetuner().finetune(train, validation, TWO_EPOCHS)
    kept = LocalFinetuner().finetune(train, validation, replace(TWO_EPOCHS, keep=0.9))
    return free, kept


def test_the_kept_model_keeps_keep_of_the_base_on_validation(free_and_kept: Any) -> None:
    free, kept = free_and_kept
    texts = list(held_out().texts)
    base = get_embedder("local").embed_batch(texts, None)
    record = kept.metrics["keep"]
    assert record["keep"] == 0.9 and record["chosen_on"] == "validation"
    assert _agreement(base, free.embedder().embed_batch(texts, None)) < 0.9
    measured = _agreement(base, kept.embedder().embed_batch(texts, None))
    assert measured == pytest.approx(record["similarity_agreement"], abs=1e-3)
    assert measured >= 0.9
    # keep=0 is the path before the knob: only the finetuned encoder (alpha 1) and the head
    # as trained (scale 1) were measured, nothing interpolated.
    assert free.metrics["keep"]["encoder_alpha"] == 1.0
    assert free.metrics["keep"]["head_scale"] == 1.0
    assert [e["blend"] for e in free.metrics["keep"]["encoder"]["tried"]] == [1.0]
    assert [e["blend"] for e in free.metrics["keep"]["head"]["tried"]] == [1.0]
    assert 0 < record["encoder_alpha"] < 1


def test_the_bisected_alpha_is_the_one_trying_every_alpha_chooses(free_and_kept: Any) -> None:
    """The encoder's alpha is bisected on the grid: at most five blends of the held-out rows
    embedded (alpha 0 is the base model's vectors), and the alpha and its figures are those
    of embedding all eleven blends of the same base and finetuned weights."""
    from embedlab.adapter import choose_blend
    from embedlab_local.keep import EncoderBlend, snapshot

    free, kept = free_and_kept
    rows = held_out()
    base_model = get_embedder("local").load()
    # A copy of the finetuned encoder (alpha 1), then its head: EncoderBlend loads blends in.
    tuned = copy.deepcopy(free.embedder().load())
    while len(tuned) > len(base_model):
        del tuned[-1]
    base = base_model.encode(list(rows.texts), convert_to_numpy=True,
                             normalize_embeddings=True)
    every = choose_blend(EncoderBlend(tuned, snapshot(base_model), rows.texts, None), base,
                         rows.labels, 0.9, seed=7)
    record = kept.metrics["keep"]["encoder"]
    assert len(every.tried) == 11
    assert record["blend"] == every.blend == kept.metrics["keep"]["encoder_alpha"]
    embedded = [e["blend"] for e in record["tried"] if e["blend"] != 0]
    assert embedded[0] == 1.0 and len(embedded) <= 5
    full = {e["blend"]: e for e in every.tried}
    for entry in record["tried"]:
        for name in ("similarity_agreement", "neighbours_kept", "silhouette"):
            assert entry[name] == pytest.approx(full[entry["blend"]][name], abs=1e-4)


def test_the_encoder_is_the_weight_interpolation_of_base_and_finetuned(
        free_and_kept: Any) -> None:
    """WiSE-FT: every weight is (1 - a) * base + a * finetuned, a the recorded alpha (the
    same seeded training ran under both models)."""
    free, kept = free_and_kept
    alpha = kept.metrics["keep"]["encoder_alpha"]
    base = get_embedder("local").load()
    tuned, mixed = free.embedder().load(), kept.embedder().load()
    base_w, tuned_w, mixed_w = (dict(m[0].named_parameters()) for m in (base, tuned, mixed))
    for name in ("auto_model.embeddings.word_embeddings.weight",
                 "auto_model.encoder.layer.5.output.dense.weight"):
        key = next(k for k in mixed_w if k.endswith(name.split("auto_model.")[-1]))
        expected = (1 - alpha) * base_w[key].detach() + alpha * tuned_w[key].detach()
        np.testing.assert_allclose(mixed_w[key].detach().numpy(), expected.numpy(), atol=1e-6)


def test_the_card_records_the_choice(free_and_kept: Any, tmp_path: Path) -> None:
    _, kept = free_and_kept
    card = json.loads((kept.save(tmp_path / "m") / "embedlab.json").read_text("utf-8"))
    record = card["metrics"]["keep"]
    assert record["encoder_alpha"] == kept.metrics["keep"]["encoder_alpha"]
    assert record["similarity_agreement"] >= 0.9
    assert record["encoder"]["tried"][0]["blend"] == 1.0
    assert card["hyperparameters"]["keep"] == 0.9


def test_a_collapsed_finetune_is_refused_naming_the_learning_rate() -> None:
    """Learning rate 10 maps every text to about one vector within a few steps (issue 23,
    item 10): exit 1 from the CLI, nothing returned to save."""
    from embedlab_local.finetuner import LocalFinetuner

    config = FinetuneConfig(max_steps=4, batch_size=8, learning_rate=10, progress=False,
                            seed=7)
    with pytest.raises(FinetuneError, match=r"(collapsed|diverged).*learning rate"):
        LocalFinetuner().finetune(sample_dataset(10), held_out(), config)


def test_the_collapse_check_on_hand_made_vectors() -> None:
    from embedlab_local.keep import check_not_collapsed

    rng = np.random.default_rng(0)
    labels = [c for c in "abc" for _ in range(6)]
    spread = rng.normal(size=(18, 8))
    one_point = np.ones((18, 8)) + 1e-4 * spread
    with pytest.raises(FinetuneError, match=r"collapsed at learning rate 10.*same vector"):
        check_not_collapsed(one_point, labels, learning_rate=10, base_model="m")
    centres = np.repeat(np.eye(3, 8) * 5, 6, axis=0)
    separated = centres + rng.normal(size=(18, 8))
    check_not_collapsed(separated, labels, learning_rate=1e-3, base_model="m",
                        base_vectors=separated)
    # Spread round a circle with the classes taking turns: every row's nearest neighbour is
    # of another class (accuracy 0), where the base told them apart: at chance.
    angles = np.arange(18) * 2 * np.pi / 18
    turns = np.c_[np.cos(angles), np.sin(angles)]
    with pytest.raises(FinetuneError, match="chance"):
        check_not_collapsed(turns, list("abc" * 6), learning_rate=1, base_model="m",
                            base_vectors=np.eye(3, 8)[np.arange(18) % 3])
