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

#: keep=0: the most separated model, what these tests measure (test_keep.py: the default).
TINY = FinetuneConfig(max_steps=3, batch_size=8, progress=False, seed=7, keep=0)
PROBE = ["is my passport ready yet", "question about the overdraft please",
         "need help with a soup recipe"]
#: Two epochs (4 steps each on 30 rows) with a validation set given: enough to measure what
#: training does, in about 3 seconds on two CPU cores.
TWO_EPOCHS = FinetuneConfig(max_steps=8, batch_size=8, progress=False, seed=7, keep=0)
#: Rows none of ``sample_dataset``'s texts repeat, in new phrasings: the held-out set the
#: tests below measure class separation on.
HELD_OUT = {
    "travel": ["my flight was cancelled what now", "where do i pick up my hotel booking",
               "the airport lost my luggage", "can i change the seat on my train ticket",
               "how early should i get to the airport", "my passport expires next month"],
    "banking": ["why was my credit card declined", "how long does a bank transfer take",
                "i forgot my card pin", "what is the loan rate this year",
                "can you waive the wire fee", "move money into my savings account"],
    "cooking": ["how long should the bread dough rise",
                "what oven temperature for a chocolate cake", "my pasta sauce is too salty",
                "how do i make garlic butter", "what goes into a good spice mix",
                "how do i know the grilled fish is done"],
}


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


def held_out() -> Dataset:
    """``HELD_OUT`` as a dataset (three classes, six rows each)."""
    return Dataset([text for texts in HELD_OUT.values() for text in texts],
                   [label for label, texts in HELD_OUT.items() for _ in texts],
                   source="held-out")


@pytest.fixture(scope="module")
def separated() -> Any:
    """One model trained for two epochs on ``sample_dataset(10)``, validated on ``HELD_OUT``:
    eighteen rows, so the validation silhouette is defined and not saturated (the base model's
    is about 0.09), unlike ``trained``'s three held-out rows."""
    from embedlab_local.finetuner import LocalFinetuner

    train, validation = sample_dataset(10), held_out()
    assert not set(train.texts) & set(validation.texts)
    return LocalFinetuner().finetune(train, validation, TWO_EPOCHS)


def silhouette(vectors: np.ndarray, labels: list[str]) -> float:
    """The cosine silhouette of ``vectors`` grouped by ``labels`` (scikit-learn's)."""
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(vectors, labels, metric="cosine"))


def test_id_metrics_and_held_out_validation(trained: Any) -> None:
    """The id's form, the held-out split, and a finite loss for each trained epoch."""
    assert re.fullmatch(r"local-ft-[0-9a-f]{12}", trained.id)
    metrics = trained.metrics
    assert metrics["validation_rows"] == 3 and metrics["train_rows"] == 27
    # The rows held out are the config's seeded, stratified split of the data, recorded by
    # fingerprint: another split (or none, validating on training rows) records another one.
    fit, validation = sample_dataset(10).split(test_size=TINY.validation_size, seed=TINY.seed)
    assert trained.hyperparameters["validation_fingerprint"] == validation.fingerprint
    assert not set(fit.texts) & set(validation.texts)
    history = metrics["history"]
    assert history[0]["epoch"] == 0 and history[0]["loss"] is None
    trained_epochs = history[1:]
    assert trained_epochs, "no epoch was recorded"
    assert trained_epochs[-1]["step"] == 3
    for entry in trained_epochs:
        assert isinstance(entry["loss"], float) and np.isfinite(entry["loss"])
    assert metrics["best_epoch"] >= 1
    json.dumps(metrics)


def test_finetuning_separates_held_out_classes_better_than_the_base_model(
        separated: Any) -> None:
    """On rows it never trained on, the base model's classes barely separate (cosine
    silhouette about 0.09); two epochs of the encoder lift it past 0.6, and the stacked head
    past 0.99 (measured over seeds 0, 3, 7, 11 and 19). Skipping the encoder's training, or
    training on shuffled labels, leaves the encoder's silhouette within 0.03 of the base's;
    leaving the head out leaves ``final`` at the encoder's."""
    validation = held_out()
    labels = list(validation.labels)
    base = silhouette(get_embedder("local").embed_batch(validation.texts, None), labels)
    custom = silhouette(separated.embedder().embed_batch(validation.texts, None), labels)
    metrics = separated.metrics
    # Epoch 0 is the base model, scored on these rows.
    assert metrics["history"][0]["val_silhouette"] == pytest.approx(base, abs=1e-4)
    encoder = metrics["encoder_final"]["val_silhouette"]
    assert encoder > base + 0.3, f"the encoder's training: {base:.3f} -> {encoder:.3f}"
    assert metrics["final"]["val_silhouette"] > encoder + 0.1, "the head added no separation"
    # The model that is handed back and saved is the one that separates.
    assert custom == pytest.approx(metrics["final"]["val_silhouette"], abs=1e-4)
    assert custom > base + 0.5
    assert metrics["final"]["val_accuracy"] == metrics["final"]["val_macro_f1"] == 1.0


def test_the_training_loss_goes_down(separated: Any) -> None:
    """Each epoch's mean loss falls: from about 2.4 to under 0.1 at seed 7 (a ratio of at most
    0.05 over five seeds). A frozen encoder and proxies keep the ratio near 1, shuffled labels
    above 0.5."""
    losses = [entry["loss"] for entry in separated.metrics["history"][1:]]
    assert len(losses) == 2, "two epochs of four steps"
    assert losses[-1] < 0.25 * losses[0], losses


def test_the_recorded_metrics_are_those_of_the_model(separated: Any) -> None:
    """``best_epoch`` is the first epoch with the highest validation score, ``encoder_final``
    is that epoch's entry, and ``final`` is the finetuner's own probe refitted on the saved
    model's vectors of the training and validation rows (so the head was on when it scored)."""
    from embedlab_local.probe import probe_scores

    metrics = separated.metrics
    trained_epochs = metrics["history"][1:]
    best = max(trained_epochs, key=lambda entry: entry["val_score"])  # the first of equals
    assert metrics["best_epoch"] == best["epoch"]
    assert metrics["encoder_final"] == {k: v for k, v in best.items()
                                        if k not in ("epoch", "step")}
    train, validation = sample_dataset(10), held_out()
    embedder = separated.embedder()
    input_type = TWO_EPOCHS.input_type
    scores = probe_scores(embedder.embed_batch(train.texts, input_type), train.labels,
                          embedder.embed_batch(validation.texts, input_type),
                          validation.labels, seed=TWO_EPOCHS.seed)
    assert metrics["final"] == pytest.approx({f"val_{k}": v for k, v in scores.items()},
                                             abs=1e-4)


def test_seeded_runs_are_reproducible_and_show_progress(
        trained: Any, capfd: pytest.CaptureFixture[str]) -> None:
    from embedlab_local.finetuner import LocalFinetuner

    config = FinetuneConfig(max_steps=3, batch_size=8, progress=True, seed=7, keep=0)
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
    assert card["hyperparameters"]["loss"] == "proxy"
    assert card["hyperparameters"]["seed"] == 7
    assert card["metrics"]["history"] == trained.metrics["history"]
    assert card["embedlab_version"] == __version__
    loaded = load_custom_model(trained.id)
    # Cached under the id and the digest of the saved weights, never the base's revision.
    revision = f"{trained.id}-{card['weights_digest']}"
    assert loaded.embedder().revision == revision != get_embedder("local").revision
    # One name before and after saving; and it looks up again.
    assert loaded.embedder().name == trained.embedder().name == f"local:{trained.id}"
    assert get_embedder(f"local:{trained.id}").revision == revision
    by_name = get_embedder(f"local:{path}")
    np.testing.assert_allclose(by_name.embed_batch(PROBE, None),
                               trained.embedder().embed_batch(PROBE, None), atol=1e-5)


def test_the_stacked_head_is_part_of_a_plain_sentence_transformers_model(
        trained: Any, tmp_path: Path) -> None:
    """The default head (the adapter's residual MLP, trained on the finetuned vectors) is saved
    as standard Dense and Normalize modules: sentence-transformers alone, without
    trust_remote_code, gives the custom model's vectors."""
    from embedlab_local.stacked_head import HEAD_EPOCHS
    from sentence_transformers import SentenceTransformer

    head = trained.metrics["head"]
    assert head["kind"] == "mlp" and head["parameters"] > 0
    assert 1 <= head["epochs_run"] <= HEAD_EPOCHS == trained.hyperparameters["head_epochs"]
    assert "val_macro_f1" in trained.metrics["final"]  # scored with the head on
    assert "val_macro_f1" in trained.metrics["encoder_final"]
    path = trained.save(tmp_path / "model")
    modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
    types = [m["type"].rsplit(".", 1)[-1] for m in modules]
    assert types[-3:] == ["Dense", "Dense", "Normalize"]
    plain = SentenceTransformer(str(path), device="cpu")
    np.testing.assert_allclose(plain.encode(PROBE, normalize_embeddings=False),
                               trained.embedder().embed_batch(PROBE, None), atol=1e-5)
    assert plain.get_embedding_dimension() == 384


def test_the_head_can_be_linear_or_left_out() -> None:
    from embedlab_local.finetuner import LocalFinetuner

    def modules(head: str) -> list[str]:
        config = FinetuneConfig(max_steps=2, batch_size=8, progress=False, seed=7, keep=0,
                                extra={"head": head, "head_epochs": 3})
        model = LocalFinetuner().finetune(sample_dataset(6), None, config)
        assert model.hyperparameters["head"] == head
        if head != "none":
            assert model.metrics["head"]["epochs_run"] <= 3
        return [type(m).__name__ for m in model.embedder().load().children()]

    assert modules("none")[-1] == "Normalize" and "Dense" not in modules("none")
    assert modules("linear")[-2:] == ["Dense", "Normalize"]
    with pytest.raises(ConfigurationError, match="unknown head 'wide'"):
        LocalFinetuner().finetune(sample_dataset(6), None,
                                  FinetuneConfig(max_steps=1, extra={"head": "wide"}))


@pytest.mark.parametrize("on_disk", [True, False], ids=["best-on-disk", "best-in-memory"])
def test_early_stopping_keeps_the_best_epoch(on_disk: bool, tmp_path: Path) -> None:
    """The stopping rule on scripted probe scores, with a real module's weights."""
    import torch
    from embedlab_local.training import EpochProbe

    layer = torch.nn.Linear(2, 2)
    scores = iter([0.5, 0.8, 0.7, 0.6, 0.9])

    class Scripted(EpochProbe):
        def scores(self, step: int = 0) -> dict[str, float]:
            return {"val_score": next(scores)}

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


def test_a_time_budget_stops_cleanly_and_the_card_says_why(tmp_path: Path) -> None:
    from embedlab_local.finetuner import LocalFinetuner

    config = FinetuneConfig(epochs=50, batch_size=8, progress=False, seed=7, time_budget=1e-3)
    model = LocalFinetuner().finetune(sample_dataset(10), None, config)
    metrics = model.metrics
    assert metrics["stopped_early"] is True and metrics["stop_reason"] == "time_budget"
    assert metrics["history"][-1]["step"] == 1, "the budget was spent: one step, then stop"
    assert metrics["best_epoch"] is not None
    card = json.loads((model.save(tmp_path / "m") / "embedlab.json").read_text("utf-8"))
    assert card["metrics"]["stop_reason"] == "time_budget"
    assert card["hyperparameters"]["time_budget"] == 1e-3
    vectors = model.embedder().embed_batch(PROBE, None)
    assert np.isfinite(vectors).all()


def test_a_diverging_loss_stops_with_a_clear_error_and_nothing_to_save() -> None:
    from embedlab_local.finetuner import LocalFinetuner

    # A softmax scale past float32's range turns the first batch's loss into NaN.
    config = FinetuneConfig(max_steps=5, batch_size=8, progress=False, seed=7,
                            extra={"scale": 1e39})
    diverged = r"diverged: the (training loss|model's embeddings) became (nan|inf|NaN)"
    with pytest.raises(FinetuneError, match=diverged):
        LocalFinetuner().finetune(sample_dataset(10), None, config)


def test_finetuning_beats_the_baseline_on_real_clinc150_rows(clinc150: Path) -> None:
    """A short run on ten close banking intents (CLINC150, 8 rows a class) already separates
    the held-out rows better than the base model: probe accuracy and cosine silhouette."""
    import csv

    from embedlab._evaluation import evaluate
    from embedlab_local.finetuner import LocalFinetuner

    classes = {"account_blocked", "balance", "bill_balance", "bill_due", "freeze_account",
               "interest_rate", "min_payment", "order_checks", "pay_bill", "pin_change"}

    def take(name: str, per_class: int) -> Dataset:
        counts: dict[str, int] = {}
        texts, labels = [], []
        with (clinc150 / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                label = row["label"]
                if label in classes and counts.get(label, 0) < per_class:
                    counts[label] = counts.get(label, 0) + 1
                    texts.append(row["text"])
                    labels.append(label)
        return Dataset(texts, labels, name=name)

    train, validation, test = take("train.csv", 8), take("val.csv", 4), take("test.csv", 15)
    config = FinetuneConfig(max_steps=30, batch_size=16, progress=False, seed=3)
    model = LocalFinetuner().finetune(train, validation, config)
    base, custom = get_embedder("local"), model.embedder()
    scores = {}
    for side, embedder in (("base", base), ("custom", custom)):
        vectors = embedder.embed([*train.texts, *test.texts], "classification", cache=False)
        scores[side] = evaluate(vectors[:len(train)], train.labels, vectors[len(train):],
                                test.labels, seed=0)
    assert scores["custom"].accuracy > scores["base"].accuracy
    assert scores["custom"].silhouette > scores["base"].silhouette + 0.1
