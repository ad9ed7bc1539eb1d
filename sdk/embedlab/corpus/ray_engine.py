"""The Ray engine: the same job on Ray Data, on a local Ray or an existing cluster.

A Ray datasource reads each input file with the same reader (and so the same ids) as the
local engine; ``map_batches`` runs :class:`EmbedActor`, which builds the embedder once per
actor, over batches of the embedder's request size with ``workers`` actors; ``write_parquet``
writes the same schema. Files are written to a hidden staging directory and moved into
place when the whole job succeeded. A hosted provider's rate limits are divided among the
actors, so together they keep to the key's limit.
"""

from __future__ import annotations

import gc
import logging
import shutil
import sqlite3
import time
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError
from .._transport.cache import EmbeddingCache
from ..progress import show_progress
from .local import request_rows
from .output import OutputDir, file_metadata, vectors_table
from .sources import InputFile, blank_rows, read_chunks
from .spec import EmbedderSpec
from .summary import CorpusSummary

if TYPE_CHECKING:
    import pyarrow as pa

    from .._embedder import Embedder
    from .duplicates import DuplicateIds

__all__ = ["EmbedActor", "run_ray", "share_limits"]

_LIMITS = ("inputs_per_minute", "requests_per_minute", "tokens_per_minute")


def share_limits(embedder: Embedder, share: float) -> None:
    """Scale the rate limits of ``embedder`` (and of the base it embeds with, for an adapter)
    to ``share`` of the key's, so ``1/share`` workers together keep to the limit."""
    seen: set[int] = set()
    current: Any = embedder
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for name in _LIMITS:
            value = getattr(current, name, None)
            if value is not None:
                setattr(current, name, float(value) * share)
        current = getattr(current, "base", None)


def _rows_of(file: InputFile, text_column: str, id_column: str | None, encoding: str,
             chunk_rows: int, file_index: int = 0,
             duplicates: DuplicateIds | None = None) -> Iterator[pa.Table]:
    """One file's non-blank rows as ``id``/``text`` tables (a Ray read task), without the
    earlier rows of repeated ids when ``duplicates`` says to keep the last."""
    import pyarrow as pa

    for chunk in read_chunks(file, text_column=text_column, id_column=id_column,
                             encoding=encoding, chunk_rows=chunk_rows):
        skip = set(blank_rows(chunk))
        if duplicates is not None:
            skip |= duplicates.dropped(file_index, chunk)
        keep = [n for n in range(len(chunk)) if n not in skip]
        if keep:
            yield pa.table({"id": pa.array([chunk.ids[n] for n in keep], pa.string()),
                            "text": pa.array([chunk.texts[n] for n in keep], pa.string())})


def _datasource(files: list[InputFile], text_column: str, id_column: str | None,
                encoding: str, chunk_rows: int, duplicates: DuplicateIds | None = None) -> Any:
    """A Ray Data datasource with one read task per input file."""
    from ray.data import Datasource, ReadTask
    from ray.data.block import BlockMetadata

    class CorpusDatasource(Datasource):
        """The corpus's files, read by embedlab's own readers."""

        def estimate_inmemory_data_size(self) -> int | None:
            return sum(f.size for f in files)

        def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                           data_context: Any = None) -> list[ReadTask]:
            def task(index: int, file: InputFile) -> ReadTask:
                def read() -> Iterable[pa.Table]:
                    return _rows_of(file, text_column, id_column, encoding, chunk_rows,
                                    index, duplicates)

                metadata = BlockMetadata(num_rows=None, size_bytes=file.size, exec_stats=None,
                                         input_files=(str(file.path),))
                return ReadTask(read, metadata)

            return [task(i, f) for i, f in enumerate(files)]

    return CorpusDatasource()


class EmbedActor:
    """Built once per Ray actor: the embedder, its share of the rate limit, and the cache."""

    def __init__(self, spec: EmbedderSpec, input_type: str | None, cache_path: str | None,
                 share: float) -> None:
        self.embedder = spec.build()
        share_limits(self.embedder, share)
        self.input_type = input_type
        self.cache: Any = False
        if cache_path is not None:

            cache = EmbeddingCache(cache_path)
            try:
                cache.size_bytes()
                cache.dimensions("", "", "", None)
                self.cache = cache
            except (OSError, sqlite3.Error, ConfigurationError) as exc:
                warnings.warn(f"embedlab: this Ray worker cannot use the cache {cache_path} "
                              f"({exc}); it embeds without one", RuntimeWarning, stacklevel=2)

    def __call__(self, batch: pa.Table) -> pa.Table:
        ids = batch.column("id").to_pylist()
        texts = batch.column("text").to_pylist()
        vectors = self.embedder.embed(texts, self.input_type, cache=self.cache, progress=False)
        metadata = file_metadata(self.embedder.name, str(self.embedder.revision or ""),
                                 int(vectors.shape[1]), self.input_type)
        return vectors_table(ids, vectors, metadata)


def _released(exc: BaseException) -> BaseException:
    """``exc`` with no tracebacks along its chain (causes and contexts). Ray Data's frames in
    them hold the failed run's actor handles, and so the actors' CPUs, for as long as the
    exception lives: on a Ray the caller started, a kept exception (a notebook, a retry loop,
    ``pytest.raises``) made the next run wait for CPUs for ever (clearing the frames with
    ``traceback.clear_frames`` instead was tried: the CPUs stayed held). Ray's message keeps
    the remote traceback; the collection frees the cycles Ray Data's executor leaves (one
    actor held otherwise)."""
    pending, seen = [exc], set()
    while pending:
        link = pending.pop()
        if id(link) not in seen:
            seen.add(id(link))
            link.__traceback__ = None
            pending += [e for e in (link.__cause__, link.__context__) if e is not None]
    gc.collect()
    return exc


def _connect(address: str | None) -> bool:
    """Join the running Ray, the cluster at ``address``, or start a local one; True if this
    call started (and so must stop) it."""
    try:
        import ray
    except ImportError:
        raise ConfigurationError("engine 'ray' needs Ray Data; install it with: "
                                 "pip install 'embedlab[ray]'") from None
    if ray.is_initialized():
        return False
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
    except ConnectionError as exc:
        raise ConfigurationError(f"cannot reach a Ray cluster at {address!r}: {exc}; check "
                                 "--address (auto, or ray://HOST:10001)") from None
    return True


def run_ray(files: list[InputFile], output: OutputDir, spec: EmbedderSpec, embedder: Embedder,
            *, input_type: str | None, text_column: str, id_column: str | None, encoding: str,
            part_rows: int, cache_path: str | None, address: str | None, workers: int,
            num_cpus: float, progress: bool | None,
            duplicates: DuplicateIds | None = None) -> CorpusSummary:
    """Run the job on Ray Data; see :func:`embedlab.embed_corpus`."""
    import pyarrow.parquet as pq

    started_at = time.monotonic()
    started = _connect(address)
    try:
        import ray.data

        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = show_progress(progress)
        context.print_on_execution_start = False
        # Reading is light next to embedding: read tasks take no CPU slot, so actors that
        # hold every CPU of a small Ray never starve the reads that feed them.
        dataset = ray.data.read_datasource(
            _datasource(files, text_column, id_column, encoding, part_rows, duplicates),
            num_cpus=0)
        dataset = dataset.map_batches(
            EmbedActor, batch_size=request_rows(embedder), batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=num_cpus,
            fn_constructor_kwargs={"spec": spec, "input_type": input_type,
                                   "cache_path": cache_path, "share": 1.0 / workers})
        staging = output.staging()
        try:
            dataset.write_parquet(str(staging))
        except Exception as exc:
            del dataset
            raise _released(exc)  # noqa: B904 (exc itself, re-raised lighter)
        moved: list[Path] = []
        for path in sorted(staging.glob("*.parquet")):
            target = output.path / f"part-ray-{path.name}"
            path.replace(target)
            moved.append(target)
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        if started:
            import ray

            ray.shutdown()
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in moved)
    dimension = embedder.dimension
    if moved:
        meta = pq.ParquetFile(moved[0]).schema_arrow.metadata or {}
        dimension = int(meta.get(b"embedlab.dimension", dimension or 0)) or dimension
    return CorpusSummary(out=output.path, engine="ray", model=embedder.name,
                         dimension=dimension, rows=rows, rows_embedded=rows, blank_rows=None,
                         parts_written=len(moved), parts_resumed=0,
                         seconds=time.monotonic() - started_at, cache_hits=None,
                         duplicate_rows=duplicates.dropped_rows if duplicates else 0)
