"""The SQLite embedding cache: keys, batch reads and writes, threads and processes, what
is (not) stored, and ``embedlab cache info|clear``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from embedlab import ConfigurationError, Embedder, EmbeddingCache
from embedlab._transport.cache import CacheNamespace, default_cache
from embedlab.cli import cli

NS = CacheNamespace("test", "model-a", "", "classification", 4)


def vectors(count: int, dim: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((count, dim)).astype(np.float32)


@pytest.fixture
def cache(tmp_path: Path) -> EmbeddingCache:
    return EmbeddingCache(tmp_path / "cache.sqlite3")


def test_put_then_get_returns_the_same_vectors_in_request_order(cache: EmbeddingCache) -> None:
    texts = [f"t{i}" for i in range(10)]
    stored = vectors(10)
    cache.put(NS, texts, stored)
    asked = ["t3", "missing", "t0", "t3", "t9"]
    got, found = cache.get(NS, asked)
    assert got.dtype == np.float32 and got.shape == (5, 4)
    assert found.tolist() == [True, False, True, True, True]
    np.testing.assert_array_equal(got[[0, 2, 3, 4]], stored[[3, 0, 3, 9]])
    np.testing.assert_array_equal(got[1], np.zeros(4, dtype=np.float32))


def test_get_on_a_missing_file_finds_nothing_and_creates_nothing(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "nowhere" / "cache.sqlite3")
    got, found = cache.get(NS, ["a"])
    assert not found.any() and got.shape == (1, 4)
    assert cache.info().rows == 0 and not cache.path.exists()


@pytest.mark.parametrize("other", [
    CacheNamespace("test", "model-a", "custom-1", "classification", 4),
    CacheNamespace("test", "model-a", "", "search_query", 4),
    CacheNamespace("test", "model-a", "", "classification", 8),
    CacheNamespace("test", "model-b", "", "classification", 4),
    CacheNamespace("other", "model-a", "", "classification", 4),
], ids=["revision", "input-type", "dimension", "model", "provider"])
def test_every_part_of_the_namespace_separates_keys(cache: EmbeddingCache,
                                                    other: CacheNamespace) -> None:
    cache.put(NS, ["same text"], vectors(1))
    _, found = cache.get(other, ["same text"])
    assert not found.any()
    cache.put(other, ["same text"], vectors(1, other.dim, seed=5))
    first, _ = cache.get(NS, ["same text"])
    np.testing.assert_array_equal(first, vectors(1))


def test_putting_again_replaces(cache: EmbeddingCache) -> None:
    cache.put(NS, ["x"], vectors(1, seed=1))
    cache.put(NS, ["x"], vectors(1, seed=2))
    got, _ = cache.get(NS, ["x"])
    np.testing.assert_array_equal(got, vectors(1, seed=2))
    assert cache.info().rows == 1


def test_put_checks_the_shape(cache: EmbeddingCache) -> None:
    with pytest.raises(ValueError, match=r"\(2, 4\)"):
        cache.put(NS, ["a", "b"], vectors(2, dim=3))


def test_large_batches_round_trip(cache: EmbeddingCache) -> None:
    texts = [f"row {i}" for i in range(70_000)]  # more than one statement's variables
    ns = CacheNamespace("test", "big", "", "", 8)
    stored = vectors(len(texts), 8)
    cache.put(ns, texts, stored)
    got, found = cache.get(ns, texts)
    assert found.all()
    np.testing.assert_array_equal(got, stored)


def test_info_counts_rows_per_namespace_and_clear_removes_them(cache: EmbeddingCache) -> None:
    other_model = CacheNamespace("test", "model-b", "", "classification", 4)
    other_provider = CacheNamespace("else", "model-a", "rev", "", 8)
    cache.put(NS, ["a", "b", "c"], vectors(3))
    cache.put(other_model, ["a"], vectors(1))
    cache.put(other_provider, ["a", "b"], vectors(2, 8))
    info = cache.info()
    assert info.path == cache.path and info.size_bytes > 0 and info.rows == 6
    counts = {(n.provider, n.model, n.revision, n.input_type, n.dim): n.rows
              for n in info.namespaces}
    assert counts == {("test", "model-a", "", "classification", 4): 3,
                      ("test", "model-b", "", "classification", 4): 1,
                      ("else", "model-a", "rev", "", 8): 2}

    assert cache.clear("test", "model-b") == 1
    assert cache.clear("else") == 2
    assert [n.model for n in cache.info().namespaces] == ["model-a"]
    assert cache.clear() == 3
    assert cache.info().rows == 0 and cache.info().namespaces == []
    with pytest.raises(ValueError, match="provider"):
        cache.clear(model="model-a")


def test_clear_gives_the_disk_space_back(cache: EmbeddingCache) -> None:
    cache.put(NS, [f"t{i}" for i in range(5000)], vectors(5000))
    full = cache.size_bytes()
    cache.clear()
    assert cache.size_bytes() < full / 4


def test_no_text_and_no_api_key_is_stored(tmp_path: Path) -> None:
    secret = "sk-test-DO-NOT-STORE-1234567890"

    class KeyedEmbedder(Embedder):
        provider, model, dimension = "keyed", "m", 4

        def __init__(self, api_key: str) -> None:
            self._api_key = api_key

        def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
            return vectors(len(texts))

    cache = EmbeddingCache(tmp_path / "c.sqlite3")
    text = "confidential customer complaint about invoice 4711"
    KeyedEmbedder(secret).embed([text], cache=cache)
    cache.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert raw  # the database (and its WAL) was written
    assert secret.encode() not in raw
    assert text.encode() not in raw
    assert secret not in repr(cache)


def test_a_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigurationError, match=r"c\.sqlite3.*damaged.*cache clear --yes"):
        EmbeddingCache(path).put(NS, ["a"], vectors(1))


def test_threads_share_one_cache(cache: EmbeddingCache) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            texts = [f"thread {n} row {i}" for i in range(200)]
            for start in range(0, 200, 20):
                cache.put(NS, texts[start:start + 20], vectors(20, seed=n * 100 + start))
                _, found = cache.get(NS, texts[:start + 20])
                assert found.all()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert cache.info().rows == 1200


WRITER = """
import sys
import numpy as np
from embedlab._transport.cache import CacheNamespace, EmbeddingCache
cache = EmbeddingCache(sys.argv[1])
ns = CacheNamespace("test", "model-a", "", "classification", 4)
who = sys.argv[2]
for start in range(0, 300, 10):
    texts = [f"{who} {i}" for i in range(start, start + 10)]
    cache.put(ns, texts, np.full((10, 4), start, dtype=np.float32))
"""


def test_processes_write_the_same_file_at_once(cache: EmbeddingCache) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(cache.path), name])
             for name in ("alpha", "beta", "gamma")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    got, found = cache.get(NS, [f"{who} {i}" for who in ("alpha", "beta", "gamma")
                                for i in range(300)])
    assert found.all()
    assert got[299, 0] == 290.0 and got[300, 0] == 0.0


def test_default_cache_lives_in_the_cache_dir(_isolated_home: Path) -> None:
    assert default_cache().path == _isolated_home / "cache" / "embeddings.sqlite3"
    assert default_cache() is default_cache()


def test_lazy_export() -> None:
    import embedlab

    assert embedlab.EmbeddingCache is EmbeddingCache


# --- CLI --------------------------------------------------------------------------------------

def fill_default_cache() -> None:
    store = default_cache()
    store.put(NS, ["a", "b", "c"], vectors(3))
    store.put(CacheNamespace("test", "model-a", "ft-9", "", 4), ["a"], vectors(1))
    store.put(CacheNamespace("other", "x", "", "", 8), ["a", "b"], vectors(2, 8))


def test_cli_info_shows_path_size_and_rows() -> None:
    runner = CliRunner()
    empty = runner.invoke(cli, ["cache", "info"])
    assert empty.exit_code == 0 and "(empty)" in empty.output
    fill_default_cache()
    result = runner.invoke(cli, ["cache", "info"])
    assert result.exit_code == 0, result.output
    assert str(default_cache().path) in result.output
    assert "size on disk:" in result.output and "vectors: 6" in result.output
    lines = result.output.splitlines()
    assert any(line.split() == ["test:model-a", "ft-9", "-", "4", "1"] for line in lines)
    assert any(line.split() == ["test:model-a", "-", "classification", "4", "3"]
               for line in lines)

    data = json.loads(runner.invoke(cli, ["cache", "info", "--json"]).output)
    assert data["rows"] == 6 and data["size_bytes"] > 0
    assert {"provider": "other", "model": "x", "revision": "", "input_type": None, "dim": 8,
            "rows": 2} in data["namespaces"]


def test_cli_clear_one_model_then_everything() -> None:
    fill_default_cache()
    runner = CliRunner()
    result = runner.invoke(cli, ["cache", "clear", "--model", "test:model-a", "--yes"])
    assert result.exit_code == 0, result.output
    assert "deleted 4 vectors" in result.output
    assert [(n.provider, n.rows) for n in default_cache().info().namespaces] == [("other", 2)]

    refused = runner.invoke(cli, ["cache", "clear"], input="n\n")
    assert refused.exit_code == 1 and default_cache().info().rows == 2
    accepted = runner.invoke(cli, ["cache", "clear"], input="y\n")
    assert accepted.exit_code == 0 and "deleted 2 vectors" in accepted.output
    assert default_cache().info().rows == 0


def test_cli_clear_a_whole_provider() -> None:
    fill_default_cache()
    result = CliRunner().invoke(cli, ["cache", "clear", "--model", "test", "-y"])
    assert result.exit_code == 0 and "deleted 4 vectors" in result.output


def test_cli_clear_rejects_a_bad_model_name() -> None:
    result = CliRunner().invoke(cli, ["cache", "clear", "--model", ":x", "--yes"])
    assert result.exit_code == 2 and "PROVIDER:MODEL" in result.output
