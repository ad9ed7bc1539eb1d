"""A run killed part-way keeps every batch it finished: the rerun embeds only the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

#: Embeds 23 texts in batches of 5 and dies (``os._exit``) when asked for batch DIE_AT.
SCRIPT = """
import hashlib, os, sys, threading
import numpy as np
from embedlab import Embedder, EmbeddingCache

cache_path, log_path, out_path, die_at, concurrency = sys.argv[1:6]

class Dying(Embedder):
    provider, model, dimension, max_batch_size = "test", "resume", 4, 5
    max_concurrency = int(concurrency)
    batches = 0
    lock = threading.Lock()

    def embed_batch(self, texts, input_type):
        with self.lock:
            if die_at != "never" and self.batches == int(die_at):
                os._exit(17)  # no cleanup, no exception handlers: like a kill
            self.batches += 1
            with open(log_path, "a", encoding="utf-8") as log:
                log.write("".join(t + "\\n" for t in texts))
        return np.stack([np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], "<f4")
                         for t in texts])

texts = [f"resume text {i}" for i in range(23)]
result = Dying().embed(texts, cache=EmbeddingCache(cache_path))
np.save(out_path, result)
"""


def run(tmp_path: Path, die_at: str, concurrency: int = 1) -> int:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "cache.sqlite3"), str(tmp_path / "log"),
         str(tmp_path / "out.npy"), die_at, str(concurrency)],
        timeout=120, check=False).returncode


def sent(tmp_path: Path) -> list[str]:
    log = tmp_path / "log"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return lines


def cached(tmp_path: Path, texts: list[str]) -> set[str]:
    """The texts whose vectors are in the cache file."""
    from embedlab._transport.cache import CacheNamespace, EmbeddingCache

    with EmbeddingCache(tmp_path / "cache.sqlite3") as cache:
        _, found = cache.get(CacheNamespace("test", "resume", "", "", 4), texts)
    return {t for t, hit in zip(texts, found, strict=True) if hit}


@pytest.mark.parametrize("concurrency", [1, 3])
def test_killed_run_resumes_with_only_the_missing_texts(tmp_path: Path,
                                                        concurrency: int) -> None:
    all_texts = [f"resume text {i}" for i in range(23)]
    assert run(tmp_path, die_at="3", concurrency=concurrency) == 17
    first = sent(tmp_path)
    assert len(first) == 15 and not (tmp_path / "out.npy").exists()
    kept = cached(tmp_path, all_texts)
    if concurrency == 1:
        assert kept == set(first)  # every finished batch was saved before the next began
    else:  # batches answered but not yet saved when the process died are lost, no more
        assert kept <= set(first) and len(kept) >= 15 - 5 * (concurrency - 1)

    assert run(tmp_path, die_at="never", concurrency=concurrency) == 0
    second = sent(tmp_path)
    assert sorted(second) == sorted(set(all_texts) - kept)  # only what was missing
    resumed = np.load(tmp_path / "out.npy")

    (tmp_path / "cache.sqlite3").unlink()
    assert run(tmp_path, die_at="never", concurrency=concurrency) == 0
    assert len(sent(tmp_path)) == 23
    np.testing.assert_array_equal(resumed, np.load(tmp_path / "out.npy"))
