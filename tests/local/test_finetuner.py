"""The local finetuner beyond the contract kit: metrics, seeding, the card, early stopping,
progress and input errors. Training runs for real, a few steps on a tiny dataset."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from embedlab import (
    ConfigurationError,
    Dataset,
    FinetuneConfig,
    FinetuneError,
    get_embedder,
    get_finetuner,
    load_custom_model,
)
from embedlab.testing.finetuner_contract import sample_dataset

TINY = FinetuneConfig(max_steps=3, batch_size=8, progress=False, seed=7)
PROBE = ["is my passport ready yet", "question about the overdraft please",
         "need help with a soup recipe"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One model, trained with no validation set given (the finetuner holds rows out),
    from an empty working directory (to show it writes nothing there)."""
    from embedlab_local.finetuner import LocalFinetuner

    workdir = tmp_path_factory.mktemp("cwd")
    before = Path.cwd()
    os.chdir(workdir)
    try:
        model = LocalFinetuner().finetune(sample_dataset(10), None, TINY)
    finally:
        os.chdir(before)
    assert list(workdir.iterdir()) == [], "training left files in the working directory"
    return model


def test_id_metrics_and_held_out_validation(trained: Any) -> None:
    assert re.fullmatch(r"local-ft-[0-9a-f]{12}", trained.id)
    metrics = trained.metrics
    assert metrics["validation_rows"] == 3 and metrics["train_rows"] == 27
    history = metrics["history"]
    assert history[0]["epoch"] == 0 and history[0]["loss"] is None
    assert 0.0 <= history[0]["val_macro_f1"] <= 1.0
    trained_epochs = history[1:]
    assert trained_epochs, "no epoch was recorded"
    assert trained_epochs[-1]["step"] == 3
    for entry in trained_epochs:
        assert isinstance(entry["loss"], float) and np.isfinite(entry["loss"])
        assert 0.0 <= entry["val_accuracy"] <= 1.0 and 0.0 <= entry["val_macro_f1"] <= 1.0
    assert metrics["best_epoch"] >= 1
    json.dumps(metrics)


def test_seeded_runs_are_reproducible_and_show_progress(
        trained: Any, capfd: pytest.CaptureFixture[str]) -> None:
    from embedlab_local.finetuner import LocalFinetuner

    config = FinetuneConfig(max_steps=3, batch_size=8, progress=True, seed=7)
    again = LocalFinetuner().finetune(sample_dataset(10), None, config)
    assert "finetune local" in capfd.readouterr().err
    assert again.id == trained.id
    first = trained.embedder().embed_batch(PROBE, None)
    second = again.embedder().embed_batch(PROBE, None)
    np.testing.assert_allclose(first, second, atol=1e-5)


def test_saved_card_and_weights(trained: Any, tmp_path: Path) -> None:
    from embedlab import __version__

    path = trained.save(tmp_path / "model")
    card = json.loads((path / "embedlab.json").read_text(encoding="utf-8"))
    assert (path / "model.safetensors").is_file()
    assert not list(path.glob("*.bin")), "weights must be safetensors only"
    assert card["base_model"] == "all-MiniLM-L6-v2"
    assert card["base_revision"] == get_embedder("local").revision
    assert card["dataset_fingerprint"] == sample_dataset(10).fingerprint
    assert card["hyperparameters"]["loss"] == "batch_semi_hard"
    assert card["hyperparameters"]["seed"] == 7
    assert card["metrics"]["history"] == trained.metrics["history"]
    assert card["embedlab_version"] == __version__
    loaded = load_custom_model(trained.id)
    assert loaded.embedder().revision == trained.id != get_embedder("local").revision
    # One name, and so one cache namespace, before and after saving; and it looks up again.
    assert loaded.embedder().name == trained.embedder().name == f"local:{trained.id}"
    assert get_embedder(f"local:{trained.id}").revision == trained.id
    by_name = get_embedder(f"local:{path}")
    np.testing.assert_allclose(by_name.embed_batch(PROBE, None),
                               trained.embedder().embed_batch(PROBE, None), atol=1e-5)


@pytest.mark.parametrize("on_disk", [True, False], ids=["best-on-disk", "best-in-memory"])
def test_early_stopping_keeps_the_best_epoch(on_disk: bool, tmp_path: Path) -> None:
    """The stopping rule on scripted probe scores, with a real module's weights."""
    import torch
    from embedlab_local.training import EpochProbe

    layer = torch.nn.Linear(2, 2)
    scores = iter([0.5, 0.8, 0.7, 0.6, 0.9])

    class Scripted(EpochProbe):
        def scores(self) -> dict[str, float]:
            return {"val_macro_f1": next(scores)}

    probe = Scripted(cast(Any, layer), (["a", "b"], ["x", "y"]), (["c"], ["x"]), patience=2,
                     batch_size=4, prompt=None, progress=False, seed=0,
                     scratch=tmp_path if on_disk else None)
    probe.baseline()
    probe.end_epoch(1)  # 0.8: best
    best = layer.weight.detach().clone()
    with torch.no_grad():
        layer.weight.add_(1.0)
    probe.end_epoch(2)  # 0.7
    assert not probe.stopped_early
    probe.end_epoch(3)  # 0.6: two epochs without a better score
    assert probe.stopped_early and probe.best_epoch == 1
    assert isinstance(probe.best_state, Path) == on_disk
    assert probe.restore_best()
    torch.testing.assert_close(layer.weight.detach(), best)


def test_bad_training_data_is_refused_with_the_row() -> None:
    from embedlab_local.finetuner import LocalFinetuner

    finetuner = LocalFinetuner()
    singletons = Dataset(["one", "two", "three", "four"], ["a", "b", "c", "d"],
                         source="tiny.csv")
    with pytest.raises(FinetuneError, match=r"tiny\.csv.*two classes"):
        finetuner.finetune(singletons, None, TINY)
    blank = Dataset(["a b", "c d", "  ", "e f"], ["x", "x", "y", "y"], source="blank.csv")
    with pytest.raises(FinetuneError, match=r"blank\.csv: row 3 has empty text"):
        finetuner.finetune(blank, None, TINY)
    with pytest.raises(ConfigurationError, match="unknown loss"):
        finetuner.finetune(sample_dataset(4), sample_dataset(2, offset=1),
                           FinetuneConfig(max_steps=1, extra={"loss": "nope"}))


def test_lookup_passes_the_base_model_and_refuses_other_providers() -> None:
    finetuner = get_finetuner("local:sentence-transformers/all-MiniLM-L6-v2")
    assert cast(Any, finetuner).base_model == "sentence-transformers/all-MiniLM-L6-v2"
    from embedlab_local.finetuner import LocalFinetuner

    with pytest.raises(ConfigurationError):
        LocalFinetuner(provider="cohere")
