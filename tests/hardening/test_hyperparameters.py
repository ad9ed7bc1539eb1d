"""Item 5 and 10 of issue 13: non-finite or absurd hyperparameters are refused up front, a
run whose loss goes non-finite stops, and a model with non-finite weights is never saved."""

from __future__ import annotations

import math
from pathlib import Path

import embedlab
import numpy as np
import pytest
from click.testing import CliRunner
from embedlab.adapter.head import Head
from embedlab.adapter.model import AdapterModel
from embedlab.adapter.sklearn_training import train_linear_head
from embedlab.adapter.training import TrainingSettings, train_head
from embedlab.cli import cli


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "0", "-1"])
@pytest.mark.parametrize("command", ["finetune", "compare"])
def test_cli_refuses_a_non_finite_or_absurd_learning_rate(
        runner: CliRunner, fake_provider: str, tiny_csv: Path, tmp_path: Path,
        command: str, value: str) -> None:
    result = runner.invoke(cli, [command, str(tiny_csv), "-p", "fake", "-q",
                                 "--out", str(tmp_path / "out"), "--learning-rate", value])
    assert result.exit_code == 2, result.output
    assert "--learning-rate" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_negative_seed_is_answered_about_the_seed(runner: CliRunner, fake_provider: str,
                                                    tiny_csv: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["compare", str(tiny_csv), "-p", "fake", "-q", "--seed", "-1",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "--seed" in result.output and "test_size" not in result.output


@pytest.mark.parametrize("field,value", [
    ("learning_rate", math.nan), ("learning_rate", math.inf), ("learning_rate", 1e308),
    ("epochs", 0), ("batch_size", -3), ("seed", -1), ("validation_size", math.nan),
    ("epochs", "3"),
])
def test_finetune_config_refuses_bad_values(field: str, value: object) -> None:
    with pytest.raises(embedlab.ConfigurationError, match=field):
        embedlab.FinetuneConfig(**{field: value})


def test_compare_refuses_a_bad_learning_rate_before_embedding(fake_provider: str,
                                                              tiny_csv: Path) -> None:
    from embedlab.testing import FakeEmbedder

    before = FakeEmbedder.embed_batch
    calls: list[int] = []

    def counting(self: FakeEmbedder, texts: list[str], input_type: str | None) -> np.ndarray:
        calls.append(len(texts))
        return before(self, texts, input_type)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(FakeEmbedder, "embed_batch", counting)
        with pytest.raises(embedlab.ConfigurationError, match="learning_rate"):
            embedlab.compare(tiny_csv, fake_provider, learning_rate=math.inf, quiet=True)
    assert calls == []


def _xy() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(60, 16)).astype(np.float32), np.arange(60) % 3


def test_adapter_training_stops_when_the_loss_goes_non_finite() -> None:
    x, y = _xy()
    with pytest.raises(embedlab.FinetuneError, match=r"diverged.*learning-rate"):
        train_head(x, y, None, None, TrainingSettings(learning_rate=1e30, epochs=5))


def test_sklearn_adapter_training_stops_when_the_loss_goes_non_finite() -> None:
    x, y = _xy()
    with pytest.raises(embedlab.FinetuneError, match="diverged"):
        train_linear_head(x, y, None, None,
                          TrainingSettings(head="linear", learning_rate=1e30, epochs=5))


def test_a_model_with_nan_weights_is_never_saved(tmp_path: Path) -> None:
    weight = np.full((4, 4), np.nan, dtype=np.float32)
    head = Head("linear", {"weight": weight, "bias": np.zeros(4, np.float32)})
    model = AdapterModel(id="adapter-nan", provider="fake", base_model="bow", head=head,
                         input_type=None, base_revision="1", base_dimension=4, metrics={},
                         training={})
    with pytest.raises(embedlab.FinetuneError, match="NaN or infinity"):
        model.save(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []
