"""``FakeEmbedder``: a deterministic, offline, fast embedder with real semantic signal.

Each lower-cased word (or symbol, such as an emoji) maps to a fixed pseudo-random normal
vector seeded from the SHA-256 of the word (with the model name and seed); a text's vector
is the sum over its words, L2-normalised. Texts that share words are therefore close, so
finetuning, probing and plotting tests behave as they would on real data, without a model
or a network.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .._embedder import Embedder
from .._errors import BadRequestError, ConfigurationError, InputTooLongError
from .._input_types import INPUT_TYPES, check_input_type

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DEFAULT_MODEL", "FakeEmbedder", "tokenize"]

#: The model name ``get_embedder("fake")`` uses.
DEFAULT_MODEL = "bow"

# A word is a run of letters/digits; any other non-space character (punctuation, emoji)
# is a token of its own, so a text of emoji alone still has a direction.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """The lower-cased tokens FakeEmbedder counts: its "tokens" for length limits too."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=65536)
def _word_vector(word: str, dimension: int, model: str, seed: int) -> np.ndarray:
    """The fixed vector of one word: standard normal, seeded from SHA-256 of the model name,
    the seed and the word (so two fake "models" disagree, as two real ones would)."""
    import numpy as np

    key = f"{model}\x00{seed}\x00{word}".encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(key).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:16], "little"))
    vector = rng.standard_normal(dimension).astype(np.float64)
    vector.setflags(write=False)
    return vector


class FakeEmbedder(Embedder):
    """Hashed bag-of-words embedder for tests: no network, deterministic, counts its traffic.

    ``calls`` counts :meth:`embed_batch` calls (provider requests) and ``texts_embedded``
    the texts they carried, so tests can assert that caching and de-duplication work.
    ``api_key`` is accepted only so the contract kit can check it never leaks.
    """

    provider = "fake"
    normalized = True
    runs_locally = True
    input_types = frozenset(INPUT_TYPES)

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        dimension: int = 64,
        max_batch_size: int = 32,
        max_input_length: int = 256,
        truncates: bool = True,
        revision: str = "1",
        seed: int = 0,
        api_key: str | None = None,
        **options: Any,
    ) -> None:
        if options:
            raise ConfigurationError(
                f"FakeEmbedder got unknown option(s) {', '.join(sorted(options))}; it takes "
                "dimension, max_batch_size, max_input_length, truncates, revision, seed, api_key"
            )
        if dimension < 1 or max_batch_size < 1 or max_input_length < 1:
            raise ConfigurationError(
                "FakeEmbedder needs dimension, max_batch_size and max_input_length >= 1")
        self.model = model
        self.dimension = int(dimension)
        self.max_batch_size = int(max_batch_size)
        self.max_input_length = int(max_input_length)
        self.truncates = bool(truncates)
        self.revision = revision
        self.seed = int(seed)
        self._api_key = api_key
        self._lock = threading.Lock()
        self.calls = 0
        self.texts_embedded = 0

    def count_tokens(self, text: str) -> int:
        """Tokens are :func:`tokenize`'s words and symbols."""
        return len(tokenize(text))

    def reset_counters(self) -> None:
        """Set ``calls`` and ``texts_embedded`` back to zero."""
        with self._lock:
            self.calls = 0
            self.texts_embedded = 0

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Embed one request's texts; refuses more than ``max_batch_size`` like a real API."""
        import numpy as np

        with self._lock:
            self.calls += 1
            self.texts_embedded += len(texts)
        if len(texts) > self.max_batch_size:
            raise BadRequestError(
                f"fake: {len(texts)} texts in one request; the limit is {self.max_batch_size}",
                provider=self.provider, status=400)
        if input_type is not None:
            check_input_type(self, input_type)
        dim, limit = int(self.dimension or 0), self.max_input_length
        out = np.zeros((len(texts), dim), dtype=np.float64)
        for row, text in enumerate(texts):
            tokens = tokenize(text)
            if limit is not None and len(tokens) > limit:
                if not self.truncates:
                    raise InputTooLongError(
                        f"fake: text {row} of the request has {len(tokens)} words; the limit is "
                        f"{limit} (pass truncates=True to cut it)",
                        provider=self.provider, status=400)
                tokens = tokens[:limit]
            for token in tokens or [""]:
                out[row] += _word_vector(token, dim, self.model, self.seed)
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
            else:  # words that cancel exactly: fall back to the empty text's direction
                out[row] = _word_vector("", dim, self.model, self.seed)
                out[row] /= np.linalg.norm(out[row])
        return out.astype(np.float32)
