"""Issue 24 item 5: the dry run estimates a local finetune's time from a rate measured on a
few real training steps, and the finetune progress bar covers the whole training (every
epoch) rather than one epoch. Training runs for real, a few steps on a tiny dataset."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from embedlab import FinetuneConfig
from embedlab.cli import cli
from embedlab.testing.finetuner_contract import sample_dataset


def test_the_estimate_counts_this_runs_steps_at_a_measured_rate() -> None:
    from embedlab_local.finetuner import DEFAULTS, LocalFinetuner

    data = sample_dataset(10)  # 30 rows, 3 classes
    estimate = LocalFinetuner().estimate(data, None, FinetuneConfig(seed=7))
    # Independently: 3 rows held out (10 %, at least one a class), batches of 26 (the rows
    # left, made even), ceil(27 / 26) = 2 steps an epoch, epochs sized for ~40 steps.
    per_epoch = math.ceil(27 / 26)
    epochs = min(DEFAULTS["max_epochs"], math.ceil(DEFAULTS["target_steps"] / per_epoch))
    assert (estimate["steps"], estimate["epochs"]) == (epochs * per_epoch, epochs)
    assert estimate["probe_texts_per_epoch"] == 27 + 3
    assert 0 < estimate["seconds_per_step"] < 60
    assert estimate["seconds"] >= estimate["steps"] * estimate["seconds_per_step"] - 0.1

    capped = LocalFinetuner().estimate(data, None, FinetuneConfig(seed=7, max_steps=5))
    assert (capped["steps"], capped["epochs"]) == (5, 3)


def test_the_dry_run_prints_the_estimate(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "d.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("text", "label"), *sample_dataset(10)])
    result = CliRunner().invoke(cli, ["compare", str(path), "-p", "local", "--max-steps", "6",
                                      "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    estimate = json.loads(result.stdout)["candidates"][0]["training_estimate"]
    assert estimate["steps"] == 6
    text = CliRunner().invoke(cli, ["compare", str(path), "-p", "local", "--max-steps", "6",
                                    "--dry-run"]).stdout
    assert re.search(r"training time on this machine: at most ~\d+ s \(6 steps × [\d.]+ s",
                     text)


def test_the_progress_bar_spans_every_epoch(capfd: pytest.CaptureFixture[str]) -> None:
    from embedlab_local.finetuner import LocalFinetuner

    config = FinetuneConfig(epochs=2, batch_size=8, progress=True, seed=7,
                            extra={"head": "none"})
    model = LocalFinetuner().finetune(sample_dataset(6), None, config)
    err = capfd.readouterr().err
    steps = model.metrics["history"][-1]["step"]
    epoch_steps = model.metrics["history"][1]["step"]
    assert steps == 2 * epoch_steps  # two epochs ran
    totals = {int(t) for t in re.findall(r"finetune local[^|]*\|[^|]*\|\s*\d+/(\d+)", err)}
    assert totals == {steps}  # one bar over the whole training, never one epoch's
    assert f"{steps}/{steps}" in err
