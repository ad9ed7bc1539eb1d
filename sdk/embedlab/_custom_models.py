"""Saved custom models on disk: the JSON card beside the weights (``embedlab.json``), and the
small index under :func:`embedlab.settings.data_dir` that maps a model's id to where it was
saved, so an id works from any directory and any process.

This module reads and writes files only; loading a model with the finetuner that made it is
a lookup (:func:`embedlab.load_custom_model`).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Protocol

from ._atomic import write_json
from ._card_schema import MAX_CARD_BYTES, check_card, check_card_text
from ._errors import ConfigurationError, ModelNotFoundError
from .settings import data_dir

__all__ = ["CARD_NAME", "check_provider", "find_custom_model", "find_trained",
           "missing_model_path", "read_card", "remember_custom_model", "remember_saved",
           "write_card"]

#: The file inside a saved custom model's directory that describes it.
CARD_NAME = "embedlab.json"

_lock = threading.Lock()


class Saved(Protocol):
    """What the index reads and sets of a saved :class:`~embedlab.CustomModel` (typed here,
    so this module need not import the class whose ``save`` calls it)."""

    id: str
    path: Path | None
    training_key: str | None


# --- the card ------------------------------------------------------------------------------
def read_card(path: str | Path) -> dict[str, Any]:
    """Read and check the card of the custom model saved in directory ``path``."""

    card_path = Path(path) / CARD_NAME
    try:
        with card_path.open(encoding="utf-8") as fh:
            text = fh.read(MAX_CARD_BYTES + 1)  # never more than the limit into memory
        check_card_text(text, card_path)
        data: dict[str, Any] = json.loads(text)
    except FileNotFoundError:
        raise ModelNotFoundError(
            f"{path}: no custom model here ({CARD_NAME} is missing); pass the directory "
            "that embedlab saved the model into"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelNotFoundError(f"{card_path}: not valid JSON ({exc})") from None
    check_card(data, card_path)
    return data


def write_card(directory: Path, card: dict[str, Any]) -> Path:
    """Write ``card`` as the model card in ``directory`` and return its path."""
    path = Path(directory) / CARD_NAME
    path.write_text(json.dumps(card, indent=2, default=str), encoding="utf-8")
    return path


def check_provider(path: Path, provider: str, name: str) -> None:
    """Refuse ``provider:NAME`` where the custom model saved at ``path`` was made with another
    provider: loading it anyway would embed (and bill) with a provider the caller did not name."""
    made_with = str(read_card(path).get("provider", ""))
    if made_with != provider:
        raise ConfigurationError(
            f"{name}: this custom model was made with provider {made_with!r} (its card "
            f"{path / CARD_NAME} says so), not {provider!r}; name it {made_with}:{name} "
            f"or just {name}")


# --- the index: id -> directory --------------------------------------------------------------
#: The id index, and the training-key index (what determined a model -> its folder).
_IDS, _TRAINED = "models.json", "trained.json"


def _index_path(name: str = _IDS) -> Path:
    return data_dir() / name


def _read_index(name: str = _IDS) -> dict[str, str]:
    try:
        data = json.loads(_index_path(name).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember(name: str, key: str, path: Path) -> None:
    with _lock:
        index = _read_index(name)
        index[key] = str(Path(path).resolve())
        target = _index_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_json(target, index, indent=2, sort_keys=True)


def remember_custom_model(model_id: str, path: Path) -> None:
    """Record where the model with ``model_id`` was saved (atomically)."""
    _remember(_IDS, model_id, path)


def remember_saved(model: Saved, path: Path) -> None:
    """Point ``model`` and the index at ``path``, where the model's files now are (after a
    save into a staging directory that was then renamed into place); a model with a
    training key is found by it too (:mod:`embedlab._reuse`)."""
    model.path = Path(path)
    remember_custom_model(model.id, model.path)
    if model.training_key:
        _remember(_TRAINED, model.training_key, model.path)


def find_trained(key: str) -> Path | None:
    """The folder of the last model saved with training key ``key`` whose card still says
    so, or ``None``."""
    recorded = _read_index(_TRAINED).get(key)
    if not recorded:
        return None
    try:
        card = read_card(recorded)
    except ModelNotFoundError:
        return None
    return Path(recorded) if card.get("training_key") == key else None


def find_custom_model(name: str | Path) -> Path | None:
    """The directory of a saved custom model given its path or id, or ``None``."""
    path = Path(name).expanduser()
    if (path / CARD_NAME).is_file():
        return path
    recorded = _read_index().get(str(name))
    if recorded and (Path(recorded) / CARD_NAME).is_file():
        return Path(recorded)
    return None


def missing_model_path(name: str | Path) -> str | None:
    """Why ``name``, written like a path (``models/x``, ``./x``, ``~/x``), names no custom
    model: the path does not exist, or holds no card; ``None`` for any other name."""
    text = str(name)
    provider = text.partition(":")[0]
    if not (isinstance(name, Path) or "/" in provider or "\\" in provider
            or provider.startswith((".", "~"))):
        return None
    path = Path(text).expanduser()
    if (path / CARD_NAME).is_file():
        return None
    found = ("does not exist" if not path.exists() else
             f"holds no custom model ({CARD_NAME} is missing)" if path.is_dir() else
             "is a file, not a custom model's directory")
    return (f"{text}: the path {found}. Give the directory a custom model was saved into (it "
            f"holds {CARD_NAME}) or its id, or a provider's model as provider:model "
            f"(e.g. local:{text})")
