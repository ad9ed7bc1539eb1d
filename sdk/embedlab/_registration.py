"""What a plugin's ``register`` call records: one small dataclass per kind of thing."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EmbedderEntry", "Entry", "FinetunerEntry", "LoaderEntry", "VisualizerEntry"]


@dataclass(frozen=True)
class Entry:
    """Common to every registration: the factory, who registered it, what it needs."""

    name: str
    factory: Callable[..., Any]
    plugin: str
    plugin_version: str
    source: str
    requires: tuple[str, ...] = ()
    install: str | None = None

    @classmethod
    def create(cls, name: str, factory: Callable[..., Any], *, plugin: str,
               plugin_version: str, source: str, requires: Sequence[str] = (),
               **kwargs: Any) -> Entry:
        """Build an entry from a ``register(...)`` call, checking its arguments."""
        if not isinstance(name, str) or not name or ":" in name:
            raise TypeError(f"register() needs a name without ':' as first argument, "
                            f"got {name!r}")
        if not callable(factory):
            raise TypeError(f"register({name!r}, ...) needs a callable factory, got {factory!r}")
        for key, value in kwargs.items():
            if isinstance(value, list):
                kwargs[key] = tuple(value)
        return cls(name=name, factory=factory, plugin=plugin, plugin_version=plugin_version,
                   source=source, requires=tuple(requires), **kwargs)

    @property
    def key(self) -> str:
        """What two registrations must not share."""
        return self.name

    def missing(self) -> list[str]:
        """Import names in ``requires`` that are not installed."""
        out = []
        for module in self.requires:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
            if not found:
                out.append(module)
        return out

    @property
    def available(self) -> bool:
        """True when everything in ``requires`` is importable."""
        return not self.missing()


@dataclass(frozen=True)
class EmbedderEntry(Entry):
    """A provider's embedders: ``factory(model, **options) -> Embedder``."""

    default_model: str = ""
    models: tuple[str, ...] = ()
    description: str = ""
    #: Why the provider has no native finetuning and what to use instead; shown when a
    #: method it lacks is asked for.
    finetune_note: str = ""


@dataclass(frozen=True)
class FinetunerEntry(Entry):
    """A finetuner: ``factory(**options) -> Finetuner``; ``name`` is the provider or ``*``."""

    method: str = "full"
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}/{self.method}"


@dataclass(frozen=True)
class VisualizerEntry(Entry):
    """A visualizer: ``factory() -> Visualizer``."""

    description: str = ""


@dataclass(frozen=True)
class LoaderEntry(Entry):
    """A dataset loader: ``factory(path, **options) -> Dataset`` for files with ``suffixes``."""

    suffixes: tuple[str, ...] = ()
    description: str = ""
