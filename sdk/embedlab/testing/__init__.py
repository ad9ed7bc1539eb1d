"""embedlab's contract test kit and test doubles, for plugin authors and embedlab's own tests.

- :class:`FakeEmbedder`: deterministic, offline hashed bag-of-words embedder.
- :func:`use_fake_provider`, :func:`use_plugin`: register a provider for a ``with`` block.
- The contract classes, to subclass in a test module: :class:`EmbedderContract`,
  :class:`FinetunerContract`, :class:`VisualizerContract`, :class:`DatasetLoaderContract`,
  and :class:`HostedEmbedderContract` for an embedder behind a web API.
  They need pytest, so they load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .fake import FakeEmbedder
from .temporary_plugins import use_fake_provider, use_plugin

if TYPE_CHECKING:
    from .embedder_contract import EmbedderContract
    from .finetuner_contract import FinetunerContract
    from .hosted_contract import HostedEmbedderContract
    from .loader_contract import DatasetLoaderContract
    from .visualizer_contract import VisualizerContract

_LAZY = {
    "EmbedderContract": "embedlab.testing.embedder_contract",
    "FinetunerContract": "embedlab.testing.finetuner_contract",
    "HostedEmbedderContract": "embedlab.testing.hosted_contract",
    "VisualizerContract": "embedlab.testing.visualizer_contract",
    "DatasetLoaderContract": "embedlab.testing.loader_contract",
}

__all__ = [
    "DatasetLoaderContract",
    "EmbedderContract",
    "FakeEmbedder",
    "FinetunerContract",
    "HostedEmbedderContract",
    "VisualizerContract",
    "use_fake_provider",
    "use_plugin",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'embedlab.testing' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
