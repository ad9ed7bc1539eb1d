"""Item 12 of issue 23: ``embedlab cache clear --yes`` works whatever state the cache's place
is in, or says exactly why it cannot (exit 2), and never deletes what embedlab did not write."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from embedlab._transport.cache import CACHE_FILENAME, EmbeddingCache
from embedlab.cli import cli
from embedlab.settings import cache_dir
from embedlab.testing import FakeEmbedder


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_a_directory_where_the_cache_file_belongs(runner: CliRunner, suffix: str) -> None:
    path = cache_dir() / CACHE_FILENAME
    if suffix:
        with EmbeddingCache(path) as store:  # a real cache file, its WAL gone on close
            FakeEmbedder(dimension=8).embed(["a real cache first"], cache=store,
                                            progress=False)
    place = Path(f"{path}{suffix}")
    place.mkdir(parents=True, exist_ok=True)
    (place / "mine.txt").write_text("not embedlab's", encoding="utf-8")
    for args in (["cache", "clear", "--yes"], ["cache", "info"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert f"{place} is a directory" in result.stderr and "Traceback" not in result.output
    assert (place / "mine.txt").read_text(encoding="utf-8") == "not embedlab's"
    with pytest.warns(RuntimeWarning, match="is a directory"):
        vectors = FakeEmbedder(dimension=8).embed(["goes on without the cache"],
                                                  progress=False)
    assert vectors.shape == (1, 8) and np.isfinite(vectors).all()


def test_a_file_where_the_cache_folder_belongs(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache-folder"
    folder.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(folder))
    result = runner.invoke(cli, ["cache", "clear", "--yes"])
    assert result.exit_code == 0, result.output
    assert "deleted 0 vectors" in result.stdout
    with pytest.warns(RuntimeWarning, match=f"{folder} is a file"):
        FakeEmbedder(dimension=8).embed(["goes on without the cache"], progress=False)
    assert folder.read_text(encoding="utf-8") == "a file"
