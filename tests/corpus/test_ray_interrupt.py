"""docs/scaling.md's promise for an interrupted Ray run, on the Ray embedlab starts itself (as
a user's ``embed --engine ray`` does): the run leaves only its hidden staging directory and an
incomplete manifest, and the next run redoes it whole, the texts already cached not sent again.

On the corpus tests' module-wide Ray (``local_ray``), the caller's Ray, the same scenario is
``test_a_failed_run_frees_the_callers_ray_while_its_error_is_kept``: it once hung there,
because the failed run's actors kept every CPU while ``pytest.raises`` kept its exception."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
import ray.cloudpickle
from embedlab import EmbeddingCache

from . import test_ray_cache_and_rerun as shared
from .test_ray_cache_and_rerun import assert_embeds, ray_embed, sent, write_corpus


@pytest.fixture
def own_ray(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No Ray running: embedlab starts its own and shuts it down after each run."""
    assert not ray.is_initialized()
    monkeypatch.setenv("EMBEDLAB_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("EMBEDLAB_PROGRESS", "0")
    ray.cloudpickle.register_pickle_by_value(shared)
    try:
        yield
    finally:
        ray.cloudpickle.unregister_pickle_by_value(shared)


@pytest.mark.usefixtures("own_ray")
def test_an_interrupted_run_leaves_only_its_staging_and_a_rerun_redoes_it(
        tmp_path: Path) -> None:
    texts = [f"interrupted text {i}" for i in range(80)]
    source = write_corpus(tmp_path / "c.txt", texts)
    out = tmp_path / "out"
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    failed, rerun = tmp_path / "failed.jsonl", tmp_path / "rerun.jsonl"
    with pytest.raises(Exception, match="planted failure"):
        ray_embed(source, out, failed, cache, fail_on="interrupted text 77")
    assert not ray.is_initialized()  # embedlab's own Ray is shut down, failure or not
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 2 and left[0].startswith(".ray-staging-")
    assert left[1] == "_embedlab_corpus.json"
    manifest = json.loads((out / "_embedlab_corpus.json").read_text("utf-8"))
    assert manifest["complete"] is False
    summary = ray_embed(source, out, rerun, cache)
    assert summary.rows == 80
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert json.loads((out / "_embedlab_corpus.json").read_text("utf-8"))["complete"] is True
    assert_embeds(out, source, texts)
    # redone whole, but the texts the failed run embedded come from the cache
    assert sorted(sent(rerun)) == sorted(set(texts) - set(sent(failed)))
