"""What docs/scaling.md promises of a Ray run, on a local Ray: the workers share the
driver's cache (a rerun pays only for the missing texts), a worker that cannot open it warns
and embeds without one, a failed run frees the Ray it ran on. The interrupted run on the Ray
embedlab starts itself is in test_ray_interrupt.py."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from pathlib import Path

import embedlab
import numpy as np
import pytest
import ray  # a broken embedlab[ray] install fails here, never skips
from embedlab import EmbeddingCache
from embedlab.testing import FakeEmbedder

from .test_local_engine import expected_rows, read_dataset

pytestmark = pytest.mark.usefixtures("local_ray")


class Counting(FakeEmbedder):
    """A fake that appends the texts of each request it answers to ``log`` (one JSON list a
    line), one request per Ray batch; it raises on a text containing ``fail_on``."""

    def __init__(self, log: str, fail_on: str | None = None) -> None:
        super().__init__(max_batch_size=10)
        self.max_concurrency = 1
        self.log = log
        self.fail_on = fail_on

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        if self.fail_on is not None and any(self.fail_on in t for t in texts):
            raise RuntimeError(f"planted failure on {self.fail_on!r}")
        vectors = super().embed_batch(texts, input_type)
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(list(texts)) + "\n")
        return vectors


def sent(log: Path) -> list[str]:
    """Every text the embedder answered, in the order logged."""
    if not log.exists():
        return []
    return [t for line in log.read_text("utf-8").splitlines() for t in json.loads(line)]


def write_corpus(path: Path, texts: list[str]) -> Path:
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return path


def assert_embeds(out: Path, source: Path, texts: list[str]) -> None:
    """``out`` holds a row for each of ``texts``, with the fake embedder's own vector."""
    rows = expected_rows(source)
    ids, vectors, _ = read_dataset(out)
    assert sorted(rows[i] for i in ids) == sorted(texts)
    np.testing.assert_allclose(vectors, FakeEmbedder().embed([rows[i] for i in ids],
                                                             cache=False), atol=1e-6)


def ray_embed(source: Path, out: Path, log: Path, cache: EmbeddingCache | bool,
              **options: object) -> embedlab.CorpusSummary:
    factory = functools.partial(Counting, str(log), **options)
    return embedlab.embed_corpus(source, out, factory, engine="ray", workers=2, num_cpus=1,
                                 part_rows=20, cache=cache)


def test_a_rerun_with_the_same_cache_pays_only_for_the_missing_texts(tmp_path: Path) -> None:
    texts = [f"cached text number {i}" for i in range(60)]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_corpus(corpus / "a.txt", texts[:40])
    cache = EmbeddingCache(tmp_path / "cache" / "embeddings.sqlite")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    ray_embed(corpus, tmp_path / "out1", first, cache)
    assert sorted(sent(first)) == sorted(texts[:40])
    write_corpus(corpus / "b.txt", texts[40:])
    summary = ray_embed(corpus, tmp_path / "out2", second, cache)
    assert sorted(sent(second)) == sorted(texts[40:])  # only the 20 new texts
    assert summary.rows == 60
    assert_embeds(tmp_path / "out2", corpus, texts)


def test_a_worker_that_cannot_open_the_cache_warns_and_embeds_without_it(
        tmp_path: Path, local_ray: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"not a database " * 200)
    texts = [f"uncached text {i}" for i in range(30)]
    source = write_corpus(tmp_path / "c.txt", texts)
    log = tmp_path / "sent.jsonl"
    summary = ray_embed(source, tmp_path / "out", log, EmbeddingCache(damaged))
    assert summary.rows == 30 and sorted(sent(log)) == sorted(texts)
    assert_embeds(tmp_path / "out", source, texts)
    assert damaged.read_bytes() == b"not a database " * 200  # left as it was
    warned = [line for err in local_ray.glob("worker-*.err")
              for line in err.read_text("utf-8", errors="replace").splitlines()
              if f"this Ray worker cannot use the cache {damaged}" in line]
    assert warned and all("is damaged" in w and "it embeds without one" in w for w in warned)



def _free_cpus(wanted: float, within_s: float = 60.0) -> float:
    """Ray's free CPUs once they reach ``wanted``, or what is free after ``within_s``."""
    deadline = time.monotonic() + within_s
    while True:
        free = float(ray.available_resources().get("CPU", 0.0))
        if free >= wanted or time.monotonic() > deadline:
            return free
        time.sleep(0.5)


def test_a_failed_run_frees_the_callers_ray_while_its_error_is_kept(tmp_path: Path) -> None:
    # On a Ray the caller started (a notebook on a cluster), a failed run's actors held
    # every CPU for as long as its exception lived, so the retry waited for ever.
    total = float(ray.cluster_resources()["CPU"])
    texts = [f"retried text {i}" for i in range(60)]
    source = write_corpus(tmp_path / "c.txt", texts)
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    failed, rerun = tmp_path / "failed.jsonl", tmp_path / "rerun.jsonl"
    with pytest.raises(Exception, match="planted failure") as kept:
        ray_embed(source, tmp_path / "out", failed, cache, fail_on="retried text 57")
    assert ray.is_initialized(), "the caller's Ray is left running"
    assert _free_cpus(total) == total, "the failed run's actors still hold CPUs"
    summary = ray_embed(source, tmp_path / "out", rerun, cache)
    assert summary.rows == 60 and kept.value is not None
    assert_embeds(tmp_path / "out", source, texts)
    assert sorted(sent(rerun)) == sorted(set(texts) - set(sent(failed)))
