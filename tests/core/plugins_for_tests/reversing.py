"""A provider ``reversing`` whose embedder breaks the contract: it returns rows in reverse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from embedlab import hookimpl
from embedlab.testing import FakeEmbedder


class ReversingEmbedder(FakeEmbedder):
    """Returns each request's rows in reverse order: a bug the contract must catch."""

    provider = "reversing"

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return super().embed_batch(texts, input_type)[::-1].copy()


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("reversing", ReversingEmbedder, default_model="bow")
