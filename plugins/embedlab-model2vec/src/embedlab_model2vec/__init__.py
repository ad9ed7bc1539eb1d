"""embedlab-model2vec: an embedlab provider for fast static embeddings made with model2vec.

The default model is distilled once from the all-MiniLM-L6-v2 copy that embedlab's local
provider ships, offline, and kept on disk; later runs load it in well under a second.
Importing this package is cheap: model2vec, torch and transformers load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .embedder import Model2VecEmbedder
    from .sources import Source, resolve_source
    from .store import static_model_dir, store_root

__version__ = "0.1.0"

_LAZY = {
    "Model2VecEmbedder": "embedlab_model2vec.embedder",
    "Source": "embedlab_model2vec.sources",
    "resolve_source": "embedlab_model2vec.sources",
    "static_model_dir": "embedlab_model2vec.store",
    "store_root": "embedlab_model2vec.store",
}

__all__ = ["Model2VecEmbedder", "Source", "__version__", "resolve_source", "static_model_dir",
           "store_root"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'embedlab_model2vec' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
