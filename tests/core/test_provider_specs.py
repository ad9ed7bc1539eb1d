"""Provider specs (``provider:model`` and ``baseline_model``) are parsed in one place, and
``compare`` and its dry run (``plan_comparison``) follow the same rule: a model is named once;
the same model both ways is fine, two different ones are a ConfigurationError."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import embedlab
import pytest
from embedlab._compare.plan import plan_comparison
from embedlab._lookup import ProviderSpec, provider_specs
from embedlab.testing import use_fake_provider


@pytest.mark.parametrize(("provider", "baseline_model", "expected"), [
    (None, None, ["local"]),
    ("", None, ["local"]),
    ("cohere", None, ["cohere"]),
    (" cohere : embed-english-v3.0 ", None, ["cohere:embed-english-v3.0"]),
    ("local", "all-MiniLM-L6-v2", ["local:all-MiniLM-L6-v2"]),
    ("local:all-MiniLM-L6-v2", "all-MiniLM-L6-v2", ["local:all-MiniLM-L6-v2"]),
    (["openai", "openai", "", "local:runs/q/model", "local"], None,
     ["openai", "local:runs/q/model", "local"]),
    (["cohere", "cohere:"], None, ["cohere"]),
])
def test_specs(provider: str | list[str] | None, baseline_model: str | None,
               expected: list[str]) -> None:
    assert [s.name for s in provider_specs(provider, baseline_model)] == expected


def test_a_spec_keeps_its_parts() -> None:
    assert provider_specs("cohere:embed-english-v3.0") == [
        ProviderSpec("cohere", "embed-english-v3.0")]
    assert ProviderSpec("cohere").name == "cohere"


def test_two_different_models_are_refused() -> None:
    with pytest.raises(embedlab.ConfigurationError,
                       match=r"'local:a' names 'a' but baseline_model='b'"):
        provider_specs("local:a", "b")


def test_baseline_model_with_several_providers_is_refused() -> None:
    with pytest.raises(embedlab.ConfigurationError, match=r"2 providers were given"):
        provider_specs(["local", "cohere"], "m")


@pytest.fixture
def data() -> Iterator[embedlab.Dataset]:
    with use_fake_provider():
        sample = embedlab.load_sample_dataset()
        yield sample.subset(range(0, len(sample), 10))


def test_compare_and_plan_refuse_the_same_conflict(data: embedlab.Dataset,
                                                   tmp_path: Path) -> None:
    with pytest.raises(embedlab.ConfigurationError, match="two baseline models") as planned:
        plan_comparison(data, "fake:other", baseline_model="bow", out=tmp_path)
    # Names are checked before the data is even read.
    with pytest.raises(embedlab.ConfigurationError, match="two baseline models") as compared:
        embedlab.compare(tmp_path / "missing.csv", "fake:other", baseline_model="bow",
                         quiet=True, progress=False)
    assert str(planned.value) == str(compared.value)


@pytest.mark.parametrize(("provider", "baseline_model"), [
    ("fake:other", None), ("fake", "other"), ("fake:other", "other")])
def test_plan_takes_the_model_named_either_way(data: embedlab.Dataset, tmp_path: Path,
                                               provider: str,
                                               baseline_model: str | None) -> None:
    plan = plan_comparison(data, provider, baseline_model=baseline_model, out=tmp_path)
    assert plan.baseline_model == "fake:other"
