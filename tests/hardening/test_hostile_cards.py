"""Item 7 of issue 23: a hostile or damaged model card (deeply nested JSON, a huge file, an
unknown ``base_options`` key) is refused naming the card, before anything is built."""

from __future__ import annotations

import json
from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner
from embedlab._card_schema import MAX_CARD_BYTES
from embedlab._custom_models import CARD_NAME
from embedlab.cli import cli


def _card(path: Path) -> dict[str, object]:
    return json.loads((path / CARD_NAME).read_text(encoding="utf-8"))


def _nested(card: dict[str, object], depth: int) -> str:
    return json.dumps({**card, "metrics": "PLACE"}).replace(
        '"PLACE"', "[" * depth + "]" * depth)


def _classify(runner: CliRunner, model: Path) -> object:
    return runner.invoke(cli, ["classify", "hello", "-m", str(model), "-q"])


@pytest.mark.parametrize("hostile", ["nested", "huge", "unknown base option",
                                     "string base option"])
def test_a_hostile_card_is_refused_naming_it(runner: CliRunner, saved_adapter: Path,
                                             hostile: str) -> None:
    card = _card(saved_adapter)
    text = {"nested": lambda: _nested(card, 5000),
            "huge": lambda: json.dumps({**card, "padding": "x" * MAX_CARD_BYTES}),
            "unknown base option": lambda: json.dumps({**card, "base_options": {"colour": 3}}),
            "string base option": lambda: json.dumps({**card, "base_options": {"x": "/bin"}}),
            }[hostile]()
    (saved_adapter / CARD_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(embedlab.ModelNotFoundError, match=CARD_NAME):
        embedlab.load_custom_model(saved_adapter)
    result = _classify(runner, saved_adapter)
    assert result.exit_code == 2, result.output
    assert str(saved_adapter / CARD_NAME) in result.stderr and "Traceback" not in result.output


def test_a_card_nested_within_the_limit_still_loads(saved_adapter: Path) -> None:
    card = _card(saved_adapter)
    (saved_adapter / CARD_NAME).write_text(
        json.dumps({**card, "note": "[[[[{{{{ brackets in a string do not count"}),
        encoding="utf-8")
    assert embedlab.load_custom_model(saved_adapter).method == "adapter"


def test_an_unknown_base_option_for_the_local_provider_is_not_a_type_error(
        saved_adapter: Path) -> None:
    pytest.importorskip("sentence_transformers")
    card = {**_card(saved_adapter), "provider": "local", "base_model": "all-MiniLM-L6-v2",
            "base_options": {"colour": 3}}
    (saved_adapter / CARD_NAME).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(embedlab.ModelNotFoundError, match="base_options \\(colour\\)"):
        embedlab.load_custom_model(saved_adapter)
