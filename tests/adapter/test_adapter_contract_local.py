"""The contract kit's finetuner tests for the adapter over the local sentence-transformers
embedder (all-MiniLM-L6-v2, shipped offline), selected with ``method="adapter"``."""

from __future__ import annotations

import pytest
from embedlab import FinetuneConfig, get_finetuner
from embedlab._finetuner import Finetuner
from embedlab.adapter import AdapterFinetuner
from embedlab.testing import FinetunerContract


class TestAdapterOverLocal(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        ft = get_finetuner("local", method="adapter")
        assert isinstance(ft, AdapterFinetuner)
        return ft

    @pytest.fixture
    def finetune_config(self) -> FinetuneConfig:
        return FinetuneConfig(epochs=2, max_steps=4, batch_size=8, progress=False, keep=0)
