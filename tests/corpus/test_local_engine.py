"""The local engine: the Parquet dataset it writes, bounded parts, resume after a crash."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import embedlab
import numpy as np
import pytest
from embedlab._errors import BadRequestError, ConfigurationError
from embedlab.corpus.output import MANIFEST_NAME
from embedlab.testing import FakeEmbedder


def read_dataset(out: Path) -> tuple[list[str], np.ndarray, dict[bytes, bytes]]:
    """Ids, vectors (sorted by id) and the schema metadata of an output directory."""
    import pyarrow.dataset as ds

    table = ds.dataset(out, format="parquet").to_table()
    order = np.argsort(np.array(table.column("id").to_pylist(), dtype=object))
    ids = [table.column("id").to_pylist()[i] for i in order]
    vectors = np.array(table.column("embedding").to_pylist(), dtype=np.float32)[order]
    return ids, vectors, dict(table.schema.metadata or {})


def expected_rows(corpus: Path) -> dict[str, str]:
    """id → text of every non-blank row, read independently of the engine."""
    from embedlab.corpus.sources import discover, read_chunks

    rows = {}
    for file in discover(corpus):
        for chunk in read_chunks(file, chunk_rows=1000):
            rows.update({i: t for i, t in zip(chunk.ids, chunk.texts, strict=True)
                         if t and t.strip()})
    return rows


class FailingEmbedder(FakeEmbedder):
    """A fake that fails for good after ``fail_after`` requests, like a crash mid-run."""

    def __init__(self, fail_after: int, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.fail_after = fail_after

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        if self.calls >= self.fail_after:
            raise BadRequestError("fake: the process died here", provider="fake")
        return super().embed_batch(texts, input_type)


def test_writes_every_row_once_with_ids_vectors_and_metadata(corpus_dir: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    embedder = FakeEmbedder(max_batch_size=8)
    summary = embedlab.embed_corpus(corpus_dir, out, embedder, part_rows=16, cache=False)
    rows = expected_rows(corpus_dir)
    ids, vectors, metadata = read_dataset(out)
    assert sorted(rows) == ids and len(ids) == 123
    np.testing.assert_allclose(vectors, FakeEmbedder().embed([rows[i] for i in ids],
                                                             cache=False), atol=1e-6)
    assert metadata[b"embedlab.model"] == b"fake:bow"
    assert metadata[b"embedlab.dimension"] == b"64"
    assert summary.rows == 123 and summary.blank_rows == 2 and summary.dimension == 64
    # parts hold at most part_rows rows: memory is one part, whatever the corpus size
    import pyarrow.parquet as pq

    parts = sorted(out.glob("part-*.parquet"))
    assert len(parts) == summary.parts_written == 4 + 2 + 2 + 2
    assert max(pq.ParquetFile(p).metadata.num_rows for p in parts) <= 16
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["complete"] is True and manifest["summary"]["rows"] == 123


def test_a_crash_then_a_rerun_gives_every_row_exactly_once(corpus_dir: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    failing = FailingEmbedder(fail_after=5, max_batch_size=8)
    with pytest.raises(BadRequestError, match="died"):
        embedlab.embed_corpus(corpus_dir, out, failing, part_rows=16, cache=False)
    written = sorted(p.name for p in out.glob("part-*.parquet"))
    assert 0 < len(written) < 10
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["complete"] is False
    # a kill during a write leaves a hidden temporary file: it is never read, and removed
    (out / ".part-00001-000001.parquet.999.tmp").write_bytes(b"PAR1 half a part")
    before = {p: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}

    again = FakeEmbedder(max_batch_size=8)
    summary = embedlab.embed_corpus(corpus_dir, out, again, part_rows=16, cache=False)
    assert summary.parts_resumed == len(written)
    assert {p: p.stat().st_mtime_ns for p in before} == before  # finished parts kept as they are
    assert not list(out.glob(".*.tmp"))
    rows = expected_rows(corpus_dir)
    ids, vectors, _ = read_dataset(out)
    assert ids == sorted(rows)  # every row, exactly once
    assert again.texts_embedded == summary.rows_embedded < len(rows)
    np.testing.assert_allclose(vectors, FakeEmbedder().embed([rows[i] for i in ids],
                                                             cache=False), atol=1e-6)


def test_a_finished_run_is_not_redone(corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    embedlab.embed_corpus(corpus_dir, out, FakeEmbedder(), cache=False)
    again = FakeEmbedder()
    summary = embedlab.embed_corpus(corpus_dir, out, again, cache=False)
    assert again.calls == 0 and summary.rows == 123 and summary.rows_embedded == 0


def test_refuses_to_resume_a_different_job_or_write_into_a_foreign_directory(
        corpus_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    embedlab.embed_corpus(corpus_dir, out, FakeEmbedder(), part_rows=16, cache=False)
    with pytest.raises(ConfigurationError, match=r"different job.*part_rows"):
        embedlab.embed_corpus(corpus_dir, out, FakeEmbedder(), part_rows=32, cache=False)
    with pytest.raises(ConfigurationError, match=r"different job.*model"):
        embedlab.embed_corpus(corpus_dir, out, FakeEmbedder("other"), part_rows=16, cache=False)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not empty"):
        embedlab.embed_corpus(corpus_dir, foreign, FakeEmbedder(), cache=False)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    a_file = tmp_path / "afile"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="afile is a file"):
        embedlab.embed_corpus(corpus_dir, a_file / "sub", FakeEmbedder(), cache=False)


def test_cache_hits_are_counted_on_a_second_corpus(corpus_dir: Path, tmp_path: Path) -> None:
    with embedlab_fake():
        first = embedlab.embed_corpus(corpus_dir, tmp_path / "one", "fake")
        second = embedlab.embed_corpus(corpus_dir, tmp_path / "two", "fake")
    assert first.cache_hits == 0
    assert second.cache_hits == second.rows == 123


def test_a_custom_model_by_path(corpus_dir: Path, tmp_path: Path, tiny_model: Path) -> None:
    out = tmp_path / "out"
    with embedlab_fake():
        summary = embedlab.embed_corpus(corpus_dir, out, str(tiny_model), cache=False)
        direct = embedlab.get_embedder(str(tiny_model))
        rows = expected_rows(corpus_dir)
        ids, vectors, metadata = read_dataset(out)
        np.testing.assert_allclose(vectors, direct.embed([rows[i] for i in ids], cache=False),
                                   atol=1e-5)
    assert summary.model == direct.name and metadata[b"embedlab.model"] == direct.name.encode()


def embedlab_fake():  # type: ignore[no-untyped-def]
    from embedlab.testing import use_fake_provider

    return use_fake_provider()
