"""What the adapter finetuner does over FakeEmbedder: one embedding pass, better separation,
seeded results, early stopping, a complete card without secrets, checked reloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from embedlab import (
    ConfigurationError,
    Dataset,
    DatasetError,
    EmbedlabError,
    FinetuneConfig,
    ModelNotFoundError,
    get_finetuner,
    load_custom_model,
    providers,
)
from embedlab._custom_models import CARD_NAME
from embedlab.adapter import AdapterFinetuner, AdapterModel
from embedlab.testing import FakeEmbedder

pytestmark = pytest.mark.usefixtures("fake_provider")

_TOPICS = {
    "billing": ["invoice", "refund", "charge", "receipt", "payment", "bill"],
    "shipping": ["parcel", "courier", "delivery", "tracking", "package", "shipment"],
    "account": ["password", "login", "username", "profile", "email", "signup"],
    "hardware": ["screen", "battery", "keyboard", "charger", "speaker", "camera"],
}
_FRAMES = [
    "a question about the {} today",
    "please help with my {} now",
    "the {} is not right",
    "what about the {} then",
    "i need the {} sorted",
    "tell me about {} please",
]


def topic_dataset(frames: list[int], words: list[int], name: str) -> Dataset:
    """Short shared sentences with one topic word each."""
    texts, labels = [], []
    for label, vocab in _TOPICS.items():
        for f in frames:
            for w in words:
                texts.append(_FRAMES[f].format(vocab[w]))
                labels.append(label)
    return Dataset(texts, labels, source=name)


def combos(parity: int) -> Dataset:
    """Half of all (sentence, topic word) pairs: the other half has the same words in pairs
    never seen together, so it tests generalisation."""
    texts, labels = [], []
    for label, vocab in _TOPICS.items():
        for f, frame in enumerate(_FRAMES):
            for w, word in enumerate(vocab):
                if (f + w) % 2 == parity:
                    texts.append(frame.format(word))
                    labels.append(label)
    return Dataset(texts, labels, source=f"combos-{parity}")


def silhouette(vectors: np.ndarray, labels: tuple[str, ...]) -> float:
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(vectors, list(labels), metric="cosine"))


def quick(**extra: object) -> FinetuneConfig:
    return FinetuneConfig(epochs=3, batch_size=16, progress=False, extra=dict(extra))


# --- registration -------------------------------------------------------------------------
def test_it_is_the_finetuner_of_providers_without_one() -> None:
    fake = get_finetuner("fake")
    assert isinstance(fake, AdapterFinetuner) and fake.method == "adapter"
    cohere = get_finetuner("cohere:embed-english-v3.0")  # built lazily: no client, no key
    assert isinstance(cohere, AdapterFinetuner)
    rows = {row.name: row for row in providers()}
    assert "adapter" in rows["fake"].finetune_methods
    assert "adapter" in rows["openai"].finetune_methods
    # A provider with a native method lists it first (its default), then the adapter.
    assert rows["local"].finetune_methods == ("full", "adapter")


def test_local_offers_it_as_method_adapter() -> None:
    assert isinstance(get_finetuner("local", method="adapter"), AdapterFinetuner)


# --- training -----------------------------------------------------------------------------
def test_each_distinct_text_is_embedded_once_through_the_cache() -> None:
    fake = FakeEmbedder()
    train = topic_dataset([0, 1, 2], [0, 1, 2], "train")
    # duplicate rows and a validation set that repeats training texts
    train = Dataset([*train.texts, *train.texts[:5]], [*train.labels, *train.labels[:5]],
                    source="train")
    validation = topic_dataset([0, 3], [0], "validation")
    distinct = len(set(train.texts) | set(validation.texts))
    model = AdapterFinetuner(embedder=fake).finetune(train, validation, quick())
    assert fake.texts_embedded == distinct
    assert fake.calls == -(-distinct // fake.max_batch_size)
    assert model.metrics["distinct_texts_embedded"] == distinct
    fake.reset_counters()
    AdapterFinetuner(embedder=fake).finetune(train, validation, quick(head="linear"))
    assert fake.texts_embedded == 0, "a second training run must read the cache"


@pytest.mark.parametrize("trainer", ["torch", "scikit-learn"])
def test_it_separates_unseen_texts_better_than_the_base(trainer: str) -> None:
    fake = FakeEmbedder()
    train, test = combos(0), combos(1)
    # the defaults for torch; the softmax-trained linear head needs 40 full epochs here (its
    # validation log loss on 8 held-out rows turns up before the geometry improves). keep=0:
    # the head as trained (test_adapter_keep.py covers what the default keep gives back)
    config = (FinetuneConfig(progress=False, keep=0, extra={"trainer": trainer})
              if trainer == "torch"
              else FinetuneConfig(epochs=40, patience=40, progress=False, keep=0,
                                  extra={"trainer": trainer}))
    model = AdapterFinetuner(embedder=fake).finetune(train, None, config)
    base = silhouette(fake.embed(list(test.texts), cache=False), test.labels)
    tuned = silhouette(model.embedder().embed(list(test.texts), cache=False), test.labels)
    assert tuned > base + 0.2, (base, tuned)
    assert model.training["trainer"] == trainer


def test_same_seed_same_model_other_seed_other_model() -> None:
    train = topic_dataset([0, 1, 2], [0, 1, 2], "train")
    a = AdapterFinetuner(embedder=FakeEmbedder()).finetune(train, None, quick())
    b = AdapterFinetuner(embedder=FakeEmbedder()).finetune(train, None, quick())
    c = AdapterFinetuner(embedder=FakeEmbedder()).finetune(
        train, None, FinetuneConfig(epochs=3, batch_size=16, seed=7, progress=False))
    assert a.id == b.id and a.head.digest() == b.head.digest()
    assert c.id != a.id and c.head.digest() != a.head.digest()


def test_early_stopping_keeps_the_best_epoch() -> None:
    train = topic_dataset([0, 1, 2, 3], [0, 1, 2], "train")
    # a validation set whose labels are rotated: getting better on train gets worse on it
    honest = topic_dataset([4, 5], [0, 1, 2], "validation")
    names = list(_TOPICS)
    rotated = [names[(names.index(label) + 1) % len(names)] for label in honest.labels]
    validation = Dataset(honest.texts, rotated, source="validation")
    config = FinetuneConfig(epochs=30, patience=2, batch_size=16, progress=False)
    model = AdapterFinetuner(embedder=FakeEmbedder()).finetune(train, validation, config)
    m = model.metrics
    assert m["stopped_early"] is True
    assert m["epochs_run"] == m["best_epoch"] + 2 < 30
    losses = [h["validation_loss"] for h in m["history"]]
    assert m["validation_loss"] == min(losses)


def test_validation_is_held_out_of_train_when_not_given() -> None:
    train = topic_dataset([0, 1, 2, 3, 4], [0, 1, 2, 3], "train")  # 80 rows
    model = AdapterFinetuner(embedder=FakeEmbedder()).finetune(
        train, None, FinetuneConfig(epochs=2, validation_size=0.25, progress=False))
    assert model.metrics["validation_rows"] == 20
    assert model.metrics["train_rows"] == 80
    assert "validation_loss" in model.metrics["history"][0]


# --- bad input ------------------------------------------------------------------------------
def test_validation_labels_must_exist_in_train() -> None:
    train = topic_dataset([0, 1], [0, 1], "train.csv")
    validation = Dataset(["a new kind of question", "another one"], ["billing", "weather"],
                         source="val.csv")
    with pytest.raises(DatasetError, match=r"val\.csv.*row 2 \('weather'\)"):
        AdapterFinetuner(embedder=FakeEmbedder()).finetune(train, validation, quick())


def test_bad_options_are_named() -> None:
    train = topic_dataset([0, 1], [0, 1], "train")
    ft = AdapterFinetuner(embedder=FakeEmbedder())
    with pytest.raises(ConfigurationError, match="heads"):
        ft.finetune(train, None, quick(heads="mlp"))
    with pytest.raises(ConfigurationError, match="trainer"):
        ft.finetune(train, None, quick(trainer="jax"))
    with pytest.raises(ConfigurationError, match="linear"):
        ft.finetune(train, None, quick(trainer="scikit-learn", head="mlp"))
    with pytest.raises(ConfigurationError, match="unknown adapter loss"):
        ft.finetune(train, None, quick(loss="hinge"))
    with pytest.raises(ConfigurationError):
        AdapterFinetuner()


def test_empty_text_is_refused_with_its_row() -> None:
    ds = Dataset(["fine text", "", "other text", "more text"], ["a", "a", "b", "b"],
                 source="data.csv")
    with pytest.raises(EmbedlabError, match="row 2"):
        AdapterFinetuner(embedder=FakeEmbedder()).finetune(ds, None, quick())


# --- the saved model ------------------------------------------------------------------------
@pytest.fixture
def trained() -> AdapterModel:
    train = topic_dataset([0, 1, 2], [0, 1, 2], "train.csv")
    ft = AdapterFinetuner("fake", api_key="sk-test-SECRET-123456", dimension=32)
    return ft.finetune(train, None, quick(head="linear"))


def test_card_describes_the_adapter_and_holds_no_secret(trained: AdapterModel,
                                                        tmp_path: Path) -> None:
    path = trained.save(tmp_path / "model")
    raw = (path / CARD_NAME).read_text(encoding="utf-8")
    card = json.loads(raw)
    assert card["provider"] == "fake" and card["base_model"] == "bow"
    assert card["method"] == "adapter" and card["head"] == "linear"
    assert card["input_type"] == "classification"
    assert card["dimensions"] == {"base": 32, "output": 32}
    assert card["base_options"] == {"dimension": 32}
    assert card["dataset"]["fingerprint"] == topic_dataset([0, 1, 2], [0, 1, 2],
                                                           "x").fingerprint
    assert card["hyperparameters"]["epochs"] == 3
    assert card["metrics"]["epochs_run"] >= 1
    assert (path / card["weights"]).is_file()
    everything = raw + repr(trained) + repr(trained.embedder())
    assert "SECRET" not in everything


def test_reload_in_a_new_process_by_id(trained: AdapterModel, tmp_path: Path) -> None:
    texts = ["a question about the refund", "where is my parcel"]
    path = trained.save(tmp_path / "model")
    expected = trained.embedder().embed(texts, cache=False)
    out = tmp_path / "vectors.npy"
    script = textwrap.dedent(f"""
        import numpy as np
        import embedlab
        from embedlab.testing import use_fake_provider
        with use_fake_provider():
            model = embedlab.load_custom_model({trained.id!r})
            emb = embedlab.get_embedder("fake:" + {trained.id!r})
            assert emb.revision == model.embedder().revision
            np.save({str(out)!r}, emb.embed({texts!r}, cache=False))
    """)
    env = {**os.environ, "EMBEDLAB_HOME": os.environ["EMBEDLAB_HOME"]}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=120)
    np.testing.assert_allclose(np.load(out), expected, rtol=1e-5, atol=1e-6)
    assert load_custom_model(path).embedder().dimension == 32


def test_damaged_weights_are_detected(trained: AdapterModel, tmp_path: Path) -> None:
    path = trained.save(tmp_path / "model")
    weights = path / "adapter.safetensors"
    data = bytearray(weights.read_bytes())
    data[-8:] = b"\x00\x01\x02\x03\x04\x05\x06\x07"
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelNotFoundError, match="weights_sha256"):
        load_custom_model(path)
    weights.unlink()
    with pytest.raises(ModelNotFoundError, match="missing"):
        load_custom_model(path)


def test_a_base_with_other_dimensions_is_refused(trained: AdapterModel,
                                                 tmp_path: Path) -> None:
    path = trained.save(tmp_path / "model")
    other = AdapterFinetuner("fake", dimension=16).load(path)
    with pytest.raises(ConfigurationError, match="32-dimensional"):
        other.embedder()


def test_revision_is_tied_to_the_head_and_the_base(trained: AdapterModel) -> None:
    emb = trained.embedder()
    assert emb.revision != emb.base.revision
    other = AdapterFinetuner("fake", dimension=32).finetune(
        topic_dataset([0, 1, 2], [0, 1, 2], "train.csv"), None, quick(head="mlp"))
    assert other.embedder().revision != emb.revision
    vectors = emb.embed(["refund please", "courier late"], cache=False)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_trains_with_scikit_learn_when_torch_is_missing(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys

        class NoTorch:  # as if torch were not installed
            def find_spec(self, name, path=None, target=None):
                if name == "torch" or name.startswith("torch."):
                    raise ModuleNotFoundError(f"No module named {name!r}")

        sys.meta_path.insert(0, NoTorch())
        import json
        from embedlab import Dataset, FinetuneConfig, get_finetuner
        from embedlab.testing import use_fake_provider
        texts = [f"{w} question number {i}" for w in ("refund", "parcel", "login")
                 for i in range(6)]
        labels = [t.split()[0] for t in texts]
        with use_fake_provider():
            model = get_finetuner("fake").finetune(
                Dataset(texts, labels, source="t"), None,
                FinetuneConfig(epochs=3, progress=False))
            vectors = model.embedder().embed(texts[:2], cache=False)
        print(json.dumps({"trainer": model.training["trainer"], "head": model.head.kind,
                          "shape": list(vectors.shape), "torch": "torch" in sys.modules}))
    """)
    done = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"trainer": "scikit-learn", "head": "linear", "shape": [2, 64],
                      "torch": False}
