"""embedlab's contract kit, run against the local embedder and the local finetuner, offline,
with the shipped all-MiniLM-L6-v2 (training kept to the kit's four steps)."""

from __future__ import annotations

import pytest
from embedlab import Embedder, Finetuner
from embedlab.testing import EmbedderContract, FinetunerContract


class TestLocalEmbedderContract(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        from embedlab_local.embedder import LocalEmbedder

        return LocalEmbedder(batch_size=16, request_size=64)  # keeps the batch-size tests small


class TestLocalFinetunerContract(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        from embedlab import get_finetuner

        return get_finetuner("local")
