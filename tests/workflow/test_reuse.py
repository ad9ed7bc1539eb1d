"""Issue 24 item 4: a finished custom model is found again by what determines it (provider,
base model and revision, method, config, train/validation data, embedlab version) and reused
instead of trained twice, saying so; ``--retrain`` trains a new one. The same for finetune."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import embedlab
import pytest
from click.testing import CliRunner, Result
from embedlab.adapter import AdapterFinetuner
from embedlab.cli import cli
from embedlab.testing import use_fake_provider
from embedlab.testing.temporary_plugins import use_plugin

from .conftest import write_subset


class _CountingAdapter(AdapterFinetuner):
    """The real adapter finetuner, counting how often it trains."""

    trained = 0

    def finetune(self, *args: Any, **kwargs: Any) -> Any:
        type(self).trained += 1
        return super().finetune(*args, **kwargs)


class _Plugin:
    @embedlab.hookimpl
    def embedlab_register_finetuners(self, register: Any) -> None:
        register("fake", _CountingAdapter, method="adapter")


@pytest.fixture
def counting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_CountingAdapter]]:
    monkeypatch.chdir(tmp_path)
    write_subset(tmp_path / "data.csv", 10)
    _CountingAdapter.trained = 0
    with use_fake_provider(), use_plugin(_Plugin(), "counting-adapter"):
        yield _CountingAdapter


def _compare(out: str, *extra: str) -> Result:
    result = CliRunner().invoke(cli, [
        "compare", "data.csv", "-p", "fake", "-m", "adapter", "--projection", "pca",
        "--max-steps", "5", "--no-audit", "--out", out, *extra])
    assert result.exit_code == 0, result.output
    return result


def _report(out: str) -> dict[str, Any]:
    return json.loads((Path(out) / "report.json").read_text(encoding="utf-8"))


def test_compare_reuses_the_same_training_and_retrain_forces_one(
        counting: type[_CountingAdapter]) -> None:
    first = _compare("a")
    assert counting.trained == 1 and "reusing" not in first.stderr

    again = _compare("b")
    assert counting.trained == 1  # not trained twice
    model_id = _report("a")["custom_model"]["id"]
    assert f"reusing {model_id} from {Path('a/model').resolve()}" in again.stderr
    assert _report("b")["custom_model"]["id"] == model_id
    assert _report("b")["metrics"]["custom"]["accuracy"] == \
        _report("a")["metrics"]["custom"]["accuracy"]
    assert _report("b")["candidates"][0]["reused"] is True
    card = json.loads(Path("b/model/embedlab.json").read_text(encoding="utf-8"))
    assert card["training_key"] == json.loads(
        Path("a/model/embedlab.json").read_text(encoding="utf-8"))["training_key"]

    forced = _compare("c", "--retrain")
    assert counting.trained == 2 and "reusing" not in forced.stderr
    assert _report("c")["candidates"][0]["reused"] is False

    _compare("d", "--max-steps", "6")  # another config: another model
    assert counting.trained == 3
    _compare("e", "--seed", "7")  # another split, so other train rows
    assert counting.trained == 4


def test_a_reused_model_that_was_removed_is_trained_again(
        counting: type[_CountingAdapter]) -> None:
    import shutil

    _compare("a")
    shutil.rmtree("a")
    _compare("b")
    assert counting.trained == 2


def test_finetune_reuses_and_retrains(counting: type[_CountingAdapter]) -> None:
    args = ["finetune", "data.csv", "-p", "fake", "--method", "adapter", "--max-steps", "5"]
    first = CliRunner().invoke(cli, [*args, "--out", "m1"])
    assert first.exit_code == 0, first.output
    assert counting.trained == 1 and "finetuning (adapter)" in first.stderr

    second = CliRunner().invoke(cli, [*args, "--out", "m2"])
    assert second.exit_code == 0, second.output
    assert counting.trained == 1 and "finetuning" not in second.stderr
    assert f"from {Path('m1').resolve()}" in second.stderr
    assert second.stdout == first.stdout  # the same model id
    assert Path("m2/embedlab.json").is_file()
    assert embedlab.load_custom_model("m2").classify(["a text"])[0].label

    third = CliRunner().invoke(cli, [*args, "--out", "m3", "--retrain"])
    assert third.exit_code == 0, third.output
    assert counting.trained == 2
