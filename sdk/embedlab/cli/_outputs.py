"""The one check of a single output file (``embed -o x.npy``, ``classify --out x.csv``),
made before any work: its folders are folders, it is not a directory, it is never one of the
command's inputs, and an existing file is replaced only with ``--overwrite``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .._errors import ConfigurationError
from ..corpus.output import check_out_path

__all__ = ["check_out_file"]


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: the same resolved path, or (hard or symbolic
    links) the same inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_out_file(out: Path, *, overwrite: bool, inputs: Iterable[Path] = (),
                   option: str = "--out") -> None:
    """Refuse ``out`` unless the command may write it; ``inputs`` are the files it reads."""

    check_out_path(out, option)
    for source in inputs:
        if _same_file(out, source):
            raise ConfigurationError(f"{option} {out}: is the input file {source}; writing "
                                     f"it would destroy the input, so choose another {option}")
    if out.is_dir():
        raise ConfigurationError(f"{option} {out}: is a directory; give a file name")
    if (out.exists() or out.is_symlink()) and not overwrite:
        raise ConfigurationError(f"{option} {out}: the file exists; choose another name or "
                                 "pass --overwrite to replace it")
