"""docs/testing.md names every check the contract kit runs: a check added to a contract
without a line on that page fails here."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from embedlab.testing import (
    DatasetLoaderContract,
    EmbedderContract,
    FinetunerContract,
    HostedEmbedderContract,
    VisualizerContract,
)

PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
CONTRACTS = (EmbedderContract, HostedEmbedderContract, FinetunerContract, VisualizerContract,
             DatasetLoaderContract)


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.__name__)
def test_testing_md_lists_every_check(contract: type) -> None:
    page = PAGE.read_text(encoding="utf-8")
    checks = [name for name, _ in inspect.getmembers(contract, inspect.isfunction)
              if name.startswith("test_")]
    assert checks, contract
    missing = [name for name in checks if f"`{name}`" not in page]
    assert not missing, f"docs/testing.md does not list {contract.__name__}'s {missing}"
