"""Item 3 of issue 13: a damaged cache file is named with the way out, embedding goes on
without it, and ``embedlab cache clear`` always works."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from embedlab._transport.cache import CACHE_FILENAME, EmbeddingCache
from embedlab.cli import cli
from embedlab.settings import cache_dir
from embedlab.testing import FakeEmbedder


@pytest.fixture
def damaged_cache() -> Path:
    """The default cache, filled and then with its pages after the first overwritten."""
    path = cache_dir() / CACHE_FILENAME
    store = EmbeddingCache(path)
    FakeEmbedder(dimension=32).embed([f"text {i}" for i in range(500)], cache=store,
                                     progress=False)
    store.close()
    with sqlite3.connect(path) as conn:  # move everything out of the WAL into the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(16384)  # keep page 1 (the header), overwrite the rest
        fh.write(b"\xa5" * (size - 16384))
    return path


def test_embed_goes_on_without_a_damaged_cache(damaged_cache: Path) -> None:
    texts = ["text 1", "text 2", "text 3"]
    with pytest.warns(RuntimeWarning, match=f"{damaged_cache.name}.*damaged.*cache clear"):
        vectors = FakeEmbedder(dimension=32).embed(texts, progress=False)
    np.testing.assert_allclose(vectors, FakeEmbedder(dimension=32).embed(texts, cache=False,
                                                                         progress=False))


def test_cache_info_names_the_damaged_file(damaged_cache: Path) -> None:
    result = CliRunner().invoke(cli, ["cache", "info"])
    assert result.exit_code == 2, result.output
    assert str(damaged_cache) in result.output and "cache clear --yes" in result.output
    assert "Traceback" not in result.output


def test_cache_clear_removes_a_damaged_cache(damaged_cache: Path) -> None:
    result = CliRunner().invoke(cli, ["cache", "clear", "--yes"])
    assert result.exit_code == 0, result.output
    assert not damaged_cache.exists()
    assert CliRunner().invoke(cli, ["cache", "info"]).exit_code == 0


def test_clearing_one_model_of_a_damaged_cache_says_how_to_clear_it_all(
        damaged_cache: Path) -> None:
    result = CliRunner().invoke(cli, ["cache", "clear", "--yes", "--model", "fake"])
    assert result.exit_code == 2
    assert "cache clear --yes" in result.output and "Traceback" not in result.output
