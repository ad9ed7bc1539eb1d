"""The Ray engine on a local Ray (2 CPUs, one session for the module): the same ids and
vectors as the local engine, custom models shipped to the workers, the rate limit shared."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from pathlib import Path

import embedlab
import numpy as np
import pytest
import ray  # noqa: F401  (a broken embedlab[ray] install fails here, never skips)
from embedlab.corpus.ray_engine import share_limits
from embedlab.corpus.spec import EmbedderSpec
from embedlab.testing import FakeEmbedder, use_fake_provider

from .test_local_engine import expected_rows, read_dataset

pytestmark = pytest.mark.usefixtures("local_ray")


def test_ray_and_local_engines_give_the_same_ids_and_vectors(corpus_dir: Path,
                                                             tmp_path: Path) -> None:
    with use_fake_provider():
        local = embedlab.embed_corpus(corpus_dir, tmp_path / "local", "fake", part_rows=16)
        remote = embedlab.embed_corpus(corpus_dir, tmp_path / "ray", "fake", engine="ray",
                                       workers=2, num_cpus=1, part_rows=16)
    local_ids, local_vectors, local_meta = read_dataset(tmp_path / "local")
    ray_ids, ray_vectors, ray_meta = read_dataset(tmp_path / "ray")
    assert ray_ids == local_ids and len(ray_ids) == remote.rows == local.rows == 123
    np.testing.assert_allclose(ray_vectors, local_vectors, atol=1e-6)
    assert ray_meta == local_meta
    manifest = json.loads((tmp_path / "ray" / "_embedlab_corpus.json").read_text("utf-8"))
    assert manifest["complete"] is True and manifest["engine"] == "ray"
    assert not [p for p in (tmp_path / "ray").iterdir() if p.name.startswith(".")]


def test_a_custom_model_travels_to_the_workers(corpus_dir: Path, tmp_path: Path,
                                              tiny_model: Path) -> None:
    with use_fake_provider():
        embedlab.embed_corpus(corpus_dir, tmp_path / "out", str(tiny_model), engine="ray")
        direct = embedlab.get_embedder(str(tiny_model))
        rows = expected_rows(corpus_dir)
        ids, vectors, _ = read_dataset(tmp_path / "out")
        np.testing.assert_allclose(vectors, direct.embed([rows[i] for i in ids], cache=False),
                                   atol=1e-5)


def test_the_packed_model_needs_no_access_to_its_directory(tiny_model: Path,
                                                          tmp_path: Path) -> None:
    import shutil

    copy = shutil.copytree(tiny_model, tmp_path / "copy")
    with use_fake_provider():
        spec = EmbedderSpec.from_model(str(copy), portable=True)
        expected = embedlab.get_embedder(str(copy)).embed(["fare to boston"], cache=False)
        shutil.rmtree(copy)
        assert spec.archive is not None
        rebuilt = spec.build().embed(["fare to boston"], cache=False)
    np.testing.assert_allclose(rebuilt, expected, atol=1e-6)


class Recording(FakeEmbedder):
    """A fake that logs each request (time, texts, its own inputs-per-minute) to a file."""

    def __init__(self, log: str, inputs_per_minute: float) -> None:
        super().__init__(max_batch_size=10)
        self.log = log
        self.inputs_per_minute = inputs_per_minute

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([time.time(), len(texts), self.inputs_per_minute]) + "\n")
        return super().embed_batch(texts, input_type)


def test_workers_share_the_rate_limit(tmp_path: Path) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(f"text number {i}" for i in range(80)) + "\n", "utf-8")
    log = tmp_path / "requests.jsonl"
    factory = functools.partial(Recording, str(log), 1200.0)  # 20 texts/s for the key
    embedlab.embed_corpus(corpus, tmp_path / "out", factory, engine="ray", workers=2,
                          num_cpus=1, part_rows=20, cache=False)
    requests = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert sum(n for _, n, _ in requests) == 80
    assert {limit for _, _, limit in requests} == {600.0}  # each of 2 workers: half
    times = sorted(t for t, _, _ in requests)
    # together never faster than the key allows: one first request per worker may start at
    # once, the rest are paced (60 texts at 20/s take at least ~3 s)
    assert times[-1] - times[0] >= (80 - 2 * 10) / 20 * 0.9


def test_share_limits_scales_an_adapter_and_its_base() -> None:
    base = FakeEmbedder()
    base.inputs_per_minute = 2000.0
    base.tokens_per_minute = None

    class Head(FakeEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.requests_per_minute = 100.0

    head = Head()
    share_limits(head, 0.25)
    assert (head.requests_per_minute, base.inputs_per_minute) == (25.0, 500.0)
    assert base.tokens_per_minute is None


def test_an_embedder_instance_is_refused_for_ray(corpus_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(embedlab.ConfigurationError, match="function that returns"):
        embedlab.embed_corpus(corpus_dir, tmp_path / "out", FakeEmbedder(), engine="ray")
    assert not (tmp_path / "out").exists()


def test_ray_keeps_each_repeated_ids_last_row_like_local(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    ids = ["x", "y", "x", "z", "y"]
    source.write_text("id,text\n" + "".join(f"{i},text {n}\n" for n, i in enumerate(ids)),
                      encoding="utf-8")
    with use_fake_provider():
        local = embedlab.embed_corpus(source, tmp_path / "local", "fake", id_column="id",
                                      on_duplicate_id="keep-last")
        remote = embedlab.embed_corpus(source, tmp_path / "ray", "fake", engine="ray",
                                       workers=1, id_column="id", on_duplicate_id="keep-last")
    local_ids, local_vectors, _ = read_dataset(tmp_path / "local")
    ray_ids, ray_vectors, _ = read_dataset(tmp_path / "ray")
    assert ray_ids == local_ids == ["x", "y", "z"]
    assert remote.duplicate_rows == local.duplicate_rows == 2
    np.testing.assert_allclose(ray_vectors, local_vectors, atol=1e-6)
    np.testing.assert_allclose(local_vectors[0], FakeEmbedder().embed(["text 2"],
                                                                      cache=False)[0], atol=1e-6)
