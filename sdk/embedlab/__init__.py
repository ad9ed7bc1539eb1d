"""embedlab: finetune embedding models on labelled text and measure how much better they
separate your classes, with any provider.

``import embedlab`` stays fast: torch, provider SDKs, scikit-learn and plotting libraries
load only when something uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._version import __version__
from .dataset import Dataset, ValidationIssue, ValidationReport
from .embedder import INPUT_TYPES, Embedder
from .errors import (
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
from .finetuner import CustomModel, FinetuneConfig, Finetuner
from .hookspecs import hookimpl
from .lazy import lazy_exports
from .loaders import load_dataset
from .lookup import get_embedder, get_finetuner, get_visualizer, load_custom_model, providers
from .visualizer import Marker, Projection, Visualizer

if TYPE_CHECKING:
    from .cache import EmbeddingCache
    from .classification import classify
    from .classifier import ClassificationHead, Prediction
    from .comparison import Comparison, compare
    from .corpus import CorpusSummary, embed_corpus
    from .label_audit import Audit, ClassOverlap, Suspect, audit
    from .sample import load_sample_dataset, sample_dataset_path

# Names whose modules pull in more (sqlite, the workflow): imported on first use.
_LAZY = {
    "EmbeddingCache": "embedlab.cache",
    "embed_corpus": "embedlab.corpus",
    "CorpusSummary": "embedlab.corpus",
    "compare": "embedlab.comparison",
    "classify": "embedlab.classification",
    "ClassificationHead": "embedlab.classifier",
    "Prediction": "embedlab.classifier",
    "audit": "embedlab.label_audit",
    "Audit": "embedlab.label_audit",
    "ClassOverlap": "embedlab.label_audit",
    "Suspect": "embedlab.label_audit",
    "Comparison": "embedlab.comparison",
    "sample_dataset_path": "embedlab.sample",
    "load_sample_dataset": "embedlab.sample",
}

__all__ = [
    "INPUT_TYPES",
    "Audit",
    "AuthenticationError",
    "BadRequestError",
    "CacheDamagedError",
    "ClassOverlap",
    "ClassificationHead",
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
    "MalformedResponseError",
    "Marker",
    "ModelNotFoundError",
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
    "sample_dataset_path",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
