"""Lookups by name: get_embedder, get_finetuner, get_visualizer, parse_name, providers()."""

from __future__ import annotations

from typing import Any

import pytest
from embedlab import (
    ConfigurationError,
    FinetuneNotSupportedError,
    UnknownProviderError,
    get_embedder,
    get_finetuner,
    get_visualizer,
    providers,
)
from embedlab._lookup import parse_name, visualizers
from embedlab.hookspecs import hookimpl
from embedlab.testing import FakeEmbedder, use_plugin


@pytest.mark.parametrize("name, expected", [
    ("local", ("local", None)),
    ("local:", ("local", None)),
    ("cohere:embed-english-v3.0", ("cohere", "embed-english-v3.0")),
    (" openai : text-embedding-3-small ", ("openai", "text-embedding-3-small")),
    ("local:/models/a:b", ("local", "/models/a:b")),
])
def test_parse_name(name: str, expected: tuple[str, str | None]) -> None:
    assert parse_name(name) == expected


def test_bare_provider_gives_its_default_model(embedlab_fake_provider: str) -> None:
    embedder = get_embedder("fake")
    assert isinstance(embedder, FakeEmbedder)
    assert embedder.model == "bow"
    assert embedder.name == "fake:bow"


def test_provider_and_model(embedlab_fake_provider: str) -> None:
    assert get_embedder("fake:other").model == "other"


def test_options_reach_the_factory(embedlab_fake_provider: str) -> None:
    embedder = get_embedder("fake", dimension=8, max_batch_size=3)
    assert (embedder.dimension, embedder.max_batch_size) == (8, 3)
    with pytest.raises(ConfigurationError, match="unknown option"):
        get_embedder("fake", no_such_option=1)


def test_unknown_provider_lists_what_exists(embedlab_fake_provider: str) -> None:
    with pytest.raises(UnknownProviderError) as info:
        get_embedder("nosuch:model")
    message = str(info.value)
    assert "'nosuch:model'" in message
    for name in ("fake", "local", "cohere", "openai"):
        assert name in message
    assert "fake:MODEL" in message
    assert isinstance(info.value, LookupError) and isinstance(info.value, ConfigurationError)


def test_unknown_visualizer_lists_the_registered_ones() -> None:
    with pytest.raises(UnknownProviderError) as info:
        get_visualizer("nosuch")
    registered = [entry.name for entry in visualizers()]
    for name in registered:
        assert name in str(info.value)
    if not registered:
        assert "none is installed" in str(info.value)


class _RecordingFinetunerPlugin:
    """Registers a ``full`` finetuner for ``fake`` whose factory records its arguments."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def make(self, **options: Any) -> dict[str, Any]:
        self.calls.append(options)
        return {"method": "full", **options}

    @hookimpl
    def embedlab_register_finetuners(self, register: Any) -> None:
        register("fake", self.make, method="full")


def test_finetuner_for_a_provider_gets_provider_and_base_model(
        embedlab_fake_provider: str) -> None:
    plugin = _RecordingFinetunerPlugin()
    with use_plugin(plugin, "recording-finetuner"):
        made = get_finetuner("fake:bow", epochs=2)
        assert made == {"method": "full", "provider": "fake", "base_model": "bow", "epochs": 2}
        assert get_finetuner("fake", method="full") == {"method": "full", "provider": "fake"}
        row = next(r for r in providers() if r.name == "fake")
        assert "full" in row.finetune_methods


def test_finetuner_for_an_unknown_provider(embedlab_fake_provider: str) -> None:
    with pytest.raises(UnknownProviderError, match=r"'nosuch'.*fake"):
        get_finetuner("nosuch")


def test_finetuner_method_the_provider_lacks(embedlab_fake_provider: str) -> None:
    with pytest.raises(FinetuneNotSupportedError, match="'fake' has no full method"):
        get_finetuner("fake", method="full")


def test_provider_rows_describe_the_registration(embedlab_fake_provider: str) -> None:
    row = next(r for r in providers() if r.name == "fake")
    assert row.status == "available"
    assert (row.default_model, row.models) == ("bow", ("bow",))
    assert row.plugin == "embedlab-fake"
    assert row.source == "in-process"
    assert row.hint == ""
