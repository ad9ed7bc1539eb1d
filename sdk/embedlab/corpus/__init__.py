"""Re-embedding a corpus at scale: any number of files in, a Parquet dataset of
``id``/``embedding`` out, in bounded memory, resumably, on this machine or on Ray Data.

Nothing heavy is imported here: pyarrow and Ray load when a job runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._embedder import Embedder
from .._errors import ConfigurationError
from .._input_types import check_input_type
from ..settings import cache_enabled
from .duplicates import find_duplicate_ids
from .local import run_local
from .output import OutputDir
from .sources import discover
from .spec import EmbedderSpec
from .summary import CorpusSummary

if TYPE_CHECKING:
    from .._transport.cache import EmbeddingCache
    from .duplicates import OnDuplicateId

__all__ = ["DEFAULT_PART_ROWS", "CorpusSummary", "embed_corpus"]

#: Rows per output part: the unit of memory, of writing and of resuming.
DEFAULT_PART_ROWS = 10_000


def _cache_path(cache: EmbeddingCache | bool | None) -> str | None:
    """Where Ray workers find the cache (``None``: they embed without one)."""
    from .._transport.cache import EmbeddingCache, default_cache

    if cache is False or (cache is None and not cache_enabled()):
        return None
    store = cache if isinstance(cache, EmbeddingCache) else default_cache()
    return str(store.path)


def _lost_parts(output: OutputDir, manifest: dict[str, Any]) -> bool:
    """Whether parts of a finished run are missing; True for the local engine, which can
    redo them; an error saying how to start over for Ray's, which cannot."""
    recorded = int(manifest.get("summary", {}).get("parts", 0))
    present = len(output.part_files())
    if present >= recorded:
        return False
    if manifest.get("engine") == "ray":
        raise ConfigurationError(
            f"--out {output.path}: {recorded - present} of the {recorded} parts of this "
            "finished Ray run are missing; pass --restart (restart=True) to embed it again")
    return True


def embed_corpus(
    source: str | Path,
    out: str | Path,
    model: str | Embedder | Callable[[], Embedder] = "local",
    *,
    text_column: str = "text",
    id_column: str | None = None,
    input_type: str | None = None,
    engine: Literal["local", "ray"] = "local",
    address: str | None = None,
    workers: int = 1,
    num_cpus: float = 1.0,
    part_rows: int = DEFAULT_PART_ROWS,
    encoding: str = "utf-8",
    cache: EmbeddingCache | bool | None = None,
    progress: bool | None = None,
    on_duplicate_id: OnDuplicateId = "error",
    restart: bool = False,
) -> CorpusSummary:
    """Embed every row of ``source`` into the Parquet dataset directory ``out``.

    ``source``: a file, a directory or a glob of Parquet, CSV, TSV, JSONL or text files.
    Each row's id comes from ``id_column``, else ``FILE:ROW``. ``model``: any name
    :func:`embedlab.get_embedder` takes (a custom model's path or id included), or a
    function returning an Embedder (an Embedder instance works with the local engine).
    Rows with empty text are left out and counted. A rerun with the same arguments resumes
    an interrupted local run. ``engine="ray"`` runs on Ray Data: the running Ray, the
    cluster at ``address`` (``"auto"``, ``"ray://HOST:10001"``), or a local one, with
    ``workers`` actors of ``num_cpus`` CPUs each. An id of ``id_column`` on more than
    one row is refused, naming the first ones; ``on_duplicate_id="keep-last"`` keeps only
    each id's last row instead. ``restart=True`` deletes an earlier run's parts in ``out``
    (of this job or another) and starts over.
    """

    if engine not in ("local", "ray"):
        raise ConfigurationError(f"engine must be 'local' or 'ray', not {engine!r}")
    if part_rows < 1 or workers < 1:
        raise ConfigurationError("part_rows and workers must be at least 1")
    files = discover(source)
    duplicates = find_duplicate_ids(files, text_column=text_column, id_column=id_column,
                                    encoding=encoding, on_duplicate_id=on_duplicate_id)
    spec = EmbedderSpec.from_model(model, portable=engine == "ray")
    embedder = spec.build()
    kind = check_input_type(embedder, input_type)
    settings = {
        "model": embedder.name, "revision": str(embedder.revision or ""), "input_type": kind,
        "text_column": text_column, "id_column": id_column, "part_rows": part_rows,
        "inputs": [[f.name, f.size] for f in files],
        **({"on_duplicate_id": on_duplicate_id} if duplicates is not None else {}),
    }
    output = OutputDir(Path(out).expanduser(), settings)
    started = time.monotonic()
    previous = output.open(restart=restart)
    if previous is not None and previous.get("complete") and _lost_parts(output, previous):
        previous = None  # a part went missing: the local engine redoes just that part
    if previous is not None and previous.get("complete"):
        done = previous.get("summary", {})
        return CorpusSummary(
            out=output.path, engine=engine, model=embedder.name,
            dimension=done.get("dimension"), rows=int(done.get("rows", 0)), rows_embedded=0,
            blank_rows=0, parts_written=0, parts_resumed=int(done.get("parts", 0)),
            seconds=time.monotonic() - started, cache_hits=None)
    if engine == "ray":
        from .ray_engine import run_ray

        if any(p.name.endswith(".parquet") for p in output.path.iterdir()):
            raise ConfigurationError(
                f"--out {output.path}: holds an unfinished local-engine run; resume it with "
                "engine 'local', or choose a new --out for Ray")
        summary = run_ray(files, output, spec, embedder, input_type=kind,
                          text_column=text_column, id_column=id_column, encoding=encoding,
                          part_rows=part_rows, cache_path=_cache_path(cache), address=address,
                          workers=workers, num_cpus=num_cpus, progress=progress,
                          duplicates=duplicates)
    else:
        summary = run_local(files, output, embedder, input_type=kind,
                            text_column=text_column, id_column=id_column, encoding=encoding,
                            part_rows=part_rows, cache=cache, progress=progress,
                            duplicates=duplicates)
    parts = summary.parts_written + summary.parts_resumed
    output.write_manifest({"complete": True, "engine": engine, "summary": {
        "rows": summary.rows, "parts": parts, "dimension": summary.dimension}})
    return summary
