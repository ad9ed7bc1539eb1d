"""What the local finetuner keeps of the base model's meaning (``FinetuneConfig.keep``), and
the check that training did not collapse it altogether.

The finetuned encoder is blended back towards the base by weight-space interpolation
(WiSE-FT, Wortsman et al. 2022: ``(1 - a) * base + a * finetuned``, every weight), ``a``
chosen on the held-out rows by :func:`embedlab.adapter.choose_blend`; the stacked head is then
scaled the same way (:meth:`embedlab.adapter.Head.scaled`).

Each blend costs an embedding of the held-out rows, so ``a`` is bisected on the grid (the
agreement falls and the separation grows with ``a``, measured in bench/RESULTS.md): at most
four blends are embedded besides ``a = 1`` (which the collapse check needs anyway), and
``a = 0`` reuses the base model's vectors. The head's scale, numpy only, tries the whole grid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from embedlab import FinetuneError

if TYPE_CHECKING:
    import numpy as np
    import torch
    from embedlab import Dataset
    from sentence_transformers import SentenceTransformer

__all__ = ["CHOICE_ROWS", "COLLAPSED_COSINE", "EncoderBlend", "Keeper", "check_not_collapsed",
           "snapshot"]

#: Held-out rows the blend is chosen on, at most (stratified): bounds its cost on big sets.
CHOICE_ROWS = 600
#: A model whose held-out vectors' median pairwise cosine is above this maps every text to
#: (nearly) one vector: collapsed.
COLLAPSED_COSINE = 0.98


def snapshot(model: SentenceTransformer) -> dict[str, torch.Tensor]:
    """A CPU copy of the model's weights."""
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


class EncoderBlend:
    """``blend(a)``: the held-out texts' unit vectors under the weights
    ``(1 - a) * base + a * finetuned`` (each blend embedded once; ``base_vectors``, the base
    model's, serve for ``a = 0``); :meth:`apply` loads a blend into the model for good."""

    def __init__(self, model: SentenceTransformer, base: dict[str, torch.Tensor],
                 texts: Sequence[str], prompt: str | None,
                 base_vectors: np.ndarray | None = None) -> None:
        self.model = model
        self.base = base
        self.finetuned = snapshot(model)
        self.texts = list(texts)
        self.prompt = prompt
        self.vectors: dict[float, np.ndarray] = {}
        if base_vectors is not None:
            self.vectors[0.0] = base_vectors

    def apply(self, alpha: float) -> None:
        """Load the blend ``alpha`` into the model."""
        import torch

        state = {}
        for name, tuned in self.finetuned.items():
            start = self.base[name]
            if alpha == 1 or not tuned.is_floating_point():
                state[name] = tuned  # exactly the finetuned weights: keep=0 is as before
            else:
                state[name] = start if alpha == 0 else torch.lerp(start, tuned, float(alpha))
        self.model.load_state_dict(state)

    def __call__(self, alpha: float) -> np.ndarray:
        if alpha not in self.vectors:
            self.apply(alpha)
            self.model.eval()
            self.vectors[alpha] = self.model.encode(
                self.texts, prompt=self.prompt, batch_size=64, show_progress_bar=False,
                convert_to_numpy=True, normalize_embeddings=True)
        return self.vectors[alpha]


def check_not_collapsed(vectors: np.ndarray, labels: Sequence[str], *, learning_rate: float,
                        base_model: str, base_vectors: Any = None) -> None:
    """Raise :class:`~embedlab.FinetuneError` when training mapped the held-out texts to
    (nearly) one vector, or left its classes no better told apart by their nearest
    neighbour than chance while the base model told them apart: nothing is saved then."""
    import numpy as np

    x = np.asarray(vectors, dtype=np.float64)
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    if len(x) < 2:
        return
    cosines = (x @ x.T)[np.triu_indices(len(x), k=1)]
    median = float(np.median(cosines))
    reason = None
    if median > COLLAPSED_COSINE:
        reason = (f"every held-out text maps to nearly the same vector (median pairwise "
                  f"cosine {median:.4f})")
    elif base_vectors is not None:
        chance = _chance(labels)
        mine, base = _nearest_accuracy(x, labels), _nearest_accuracy(base_vectors, labels)
        if mine <= chance + 0.05 and base >= chance + 0.2:
            reason = (f"its nearest-neighbour accuracy on the held-out rows fell to chance "
                      f"({mine:.3f}; the base model's: {base:.3f})")
    if reason:
        raise FinetuneError(
            f"local finetuning of {base_model} collapsed at learning rate {learning_rate:g}: "
            f"{reason}; nothing was saved. Train again with a lower --learning-rate "
            "(the default is 3e-4)")


def _chance(labels: Sequence[str]) -> float:
    """Accuracy of always answering the most common class."""
    from collections import Counter

    return max(Counter(labels).values()) / len(labels)


def _nearest_accuracy(vectors: Any, labels: Sequence[str]) -> float:
    """Leave-one-out 1-nearest-neighbour accuracy (cosine)."""
    import numpy as np
    from sklearn.preprocessing import normalize

    x = normalize(np.asarray(vectors, dtype=np.float64))
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    y = np.asarray([str(label) for label in labels])
    return float(np.mean(y[sims.argmax(axis=1)] == y))


class Keeper:
    """Keeps ``settings["keep"]`` of the base model's similarities on the held-out rows (or
    the training rows when none are held out): interpolates the encoder's weights back towards
    the base, then scales the stacked head (see the module's docstring)."""

    def __init__(self, model: SentenceTransformer, fit: Dataset, held_out: Dataset | None,
                 prompt: str | None, settings: dict[str, Any]) -> None:
        from .probe import stratified_cap

        rows = held_out if held_out is not None else fit
        self.chosen_on = "validation" if held_out is not None else "train"
        keep = stratified_cap(rows.labels, CHOICE_ROWS, settings["seed"])
        self.texts = [rows.texts[i] for i in keep]
        self.labels = [rows.labels[i] for i in keep]
        self.model, self.prompt, self.settings = model, prompt, settings
        self.base_state = snapshot(model)
        model.eval()
        self.base = model.encode(self.texts, prompt=prompt, batch_size=64,
                                 show_progress_bar=False, convert_to_numpy=True,
                                 normalize_embeddings=True)
        self.encoder: Any = None
        self.head: Any = None

    def blend_encoder(self, base_model: str) -> None:
        """Refuse a collapsed encoder, then load the chosen blend of base and finetuned."""
        from embedlab.adapter import choose_blend

        self.blend = EncoderBlend(self.model, self.base_state, self.texts, self.prompt,
                                  base_vectors=self.base)
        check_not_collapsed(self.blend(1.0), self.labels,
                            learning_rate=self.settings["learning_rate"],
                            base_model=base_model, base_vectors=self.base)
        self.encoder = choose_blend(self.blend, self.base, self.labels, self.settings["keep"],
                                    chosen_on=self.chosen_on, seed=self.settings["seed"],
                                    monotone=True)
        self.blend.apply(self.encoder.blend)
        del self.base_state

    def stack_head(self, fit: Dataset, held_out: Dataset | None,
                   progress: bool | None) -> dict[str, Any]:
        """Train the head on the blended encoder, scale it, append it (unless scaled to
        nothing); returns the card's record of it."""
        from embedlab.adapter import HEAD_GRID, choose_blend

        from .stacked_head import append_head, train_stacked_head

        s = self.settings
        trained, summary = train_stacked_head(self.model, fit, held_out, kind=s["head"],
                                              prompt=self.prompt, seed=s["seed"],
                                              progress=progress, epochs=s["head_epochs"])
        encoded = self.blend(self.encoder.blend)
        self.head = choose_blend(lambda t: trained.scaled(t).apply(encoded), self.base,
                                 self.labels, s["keep"], chosen_on=self.chosen_on,
                                 seed=s["seed"], grid=HEAD_GRID)
        if self.head.blend > 0:
            append_head(self.model, trained.scaled(self.head.blend))
        return {**summary, "scale": self.head.blend, "appended": self.head.blend > 0}

    def record(self) -> dict[str, Any]:
        """What the card says: the keep asked, the encoder's blend, the head's scale and the
        final model's figures on the rows they were chosen on."""
        final = (self.head or self.encoder).to_dict()
        return {"keep": self.settings["keep"], "chosen_on": self.chosen_on,
                "rows": len(self.texts), "encoder_alpha": self.encoder.blend,
                "head_scale": self.head.blend if self.head is not None else None,
                **{k: final[k] for k in ("similarity_agreement", "neighbours_kept",
                                         "silhouette")},
                "encoder": self.encoder.to_dict(),
                "head": self.head.to_dict() if self.head is not None else None}
