"""The local engine: reads, embeds and writes one part at a time in this process, so peak
memory is one part's texts and vectors whatever the corpus size, and a rerun skips the
parts already written."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..progress import progress_bar
from .output import OutputDir, file_metadata, part_name, vectors_table
from .sources import InputFile, blank_rows, count_rows, read_chunks
from .summary import CorpusSummary

if TYPE_CHECKING:
    import numpy as np

    from .._embedder import Embedder
    from .._transport.cache import EmbeddingCache
    from .duplicates import DuplicateIds

__all__ = ["request_rows", "run_local"]

#: Fewest rows handed to one ``embed()`` call (the bar moves once per call).
MIN_CALL_ROWS = 256


def request_rows(embedder: Embedder) -> int:
    """Texts the embedder takes in one round of requests: its request size × concurrency."""
    return max(1, int(embedder.max_batch_size)) * max(1, int(embedder.max_concurrency))


class _SentCounter:
    """Counts the texts the embedder actually sends to its provider (the rest were cached)."""

    def __init__(self) -> None:
        self.sent = 0

    @contextlib.contextmanager
    def watching(self, embedder: Embedder) -> Iterator[None]:
        original = embedder.embed_batch

        def counted(texts: Sequence[str], input_type: str | None) -> Any:
            result = original(texts, input_type)
            self.sent += len(texts)
            return result

        embedder.embed_batch = counted  # type: ignore[method-assign]
        try:
            yield
        finally:
            del embedder.embed_batch


def _finished_rows(output: OutputDir, names: set[str]) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(output.path / name).metadata.num_rows for name in names)


def run_local(files: list[InputFile], output: OutputDir, embedder: Embedder, *,
              input_type: str | None, text_column: str, id_column: str | None, encoding: str,
              part_rows: int, cache: EmbeddingCache | bool | None,
              progress: bool | None, duplicates: DuplicateIds | None = None) -> CorpusSummary:
    """Embed every part of ``files`` not yet in ``output``; see :func:`embedlab.embed_corpus`."""
    started = time.monotonic()
    done = output.finished_parts()
    kept_rows = _finished_rows(output, done)
    total = sum(count_rows(f) for f in files)
    call_rows = min(part_rows, max(MIN_CALL_ROWS, request_rows(embedder)))
    counter = _SentCounter()
    rows = blanks = written = resumed = distinct = 0
    dimension: int | None = embedder.dimension
    bar = progress_bar(max(0, total - kept_rows), desc=f"embed {embedder.name}", unit="row",
                       force=progress)
    try:
        with counter.watching(embedder):
            for fi, file in enumerate(files):
                chunks = read_chunks(file, text_column=text_column, id_column=id_column,
                                     encoding=encoding, chunk_rows=part_rows)
                for pi, chunk in enumerate(chunks):
                    name = part_name(fi, pi)
                    if name in done:
                        resumed += 1
                        continue
                    skip = set(blank_rows(chunk))
                    blanks += len(skip)
                    if duplicates is not None:
                        skip |= duplicates.dropped(fi, chunk)
                    bar.update(len(skip))
                    ids = [i for n, i in enumerate(chunk.ids) if n not in skip]
                    texts = [t for n, t in enumerate(chunk.texts)
                             if n not in skip and t is not None]
                    if not texts:
                        continue
                    pieces: list[np.ndarray] = []
                    for start in range(0, len(texts), call_rows):
                        piece = texts[start:start + call_rows]
                        distinct += len(set(piece))
                        pieces.append(embedder.embed(piece, input_type, cache=cache,
                                                     progress=False))
                        bar.update(len(piece))
                    import numpy as np

                    vectors = np.concatenate(pieces)
                    dimension = int(vectors.shape[1])
                    metadata = file_metadata(embedder.name, str(embedder.revision or ""),
                                             dimension, input_type)
                    output.write_part(name, vectors_table(ids, vectors, metadata))
                    written += 1
                    rows += len(ids)
    finally:
        bar.close()
    summary = CorpusSummary(
        out=output.path, engine="local", model=embedder.name, dimension=dimension,
        rows=rows + kept_rows, rows_embedded=rows, blank_rows=blanks, parts_written=written,
        parts_resumed=resumed, seconds=time.monotonic() - started,
        cache_hits=max(0, distinct - counter.sent),
        duplicate_rows=duplicates.dropped_rows if duplicates else 0)
    return summary
