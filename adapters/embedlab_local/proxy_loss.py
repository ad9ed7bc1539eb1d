"""The class-proxy loss the local finetuner trains with by default: a normalised softmax over
one learned direction per class with an additive cosine margin (CosFace-style), optionally
plus in-batch supervised contrastive learning.

Why this loss: the report scores a model by a linear probe, k-NN accuracy and the cosine
silhouette of its classes. A cosine softmax with a margin optimises exactly that geometry:
every text near its class's direction and away from the others by at least the margin. The
proxies start at the base model's class centroids, so the first steps refine the existing
space instead of tearing it apart towards random directions (bench/RESULTS.md measures it
against the triplet losses at several data sizes).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["ProxyLoss", "supervised_contrastive"]


def supervised_contrastive(embeddings: Tensor, labels: Tensor, temperature: float) -> Tensor:
    """Supervised contrastive loss (Khosla et al., 2020) over one batch of unit vectors:
    each row is pulled towards the other rows of its class, away from the rest."""
    similarity = embeddings @ embeddings.T / temperature
    self_mask = torch.eye(len(labels), dtype=torch.bool, device=embeddings.device)
    similarity = similarity.masked_fill(self_mask, float("-inf"))
    positives = (labels[:, None] == labels[None, :]) & ~self_mask
    log_prob = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    counts = positives.sum(dim=1)
    has_positive = counts > 0
    if not bool(has_positive.any()):
        return embeddings.sum() * 0.0
    mean_log_prob = log_prob.masked_fill(~positives, 0.0).sum(dim=1)[has_positive]
    return -(mean_log_prob / counts[has_positive]).mean()


class ProxyLoss(nn.Module):
    """Cosine softmax with an additive margin over class proxies, for single labelled texts.

    ``centroids`` (classes × dimension) seed the proxies; ``scale`` sharpens the softmax;
    ``margin`` is subtracted from the true class's cosine; ``contrastive_weight`` adds a
    supervised contrastive term over the batch (0 turns it off).
    """

    def __init__(self, model: SentenceTransformer, centroids: Tensor, *, scale: float = 30.0,
                 margin: float = 0.3, contrastive_weight: float = 0.0,
                 temperature: float = 0.05) -> None:
        super().__init__()
        self.model = model
        self.proxies = nn.Parameter(F.normalize(centroids.detach().float().clone(), dim=1))
        self.scale = scale
        self.margin = margin
        self.contrastive_weight = contrastive_weight
        self.temperature = temperature

    def forward(self, sentence_features: Iterable[dict[str, Tensor]], labels: Tensor) -> Tensor:
        """The loss of one batch: ``labels`` are class indices into the proxies."""
        features = next(iter(sentence_features))
        embeddings = F.normalize(self.model(features)["sentence_embedding"], dim=1)
        cosine = embeddings @ F.normalize(self.proxies, dim=1).T
        logits = self.scale * (cosine - self.margin * F.one_hot(labels, cosine.shape[1]))
        loss = F.cross_entropy(logits, labels)
        if self.contrastive_weight:
            loss = loss + self.contrastive_weight * supervised_contrastive(
                embeddings, labels, self.temperature)
        return loss

    def get_config_dict(self) -> dict[str, Any]:
        """What sentence-transformers writes into a model card about this loss."""
        return {"classes": int(self.proxies.shape[0]), "scale": self.scale,
                "margin": self.margin, "contrastive_weight": self.contrastive_weight,
                "temperature": self.temperature}
