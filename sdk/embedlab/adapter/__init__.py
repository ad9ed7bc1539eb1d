"""The adapter finetuner: a custom model for any embedder, built into embedlab.

Registered through the same hook a plugin uses, for provider ``"*"`` with method
``"adapter"``: providers without a finetuner of their own (Cohere, OpenAI, plugins) get it
by default, and ``method="adapter"`` selects it for the others. Importing this package is
cheap; numpy, torch and scikit-learn load when training or embedding starts.

``Head``, ``TrainingSettings`` and ``train_head`` are part of the plugin-author API: a
finetuner may stack the adapter's head on its own model (the local provider does);
``choose_blend`` and ``KeepChoice`` let it honour ``FinetuneConfig.keep`` the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..hookspecs import hookimpl
from ..lazy import lazy_exports
from .finetuner import AdapterFinetuner

if TYPE_CHECKING:
    from .head import Head
    from .keep import HEAD_GRID, KeepChoice, choose_blend
    from .model import AdapterEmbedder, AdapterModel
    from .training import TrainingSettings, train_head

__all__ = [
    "HEAD_GRID",
    "AdapterEmbedder",
    "AdapterFinetuner",
    "AdapterModel",
    "Head",
    "KeepChoice",
    "TrainingSettings",
    "choose_blend",
    "embedlab_register_finetuners",
    "train_head",
]

_LAZY = {
    "AdapterModel": "embedlab.adapter.model",
    "AdapterEmbedder": "embedlab.adapter.model",
    "Head": "embedlab.adapter.head",
    "KeepChoice": "embedlab.adapter.keep",
    "HEAD_GRID": "embedlab.adapter.keep",
    "choose_blend": "embedlab.adapter.keep",
    "TrainingSettings": "embedlab.adapter.training",
    "train_head": "embedlab.adapter.training",
}


@hookimpl
def embedlab_register_finetuners(register: Any) -> None:
    """Offer the adapter finetuner for every provider."""
    register("*", AdapterFinetuner, method="adapter",
             description="trains a small head on the provider's frozen embeddings "
                         "(torch if installed, else scikit-learn)")


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
