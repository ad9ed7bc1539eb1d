"""``FinetunerContract``: the behaviour every :class:`~embedlab.Finetuner` must have.

Subclass it and provide the ``finetuner`` fixture; override ``train_dataset``,
``validation_dataset``, ``finetune_config`` (keep it to a few steps) or ``base_embedder``
where the defaults do not fit::

    class TestMyFinetuner(FinetunerContract):
        @pytest.fixture
        def finetuner(self):
            return MyFinetuner(base_model="tiny")

Saved models are loaded again through :func:`embedlab.load_custom_model`, which looks the
finetuner up by the card's provider and method: the provider must be registered while the
tests run (for the fake provider, use the ``embedlab_fake_provider`` fixture, e.g.
``pytestmark = pytest.mark.usefixtures("embedlab_fake_provider")``).

Training is the slow part, so each test class trains once and its tests share that model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from .._custom_models import CARD_NAME
from .._datasets.dataset import Dataset
from .._embedder import Embedder
from .._errors import ConfigurationError, EmbedlabError
from .._finetuner import CustomModel, FinetuneConfig, Finetuner
from .._lookup import get_embedder, load_custom_model
from ._home import IsolatedHome

__all__ = ["FinetunerContract", "sample_dataset"]

_TOPICS = {
    "travel": ["flight", "airport", "boarding pass", "hotel booking", "train ticket",
               "luggage", "passport", "layover"],
    "banking": ["credit card", "bank transfer", "account balance", "loan rate", "overdraft",
                "savings account", "wire fee", "card pin"],
    "cooking": ["pasta sauce", "oven temperature", "bread dough", "garlic butter",
                "soup recipe", "spice mix", "grilled fish", "chocolate cake"],
}
_FRAMES = ["how do i sort out my {}", "question about the {} please", "need help with a {}",
           "is my {} ready yet"]


def sample_dataset(per_class: int = 8, offset: int = 0) -> Dataset:
    """A small three-class dataset whose classes are told apart by topic words."""
    texts, labels = [], []
    for label, words in _TOPICS.items():
        for i in range(per_class):
            word = words[(i + offset) % len(words)]
            frame = _FRAMES[(i + offset) % len(_FRAMES)]
            texts.append(frame.format(word) + ("" if i < len(words) else f" #{i}"))
            labels.append(label)
    return Dataset(texts, labels, source="contract-sample")


#: Parameters of the contract's own tests, which do not change the trained model.
_OWN_PARAMS = frozenset({"by"})


class FinetunerContract(IsolatedHome):
    """Behaviour every finetuner must have; subclass and provide the ``finetuner`` fixture."""

    #: One trained model per test class (training is the slow part).
    _trained: ClassVar[dict[tuple[type, str], CustomModel]] = {}

    # --- fixtures the implementer provides or overrides -------------------------------------
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        """The finetuner under test: override in the subclass."""
        raise NotImplementedError(
            "override the `finetuner` fixture in your FinetunerContract subclass")

    @pytest.fixture
    def train_dataset(self) -> Dataset:
        """Training rows: three classes of eight short texts."""
        return sample_dataset(8)

    @pytest.fixture
    def validation_dataset(self) -> Dataset | None:
        """Validation rows, or ``None`` to let the finetuner hold some out itself."""
        return sample_dataset(4, offset=3)

    @pytest.fixture
    def finetune_config(self) -> FinetuneConfig:
        """Very few steps: the contract checks behaviour, not quality. ``keep=0`` so that
        what little training there is shows in the vectors (a finetuner honouring a high
        ``keep`` may rightly blend four steps' change back to nothing)."""
        return FinetuneConfig(epochs=1, max_steps=4, batch_size=8, progress=False, keep=0)

    @pytest.fixture
    def custom_model(self, request: pytest.FixtureRequest, finetuner: Finetuner,
                     train_dataset: Dataset, validation_dataset: Dataset | None,
                     finetune_config: FinetuneConfig) -> CustomModel:
        """The model the finetuner trains, trained once per test class (and per
        parametrization of the implementer's fixtures)."""
        callspec = getattr(request.node, "callspec", None)
        params = callspec.params if callspec is not None else {}
        key = (type(self), repr(sorted((k, repr(v)) for k, v in params.items()
                                       if k not in _OWN_PARAMS)))
        model = self._trained.get(key)
        if model is None:
            model = finetuner.finetune(train_dataset, validation_dataset, finetune_config)
            self._trained[key] = model
        return model

    @pytest.fixture
    def base_embedder(self, custom_model: CustomModel) -> Embedder:
        """The embedder of the base model, looked up by the custom model's provider and base."""
        return get_embedder(f"{custom_model.provider}:{custom_model.base_model}")

    @pytest.fixture
    def probe_texts(self, train_dataset: Dataset) -> list[str]:
        """Texts embedded by both models in the comparisons below."""
        return list(dict.fromkeys(train_dataset.texts))[:12]

    # --- helpers ----------------------------------------------------------------------------
    @staticmethod
    def embed(embedder: Embedder, texts: list[str]) -> np.ndarray:
        """Embed without the cache, so each model's own vectors are compared."""
        return embedder.embed(texts, cache=False, progress=False)

    # --- the custom model -----------------------------------------------------------------------
    def test_returns_a_described_custom_model(self, finetuner: Finetuner,
                                              custom_model: CustomModel) -> None:
        assert isinstance(custom_model, CustomModel)
        assert isinstance(custom_model.id, str) and custom_model.id
        assert isinstance(custom_model.provider, str) and custom_model.provider
        assert isinstance(custom_model.base_model, str) and custom_model.base_model
        assert custom_model.method in {"full", "adapter"}
        assert custom_model.method == finetuner.method
        assert isinstance(custom_model.metrics, dict)
        json.dumps(custom_model.metrics, default=str)  # must go into the card

    def test_embeds_differently_from_the_base(self, custom_model: CustomModel,
                                              base_embedder: Embedder,
                                              probe_texts: list[str]) -> None:
        custom = self.embed(custom_model.embedder(), probe_texts)
        base = self.embed(base_embedder, probe_texts)
        assert custom.dtype == np.float32
        assert custom.shape[0] == len(probe_texts)
        assert np.isfinite(custom).all()
        if custom.shape == base.shape:
            assert not np.allclose(custom, base, atol=1e-4), (
                "the custom model embeds exactly like its base: training changed nothing")

    def test_revision_differs_from_the_base(self, custom_model: CustomModel,
                                            base_embedder: Embedder) -> None:
        revision = custom_model.embedder().revision
        assert isinstance(revision, str) and revision, "a custom embedder needs a revision"
        assert revision != base_embedder.revision, (
            "the custom embedder shares its base's revision, so they would share cache keys")

    # --- saving and loading ---------------------------------------------------------------------
    def test_save_writes_a_card_and_nothing_partial(self, custom_model: CustomModel,
                                                    tmp_path: Path) -> None:
        folder = tmp_path / "saved"
        folder.mkdir()
        path = custom_model.save(folder / "model")
        assert path.is_dir()
        card = json.loads((path / CARD_NAME).read_text(encoding="utf-8"))
        for key in ("id", "provider", "base_model", "method"):
            assert card[key] == getattr(custom_model, key), f"card[{key!r}]"
        leftovers = [p.name for p in folder.iterdir() if p.name != "model"]
        assert not leftovers, f"save left {leftovers} beside the model"
        with pytest.raises(ConfigurationError):  # saving again replaces it only on request
            custom_model.save(folder / "model")
        custom_model.save(folder / "model", overwrite=True)
        assert [p.name for p in folder.iterdir()] == ["model"]

    @pytest.mark.parametrize("by", ["path", "id"])
    def test_reload_gives_the_same_vectors(self, custom_model: CustomModel, tmp_path: Path,
                                           probe_texts: list[str], by: str) -> None:
        path = custom_model.save(tmp_path / "model")
        loaded = load_custom_model(path if by == "path" else custom_model.id)
        assert loaded.id == custom_model.id
        assert loaded.method == custom_model.method
        expected = self.embed(custom_model.embedder(), probe_texts)
        got = self.embed(loaded.embedder(), probe_texts)
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
        assert loaded.embedder().revision == custom_model.embedder().revision

    def test_get_embedder_takes_the_saved_path(self, custom_model: CustomModel,
                                               tmp_path: Path,
                                               probe_texts: list[str]) -> None:
        path = custom_model.save(tmp_path / "model")
        embedder = get_embedder(str(path))
        expected = self.embed(custom_model.embedder(), probe_texts)
        np.testing.assert_allclose(self.embed(embedder, probe_texts), expected,
                                   rtol=1e-4, atol=1e-5)

    # --- input checks -----------------------------------------------------------------------------
    def test_single_class_dataset_is_refused(self, finetuner: Finetuner,
                                             finetune_config: FinetuneConfig) -> None:
        one_class = Dataset([f"text {i}" for i in range(8)], ["only"] * 8, source="one-class")
        with pytest.raises(EmbedlabError):
            finetuner.finetune(one_class, None, finetune_config)
