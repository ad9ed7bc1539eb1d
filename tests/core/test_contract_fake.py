"""The SDK runs its own contract kit against FakeEmbedder, in both length modes, and checks
the fake's own promises: semantic signal, traffic counters, batch limit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from embedlab._errors import BadRequestError, ConfigurationError, InputTooLongError
from embedlab.testing import EmbedderContract, FakeEmbedder

SECRET = "sk-fake-0123456789abcdef"


class TestFakeEmbedderContract(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> FakeEmbedder:
        return FakeEmbedder(api_key=SECRET)

    @pytest.fixture
    def secrets(self) -> list[str]:
        return [SECRET]


class TestFakeEmbedderNotTruncating(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> FakeEmbedder:
        return FakeEmbedder("strict", dimension=16, max_batch_size=5, max_input_length=16,
                            truncates=False)


class TestFakeEmbedderCapped(EmbedderContract):
    """A provider whose batch limit is above ``max_texts_per_test`` skips the big tests."""

    @pytest.fixture
    def embedder(self) -> FakeEmbedder:
        return FakeEmbedder(max_batch_size=2048)

    @pytest.fixture
    def max_texts_per_test(self) -> int:
        return 64


def test_capped_batch_tests_skip_with_reason(tmp_path: Path) -> None:
    (tmp_path / "test_capped.py").write_text(textwrap.dedent(
        """
        import pytest
        from embedlab.testing import EmbedderContract, FakeEmbedder

        class TestCapped(EmbedderContract):
            @pytest.fixture
            def embedder(self):
                return FakeEmbedder(max_batch_size=2048)

            @pytest.fixture
            def max_texts_per_test(self):
                return 64
        """
    ))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-k", "batch_sizes", "-rs", "-p", "no:cacheprovider",
         "test_capped.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 skipped" in result.stdout
    assert "2049 texts is over max_texts_per_test=64" in result.stdout


def test_similar_texts_are_closer_than_unrelated_ones() -> None:
    vectors = FakeEmbedder().embed_batch(
        ["cheap flights to boston", "cheap flights to denver", "reset my bank password"], None)
    assert vectors.dtype == np.float32
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.2


def test_case_is_ignored_and_options_change_vectors() -> None:
    base = FakeEmbedder().embed_batch(["Hello World"], None)
    assert np.array_equal(base, FakeEmbedder().embed_batch(["hello world"], None))
    assert not np.allclose(base, FakeEmbedder(seed=1).embed_batch(["hello world"], None))
    assert not np.allclose(base, FakeEmbedder("other").embed_batch(["hello world"], None))
    assert FakeEmbedder(dimension=8).embed_batch(["hello"], None).shape == (1, 8)


def test_counts_calls_and_texts() -> None:
    fake = FakeEmbedder(max_batch_size=4)
    fake.embed_batch(["a", "b"], None)
    fake.embed_batch(["c"], None)
    assert (fake.calls, fake.texts_embedded) == (2, 3)
    fake.reset_counters()
    assert (fake.calls, fake.texts_embedded) == (0, 0)


def test_pipeline_batches_and_dedupes_through_the_fake() -> None:
    fake = FakeEmbedder(max_batch_size=4)
    texts = [f"text {i}" for i in range(10)] + ["text 0", "text 1"]
    result = fake.embed(texts, cache=False, progress=False)
    assert result.shape == (12, 64)
    assert fake.texts_embedded == 10  # each distinct text once
    assert fake.calls == 3  # ceil(10 / 4)


def test_over_the_batch_limit_is_refused_like_a_real_api() -> None:
    with pytest.raises(BadRequestError, match="limit is 2"):
        FakeEmbedder(max_batch_size=2).embed_batch(["a", "b", "c"], None)


def test_attributes_changed_after_construction_take_effect() -> None:
    fake = FakeEmbedder(max_input_length=3)
    fake.truncates = False
    with pytest.raises(InputTooLongError):
        fake.embed_batch(["one two three four"], None)
    fake.dimension = 5
    assert fake.embed_batch(["one"], None).shape == (1, 5)


def test_truncation_keeps_the_first_words() -> None:
    fake = FakeEmbedder(max_input_length=3)
    cut = fake.embed_batch(["one two three four five", "one two three"], None)
    assert np.array_equal(cut[0], cut[1])


def test_unknown_option_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="dimensions"):
        FakeEmbedder(dimensions=8)


def test_api_key_is_not_in_repr() -> None:
    fake = FakeEmbedder(api_key=SECRET)
    assert SECRET not in repr(fake) and SECRET not in str(fake)
