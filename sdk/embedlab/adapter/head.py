"""The adapter head: a small map from frozen base embeddings to class-separating ones.

Applying a head needs numpy only, so a saved adapter embeds without torch. Two kinds:

- ``linear``: ``y = W x + b``, started at the identity;
- ``mlp``: a residual MLP, ``y = x + W2 gelu(W1 x + b1) + b2``, started at the identity
  (``W2 = 0``).

Inputs are L2-normalised first (providers differ in scale) and outputs are L2-normalised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._errors import ConfigurationError, FinetuneError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["HEAD_KINDS", "Head", "gelu", "l2_normalize"]

#: Tensor names each kind of head holds.
HEAD_KINDS: dict[str, tuple[str, ...]] = {
    "linear": ("weight", "bias"),
    "mlp": ("up.weight", "up.bias", "down.weight", "down.bias"),
}


def l2_normalize(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    import numpy as np

    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, np.float32(1e-12))


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, tanh approximation: the same function the torch trainer uses."""
    import numpy as np

    c = np.float32(np.sqrt(2.0 / np.pi))
    return 0.5 * x * (1.0 + np.tanh(c * (x + np.float32(0.044715) * x**3)))


@dataclass(frozen=True)
class Head:
    """A trained head: its kind and its weights (numpy arrays named as in ``HEAD_KINDS``)."""

    kind: str
    tensors: Mapping[str, np.ndarray]

    def __post_init__(self) -> None:

        names = HEAD_KINDS.get(self.kind)
        if names is None:
            raise FinetuneError(
                f"unknown adapter head {self.kind!r}; use one of {', '.join(HEAD_KINDS)}")
        missing = [n for n in names if n not in self.tensors]
        if missing:
            raise FinetuneError(f"{self.kind} head is missing tensor(s) {', '.join(missing)}")

    @property
    def input_dim(self) -> int:
        """Dimension of the base embeddings it takes."""
        name = "weight" if self.kind == "linear" else "up.weight"
        return int(self.tensors[name].shape[1])

    @property
    def output_dim(self) -> int:
        """Dimension of the vectors it returns."""
        name = "weight" if self.kind == "linear" else "down.weight"
        return int(self.tensors[name].shape[0])

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Map base embeddings (one per row) to L2-normalised adapted embeddings."""

        x = l2_normalize(x)
        if x.ndim != 2 or x.shape[1] != self.input_dim:
            raise ConfigurationError(
                f"the adapter head takes {self.input_dim}-dimensional base embeddings, got "
                f"shape {x.shape}; embed with the base model (and options) it was trained on")
        t = self.tensors
        if self.kind == "linear":
            y = x @ t["weight"].T + t["bias"]
        else:
            hidden = gelu(x @ t["up.weight"].T + t["up.bias"])
            y = x + hidden @ t["down.weight"].T + t["down.bias"]
        return l2_normalize(y)

    def scaled(self, scale: float) -> Head:
        """The head moving each input ``scale`` of the way to where this one puts it:
        ``x + scale * (head(x) - x)`` before normalising, the same kind of head (1: this
        head, 0: the identity). Used by ``FinetuneConfig.keep`` (:mod:`embedlab.adapter.keep`)."""
        import numpy as np

        if scale == 1:
            return self  # exactly the trained head: keep=0 changes nothing
        t = {k: np.asarray(v, dtype=np.float32) for k, v in self.tensors.items()}
        s = np.float32(scale)
        if self.kind == "mlp":
            t["down.weight"], t["down.bias"] = s * t["down.weight"], s * t["down.bias"]
        else:
            weight = t["weight"]
            if weight.shape[0] != weight.shape[1]:
                raise FinetuneError("only a square linear head can be scaled towards the "
                                    f"identity; this one is {weight.shape}")
            eye = np.eye(weight.shape[0], dtype=np.float32)
            t["weight"], t["bias"] = eye + s * (weight - eye), s * t["bias"]
        return Head(self.kind, t)

    def digest(self) -> str:
        """SHA-256 over the kind and every tensor's name, shape and bytes."""
        import numpy as np

        h = hashlib.sha256(self.kind.encode())
        for name in sorted(self.tensors):
            arr = np.ascontiguousarray(self.tensors[name], dtype=np.float32)
            h.update(f"{name}:{arr.shape}".encode())
            h.update(arr.tobytes())
        return h.hexdigest()

    def parameter_count(self) -> int:
        """Number of trained numbers."""
        return int(sum(a.size for a in self.tensors.values()))
