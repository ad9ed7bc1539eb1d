"""``Model2VecEmbedder``: a static model from model2vec — a token-vector lookup and a mean,
no transformer at embed time, so it runs thousands of texts a second on a CPU."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import embedlab

from .sources import resolve_source
from .sources import resolve_source as _resolve
from .store import static_model_dir

if TYPE_CHECKING:
    import numpy as np
    from model2vec import StaticModel

__all__ = ["MAX_TOKENS", "Model2VecEmbedder"]

#: Tokens per text model2vec keeps by default; longer texts are cut.
MAX_TOKENS = 512


class Model2VecEmbedder(embedlab.Embedder):
    """Embeds with a model2vec static model; the model is distilled (first use only) and
    loaded on the first batch or when its ``revision`` is asked for."""

    provider = "model2vec"
    max_concurrency = 1
    runs_locally = True
    truncates = True
    normalized = True
    max_input_length = MAX_TOKENS

    def __init__(self, model: str | None = None, *, pca_dims: int | None = 256,
                 batch_size: int = 256, store: str | Path | None = None) -> None:
        if batch_size < 1:
            raise embedlab.ConfigurationError(f"batch_size must be at least 1, got {batch_size}")
        if pca_dims is not None and pca_dims < 1:
            raise embedlab.ConfigurationError(
                f"pca_dims must be a positive number of dimensions or None, got {pca_dims}")
        self._source = resolve_source(model)
        self.model = self._source.name
        self.max_batch_size = batch_size
        self._pca_dims = pca_dims
        self._store = Path(store).expanduser() if store is not None else None
        self._model: StaticModel | None = None
        self._fallback: np.ndarray | None = None  # the unit row of a text with no known token
        self._revision: str | None = None
        self._lock = threading.Lock()
        self.dimension = self._declared_dimension()

    def _declared_dimension(self) -> int | None:
        """The dimension from a static model's config, if there is one already (no loading)."""
        if self._source.kind != "static":
            return None
        try:
            config = json.loads((self._source.path / "config.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        dim = config.get("hidden_dim")
        return dim if isinstance(dim, int) else None

    @property
    def path(self) -> Path:
        """The static model's folder (distils it on the first call)."""
        return static_model_dir(self._source, self._pca_dims, self._store)

    @property
    def revision(self) -> str:
        """A hash of the static model's files: exact, so a re-distilled model never shares
        cached vectors with an older one."""
        if self._revision is None:
            self.load()
        assert self._revision is not None
        return self._revision

    @revision.setter
    def revision(self, value: str) -> None:
        self._revision = value

    def load(self) -> StaticModel:
        """The loaded static model (distilled and loaded once, safely from several threads)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load_model()
        return self._model

    def _load_model(self) -> StaticModel:
        from model2vec import StaticModel

        folder = self.path
        model = StaticModel.from_pretrained(folder, normalize=True, max_length=MAX_TOKENS,
                                            force_download=False)
        if self._revision is None:
            self._revision = _resolve(str(folder)).revision
        self.dimension = int(model.dim)
        return model

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Encode one batch; a static model has no prompts, so ``input_type`` changes nothing."""
        import numpy as np

        model = self.load()
        vectors = model.encode(list(texts), show_progress_bar=False, max_length=MAX_TOKENS,
                               batch_size=max(len(texts), 1), use_multiprocessing=False)
        vectors = np.asarray(vectors, dtype=np.float32)
        # A text with no token in the vocabulary (emoji only) encodes to zeros; rows are
        # declared normalized, so give it the vocabulary's mean direction instead.
        empty = ~np.linalg.norm(vectors, axis=1).astype(bool)
        if empty.any():
            if self._fallback is None:  # computed once: the vocabulary does not change
                mean = np.asarray(model.embedding, dtype=np.float64).mean(axis=0)
                self._fallback = (mean / np.linalg.norm(mean)).astype(np.float32)
            vectors[empty] = self._fallback
        return vectors

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in the static model's tokenizer (before truncation)."""
        return len(self.load().tokenizer.encode(text, add_special_tokens=False).ids)
