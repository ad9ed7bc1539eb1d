"""``classify()``: label texts with a custom model's classification head, or with any model
given labelled examples (as the old few-shot Classify endpoint took examples in the request).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._classifier import fit_head
from ._custom_models import find_custom_model, missing_model_path
from ._datasets.dataset import Dataset
from ._datasets.loaders import load_dataset
from ._errors import ConfigurationError, ModelNotFoundError
from ._finetuner import CustomModel
from ._lookup import get_embedder, load_custom_model, parse_name

if TYPE_CHECKING:
    from ._classifier import ClassificationHead, Prediction
    from ._transport.cache import EmbeddingCache

__all__ = ["classifier_of", "classify", "resolve_custom_model"]


def resolve_custom_model(name: str | Path) -> CustomModel | None:
    """The saved custom model ``name`` refers to (its id, directory, or ``provider:ID``), or
    ``None`` when it names a base model."""

    found = find_custom_model(name)
    if found is None and isinstance(name, str):
        _, model = parse_name(name)
        found = find_custom_model(model) if model else None
    return load_custom_model(found) if found is not None else None


def classifier_of(model: Any) -> ClassificationHead | None:
    """The classification head of ``model`` (a custom model, its id or directory), or
    ``None`` for anything else (a base model, an embedder) or a custom model without one."""
    import os

    if isinstance(model, CustomModel):
        custom: CustomModel | None = model
    elif isinstance(model, (str, os.PathLike)):
        custom = resolve_custom_model(os.fspath(model))
    else:
        return None
    if custom is None:
        return None
    try:
        return custom.classifier or custom._saved_classifier()
    except ConfigurationError:  # saved without a head
        return None


def _examples(examples: Dataset | str | Path | Any, text_column: str, label_column: str,
              encoding: str) -> Dataset:
    """Labelled examples as a validated dataset (two classes, one row each at least)."""

    data = examples if isinstance(examples, Dataset) else load_dataset(
        examples, text_column=text_column, label_column=label_column, encoding=encoding)
    data.validate(min_rows=2, min_per_class=1).raise_for_errors()
    return data


def classify(
    texts: Sequence[str],
    model: str | Path | CustomModel = "local",
    *,
    examples: Dataset | str | Path | Any = None,
    top_k: int = 3,
    threshold: float | None = None,
    input_type: str | None = "classification",
    seed: int = 42,
    text_column: str = "text",
    label_column: str = "label",
    encoding: str = "utf-8",
    cache: EmbeddingCache | bool | None = None,
    progress: bool | None = None,
) -> list[Prediction]:
    """Label ``texts``: one :class:`~embedlab.Prediction` per text, in order.

    ``model`` is a custom model (object, id or directory): its own classification head is
    used. With ``examples`` (a labelled file or :class:`~embedlab.Dataset`) a head is
    fitted on them instead, so any model works, base models too (``"local"``,
    ``"cohere:embed-english-v3.0"``). The examples and the texts are embedded in one call.
    """

    if isinstance(texts, str):
        raise TypeError("classify() takes a list of texts, not a str: pass [text]")
    if top_k < 1:
        raise ConfigurationError(f"top_k={top_k}: ask for at least one class")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigurationError(f"threshold={threshold}: give a probability between 0 and 1")
    items = list(texts)
    custom = model if isinstance(model, CustomModel) else resolve_custom_model(model)
    if examples is None:
        if custom is None:
            why = missing_model_path(model) if isinstance(model, (str, Path)) else None
            if why is not None:
                raise ModelNotFoundError(why)
            raise ConfigurationError(
                f"{model} is a base model: it has no classification head. Give labelled "
                "examples (`--examples train.csv` / examples=...), or classify with a custom "
                "model trained by `embedlab finetune` or `embedlab compare`")
        return custom.classify(items, top_k=top_k, threshold=threshold, cache=cache,
                               progress=progress)

    data = _examples(examples, text_column, label_column, encoding)
    embedder = custom.embedder() if custom is not None else get_embedder(str(model))
    vectors = embedder.embed([*data.texts, *items], input_type, cache=cache, progress=progress)
    head = fit_head(vectors[:len(data)], data.labels, seed=seed, input_type=input_type,
                    fitted_on={"fingerprint": data.fingerprint})
    return head.predict(vectors[len(data):], items, top_k=top_k, threshold=threshold)
