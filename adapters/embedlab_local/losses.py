"""The losses the local finetuner can train with: each takes single texts with class
labels (class indices), so batches come from sentence-transformers' group-by-label sampler.
``proxy`` (:mod:`.proxy_loss`) is the default; the batch-triplet losses remain for comparison."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from embedlab import ConfigurationError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from torch import nn

__all__ = ["DEFAULT_LOSS", "LOSSES", "PROXY_LOSSES", "make_loss"]

#: Chosen by measurement across data sizes (bench/finetune_sweep.py, bench/RESULTS.md).
DEFAULT_LOSS = "proxy"


def _distance(name: str) -> Callable[..., Any]:
    from sentence_transformers.sentence_transformer.losses import (
        BatchHardTripletLossDistanceFunction as Distances,
    )

    functions = {"cosine": Distances.cosine_distance,
                 "euclidean": Distances.euclidean_distance}
    if name not in functions:
        raise ConfigurationError(f"unknown distance {name!r}; use one of {sorted(functions)}")
    return functions[name]


def _batch_all(model: SentenceTransformer, options: dict[str, Any]) -> nn.Module:
    from sentence_transformers.sentence_transformer.losses import BatchAllTripletLoss

    return BatchAllTripletLoss(model, distance_metric=_distance(options.get("distance", "cosine")),
                               margin=float(options.get("margin", 0.5)))


def _batch_hard(model: SentenceTransformer, options: dict[str, Any]) -> nn.Module:
    from sentence_transformers.sentence_transformer.losses import BatchHardTripletLoss

    return BatchHardTripletLoss(model, distance_metric=_distance(options.get("distance", "cosine")),
                                margin=float(options.get("margin", 0.5)))


def _batch_semi_hard(model: SentenceTransformer, options: dict[str, Any]) -> nn.Module:
    from sentence_transformers.sentence_transformer.losses import BatchSemiHardTripletLoss

    return BatchSemiHardTripletLoss(
        model, distance_metric=_distance(options.get("distance", "cosine")),
        margin=float(options.get("margin", 0.5)))


def _batch_hard_soft_margin(model: SentenceTransformer, options: dict[str, Any]) -> nn.Module:
    from sentence_transformers.sentence_transformer.losses import BatchHardSoftMarginTripletLoss

    return BatchHardSoftMarginTripletLoss(
        model, distance_metric=_distance(options.get("distance", "euclidean")))


LOSSES: dict[str, Callable[[SentenceTransformer, dict[str, Any]], nn.Module]] = {
    "batch_all": _batch_all,
    "batch_hard": _batch_hard,
    "batch_semi_hard": _batch_semi_hard,
    "batch_hard_soft_margin": _batch_hard_soft_margin,
}


def _proxy(model: SentenceTransformer, options: dict[str, Any]) -> nn.Module:
    from .proxy_loss import ProxyLoss

    return ProxyLoss(model, options["centroids"], scale=float(options.get("scale", 30.0)),
                     margin=float(options.get("margin", 0.4)),
                     contrastive_weight=float(options.get("contrastive_weight", 0.0)),
                     temperature=float(options.get("temperature", 0.05)))


LOSSES["proxy"] = _proxy
#: Losses with parameters of their own (class proxies), trained at their own learning rate.
PROXY_LOSSES = frozenset({"proxy"})


def make_loss(name: str, model: SentenceTransformer, options: dict[str, Any]) -> nn.Module:
    """The loss called ``name`` for ``model``; ``options`` may set ``margin``, ``distance``,
    and for ``proxy`` ``scale``, ``contrastive_weight``, ``temperature`` and the
    ``centroids`` (classes × dimension tensor) that seed the class proxies."""
    if name not in LOSSES:
        raise ConfigurationError(
            f"unknown loss {name!r} for the local finetuner; use one of {sorted(LOSSES)} "
            "(FinetuneConfig(extra={'loss': ...}))")
    return LOSSES[name](model, options)
