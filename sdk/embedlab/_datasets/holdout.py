"""``hold_out``: the one policy for rows held out of the training data, for early stopping
(:meth:`~embedlab.FinetuneConfig.validation_split`) and calibration. Below the loaders and
the splits a comparison scores on, so the finetuners use it without importing them."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["hold_out"]


def hold_out(train: Dataset, share: float, seed: int) -> tuple[Dataset, Dataset | None, str]:
    """``(rows to fit, held-out rows, note)``: a stratified ``share`` of ``train`` held out
    (at least one row per class), or none when ``train`` is too small to spare it. The one
    policy for early stopping (:meth:`FinetuneConfig.validation_split`) and calibration."""
    counts = Counter(train.labels)
    wanted = max(round(share * len(train)), len(counts))
    if share <= 0 or not counts or min(counts.values()) < 2 or len(train) - wanted < len(counts):
        return train, None, "none (training set too small to hold rows out)"
    fit, held_out = train.split(test_size=wanted, seed=seed)
    return fit, held_out, f"{wanted} rows held out of train"
