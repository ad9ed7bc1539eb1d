"""The JSON Schema a custom model's card (``embedlab.json``) must meet before it is used.

A card is read from disk and may be damaged or hostile: ``{}``, a list, a missing key, a
string where a number belongs, a ``base_model`` that names the model itself, a
``weights`` path that points outside the model's directory, or JSON nested thousands of levels
deep (which would blow the parser's recursion). Each is refused with a clear message naming
the card and the fault, instead of a KeyError or RecursionError deep in a loader.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ._errors import ModelNotFoundError

__all__ = ["ADAPTER_CARD_SCHEMA", "CARD_SCHEMA", "MAX_CARD_BYTES", "MAX_CARD_DEPTH",
           "check_card", "check_card_text", "file_in_model"]

#: The largest card read (embedlab's own are a few kilobytes).
MAX_CARD_BYTES = 4 << 20
#: The deepest nesting of objects and lists a card may have (embedlab's own: about 4).
MAX_CARD_DEPTH = 32
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")

_NAME = {"type": "string", "minLength": 1, "maxLength": 500}

#: Keys every custom model's card has, whoever made it.
CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "provider", "base_model", "method"],
    "properties": {
        "id": {**_NAME, "pattern": r"^[^/\\]+$"},
        "provider": _NAME,
        "base_model": _NAME,
        "method": {"enum": ["full", "adapter"]},
        "metrics": {"type": "object"},
        "weights": {"type": "string"},
        "training_key": {"type": "string", "pattern": "^[0-9a-f]{16,64}$"},
    },
}

#: What the adapter finetuner's cards add.
ADAPTER_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "head", "weights_sha256", "dimensions"],
    "properties": {
        "head": {"type": "string"},
        "weights": {"type": "string", "minLength": 1},
        "weights_sha256": {"type": "string", "pattern": "^[0-9a-f]{16,128}$"},
        "input_type": {"type": ["string", "null"]},
        "base_revision": {"type": "string"},
        "base_options": {  # what public_options keeps: numbers and booleans, by name
            "type": "object", "maxProperties": 50,
            "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$"},
            "additionalProperties": {"type": ["number", "boolean"]},
        },
        "dimensions": {
            "type": "object", "required": ["base", "output"],
            "properties": {"base": {"type": "integer", "minimum": 1},
                           "output": {"type": "integer", "minimum": 1}},
        },
    },
}


def check_card_text(text: str, where: str | Path) -> None:
    """Refuse card text over :data:`MAX_CARD_BYTES` or nested deeper than
    :data:`MAX_CARD_DEPTH`, before ``json.loads`` (whose recursion a deep one would blow)."""
    if len(text) > MAX_CARD_BYTES:
        raise ModelNotFoundError(f"{where}: the card is {len(text)} characters, over the "
                                 f"{MAX_CARD_BYTES} a model card may have; save the model "
                                 "again with embedlab")
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_CARD_DEPTH:
            raise ModelNotFoundError(
                f"{where}: the card nests objects or lists more than {MAX_CARD_DEPTH} levels "
                "deep, which no embedlab card does; save the model again with embedlab")


def check_card(card: Any, where: str | Path, schema: dict[str, Any] = CARD_SCHEMA) -> None:
    """Raise :class:`~embedlab.ModelNotFoundError` unless ``card`` meets ``schema``."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(card),
                    key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        at = "/".join(str(p) for p in first.absolute_path) or "the top level"
        raise ModelNotFoundError(
            f"{where}: not a valid embedlab model card ({first.message} at {at}); save the "
            "model again with embedlab")
    if isinstance(card, dict) and card.get("base_model") == card.get("id"):
        raise ModelNotFoundError(
            f"{where}: the card's base_model names the model itself ({card['id']!r}); save "
            "the model again with embedlab")


def file_in_model(directory: str | Path, name: str, where: str | Path) -> Path:
    """``directory / name``, refused unless it lies inside ``directory`` (no ``..``, no
    absolute path, no link out)."""
    root = Path(directory).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root):
        raise ModelNotFoundError(
            f"{where}: the card names a file outside the model's directory ({name!r}); a "
            "card may only name files inside it")
    return path
