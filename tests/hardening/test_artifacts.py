"""Item 4 of issue 13: labels with ``$`` render literally, and one failing artifact never
loses the run (model, report.json and the other artifacts are saved)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from embedlab._visualizer import Projection
from embedlab.cli import cli
from embedlab.visualizers.png import PngVisualizer
from PIL import Image

from .conftest import write_rows

DOLLAR_LABELS = ["pay $5_$10", "cost $ % $", r"\frac{a}{b} ^_^"]


def test_png_draws_dollar_labels_literally(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    labels = [DOLLAR_LABELS[i % 3] for i in range(12)]
    projection = Projection(title="map $x$", points=rng.normal(size=(12, 2)), labels=labels,
                            texts=[f"t{i}" for i in range(12)], metrics={})
    files = PngVisualizer().render([projection, projection], tmp_path, title="a $ title")
    with Image.open(files[0]) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("RGB"))
    # two maps side by side: wider than tall, and drawn (not one blank colour)
    assert width > height >= 200
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 10
    assert (pixels.min(axis=2) < 128).mean() > 0.001  # some dark ink: points, text, axes


def test_compare_with_dollar_labels_saves_everything(runner: CliRunner, fake_provider: str,
                                                     tmp_path: Path) -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "fox", "golf", "hotel"]
    rows = [(f"{w} sample {i} {label.split()[0]}", label)
            for label in DOLLAR_LABELS for i, w in enumerate(words)]
    data = write_rows(tmp_path / "money.csv", rows)
    out = tmp_path / "run"
    result = runner.invoke(cli, ["compare", str(data), "-p", "fake", "--method", "adapter",
                                 "--max-steps", "5", "--projection", "pca", "-q",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["artifact_errors"] == {}
    assert (out / "comparison.png").is_file() and (out / "report.html").is_file()
    assert sorted(report["dataset"]["classes"]) == sorted(DOLLAR_LABELS)
