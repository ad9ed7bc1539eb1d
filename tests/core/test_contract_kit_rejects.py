"""The embedder contract fails embedders that break its promises (an empty revision, a
declared truncation that never happens, zero rows from a normalized embedder), and runs a
plugin's tests in a throwaway EMBEDLAB_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from embedlab.testing import EmbedderContract, FakeEmbedder


class NeverTruncates(FakeEmbedder):
    """Declares a limit of 8 words and truncation, but embeds every word it is given."""

    def __init__(self) -> None:
        super().__init__("never-truncates", max_input_length=8, truncates=True)
        self._inner = FakeEmbedder("never-truncates", max_input_length=10**6)

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return self._inner.embed_batch(texts, input_type)


class ZeroForSymbols(FakeEmbedder):
    """Declares normalized rows, but gives a zero row to a text without a Latin letter."""

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        rows = super().embed_batch(texts, input_type)
        for i, text in enumerate(texts):
            if not any("a" <= c.lower() <= "z" for c in text):
                rows[i] = 0.0
        return rows


@pytest.fixture
def contract() -> EmbedderContract:
    return EmbedderContract()


def test_an_empty_revision_fails(contract: EmbedderContract) -> None:
    contract.test_revision_is_not_empty(FakeEmbedder())
    for revision in ("", "  "):
        with pytest.raises(AssertionError, match="empty revision"):
            contract.test_revision_is_not_empty(FakeEmbedder(revision=revision))


def test_a_declared_truncation_that_never_happens_fails(contract: EmbedderContract) -> None:
    contract.test_truncation_ignores_what_is_past_the_limit(
        FakeEmbedder(max_input_length=8), None, 1e-4)
    with pytest.raises(AssertionError, match="does not cut texts to the limit"):
        contract.test_truncation_ignores_what_is_past_the_limit(NeverTruncates(), None, 1e-4)


def test_zero_rows_from_a_normalized_embedder_fail(contract: EmbedderContract) -> None:
    contract.test_normalized_rows_are_never_zero(FakeEmbedder(), None)
    with pytest.raises(AssertionError, match="normalized=True") as info:
        contract.test_normalized_rows_are_never_zero(ZeroForSymbols(), None)
    assert "🚀" in str(info.value) and "café" not in str(info.value)


def test_the_kit_runs_in_its_own_embedlab_home(tmp_path: Path) -> None:
    real_home, real_cache = tmp_path / "real-home", tmp_path / "real-cache"
    real_home.mkdir()
    real_cache.mkdir()
    (tmp_path / "test_isolated.py").write_text(textwrap.dedent(
        """
        import os
        from pathlib import Path

        import pytest
        from embedlab.testing import EmbedderContract, FakeEmbedder

        REAL = os.environ["EMBEDLAB_HOME"]

        class TestIsolated(EmbedderContract):
            @pytest.fixture
            def embedder(self):
                return FakeEmbedder()

            def test_home_is_a_fresh_folder(self, embedder, embedlab_home):
                assert os.environ["EMBEDLAB_HOME"] == str(embedlab_home) != REAL
                assert "EMBEDLAB_CACHE_DIR" not in os.environ
                embedder.embed(["written to the cache"], cache=True, progress=False)
                assert any((embedlab_home / "cache").iterdir())

        def test_home_is_restored_after_the_class():
            assert os.environ["EMBEDLAB_HOME"] == REAL
        """))
    env = {**os.environ, "EMBEDLAB_HOME": str(real_home), "EMBEDLAB_CACHE_DIR": str(real_cache)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k",
         "home or deterministic", "test_isolated.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert list(real_home.iterdir()) == [] and list(real_cache.iterdir()) == []
