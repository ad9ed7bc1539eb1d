"""embedlab: finetune embedding models on labelled text and measure how much better they
separate your classes, with any provider.

``import embedlab`` stays fast: torch, provider SDKs, scikit-learn and plotting libraries
load only when something uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._custom_models import read_card
from ._datasets.dataset import Dataset
from ._datasets.issues import ValidationIssue
from ._datasets.loaders import load_dataset
from ._datasets.validation import ValidationReport
from ._embedder import Embedder
from ._errors import (
    AuthenticationError,
    BadRequestError,
    CacheDamagedError,
    ConfigurationError,
    DatasetError,
    DatasetValidationError,
    EmbedlabError,
    FinetuneError,
    FinetuneNotSupportedError,
    InputTooLongError,
    InvalidTextError,
    MalformedResponseError,
    ModelNotFoundError,
    PluginError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitError,
    ServiceUnavailableError,
    TransientError,
    UnknownProviderError,
)
from ._finetuner import CustomModel, FinetuneConfig, Finetuner
from ._input_types import INPUT_TYPES
from ._lookup import get_embedder, get_finetuner, get_visualizer, load_custom_model, providers
from ._plugins import register_plugin, unregister_plugin
from ._version import __version__
from ._visualizer import Marker, Projection, Visualizer
from .hookspecs import hookimpl
from .lazy import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from ._classification import classify
    from ._classifier import ClassificationHead, Prediction
    from ._compare.comparison import Comparison, compare
    from ._compare.options import CompareOptions
    from ._compare.runs import ModelRun
    from ._datasets.sample import load_sample_dataset, sample_dataset_path
    from ._label_audit import Audit, ClassOverlap, Suspect, audit, audit_vectors
    from ._transport.cache import EmbeddingCache
    from .corpus import CorpusSummary, embed_corpus

# Names whose modules pull in more (sqlite, the workflow): imported on first use.
_LAZY = {
    "EmbeddingCache": "embedlab._transport.cache",
    "embed_corpus": "embedlab.corpus",
    "CorpusSummary": "embedlab.corpus",
    "compare": "embedlab._compare.comparison",
    "classify": "embedlab._classification",
    "ClassificationHead": "embedlab._classifier",
    "Prediction": "embedlab._classifier",
    "audit": "embedlab._label_audit",
    "audit_vectors": "embedlab._label_audit",
    "Audit": "embedlab._label_audit",
    "ClassOverlap": "embedlab._label_audit",
    "Suspect": "embedlab._label_audit",
    "Comparison": "embedlab._compare.comparison",
    "CompareOptions": "embedlab._compare.options",
    "ModelRun": "embedlab._compare.runs",
    "sample_dataset_path": "embedlab._datasets.sample",
    "load_sample_dataset": "embedlab._datasets.sample",
}

__all__ = [
    "INPUT_TYPES",
    "Audit",
    "AuthenticationError",
    "BadRequestError",
    "CacheDamagedError",
    "ClassOverlap",
    "ClassificationHead",
    "CompareOptions",
    "Comparison",
    "ConfigurationError",
    "CorpusSummary",
    "CustomModel",
    "Dataset",
    "DatasetError",
    "DatasetValidationError",
    "Embedder",
    "EmbeddingCache",
    "EmbedlabError",
    "FinetuneConfig",
    "FinetuneError",
    "FinetuneNotSupportedError",
    "Finetuner",
    "InputTooLongError",
    "InvalidTextError",
    "MalformedResponseError",
    "Marker",
    "ModelNotFoundError",
    "ModelRun",
    "PluginError",
    "Prediction",
    "Projection",
    "ProviderError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "RateLimitError",
    "ServiceUnavailableError",
    "Suspect",
    "TransientError",
    "UnknownProviderError",
    "ValidationIssue",
    "ValidationReport",
    "Visualizer",
    "__version__",
    "audit",
    "audit_vectors",
    "classify",
    "compare",
    "embed_corpus",
    "get_embedder",
    "get_finetuner",
    "get_visualizer",
    "hookimpl",
    "load_custom_model",
    "load_dataset",
    "load_sample_dataset",
    "providers",
    "read_card",
    "register_plugin",
    "sample_dataset_path",
    "unregister_plugin",
]

__getattr__, __dir__ = _lazy_exports(__name__, _LAZY)
