"""Finished custom models found again by what determines them, so the same training never
runs twice: the finetuner's identity (provider, base model and its revision, options), the
method, the config, the train and validation fingerprints and embedlab's version hash into a
*training key*. A saved model's card records it; :func:`embedlab._custom_models.find_trained`
maps it back to the folder. ``retrain=True`` (``--retrain``) always trains a new model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from ._custom_models import find_trained
from ._errors import EmbedlabError
from ._version import __version__

if TYPE_CHECKING:
    from ._datasets.dataset import Dataset
    from ._finetuner import CustomModel, FinetuneConfig, Finetuner

__all__ = ["finetune_or_reuse", "training_key"]


def training_key(finetuner: Finetuner, train: Dataset, validation: Dataset | None,
                 config: FinetuneConfig) -> str | None:
    """A 32-hex key for training ``finetuner`` on this data with this config, or ``None``
    when the finetuner does not say what decides its models."""

    identity = finetuner.identity()
    if identity is None:
        return None
    parts = {"finetuner": identity, "class": type(finetuner).__qualname__,
             "method": finetuner.method,
             "config": {k: v for k, v in config.to_dict().items() if k != "progress"},
             "train": train.fingerprint,
             "validation": validation.fingerprint if validation is not None else None,
             "embedlab": __version__}
    blob = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def finetune_or_reuse(finetuner: Finetuner, train: Dataset, validation: Dataset | None,
                      config: FinetuneConfig, *, retrain: bool = False,
                      say: Callable[[str], None] | None = None) -> tuple[CustomModel, bool]:
    """``(model, reused)``: the saved model trained the same way, loaded and announced
    through ``say``; else (or with ``retrain``) a newly trained one carrying its key."""

    key = training_key(finetuner, train, validation, config)
    where = find_trained(key) if key is not None and not retrain else None
    if where is not None:
        try:
            found = finetuner.load(where)
        except EmbedlabError:
            found = None  # damaged since: train again
        if found is not None:
            found.training_key = key
            if say is not None:
                say(f"reusing {found.id} from {where}: trained before on the same data with "
                    "the same settings (--retrain trains a new one)")
            return found, True
    model = finetuner.finetune(train, validation, config)
    model.training_key = key
    return model, False
