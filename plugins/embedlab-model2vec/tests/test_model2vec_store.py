"""Distillation: offline, once per source, kept on disk, nothing half-written on failure;
and the static model keeps its teacher's sense of meaning."""

from __future__ import annotations

import json
from pathlib import Path

import embedlab
import numpy as np
import pytest
from embedlab_model2vec import Model2VecEmbedder


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_default_model_is_distilled_once_and_reused(model2vec_store: Path) -> None:
    first = embedlab.get_embedder("model2vec")
    folder = first.path  # type: ignore[attr-defined]
    assert folder.parent == model2vec_store
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "model2vec" and config["hidden_dim"] == 256
    stamp = (folder / "model.safetensors").stat().st_mtime_ns

    second = Model2VecEmbedder("all-MiniLM-L6-v2")
    vectors = second.embed(["reuse the stored model"], cache=False)
    assert vectors.shape == (1, 256)
    assert second.path == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp  # not distilled again
    assert not [p.name for p in model2vec_store.iterdir() if p.name.endswith(".partial")]
    assert second.revision == first.revision


def test_static_vectors_keep_the_teachers_meaning() -> None:
    emb = embedlab.get_embedder("model2vec")
    flight, plane, card = emb.embed(["book a flight to boston", "reserve a plane ticket",
                                     "my credit card was charged twice"], cache=False)
    assert _cosine(flight, plane) > _cosine(flight, card) + 0.1


def test_a_static_model_folder_loads_as_it_is() -> None:
    default = embedlab.get_embedder("model2vec")
    folder = default.path  # type: ignore[attr-defined]
    by_path = embedlab.get_embedder(f"model2vec:{folder}")
    texts = ["static model by path", "same vectors either way"]
    np.testing.assert_allclose(by_path.embed(texts, cache=False),
                               default.embed(texts, cache=False), rtol=1e-6, atol=1e-6)
    assert by_path.revision == default.revision
    assert by_path.dimension == 256  # read from its config before loading


def test_a_failed_distillation_leaves_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    (broken / "model.safetensors").write_bytes(b"not safetensors at all")
    store = tmp_path / "store"
    emb = Model2VecEmbedder(str(broken), store=store)
    with pytest.raises(embedlab.ConfigurationError, match="could not distil") as info:
        emb.embed(["anything"], cache=False)
    assert str(broken) in str(info.value)
    assert list(store.iterdir()) == []


def test_text_with_no_known_token_gets_the_vocabularys_mean_direction() -> None:
    """A static model has nothing to average for such a text; rows are declared normalized,
    so it gets one fixed unit row (the vocabulary's mean) rather than zeros that break cosine."""
    vectors = embedlab.get_embedder("model2vec").embed(
        ["🙂", "🚀🚀", "emoji only 🚀"], cache=False)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)
    assert float(vectors[0] @ vectors[2]) < 0.999  # a text with known words is its own row


def test_unknown_model_name_says_what_works() -> None:
    with pytest.raises(embedlab.ConfigurationError, match="offline") as info:
        embedlab.get_embedder("model2vec:minishlab/potion-base-8M")
    assert "model2vec:/path/to/model" in str(info.value)


def test_folder_that_is_no_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(embedlab.ConfigurationError, match=r"config\.json"):
        embedlab.get_embedder(f"model2vec:{tmp_path}")


@pytest.mark.parametrize("options", [{"batch_size": 0}, {"pca_dims": 0}])
def test_bad_options_are_configuration_errors(options: dict[str, int]) -> None:
    with pytest.raises(embedlab.ConfigurationError):
        embedlab.get_embedder("model2vec", **options)


def test_listed_by_embedlab_providers() -> None:
    info = {p.name: p for p in embedlab.providers()}
    assert info["model2vec"].status == "available"
    assert info["model2vec"].finetune_methods == ("adapter",)
