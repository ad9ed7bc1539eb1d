"""The head stacked on a finetuned encoder: an adapter head trained on the encoder's own
(frozen) vectors with embedlab's adapter trainer, appended to the sentence-transformers model
as standard ``Dense`` and ``Normalize`` modules.

The finetuned encoder moves classes apart; the head, trained to convergence in seconds, then
pulls each class together (bench/RESULTS.md: the two stacked beat either alone). Standard
modules keep the saved model a plain sentence-transformers model that loads anywhere without
``trust_remote_code``.

The residual MLP head ``y = x + W2 gelu(W1 x + b1) + b2`` becomes two ``Dense`` layers by the
identity ``gelu(z) - gelu(-z) = z`` (exact for both the erf and the tanh form): the first
computes ``gelu([x; -x; W1 x + b1])``, the second ``[I, -I, W2]`` of that plus ``b2``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from embedlab.adapter import TrainingSettings, train_head

if TYPE_CHECKING:
    import torch
    from embedlab import Dataset
    from embedlab.adapter import Head
    from sentence_transformers import SentenceTransformer

__all__ = ["HEADS", "HEAD_EPOCHS", "append_head", "head_modules", "train_stacked_head"]

#: What ``FinetuneConfig.extra["head"]`` may be: the adapter's residual MLP or linear head,
#: or none (the finetuned encoder alone).
HEADS = ("mlp", "linear", "none")
#: The head's epoch cap; early stopping on the validation loss ends it sooner (35 epochs on
#: all of CLINC150). The adapter's own cap of 20 left accuracy and separation behind at every
#: size measured (bench/head_epochs.py, bench/RESULTS.md).
HEAD_EPOCHS = 120


def head_modules(head: Head) -> list[torch.nn.Module]:
    """``Dense`` modules computing ``head`` on unit vectors (the final ``Normalize`` not
    included)."""
    import torch
    from sentence_transformers.sentence_transformer.modules import Dense

    def tensor(name: str) -> torch.Tensor:
        return torch.tensor(head.tensors[name], dtype=torch.float32)

    if head.kind == "linear":
        weight = tensor("weight")
        return [Dense(weight.shape[1], weight.shape[0], activation_function=torch.nn.Identity(),
                      init_weight=weight, init_bias=tensor("bias"))]
    up, down = tensor("up.weight"), tensor("down.weight")
    hidden, dim = up.shape
    eye = torch.eye(dim)
    first = Dense(dim, 2 * dim + hidden, activation_function=torch.nn.GELU(),
                  init_weight=torch.cat([eye, -eye, up]),
                  init_bias=torch.cat([torch.zeros(2 * dim), tensor("up.bias")]))
    second = Dense(2 * dim + hidden, dim, activation_function=torch.nn.Identity(),
                   init_weight=torch.cat([eye, -eye, down], dim=1), init_bias=tensor("down.bias"))
    return [first, second]


def train_stacked_head(model: SentenceTransformer, fit: Dataset, held_out: Dataset | None, *,
                       kind: str, prompt: str | None, seed: int, progress: bool | None,
                       epochs: int = HEAD_EPOCHS) -> tuple[Head, dict[str, Any]]:
    """Train a ``kind`` head on ``model``'s vectors of ``fit`` (early-stopping on
    ``held_out``); returns it with what the card records about it."""
    import numpy as np

    index = {label: i for i, label in enumerate(sorted(set(fit.labels)))}

    def arrays(texts: list[str], labels: list[str]) -> tuple[Any, Any]:
        vectors = model.encode(texts, prompt=prompt, batch_size=64, show_progress_bar=False,
                               convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(vectors, np.float32), np.array([index[x] for x in labels], np.int64)

    model.eval()
    x_fit, y_fit = arrays(list(fit.texts), list(fit.labels))
    x_val = y_val = None
    if held_out is not None:
        known = [(t, x) for t, x in zip(held_out.texts, held_out.labels, strict=True)
                 if x in index]
        if known:
            x_val, y_val = arrays([t for t, _ in known], [x for _, x in known])
    settings = TrainingSettings(head=kind, seed=seed, epochs=epochs)
    result = train_head(x_fit, y_fit, x_val, y_val, settings, progress=progress)
    summary = {k: v for k, v in result.metrics().items() if k != "history"}
    return result.head, {"kind": kind, "parameters": result.head.parameter_count(), **summary}


def append_head(model: SentenceTransformer, head: Head) -> None:
    """Append ``head`` to ``model`` as standard modules, on unit vectors, ending normalised."""
    from sentence_transformers.sentence_transformer.modules import Normalize

    if not isinstance(list(model.children())[-1], Normalize):
        model.append(Normalize())  # the head was trained on unit vectors
    for module in head_modules(head):
        model.append(module.to(model.device))
    model.append(Normalize())
