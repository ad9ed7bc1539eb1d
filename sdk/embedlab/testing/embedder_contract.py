"""``EmbedderContract``: the behaviour every :class:`~embedlab.Embedder` must have.

Subclass it in a test module and provide the ``embedder`` fixture::

    class TestMyEmbedder(EmbedderContract):
        @pytest.fixture
        def embedder(self):
            return MyEmbedder("my-model")

Override the other fixtures where the defaults do not fit: ``secrets`` (strings that must
never appear in reprs or error messages, such as the API key the embedder was given),
``max_texts_per_test`` (caps the batch-size tests, so a provider accepting 2,048 texts a
request is not sent 2,049), ``input_type`` (passed to every ``embed`` call: set it when
your model needs one, e.g. ``"search_document"``) and ``tolerance`` (how far two embeddings
of the same text may differ: raise it for a provider whose vectors vary slightly between
requests). Tests whose subject the embedder does not have (no declared input limit, no
secrets) are skipped with the reason. Each test class runs with a fresh ``EMBEDLAB_HOME``,
so the kit never touches the user's cache or model index.

Decisions the contract fixes for every provider:

- ``embed("a text")`` (a bare ``str``) raises :class:`TypeError`: a string is a sequence of
  characters, and embedding each character is never what the caller meant. So does a list
  holding something other than ``str``: a caller's bug, not bad data.
- An input type outside ``embedder.input_types`` raises
  :class:`~embedlab.ConfigurationError`.
- Texts over ``max_input_length`` give a normal row when ``truncates`` is true, and
  :class:`~embedlab.InputTooLongError` when it is false. Truncating keeps the start:
  two texts that differ only past the limit give the same row.
- ``revision`` is never empty: it goes into every cache key.
- A ``normalized`` embedder never returns a zero row, not even for an emoji-only text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .._embedder import INPUT_TYPES, Embedder
from .._errors import ConfigurationError, EmbedlabError, InputTooLongError
from ._home import IsolatedHome, written_under
from ._skip import not_applicable

__all__ = ["EmbedderContract"]

#: Distinct texts on distinct topics, so their rows differ clearly.
SAMPLE_TEXTS = (
    "book a flight from boston to denver next tuesday",
    "what is the cheapest fare to seattle",
    "is there a shuttle from the airport to downtown",
    "which airline flies nonstop to miami",
    "my card was charged twice for the same order",
    "how do i reset my online banking password",
    "the pasta recipe needs more garlic and basil",
    "the home team won the match in extra time",
    "a rainy afternoon with a good novel",
    "upgrade the cluster to the latest kernel version",
)

UNICODE_TEXTS = (
    "café crème brûlée, naïve façade",
    "日本語の文章を埋め込みます",
    "emoji only 🚀🔥🎉",
    "🙂",
    "Ünïcödé ∑ ≠ ∞ — “quotes” «guillemets»",
    "שלום עולם مرحبا بالعالم",
    "Ελληνικά και кириллица",
)


#: Texts a vocabulary may have no token for: a normalized embedder still gives unit rows.
ODD_TEXTS = ("🙂🙂🙂", "🚀", "!!!", "¯\\_(ツ)_/¯", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢")


class EmbedderContract(IsolatedHome):
    """Behaviour every embedder must have; subclass and provide the ``embedder`` fixture."""

    # --- fixtures the implementer provides or overrides -------------------------------------
    @pytest.fixture
    def embedder(self) -> Embedder:
        """The embedder under test: override in the subclass."""
        raise NotImplementedError(
            "override the `embedder` fixture in your EmbedderContract subclass")

    @pytest.fixture
    def secrets(self) -> Sequence[str]:
        """Strings (API keys...) that must never appear in reprs or error messages."""
        return []

    @pytest.fixture
    def max_texts_per_test(self) -> int:
        """The most texts one test may send; larger batch-size tests are skipped."""
        return 300

    @pytest.fixture
    def input_type(self, embedder: Embedder) -> str | None:
        """Input type passed to every ``embed`` call (``None``: the embedder's default)."""
        return None

    @pytest.fixture
    def tolerance(self) -> float:
        """Absolute and relative tolerance when the same text is embedded in two calls."""
        return 1e-4

    # --- helpers ----------------------------------------------------------------------------
    @staticmethod
    def embed(embedder: Embedder, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        """Embed with the cache and the progress bar off, so each call reaches the provider."""
        return embedder.embed(list(texts), input_type=input_type, cache=False, progress=False)

    @staticmethod
    def _check_rows(result: Any, count: int, embedder: Embedder) -> None:
        assert isinstance(result, np.ndarray), f"embed returned {type(result).__name__}"
        assert result.dtype == np.float32, f"embed returned {result.dtype}, not float32"
        assert result.ndim == 2, f"embed returned {result.ndim} dimensions, not 2"
        assert result.shape[0] == count, f"{count} texts gave {result.shape[0]} rows"
        if embedder.dimension is not None:
            assert result.shape[1] == embedder.dimension, (
                f"rows have {result.shape[1]} values; the embedder declares "
                f"dimension={embedder.dimension}")
        assert np.isfinite(result).all(), "embed returned non-finite values"

    def _long_text(self, embedder: Embedder) -> str:
        limit = embedder.max_input_length
        if limit is None:
            not_applicable("the embedder declares no max_input_length")
        # Distinct words, twice as many as the limit: over it for any tokenizer that gives
        # at least one token per word.
        return " ".join(f"word{i % 997}" for i in range(2 * limit + 16))

    # --- declared capabilities ----------------------------------------------------------------
    def test_declares_capabilities(self, embedder: Embedder) -> None:
        assert isinstance(embedder.provider, str) and embedder.provider
        assert ":" not in embedder.provider
        assert isinstance(embedder.model, str) and embedder.model
        assert embedder.name == f"{embedder.provider}:{embedder.model}"
        assert isinstance(embedder.max_batch_size, int) and embedder.max_batch_size >= 1
        assert embedder.dimension is None or (
            isinstance(embedder.dimension, int) and embedder.dimension >= 1)
        assert embedder.input_types, "input_types is empty"
        assert set(embedder.input_types) <= set(INPUT_TYPES), (
            f"unknown input types {set(embedder.input_types) - set(INPUT_TYPES)}")
        assert (embedder.default_input_type is None
                or embedder.default_input_type in embedder.input_types)
        assert isinstance(embedder.revision, str)
        assert embedder.max_input_length is None or embedder.max_input_length >= 1
        assert isinstance(embedder.runs_locally, bool)

    def test_revision_is_not_empty(self, embedder: Embedder) -> None:
        assert isinstance(embedder.revision, str) and embedder.revision.strip(), (
            f"{embedder.name} has an empty revision: it goes into every cache key, so set it "
            "to what identifies the exact weights (a hash, a version, or the model name and "
            "API version for a hosted provider)")

    # --- shape, type, order -------------------------------------------------------------------
    def test_float32_rows_of_declared_dimension(self, embedder: Embedder,
                                                input_type: str | None) -> None:
        result = self.embed(embedder, SAMPLE_TEXTS[:3], input_type)
        self._check_rows(result, 3, embedder)
        assert embedder.dimension == result.shape[1], (
            "after an embed call, embedder.dimension must be the rows' length")

    def test_normalized_when_declared(self, embedder: Embedder,
                                      input_type: str | None) -> None:
        if not embedder.normalized:
            not_applicable("the embedder does not declare normalized rows")
        result = self.embed(embedder, SAMPLE_TEXTS[:4], input_type)
        np.testing.assert_allclose(np.linalg.norm(result, axis=1), 1.0, atol=1e-3)

    def test_normalized_rows_are_never_zero(self, embedder: Embedder,
                                            input_type: str | None) -> None:
        if not embedder.normalized:
            not_applicable("the embedder does not declare normalized rows")
        texts = [*UNICODE_TEXTS, *ODD_TEXTS]
        norms = np.linalg.norm(self.embed(embedder, texts, input_type), axis=1)
        bad = [text for text, norm in zip(texts, norms, strict=True)
               if abs(float(norm) - 1.0) > 1e-3]
        assert not bad, (
            f"{embedder.name} declares normalized=True but these texts got rows whose length "
            f"is not 1 (a zero row, for text the model has no tokens for?): {bad!r}; return "
            "a unit vector for them or declare normalized=False")

    def test_empty_list_gives_zero_rows(self, embedder: Embedder,
                                        input_type: str | None) -> None:
        result = self.embed(embedder, [], input_type)
        assert isinstance(result, np.ndarray)
        assert result.dtype == np.float32
        assert result.shape == (0, embedder.dimension or 0)

    def test_order_and_count_preserved(self, embedder: Embedder, input_type: str | None,
                                       tolerance: float) -> None:
        texts = list(SAMPLE_TEXTS)
        together = self.embed(embedder, texts, input_type)
        self._check_rows(together, len(texts), embedder)
        alone = np.vstack([self.embed(embedder, [t], input_type) for t in texts])
        np.testing.assert_allclose(together, alone, rtol=tolerance, atol=tolerance)
        # Rows must also be told apart: different texts must not collapse to one vector.
        assert len({row.tobytes() for row in together}) == len(texts)

    def test_embed_batch_gives_float32_rows_in_order(self, embedder: Embedder,
                                                     input_type: str | None,
                                                     tolerance: float) -> None:
        # embed() converts what embed_batch returns; callers of embed_batch (the pipeline's
        # cache, embedlab serve) rely on it directly.
        texts = list(SAMPLE_TEXTS[:4])
        kind = input_type if input_type is not None else embedder.default_input_type
        result = embedder.embed_batch(texts, kind)
        assert isinstance(result, np.ndarray), (
            f"embed_batch returned {type(result).__name__}, not a numpy array")
        assert result.dtype == np.float32, (
            f"embed_batch returned {result.dtype} rows: return float32 "
            "(np.asarray(rows, dtype=np.float32))")
        assert result.ndim == 2 and result.shape[0] == len(texts), (
            f"embed_batch of {len(texts)} texts gave shape {result.shape}")
        for i, text in enumerate(texts):
            alone = np.asarray(embedder.embed_batch([text], kind))
            np.testing.assert_allclose(result[i], alone[0], rtol=tolerance, atol=tolerance,
                                       err_msg=f"embed_batch row {i} is not {text!r}'s row")

    def test_the_input_list_is_left_unchanged(self, embedder: Embedder,
                                              input_type: str | None) -> None:
        texts = [*SAMPLE_TEXTS[:3], SAMPLE_TEXTS[0]]
        before = list(texts)
        kind = input_type if input_type is not None else embedder.default_input_type
        embedder.embed_batch(texts, kind)
        assert texts == before, "embed_batch changed the list of texts it was given"
        self.embed(embedder, texts, input_type)
        assert texts == before, "embed changed the list of texts it was given"

    def test_an_empty_text_gives_a_row_or_an_embedlab_error(self, embedder: Embedder,
                                                          input_type: str | None) -> None:
        # "" is a text a user's data can hold: a row for it, or an error that says so.
        try:
            result = self.embed(embedder, ["", SAMPLE_TEXTS[0]], input_type)
        except EmbedlabError:
            return
        except Exception as exc:  # the check: nothing else escapes
            pytest.fail(f"an empty text raised {type(exc).__name__}: {exc}; give it a row or "
                        "raise an embedlab error (BadRequestError) that says the text is "
                        "empty", pytrace=False)
        self._check_rows(result, 2, embedder)
        if embedder.normalized:
            assert abs(float(np.linalg.norm(result[0])) - 1.0) < 1e-3, (
                "the empty text got a row whose length is not 1, though normalized=True")

    def test_reversed_order_gives_reversed_rows(self, embedder: Embedder,
                                                input_type: str | None,
                                                tolerance: float) -> None:
        texts = list(SAMPLE_TEXTS[:6])
        forward = self.embed(embedder, texts, input_type)
        backward = self.embed(embedder, texts[::-1], input_type)
        np.testing.assert_allclose(forward[::-1], backward, rtol=tolerance, atol=tolerance)

    def test_unicode_and_emoji(self, embedder: Embedder, input_type: str | None,
                               tolerance: float) -> None:
        texts = list(UNICODE_TEXTS)
        together = self.embed(embedder, texts, input_type)
        self._check_rows(together, len(texts), embedder)
        for i, text in enumerate(texts):
            alone = self.embed(embedder, [text], input_type)
            np.testing.assert_allclose(together[i], alone[0], rtol=tolerance, atol=tolerance,
                                       err_msg=f"row {i} ({text!r})")

    def test_duplicates_in_one_call_give_identical_rows(self, embedder: Embedder,
                                                        input_type: str | None) -> None:
        texts = ["same text here", "a different one", "same text here", "same text here"]
        result = self.embed(embedder, texts, input_type)
        self._check_rows(result, 4, embedder)
        assert np.array_equal(result[0], result[2]) and np.array_equal(result[0], result[3])
        assert not np.array_equal(result[0], result[1])

    def test_deterministic_across_calls(self, embedder: Embedder, input_type: str | None,
                                        tolerance: float) -> None:
        first = self.embed(embedder, SAMPLE_TEXTS[:5], input_type)
        second = self.embed(embedder, SAMPLE_TEXTS[:5], input_type)
        np.testing.assert_allclose(first, second, rtol=tolerance, atol=tolerance)

    # --- input limits -------------------------------------------------------------------------
    def test_too_long_text_is_truncated(self, embedder: Embedder, input_type: str | None,
                                        tolerance: float) -> None:
        if not embedder.truncates:
            not_applicable("the embedder does not truncate (see test_too_long_text_is_rejected)")
        long_text = self._long_text(embedder)
        short = SAMPLE_TEXTS[0]
        result = self.embed(embedder, [long_text, short], input_type)
        self._check_rows(result, 2, embedder)
        if embedder.normalized:
            assert abs(float(np.linalg.norm(result[0])) - 1.0) < 1e-3
        # The long text must not disturb its neighbours in the request.
        alone = self.embed(embedder, [short], input_type)
        np.testing.assert_allclose(result[1], alone[0], rtol=tolerance, atol=tolerance)

    def test_truncation_ignores_what_is_past_the_limit(self, embedder: Embedder,
                                                       input_type: str | None,
                                                       tolerance: float) -> None:
        if not embedder.truncates:
            not_applicable("the embedder does not truncate (see test_too_long_text_is_rejected)")
        long_text = self._long_text(embedder)
        # Same start, well over the limit for any tokenizer; different endings past it.
        texts = [f"{long_text} the weather was cold and grey all week",
                 f"{long_text} my invoice total looks wrong again"]
        first, second = self.embed(embedder, texts, input_type)
        assert np.allclose(first, second, rtol=tolerance, atol=tolerance), (
            f"{embedder.name} declares max_input_length={embedder.max_input_length} and "
            "truncates=True, but two texts that differ only past the limit got different "
            "rows: it does not cut texts to the limit (cut them, or declare the real limit, "
            "or max_input_length=None if there is none)")

    def test_too_long_text_is_rejected(self, embedder: Embedder,
                                       input_type: str | None) -> None:
        if embedder.truncates:
            not_applicable("the embedder truncates (see test_too_long_text_is_truncated)")
        long_text = self._long_text(embedder)
        with pytest.raises(InputTooLongError):
            self.embed(embedder, [SAMPLE_TEXTS[0], long_text], input_type)

    @pytest.mark.parametrize("offset", [-1, 0, 1], ids=["max-1", "max", "max+1"])
    def test_batch_sizes_around_max_batch_size(self, embedder: Embedder,
                                               input_type: str | None, tolerance: float,
                                               max_texts_per_test: int, offset: int) -> None:
        count = embedder.max_batch_size + offset
        if count < 1:
            not_applicable("max_batch_size is 1: there is no batch of max-1 texts")
        if count > max_texts_per_test:
            not_applicable(f"{count} texts is over max_texts_per_test={max_texts_per_test}")
        texts = [f"text number {i} about topic {i % 7} and item {i * 31 % 101}"
                 for i in range(count)]
        result = self.embed(embedder, texts, input_type)
        self._check_rows(result, count, embedder)
        for i in sorted({0, count // 2, count - 1}):
            alone = self.embed(embedder, [texts[i]], input_type)
            np.testing.assert_allclose(result[i], alone[0], rtol=tolerance, atol=tolerance,
                                       err_msg=f"row {i} of {count}")

    def test_one_request_carries_max_batch_size_texts(self, embedder: Embedder,
                                                      input_type: str | None,
                                                      max_texts_per_test: int) -> None:
        count = embedder.max_batch_size
        if count > max_texts_per_test:
            not_applicable(f"{count} texts is over max_texts_per_test={max_texts_per_test}")
        texts = [f"request row {i} on subject {i % 5}" for i in range(count)]
        kind = input_type if input_type is not None else embedder.default_input_type
        result = np.asarray(embedder.embed_batch(texts, kind))
        assert result.ndim == 2 and result.shape[0] == count, (
            f"embed_batch with max_batch_size={count} texts gave shape {result.shape}")

    def test_writes_nothing_under_home(self, embedder: Embedder, input_type: str | None,
                                       user_home: Path) -> None:
        # Runs after the tests above in its class: none of them may have written there either.
        self.embed(embedder, SAMPLE_TEXTS[:2], input_type)
        embedder.embed(list(SAMPLE_TEXTS[2:4]), input_type=input_type, progress=False)
        written = written_under(user_home)
        assert not written, (
            f"{embedder.name} wrote under HOME or an XDG folder: {written[:5]}; keep files "
            "under EMBEDLAB_HOME (embedlab.settings.cache_dir() and its siblings) instead")

    # --- errors and secrets -------------------------------------------------------------------
    def test_unknown_input_type_is_configuration_error(self, embedder: Embedder) -> None:
        with pytest.raises(ConfigurationError):
            self.embed(embedder, ["hello"], "no-such-input-type")

    def test_bare_string_is_type_error(self, embedder: Embedder,
                                       input_type: str | None) -> None:
        with pytest.raises(TypeError, match="list"):
            embedder.embed("a bare string", input_type=input_type, cache=False)

    def test_non_string_item_is_type_error(self, embedder: Embedder,
                                           input_type: str | None) -> None:
        with pytest.raises(TypeError):
            self.embed(embedder, ["fine", 42, "fine too"], input_type)  # type: ignore[list-item]

    def test_every_declared_input_type_is_accepted(self, embedder: Embedder) -> None:
        for kind in sorted(embedder.input_types):
            result = self.embed(embedder, ["which input types work"], kind)
            self._check_rows(result, 1, embedder)

    def test_no_secret_in_repr_or_errors(self, embedder: Embedder,
                                         secrets: Sequence[str]) -> None:
        secrets = [s for s in secrets if s]
        if not secrets:
            not_applicable("no secrets to look for: the `secrets` fixture is empty")
        shown = [repr(embedder), str(embedder), embedder.name, embedder.revision]
        try:
            self.embed(embedder, ["hello"], "no-such-input-type")
        except EmbedlabError as exc:
            shown += [str(exc), repr(exc)]
        for number, secret in enumerate(secrets):
            if any(secret in text for text in shown):
                # pytest.fail, not assert: a failed assert would print the secret.
                pytest.fail(f"secret #{number} appears in the embedder's repr, name, "
                            "revision or an error message", pytrace=False)
