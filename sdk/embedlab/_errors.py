"""embedlab's exceptions: one tree, so callers can catch as broadly or narrowly as they need.

::

    EmbedlabError
    ├── ConfigurationError          bad option, unknown name, missing extra
    │   ├── UnknownProviderError    no provider/model by that name (lists what exists)
    │   ├── ProviderUnavailableError  the provider's extra or SDK is not installed
    │   └── CacheDamagedError       the embedding cache file is damaged (names it and the fix)
    ├── PluginError                 a plugin failed to import or raised in a hook
    │   └── BrokenPluginError       the provider's plugin is installed but failed (also an
    │                               UnknownProviderError, so older handlers still catch it)
    ├── DatasetError                the data cannot be used as given (names file, row, fix)
    │   ├── DatasetValidationError  validate() found violations; .issues holds all of them
    │   └── InvalidTextError    a text, label or id is not valid Unicode (names row/argument)
    ├── ProviderError               the provider failed a call (its own message is kept)
    │   ├── AuthenticationError     missing or rejected API key (names the env variable)
    │   ├── BadRequestError         the provider refused the input; retrying won't help
    │   ├── InputTooLongError       a text is over the model's limit and truncation is off
    │   └── TransientError          worth retrying: the pipeline retries these with backoff
    │       ├── RateLimitError      429; .retry_after in seconds when the provider said
    │       ├── ServiceUnavailableError  5xx
    │       ├── ProviderTimeoutError     no answer in time
    │       └── MalformedResponseError   wrong count, wrong dimension, non-finite values, bad JSON
    ├── FinetuneError               training could not run or produced no usable model
    │   └── FinetuneNotSupportedError  the provider has no native finetuning (names the alternative)
    └── ModelNotFoundError          no custom model with that id or path
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._datasets.issues import ValidationIssue

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BrokenPluginError",
    "CacheDamagedError",
    "ConfigurationError",
    "DatasetError",
    "DatasetValidationError",
    "EmbedlabError",
    "FinetuneError",
    "FinetuneNotSupportedError",
    "InputTooLongError",
    "InvalidTextError",
    "MalformedResponseError",
    "ModelNotFoundError",
    "PluginError",
    "ProviderError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
    "RateLimitError",
    "ServiceUnavailableError",
    "TransientError",
    "UnknownProviderError",
]


class EmbedlabError(Exception):
    """Base of every error embedlab raises on purpose."""


class ConfigurationError(EmbedlabError, ValueError):
    """An option, name or environment setting that cannot work as given."""


class UnknownProviderError(ConfigurationError, LookupError):
    """No provider or model by that name; the message lists the ones that exist."""


class ProviderUnavailableError(ConfigurationError):
    """The provider is known but its extra is missing; the message has the install command."""


class CacheDamagedError(ConfigurationError):
    """The embedding cache's file is damaged; the message names it and how to clear it."""


class PluginError(EmbedlabError):
    """A plugin could not be loaded or one of its hooks raised."""


class BrokenPluginError(PluginError, UnknownProviderError):
    """The name belongs to an installed plugin that failed to load or raised in a hook; the
    message names the plugin, the hook and its error."""


class DatasetError(EmbedlabError, ValueError):
    """Data that cannot be used as given. The message names the file, the row and the fix."""


class DatasetValidationError(DatasetError):
    """Raised by ``Dataset.validate(...).raise_for_errors()``; ``issues`` holds every violation."""

    def __init__(self, message: str, issues: Sequence[ValidationIssue] = ()) -> None:
        super().__init__(message)
        self.issues = list(issues)


class InvalidTextError(DatasetError):
    """A text, label or id holds code points that are not valid Unicode (lone surrogates,
    from invalid UTF-8 or a ``"\\ud800"`` escape); the message names the row or argument."""


class ProviderError(EmbedlabError):
    """A provider call failed. ``provider`` names it; the provider's own message is kept."""

    def __init__(self, message: str, *, provider: str | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.provider = provider
        self.status = status


class AuthenticationError(ProviderError):
    """The API key is missing or was rejected."""


class BadRequestError(ProviderError):
    """The provider refused the request itself; sending it again will not help."""


class InputTooLongError(BadRequestError):
    """A text is over the model's input limit and the embedder is set not to truncate."""


class TransientError(ProviderError):
    """A failure that may pass: the embedding pipeline retries these with backoff."""

    def __init__(self, message: str, *, provider: str | None = None,
                 status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, provider=provider, status=status)
        self.retry_after = retry_after


class RateLimitError(TransientError):
    """HTTP 429 or the provider's own rate-limit signal."""


class ServiceUnavailableError(TransientError):
    """A 5xx answer or a dropped connection."""


class ProviderTimeoutError(TransientError):
    """The provider did not answer in time."""


class MalformedResponseError(TransientError):
    """The answer did not hold what was asked: wrong count, dimension, or non-finite values."""


class FinetuneError(EmbedlabError):
    """Training could not run or produced no usable model."""


class FinetuneNotSupportedError(FinetuneError, ConfigurationError):
    """The provider cannot train weights itself; the message names the method that can."""


class ModelNotFoundError(EmbedlabError, LookupError):
    """No custom model was found under that id or path."""
