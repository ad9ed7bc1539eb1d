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

            def test_home_is_a_fresh_folder(self, embedder, embedlab_home, user_home):
                assert os.environ["EMBEDLAB_HOME"] == str(embedlab_home) != REAL
                assert "EMBEDLAB_CACHE_DIR" not in os.environ
                assert os.environ["HOME"] == str(user_home) == str(Path.home())
                assert os.environ["XDG_CACHE_HOME"] == str(user_home / ".cache")
                assert os.environ["XDG_CONFIG_HOME"] == str(user_home / ".config")
                assert os.environ["XDG_DATA_HOME"] == str(user_home / ".local/share")
                assert os.environ["XDG_STATE_HOME"] == str(user_home / ".local/state")
                embedder.embed(["written to the cache"], cache=True, progress=False)
                assert any((embedlab_home / "cache").iterdir())

        def test_home_is_restored_after_the_class():
            assert os.environ["EMBEDLAB_HOME"] == REAL
        """))
    env = {**os.environ, "EMBEDLAB_HOME": str(real_home), "EMBEDLAB_CACHE_DIR": str(real_cache),
           "HOME": str(real_home), "XDG_CACHE_HOME": str(real_cache)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k",
         "home or deterministic", "test_isolated.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout  # test_writes_nothing_under_home among them
    assert list(real_home.iterdir()) == [] and list(real_cache.iterdir()) == []


class Float64Batch(FakeEmbedder):
    """Returns float64 rows from embed_batch (embed() would convert them)."""

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return super().embed_batch(texts, input_type).astype(np.float64)


class ShuffledBatch(FakeEmbedder):
    """Returns embed_batch's rows in reverse order."""

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return super().embed_batch(list(texts)[::-1], input_type)


class BareErrorOnEmpty(FakeEmbedder):
    """Raises a bare Exception for an empty text."""

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        if "" in texts:
            raise Exception("empty")
        return super().embed_batch(texts, input_type)


class MutatesInput(FakeEmbedder):
    """Upper-cases the caller's list in place."""

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        if isinstance(texts, list):
            texts[:] = [t.upper() for t in texts]
        return super().embed_batch(texts, input_type)


class WritesUnderHome(FakeEmbedder):
    """Keeps a log of its calls in ~/.cache."""

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        log = Path.home() / ".cache" / "writes-under-home" / "calls.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{len(texts)}\n")
        return super().embed_batch(texts, input_type)


def test_float64_or_shuffled_rows_from_embed_batch_fail(contract: EmbedderContract) -> None:
    contract.test_embed_batch_gives_float32_rows_in_order(FakeEmbedder(), None, 1e-4)
    with pytest.raises(AssertionError, match="float64 rows"):
        contract.test_embed_batch_gives_float32_rows_in_order(Float64Batch(), None, 1e-4)
    with pytest.raises(AssertionError, match="row 0 is not"):
        contract.test_embed_batch_gives_float32_rows_in_order(ShuffledBatch(), None, 1e-4)


def test_a_bare_exception_on_an_empty_text_fails(contract: EmbedderContract) -> None:
    contract.test_an_empty_text_gives_a_row_or_an_embedlab_error(FakeEmbedder(), None)
    with pytest.raises(pytest.fail.Exception, match="an empty text raised Exception"):
        contract.test_an_empty_text_gives_a_row_or_an_embedlab_error(BareErrorOnEmpty(), None)


def test_changing_the_callers_list_fails(contract: EmbedderContract) -> None:
    contract.test_the_input_list_is_left_unchanged(FakeEmbedder(), None)
    with pytest.raises(AssertionError, match="embed_batch changed the list"):
        contract.test_the_input_list_is_left_unchanged(MutatesInput(), None)


def test_writing_under_home_fails(contract: EmbedderContract, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    contract.test_writes_nothing_under_home(FakeEmbedder(), None, tmp_path)
    with pytest.raises(AssertionError, match=r"wrote under HOME.*writes-under-home/calls\.log"):
        contract.test_writes_nothing_under_home(WritesUnderHome(), None, tmp_path)
