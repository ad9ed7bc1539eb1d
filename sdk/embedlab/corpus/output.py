"""The output of a corpus run: a directory of Parquet parts (``id``, ``embedding``) and
embedlab's manifest of the run.

Each part is written to a hidden temporary file and renamed into place, so a part either
exists whole or not at all; the manifest (``_embedlab_corpus.json``, which Parquet readers
skip like every ``_``/``.`` name) records the settings, so a rerun resumes only the same job,
and says when the run is complete. embedlab writes into a directory only when it is new,
empty, or holds this manifest, and removes only its own temporary files.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path, write_json
from .._errors import ConfigurationError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["MANIFEST_NAME", "OutputDir", "check_out_path", "part_name", "vectors_table"]

MANIFEST_NAME = "_embedlab_corpus.json"
FORMAT_VERSION = 1
_PART = re.compile(r"^part-(\d{5})-(\d{6})\.parquet$")
# The parts the Ray engine moves in (``part-ray-`` and Ray's own file name).
_RAY_PART = re.compile(r"^part-ray-[A-Za-z0-9_.-]+\.parquet$")
# Hidden files embedlab writes before renaming (``.NAME.PID-RANDOM.tmp``, or ``.NAME.PID.tmp``
# from earlier versions) and the Ray staging directories: a resumed run may remove them.
_TEMPORARY = re.compile(r"^\.(part-\d{5}-\d{6}\.parquet\.\d+(-[0-9a-f]+)?\.tmp|"
                        r"ray-staging-[A-Za-z0-9_]+|_embedlab_corpus\.json\.[^/]+\.tmp)$")


def part_name(file_index: int, part_index: int) -> str:
    """The file name of part ``part_index`` of input file ``file_index``."""
    return f"part-{file_index:05d}-{part_index:06d}.parquet"


def check_out_path(out: Path, option: str = "--out") -> None:
    """Refuse an output path below a file (``afile/sub``) with a clear message."""
    for parent in [out, *out.parents]:
        if parent.exists():
            if parent != out and not parent.is_dir():
                raise ConfigurationError(f"{option} {out}: {parent} is a file, not a directory; "
                                         f"choose an {option} path whose folders are folders")
            return


def vectors_table(ids: Sequence[str], vectors: np.ndarray,
                  metadata: dict[str, str]) -> pa.Table:
    """``id`` (string) and ``embedding`` (fixed-size list of float32), with ``metadata``."""
    import numpy as np
    import pyarrow as pa

    array = np.ascontiguousarray(vectors, dtype=np.float32)
    dimension = array.shape[1] if array.ndim == 2 else 0
    embedding = pa.FixedSizeListArray.from_arrays(pa.array(array.reshape(-1), pa.float32()),
                                                  dimension)
    schema = pa.schema([("id", pa.string()), ("embedding", embedding.type)],
                       metadata={k.encode(): v.encode() for k, v in metadata.items()})
    return pa.Table.from_arrays([pa.array(ids, pa.string()), embedding], schema=schema)


def file_metadata(model: str, revision: str, dimension: int,
                  input_type: str | None) -> dict[str, str]:
    """The key-value metadata every output file carries."""
    return {"embedlab.model": model, "embedlab.revision": revision,
            "embedlab.dimension": str(dimension), "embedlab.input_type": input_type or ""}


class OutputDir:
    """The output directory of one corpus job, identified by its ``settings``."""

    def __init__(self, path: Path, settings: dict[str, Any]) -> None:
        self.path = path
        self.settings = settings
        self.manifest = path / MANIFEST_NAME

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or ``None`` if there is none."""
        try:
            data = json.loads(self.manifest.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"{self.manifest}: cannot be read ({exc}); choose a new "
                                     "--out directory") from None
        return data if isinstance(data, dict) else None

    def open(self, *, restart: bool = False) -> dict[str, Any] | None:
        """Make the directory ready: new, or a run of the same job to resume (``restart``:
        an earlier run's files are removed first, whatever its job). Returns the existing
        manifest (``None`` for a fresh start); removes only embedlab's own files."""
        check_out_path(self.path)
        if self.path.exists() and not self.path.is_dir():
            raise ConfigurationError(f"--out {self.path}: is a file; a corpus is written to a "
                                     "directory (give a new directory name)")
        self.path.mkdir(parents=True, exist_ok=True)
        manifest = self.read_manifest()
        if manifest is not None and restart:
            self._remove_run()
            manifest = None
        entries = [p.name for p in self.path.iterdir()]
        if manifest is None:
            if entries:
                raise ConfigurationError(
                    f"--out {self.path}: is not empty and holds no embedlab corpus run "
                    f"({MANIFEST_NAME}); embedlab writes only into a new or empty directory, "
                    "so choose another --out")
        else:
            self._check_same_job(manifest)
        for name in entries:
            if _TEMPORARY.match(name):
                target = self.path / name
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    target.unlink(missing_ok=True)
        if manifest is None:
            self.write_manifest({"complete": False})
        return manifest

    def _check_same_job(self, manifest: dict[str, Any]) -> None:
        before = manifest.get("settings", {})
        changed = sorted(k for k in set(before) | set(self.settings)
                         if before.get(k) != self.settings.get(k))
        if manifest.get("format") != FORMAT_VERSION or changed:
            what = ", ".join(changed) or "format"
            raise ConfigurationError(
                f"--out {self.path}: holds a run of a different job (changed: {what}); "
                "rerun with the same input and options to resume it, pass --restart "
                "(restart=True) to delete that run's parts and start over, or choose a new "
                "--out")

    def _remove_run(self) -> None:
        """Delete the earlier run's parts, manifest and temporary files; refused, deleting
        nothing, when the directory holds anything else (embedlab deletes only its own)."""
        def ours(entry: Path) -> bool:
            name = entry.name
            if _TEMPORARY.match(name):
                return not entry.is_symlink()
            return bool(_PART.match(name) or _RAY_PART.match(name) or name == MANIFEST_NAME) \
                and entry.is_file() and not entry.is_symlink()

        entries = list(self.path.iterdir())
        foreign = sorted(e.name for e in entries if not ours(e))
        if foreign:
            raise ConfigurationError(
                f"--out {self.path}: --restart deletes only embedlab's corpus files, and this "
                f"directory also holds {', '.join(foreign[:5])}"
                f"{' and more' if len(foreign) > 5 else ''}; move them out or choose a new --out")
        for entry in entries:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def part_files(self) -> set[str]:
        """Names of every part in the directory, from either engine."""
        return {p.name for p in self.path.iterdir()
                if _PART.match(p.name) or _RAY_PART.match(p.name)}

    def write_manifest(self, extra: dict[str, Any]) -> None:
        """Write the manifest with the settings and ``extra`` (atomically)."""
        write_json(self.manifest, {"format": FORMAT_VERSION, "settings": self.settings,
                                   **extra}, indent=2, sort_keys=True, suffix=".tmp")

    def finished_parts(self) -> set[str]:
        """Names of the parts already written whole."""
        return {p.name for p in self.path.iterdir() if _PART.match(p.name)}

    def write_part(self, name: str, table: pa.Table) -> None:
        """Write ``table`` as part ``name``, atomically."""
        import pyarrow.parquet as pq

        with atomic_path(self.path / name, suffix=".tmp") as tmp:
            pq.write_table(table, tmp)

    def staging(self) -> Path:
        """A fresh hidden directory for an engine that writes its files itself (Ray)."""
        return Path(tempfile.mkdtemp(prefix=".ray-staging-", dir=self.path))
