"""The contract kit against the model2vec provider, found through its entry point."""

from __future__ import annotations

import embedlab
import pytest
from embedlab import Embedder, FinetuneConfig, Finetuner
from embedlab.testing import EmbedderContract, FinetunerContract


class TestModel2VecEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return embedlab.get_embedder("model2vec")


class TestModel2VecAdapterFinetuner(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        finetuner = embedlab.get_finetuner("model2vec")
        assert finetuner.method == "adapter"  # no native finetuner: the adapter serves
        return finetuner

    @pytest.fixture
    def finetune_config(self) -> FinetuneConfig:
        return FinetuneConfig(epochs=2, max_steps=6, batch_size=8, progress=False)
