"""The contract kit's finetuner tests, for the adapter over FakeEmbedder: once with the torch
trainer (residual MLP head) and once with the scikit-learn trainer (linear head, no torch)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from embedlab import FinetuneConfig, get_finetuner
from embedlab._finetuner import Finetuner
from embedlab.adapter import AdapterFinetuner
from embedlab.testing import FinetunerContract, use_fake_provider


@pytest.fixture(autouse=True)
def _fake() -> Iterator[None]:
    with use_fake_provider():
        yield


class TestAdapterOverFakeTorch(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        ft = get_finetuner("fake")  # no native finetuner: the adapter is the default
        assert isinstance(ft, AdapterFinetuner)
        return ft

    @pytest.fixture
    def finetune_config(self) -> FinetuneConfig:
        return FinetuneConfig(epochs=2, max_steps=4, batch_size=8, progress=False, keep=0,
                              extra={"trainer": "torch"})


class TestAdapterOverFakeScikitLearn(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        return get_finetuner("fake", method="adapter")

    @pytest.fixture
    def finetune_config(self) -> FinetuneConfig:
        return FinetuneConfig(epochs=2, batch_size=8, progress=False, keep=0,
                              extra={"trainer": "scikit-learn"})
