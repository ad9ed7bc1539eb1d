"""A ``FinetuneConfig`` passed to ``compare`` is respected field by field; a keyword argument
replaces a field only when it is given (the bug in issue 25: ``config=FinetuneConfig(seed=7)``
trained with seed 42)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import embedlab
import pytest

from .conftest import write_subset


def _run(data: Path, **kw: Any) -> embedlab.Comparison:
    return embedlab.compare(data, "fake", method="adapter", projection="pca", audit=False,
                            quiet=True, progress=False, highlight=[], **kw)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_subset(tmp_path / "data.csv", 10)


def test_the_configs_seed_and_input_type_are_kept(fake_provider: str, data: Path) -> None:
    config = embedlab.FinetuneConfig(seed=7, max_steps=5, input_type="search_query")
    by_config = _run(data, config=config)
    by_keywords = _run(data, seed=7, max_steps=5, input_type="search_query")
    default = _run(data, max_steps=5, input_type="search_query")

    assert by_config.settings["seed"] == by_config.settings["finetune"]["seed"] == 7
    assert by_config.settings["input_type"] == "search_query"
    assert by_config.settings["finetune"] == by_keywords.settings["finetune"]
    # The same split and the same trained weights as asking for seed 7 by keyword...
    assert by_config.test.ids == by_keywords.test.ids
    assert by_config.custom_model.id == by_keywords.custom_model.id
    # ...and not those of the default seed 42.
    assert default.settings["seed"] == 42 and default.test.ids != by_config.test.ids


def test_a_keyword_given_replaces_the_configs_field(fake_provider: str, data: Path) -> None:
    config = embedlab.FinetuneConfig(seed=7, max_steps=5, input_type="search_query")
    result = _run(data, config=config, seed=3, input_type=None, max_steps=4)
    finetune = result.settings["finetune"]
    assert (finetune["seed"], finetune["input_type"], finetune["max_steps"]) == (3, None, 4)
    assert result.settings["seed"] == 3 and result.settings["input_type"] is None
