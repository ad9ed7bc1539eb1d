"""One input_type check (embedlab._input_types.check_input_type) behind every place that takes
an input type: embed(), a provider's embed_batch, the fake provider and the corpus job."""

from __future__ import annotations

import pytest
from embedlab import ConfigurationError
from embedlab._input_types import check_input_type
from embedlab.testing import FakeEmbedder


class _OnlyQueries(FakeEmbedder):
    input_types = frozenset({"search_query"})
    default_input_type = "search_query"


def test_the_callers_type_else_the_embedders_default() -> None:
    embedder = _OnlyQueries()
    assert check_input_type(embedder, None) == "search_query"
    assert check_input_type(embedder, "search_query") == "search_query"


def test_a_type_the_embedder_lacks_names_the_valid_ones() -> None:
    expected = ("fake:bow does not take input_type='clustering'; valid input types: "
                "search_query")
    embedder = _OnlyQueries()
    for call in (lambda: check_input_type(embedder, "clustering"),
                 lambda: embedder.embed(["a text"], input_type="clustering", cache=False),
                 lambda: embedder.embed_batch(["a text"], "clustering")):
        with pytest.raises(ConfigurationError) as raised:
            call()
        assert str(raised.value) == expected
