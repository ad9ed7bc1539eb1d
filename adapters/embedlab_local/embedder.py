"""``LocalEmbedder``: a sentence-transformers model on this machine, loaded on first use."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embedlab import ConfigurationError, Embedder, ProviderError

from .device import pick_device
from .loading import load_sentence_transformer
from .resolve import read_static_info, resolve_model

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer

__all__ = ["PROMPT_NAMES", "REQUEST_BATCHES", "LocalEmbedder"]

#: Encode batches per ``embed_batch`` call. sentence-transformers sorts the texts of one
#: call by length before batching, so a larger call pads less: with one encode batch per
#: call, embed() ran at 0.77 of raw ``encode`` speed on CLINC150 texts; with 32 (2,048
#: texts, a few seconds of work between progress updates and cache writes) at 0.97-0.99
#: (bench/RESULTS.md).
REQUEST_BATCHES = 32

#: The prompt names (in the model's own ``prompts``) each embedlab input type maps onto.
PROMPT_NAMES: dict[str, tuple[str, ...]] = {
    "search_query": ("query",),
    "search_document": ("document", "passage", "corpus"),
    "classification": ("classification",),
    "clustering": ("clustering",),
}


class LocalEmbedder(Embedder):
    """Embeds with a sentence-transformers model; constructing it is cheap, the model loads
    (once, thread-safely) on the first batch.

    ``batch_size`` is the encode batch; ``request_size`` (``max_batch_size``, default 32
    encode batches) is how many texts one ``embed_batch`` call takes from the pipeline."""

    provider = "local"
    max_concurrency = 1
    runs_locally = True
    truncates = True

    def __init__(self, model: str | None = None, *, device: str | None = None,
                 normalize: bool = True, batch_size: int = 64,
                 request_size: int | None = None, revision: str | None = None) -> None:
        if batch_size < 1:
            raise ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
        if request_size is not None and request_size < 1:
            raise ConfigurationError(f"request_size must be at least 1, got {request_size}")
        resolved = resolve_model(model, revision)
        self.model = resolved.name
        self.path: Path = resolved.path
        self.revision = resolved.revision
        self.batch_size = batch_size
        self.max_batch_size = request_size or REQUEST_BATCHES * batch_size
        self._device_request = device
        self._normalize = normalize
        info = read_static_info(resolved.path)
        dim = info.get("dimension")
        self.dimension = dim if isinstance(dim, int) else None
        length = info.get("max_seq_length")
        self.max_input_length = length if isinstance(length, int) else None
        self.normalized = normalize or bool(info.get("normalizes"))
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_model(cls, model: SentenceTransformer, name: str, revision: str, *,
                   normalize: bool = True, batch_size: int = 64) -> LocalEmbedder:
        """An embedder around a model already in memory (a just-trained custom model)."""
        self = cls.__new__(cls)
        self.model = name
        self.path = Path(name)
        self.revision = revision
        self.batch_size = batch_size
        self.max_batch_size = REQUEST_BATCHES * batch_size
        self._device_request = None
        self._normalize = normalize
        self._model = None
        self._lock = threading.Lock()
        self.normalized = normalize
        self._adopt(model)
        return self

    @property
    def device(self) -> str:
        """The torch device the model runs on (chooses one without loading the model)."""
        if self._model is not None:
            return str(self._model.device)

        return pick_device(self._device_request)

    def load(self) -> SentenceTransformer:
        """The loaded model (loads it on the first call; safe from several threads)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._adopt(self._load_model())
        assert self._model is not None
        return self._model

    def _load_model(self) -> SentenceTransformer:

        device = pick_device(self._device_request)
        try:
            return load_sentence_transformer(self.path, device)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(
                f"could not load the local model from {self.path}: {exc}. Pass the directory "
                "of a sentence-transformers model, e.g. local:/path/to/model") from None

    def _adopt(self, model: SentenceTransformer) -> None:
        """Take ``model`` as this embedder's and read its declared capabilities from it."""
        self._model = model
        self.dimension = model.get_embedding_dimension()
        self.max_input_length = model.max_seq_length
        self.normalized = self._normalize or any(
            type(m).__name__ == "Normalize" for m in model.children())

    def prompt_name(self, input_type: str | None) -> str | None:
        """The model's prompt for ``input_type``, or ``None`` where it defines none."""
        if input_type is None:
            return None
        prompts = getattr(self.load(), "prompts", None) or {}
        for name in PROMPT_NAMES.get(input_type, ()):
            if prompts.get(name):
                return name
        return None

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Encode one batch; texts over ``max_input_length`` tokens are truncated."""
        import numpy as np

        model = self.load()
        try:
            vectors = model.encode(
                list(texts), prompt_name=self.prompt_name(input_type),
                batch_size=self.batch_size, show_progress_bar=False,
                convert_to_numpy=True, normalize_embeddings=self._normalize)
        except RuntimeError as exc:  # out of memory, device errors
            raise ProviderError(f"local model {self.model!r} failed: {exc}",
                                provider="local") from exc
        return np.asarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model's tokenizer (before truncation)."""
        tokenizer: Any = getattr(self.load(), "tokenizer", None)
        if tokenizer is None:
            return super().count_tokens(text)
        return len(tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])
