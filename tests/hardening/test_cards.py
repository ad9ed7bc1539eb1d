"""Item 7 of issue 13: a damaged or hostile model card is refused with a clear error, and a
card may only name files inside its model's directory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import embedlab
import pytest
from embedlab._custom_models import CARD_NAME


def _edit(path: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    card = json.loads((path / CARD_NAME).read_text(encoding="utf-8"))
    (path / CARD_NAME).write_text(json.dumps(change(card)), encoding="utf-8")


def _drop(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda card: {k: v for k, v in card.items() if k != key}


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    return lambda card: {**card, key: value}


CASES = {
    "empty": lambda card: {},
    "list": lambda card: [card],
    "no provider": _drop("provider"),
    "no head": _drop("head"),
    "no dimensions": _drop("dimensions"),
    "no id": _drop("id"),
    "string dimension": lambda card: {**card, "dimensions": {"base": "x", "output": 4}},
    "number provider": _set("provider", 3),
    "weights outside": _set("weights", "/etc/passwd"),
    "weights climbing out": _set("weights", "../../etc/passwd"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_card_is_a_clear_error(saved_adapter: Path, case: str) -> None:
    _edit(saved_adapter, CASES[case])
    with pytest.raises(embedlab.ModelNotFoundError, match=CARD_NAME):
        embedlab.load_custom_model(saved_adapter)


@pytest.mark.parametrize("base", ["id", "path"])
def test_a_card_whose_base_model_is_itself_is_refused(saved_adapter: Path, base: str) -> None:
    _edit(saved_adapter, lambda card: {
        **card, "base_model": card["id"] if base == "id" else str(saved_adapter)})
    with pytest.raises(embedlab.ModelNotFoundError, match="itself"):
        embedlab.load_custom_model(saved_adapter)
