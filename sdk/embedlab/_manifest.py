"""What embedlab wrote into an output directory, so it replaces only its own files.

Every directory embedlab saves (a report, a custom model) carries ``.embedlab-manifest.json``:
the relative path, size and SHA-256 of each file it wrote. A directory may be replaced only
when every file in it is listed there unchanged, and only when the caller asks
(``overwrite=True`` / ``--overwrite``); anything else is refused with a message that says why.
embedlab never deletes a file it did not write.

Savers build their output in a hidden staging directory beside the target and publish it
with :func:`staged_output`, which checks, swaps and removes only the old manifest's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ._atomic import write_json
from ._errors import ConfigurationError
from ._version import __version__

__all__ = ["MANIFEST_NAME", "check_output_dir", "foreign_files", "owned_files", "read_manifest",
           "staged_output", "write_manifest"]

#: The manifest's file name inside every directory embedlab saves.
MANIFEST_NAME = ".embedlab-manifest.json"
_FORMAT = "embedlab-manifest/1"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(directory: Path) -> Iterator[Path]:
    """Every file (or link, or other non-directory) under ``directory``, sorted."""
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            yield Path(root) / name
        for name in dirs:  # a link to a directory is not followed: it is an entry itself
            if (Path(root) / name).is_symlink():
                yield Path(root) / name


def write_manifest(directory: str | Path, kind: str) -> Path:
    """List every file under ``directory`` in its manifest (what embedlab wrote there)."""

    root = Path(directory)
    files: dict[str, dict[str, Any]] = {}
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST_NAME or path.is_symlink():
            continue
        files[rel] = {"size": path.stat().st_size, "sha256": _digest(path)}
    return write_json(root / MANIFEST_NAME, {"format": _FORMAT, "kind": kind,
                                             "embedlab": __version__, "files": files},
                      indent=2)


def read_manifest(directory: str | Path) -> dict[str, Any] | None:
    """The manifest of ``directory``, or ``None`` when it has none (or not a readable one)."""
    try:
        data = json.loads((Path(directory) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _FORMAT \
            or not isinstance(data.get("files"), dict):
        return None
    return data


def _entry_problem(root: Path, rel: object, entry: object) -> str | None:
    """Why manifest entry ``rel`` is not a file embedlab may own under ``root`` (or None):
    a plain relative name inside ``root``, through no link, with its size and SHA-256."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
        return "is not a plain relative file name"
    if PurePosixPath(rel).is_absolute() or PureWindowsPath(rel).drive:
        return "is an absolute path"
    if any(part in ("", ".", "..") for part in rel.split("/")):
        return "leaves the directory or is not a plain name (no '..', '.' or empty parts)"
    if not isinstance(entry, dict) or type(entry.get("size")) is not int \
            or not isinstance(entry.get("sha256"), str):
        return "has no size and sha256"
    current = root
    for part in rel.split("/"):
        current = current / part
        if current.is_symlink():
            return f"goes through a symbolic link ({current.relative_to(root).as_posix()})"
    if not current.resolve().is_relative_to(root.resolve()):  # belt and braces
        return "leaves the directory"
    return None


def owned_files(directory: str | Path) -> dict[str, dict[str, Any]]:
    """The entries of ``directory``'s manifest, each checked to name a file inside it; a
    manifest listing anything else (``../x``, ``/etc/x``, a path through a link) is refused
    whole, since removing its files could delete what embedlab never wrote."""
    root = Path(directory)
    manifest = read_manifest(root)
    if manifest is None:
        return {}
    for rel, entry in manifest["files"].items():
        problem = _entry_problem(root, rel, entry)
        if problem:
            raise ConfigurationError(
                f"{root / MANIFEST_NAME}: invalid manifest, entry {rel!r} {problem}; embedlab "
                "will not replace this directory. Remove the manifest (and the directory's "
                "files yourself) or choose another output directory")
    return dict(manifest["files"])


def _unchanged(path: Path, entry: dict[str, Any]) -> bool:
    """Whether ``path`` is a regular file (not a link) with the entry's size and SHA-256."""
    return (not path.is_symlink() and path.is_file() and path.stat().st_size == entry["size"]
            and _digest(path) == entry["sha256"])


def foreign_files(directory: str | Path) -> list[str]:
    """Files under ``directory`` that embedlab did not write, or that changed since it did."""
    root = Path(directory)
    manifest = read_manifest(root)
    listed: dict[str, Any] = manifest["files"] if manifest else {}
    foreign = []
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST_NAME and manifest is not None:
            continue
        entry = listed.get(rel)
        if (entry is None or path.is_symlink() or not isinstance(entry, dict)
                or path.stat().st_size != entry.get("size")
                or _digest(path) != entry.get("sha256")):
            foreign.append(rel)
    return foreign


def check_output_dir(target: str | Path, *, overwrite: bool = False,
                     what: str = "output") -> None:
    """Refuse ``target`` unless embedlab may write there: absent, empty, or (with
    ``overwrite``) holding only files embedlab wrote, unchanged."""
    path = Path(target).expanduser()
    for parent in path.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise ConfigurationError(
                    f"{path}: {parent} is a file, not a directory, so nothing can be saved "
                    "under it; choose another output directory")
            break
    if path.is_symlink():
        raise ConfigurationError(f"{path}: is a symbolic link; embedlab does not replace links. "
                                 "Choose another output directory")
    if not path.exists():
        return
    if not path.is_dir():
        raise ConfigurationError(f"{path}: exists and is not a directory; choose another "
                                 "output directory")
    try:
        empty = not any(path.iterdir())
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot be read ({exc.strerror}); choose another "
                                 "output directory") from None
    if empty:
        return
    if read_manifest(path) is None:
        raise ConfigurationError(
            f"{path}: the directory is not empty and was not written by embedlab (it has no "
            f"{MANIFEST_NAME}); embedlab never replaces files it did not write. Choose "
            "another output directory or empty this one")
    owned_files(path)  # every entry a plain name inside the directory, or refused
    foreign = foreign_files(path)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5
                                          else "")
        raise ConfigurationError(
            f"{path}: holds {len(foreign)} file(s) embedlab did not write or that changed since "
            f"it did ({shown}); embedlab replaces only its own files. Move them out or choose "
            "another output directory")
    if not overwrite:
        raise ConfigurationError(
            f"{path}: already holds an embedlab {what}; pass --overwrite (overwrite=True) to "
            "replace it, or choose another output directory")


def _remove_owned(old: Path) -> None:
    """Delete the files ``old``'s manifest lists that are still as embedlab wrote them (same
    size and SHA-256, inside ``old``), then its empty directories, then ``old``; anything
    else is left in place and named in a warning."""
    try:
        owned = owned_files(old)
    except ConfigurationError as exc:  # changed since the check: remove nothing at all
        warnings.warn(f"{old}: left in place — {exc}", RuntimeWarning, stacklevel=3)
        return
    kept = []
    for rel, entry in owned.items():
        path = old / rel
        try:
            if _unchanged(path, entry):
                path.unlink()
            elif path.exists() or path.is_symlink():
                kept.append(rel)
        except OSError:
            kept.append(rel)
    with contextlib.suppress(OSError):
        (old / MANIFEST_NAME).unlink()
    for root, _dirs, _names in sorted(os.walk(old), key=lambda w: -len(w[0])):
        with contextlib.suppress(OSError):
            Path(root).rmdir()  # only succeeds when empty
    if old.exists():
        changed = f" (changed since embedlab wrote them: {', '.join(kept)})" if kept else ""
        warnings.warn(f"{old}: left in place — it holds files embedlab did not write or that "
                      f"changed while saving{changed}", RuntimeWarning, stacklevel=3)


def _fsync_dir(path: Path) -> None:
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _apply_umask(directory: Path) -> None:
    """Give every file written into ``directory`` the mode the user's umask asks for: some
    writers (safetensors, temporary files renamed into place) create them 0600."""
    mode = 0o666 & ~_umask()
    for path in directory.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(mode)


@contextlib.contextmanager
def staged_output(target: str | Path, *, overwrite: bool = False,
                  what: str = "output") -> Iterator[Path]:
    """Yield a hidden staging directory beside ``target``; on success list its files in a
    manifest and swap it into place (old embedlab files removed, nothing else touched); on
    failure remove it. ``target`` is checked before and again at the swap."""
    path = Path(target).expanduser()
    check_output_dir(path, overwrite=overwrite, what=what)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.partial-{uuid.uuid4().hex[:8]}")
        tmp.mkdir()
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot create the output directory "
                                 f"({exc.strerror or exc}); choose another one") from None
    try:
        yield tmp
        _apply_umask(tmp)
        write_manifest(tmp, what)
        check_output_dir(path, overwrite=overwrite, what=what)
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
        if path.exists():
            old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex[:8]}")
            path.rename(old)
            try:
                tmp.rename(path)
            except BaseException:
                old.rename(path)
                raise
            _remove_owned(old)
        else:
            tmp.rename(path)
        _fsync_dir(path.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # our own staging directory, never the user's
        raise
