"""How a corpus job builds its embedder, here or in a Ray worker on another machine.

A registered model travels by name (each worker calls :func:`embedlab.get_embedder`); a saved
custom model travels as the bytes of its directory (no shared disk needed) and is unpacked in
a private temporary directory on the worker; a factory (a callable returning an Embedder)
travels as itself. Plugins added in this process with ``register_plugin`` go along, so a
provider known here is known there.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _plugins as plugins
from .._custom_models import find_custom_model
from .._embedder import Embedder
from .._errors import ConfigurationError
from .._lookup import get_embedder, load_custom_model, parse_name

__all__ = ["EmbedderSpec", "pack_directory", "unpack_directory"]

ModelArg = str | Embedder | Callable[[], Embedder]


def pack_directory(directory: Path) -> bytes:
    """The files of ``directory`` as an uncompressed tar archive, in memory."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(str(directory), arcname="model")
    return buffer.getvalue()


def unpack_directory(data: bytes, into: Path) -> Path:
    """Unpack an archive made by :func:`pack_directory` under ``into``; return the model's
    directory. Only plain files and folders inside ``into`` are accepted (tarfile's data
    filter)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        archive.extractall(into, filter="data")
    return into / "model"


def _custom_model_dir(name: str) -> Path | None:
    """The directory of a saved custom model named by path, id or ``provider:PATH``."""

    found = find_custom_model(name)
    if found is None:
        _, model = parse_name(name)
        found = find_custom_model(model) if model else None
    return found


@dataclass
class EmbedderSpec:
    """What a process needs to build the job's embedder: a name, a factory or a packed
    custom model, and the in-process plugins to register first."""

    name: str | None = None
    factory: Callable[[], Embedder] | None = None
    archive: bytes | None = None
    plugins: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_model(cls, model: ModelArg, *, portable: bool) -> EmbedderSpec:
        """The spec for ``model``; ``portable`` (Ray) packs a custom model's directory and
        refuses an Embedder instance, which cannot be rebuilt elsewhere."""

        shipped = plugins.in_process_plugins() if portable else {}
        if isinstance(model, Embedder):
            if portable:
                raise ConfigurationError(
                    "engine='ray' builds the embedder on each worker: pass a model name or a "
                    "function that returns the Embedder, not an Embedder instance")
            return cls(factory=lambda: model)
        if callable(model):
            return cls(factory=model, plugins=shipped)
        if not isinstance(model, str) or not model.strip():
            raise ConfigurationError(f"model must be a name, an Embedder or a function that "
                                     f"returns one, not {model!r}")
        directory = _custom_model_dir(model) if portable else None
        if directory is not None:
            return cls(name=model, archive=pack_directory(directory), plugins=shipped)
        return cls(name=model, plugins=shipped)

    def build(self) -> Embedder:
        """The embedder, built in this process."""

        for name, plugin in self.plugins.items():
            plugins.register_plugin(plugin, name)
        if self.factory is not None:
            embedder = self.factory()
            if not isinstance(embedder, Embedder):
                raise ConfigurationError(f"the model function returned {type(embedder).__name__}"
                                         ", not an embedlab Embedder")
            return embedder
        if self.archive is not None:
            where = Path(tempfile.mkdtemp(prefix="embedlab-model-"))
            return load_custom_model(unpack_directory(self.archive, where)).embedder()
        assert self.name is not None
        return get_embedder(self.name)
