"""Writing a file atomically: into a hidden file beside it, renamed over it once whole, so a
reader (or a crash) never sees half a file and a failed write leaves the old file as it was."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_open", "atomic_path", "partial_path", "write_json", "write_text"]


def partial_path(target: str | os.PathLike[str], suffix: str = ".partial") -> Path:
    """A hidden, unique name beside ``target``: ``.NAME.PID-RANDOM{suffix}``."""
    target = Path(target)
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{suffix}")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, suffix: str = ".partial") -> Iterator[Path]:
    """A temporary path for the block to write; renamed over ``target`` when the block
    succeeds, removed when it fails. For writers that take a path (pyarrow, matplotlib)."""
    target = Path(target)
    tmp = partial_path(target, suffix)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(target: str | os.PathLike[str], mode: str = "w", *, encoding: str = "utf-8",
                newline: str | None = None, suffix: str = ".partial") -> Iterator[IO[Any]]:
    """``open(target, mode)`` that replaces ``target`` only once the block has written it
    whole (flushed and synced to disk); text modes default to UTF-8."""
    binary = "b" in mode
    with atomic_path(target, suffix=suffix) as tmp, open(
            tmp, mode, encoding=None if binary else encoding,
            newline=None if binary else newline) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def write_text(target: str | os.PathLike[str], text: str, *, encoding: str = "utf-8",
               suffix: str = ".partial") -> Path:
    """Write ``text`` to ``target`` atomically and return the path."""
    with atomic_open(target, encoding=encoding, suffix=suffix) as fh:
        fh.write(text)
    return Path(target)


def write_json(target: str | os.PathLike[str], data: Any, *, suffix: str = ".partial",
               **dump_options: Any) -> Path:
    """Write ``data`` as JSON (``json.dump`` options, e.g. ``indent=2``) atomically."""
    with atomic_open(target, suffix=suffix) as fh:
        json.dump(data, fh, **dump_options)
    return Path(target)
