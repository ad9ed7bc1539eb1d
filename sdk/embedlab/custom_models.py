"""Finding saved custom models by path or id, and loading them with the finetuner that
made them. Every ``CustomModel.save`` records ``id -> path`` in a small JSON index under
:func:`embedlab.settings.data_dir`, so an id works from any directory and any process."""

from __future__ import annotations

import contextvars
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigurationError, ModelNotFoundError
from .finetuner import CARD_NAME, read_card
from .settings import data_dir

if TYPE_CHECKING:
    from .finetuner import CustomModel

__all__ = ["check_provider", "find_custom_model", "load_custom_model", "remember_custom_model"]

_lock = threading.Lock()
#: Custom models being loaded in this context: a card whose base leads back is refused.
_loading: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "embedlab_loading_models", default=frozenset())


def _index_path() -> Path:
    return data_dir() / "models.json"


def _read_index() -> dict[str, str]:
    try:
        data = json.loads(_index_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def remember_custom_model(model_id: str, path: Path) -> None:
    """Record where the model with ``model_id`` was saved (atomically)."""
    with _lock:
        index = _read_index()
        index[model_id] = str(Path(path).resolve())
        target = _index_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".models.", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(index, fh, indent=2, sort_keys=True)
        os.replace(tmp, target)


def find_custom_model(name: str | Path) -> Path | None:
    """The directory of a saved custom model given its path or id, or ``None``."""
    path = Path(name).expanduser()
    if (path / CARD_NAME).is_file():
        return path
    recorded = _read_index().get(str(name))
    if recorded and (Path(recorded) / CARD_NAME).is_file():
        return Path(recorded)
    return None


def check_provider(path: Path, provider: str, name: str) -> None:
    """Refuse ``provider:NAME`` where the custom model saved at ``path`` was made with another
    provider: loading it anyway would embed (and bill) with a provider the caller did not name."""
    made_with = str(read_card(path).get("provider", ""))
    if made_with != provider:
        raise ConfigurationError(
            f"{name}: this custom model was made with provider {made_with!r} (its card "
            f"{path / CARD_NAME} says so), not {provider!r}; name it {made_with}:{name} "
            f"or just {name}")


def load_custom_model(name: str | Path) -> CustomModel:
    """Load a custom model by its saved directory or its id."""
    from .lookup import get_finetuner

    path = find_custom_model(name)
    if path is None:
        raise ModelNotFoundError(
            f"no custom model at path or with id {str(name)!r}; pass the directory the model "
            f"was saved into (it holds {CARD_NAME}) or an id printed by `embedlab finetune`"
        )
    key = str(path.resolve())
    if key in _loading.get():
        raise ModelNotFoundError(
            f"{path}: the model's base model leads back to the model itself; its card is "
            "damaged, save the model again with embedlab")
    card = read_card(path)
    token = _loading.set(_loading.get() | {key})
    try:
        finetuner = get_finetuner(str(card["provider"]), method=str(card["method"]))
        model = finetuner.load(path)
        model.embedder()  # builds the base embedder now, inside the loop check
    finally:
        _loading.reset(token)
    model.path = path
    if "classifier" in card and model.classifier is None:
        from .classifier import read_head  # checked like the weights: damage fails the load

        model.classifier = read_head(path, card["classifier"])
    return model
