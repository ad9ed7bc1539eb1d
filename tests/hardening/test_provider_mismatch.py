"""Item 10 of issue 13: ``PROVIDER:PATH`` (or ``PROVIDER:ID``) naming a custom model made with
another provider is an error, never a silent switch to that model's provider."""

from __future__ import annotations

from pathlib import Path

import embedlab
import pytest


@pytest.fixture
def saved_adapter(fake_provider: str, tiny_csv: Path, tmp_path: Path) -> embedlab.CustomModel:
    data = embedlab.load_dataset(tiny_csv)
    finetuner = embedlab.get_finetuner(fake_provider, method="adapter")
    model = finetuner.finetune(data, None, embedlab.FinetuneConfig(max_steps=3, progress=False))
    model.save(tmp_path / "model")
    return model


@pytest.mark.parametrize("by", ["path", "id"])
def test_another_providers_prefix_is_refused(saved_adapter: embedlab.CustomModel,
                                             by: str) -> None:
    name = str(saved_adapter.path) if by == "path" else saved_adapter.id
    with pytest.raises(embedlab.ConfigurationError) as caught:
        embedlab.get_embedder(f"local:{name}")
    message = str(caught.value)
    assert "'fake'" in message and "'local'" in message  # what the card says, what was asked
    assert f"fake:{name}" in message  # the name that works


@pytest.mark.parametrize("by", ["path", "id"])
def test_the_models_own_prefix_and_no_prefix_still_work(saved_adapter: embedlab.CustomModel,
                                                        by: str) -> None:
    name = str(saved_adapter.path) if by == "path" else saved_adapter.id
    for given in (f"fake:{name}", name):
        embedder = embedlab.get_embedder(given)
        assert embedder.provider == "fake"
        assert embedder.embed(["hello"], cache=False).shape[0] == 1
