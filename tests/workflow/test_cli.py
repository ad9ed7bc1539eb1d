"""``embedlab compare``, ``embed`` and ``finetune`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import embedlab
import numpy as np
import pytest
from click.testing import CliRunner
from embedlab.cli import cli

from .conftest import write_subset


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_compare_end_to_end_with_the_fake_provider(runner: CliRunner, fake_provider: str,
                                                   tiny_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(cli, ["compare", str(tiny_csv), "--provider", fake_provider,
                                 "--method", "adapter", "--out", str(out), "--test-size",
                                 "0.3", "--projection", "pca", "--max-steps", "10"])
    assert result.exit_code == 0, result.output
    # 11 steps: the label audit of the train split runs by default.
    assert "[1/11] load" in result.stderr and "[11/11] save" in result.stderr
    assert "silhouette" in result.stdout and "custom model: fake-" in result.stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["settings"]["projection"] == "pca"
    assert report["custom_model"]["method"] == "adapter"
    assert report["settings"]["finetune"]["max_steps"] == 10
    assert (out / "report.html").is_file() and (out / "comparison.png").is_file()


def test_compare_json_output(runner: CliRunner, fake_provider: str, tiny_csv: Path,
                             tmp_path: Path) -> None:
    result = runner.invoke(cli, ["compare", str(tiny_csv), "-p", fake_provider, "--method",
                                 "adapter", "-o", str(tmp_path / "r"), "--test-size", "9",
                                 "--projection", "pca", "--max-steps", "5", "--json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["metrics"]) == {"baseline", "custom"}
    assert result.stderr == ""


def test_dry_run_counts_the_work_and_writes_nothing(runner: CliRunner, fake_provider: str,
                                                    tiny_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(cli, ["compare", str(tiny_csv), "-p", fake_provider, "--out",
                                 str(out), "--dry-run", "--test-size", "0.3", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    # 30 distinct texts; the fake embedder takes 32 a request; adapter adds no calls.
    assert plan["rows"] == 30 and plan["train_rows"] == 21 and plan["test_rows"] == 9
    assert plan["distinct_texts"] == 30
    assert plan["baseline_batches"] == 1 and plan["custom_batches"] == 0
    assert plan["provider_calls"] == 1
    assert plan["method"] == "adapter"
    assert plan["out"] == str(out)
    assert not out.exists()
    text = runner.invoke(cli, ["compare", str(tiny_csv), "-p", fake_provider, "--out",
                               str(out), "--dry-run"])
    assert "would write: " + str(out) in text.stdout and not out.exists()
    # The fake embedder declares runs_locally: its calls are said to cost nothing.
    assert "embedding requests (run on this machine)" in text.stdout


def test_dry_run_on_the_sample_loads_no_model() -> None:
    """With no DATASET the sample is used and said so; with --no-estimate torch never loads
    (the training-time estimate is tested in tests/local/test_estimate.py)."""
    code = (
        "import sys\n"
        "from embedlab.cli import cli\n"
        "try:\n"
        "    cli(['compare', '--provider', 'local', '--dry-run', '--no-estimate'],\n"
        "        standalone_mode=False)\n"
        "finally:\n"
        "    heavy = [m for m in ('torch', 'sentence_transformers', 'umap', 'matplotlib')\n"
        "             if m in sys.modules]\n"
        "    print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "using the shipped sample" in proc.stderr
    assert str(embedlab.sample_dataset_path()) in proc.stderr
    rows = len(embedlab.load_sample_dataset())
    assert f"{rows} rows, 3 classes" in proc.stdout
    assert "would write: runs/airline_intents/" in proc.stdout
    assert "HEAVY []" in proc.stdout


def test_bad_dataset_exits_2_with_file_and_row(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nfare to boston,airfare\n,airfare\nbus,ground\nbus 2,ground\n"
                   "fares,airfare\n", encoding="utf-8")
    result = runner.invoke(cli, ["compare", str(bad), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "bad.csv" in result.stderr and "row 2" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "r").exists()


def test_missing_file_and_unknown_provider_exit_2(runner: CliRunner, tiny_csv: Path,
                                                  tmp_path: Path) -> None:
    missing = runner.invoke(cli, ["compare", str(tmp_path / "nope.csv"), "--dry-run"])
    assert missing.exit_code == 2 and "nope.csv" in missing.stderr
    unknown = runner.invoke(cli, ["compare", str(tiny_csv), "-p", "nosuch", "--dry-run"])
    assert unknown.exit_code == 2 and "nosuch" in unknown.stderr
    assert "Traceback" not in missing.output + unknown.output


def test_bad_test_size_is_a_usage_error(runner: CliRunner, tiny_csv: Path) -> None:
    result = runner.invoke(cli, ["compare", str(tiny_csv), "--test-size", "1.5", "--dry-run"])
    assert result.exit_code == 2 and "fraction" in result.output


def test_finetune_prints_an_id_that_embed_can_use(runner: CliRunner, fake_provider: str,
                                                  tiny_csv: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["finetune", str(tiny_csv), "-p", fake_provider, "--method",
                                 "adapter", "--out", str(tmp_path / "model"), "--max-steps",
                                 "5", "-q"])
    assert result.exit_code == 0, result.output
    model_id = result.stdout.strip()
    assert model_id.startswith("fake-") and (tmp_path / "model" / "embedlab.json").is_file()
    vectors_path = tmp_path / "v.npy"
    embedded = runner.invoke(cli, ["embed", "fare to boston", "bus to the airport",
                                   "--model", model_id, "--out", str(vectors_path)])
    assert embedded.exit_code == 0, embedded.output
    vectors = np.load(vectors_path)
    assert vectors.shape[0] == 2 and vectors.dtype == np.float32
    direct = embedlab.get_embedder(str(tmp_path / "model")).embed(
        ["fare to boston", "bus to the airport"], cache=False)
    np.testing.assert_allclose(vectors, direct, atol=1e-5)


def test_embed_from_a_file_to_parquet(runner: CliRunner, fake_provider: str,
                                      tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    source = tmp_path / "texts.txt"
    source.write_text("first text\n\nsecond text\nthird ✈ text\n", encoding="utf-8")
    out = tmp_path / "vectors.parquet"
    refused = runner.invoke(cli, ["embed", "--file", str(source), "-m", fake_provider,
                                  "--out", str(out)])
    assert refused.exit_code == 2 and "row 2 has no text" in refused.stderr
    assert not out.exists()
    result = runner.invoke(cli, ["embed", "--file", str(source), "-m", fake_provider,
                                 "--out", str(out), "--skip-blank"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column("text").to_pylist() == ["first text", "second text", "third ✈ text"]
    assert table.column("id").to_pylist() == ["texts.txt:1", "texts.txt:3", "texts.txt:4"]
    vectors = np.array(table.column("embedding").to_pylist(), dtype=np.float32)
    expected = embedlab.get_embedder(fake_provider).embed(
        ["first text", "second text", "third ✈ text"], cache=False)
    np.testing.assert_allclose(vectors, expected, atol=1e-6)


def test_embed_reads_a_csv_column(runner: CliRunner, fake_provider: str,
                                  tmp_path: Path) -> None:
    data = write_subset(tmp_path / "d.csv", 2)
    out = tmp_path / "v.npy"
    result = runner.invoke(cli, ["embed", "-f", str(data), "-m", fake_provider, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert np.load(out).shape == (6, 64)
    missing = runner.invoke(cli, ["embed", "-f", str(data), "-m", fake_provider, "-o",
                                  str(tmp_path / "w.npy"), "--text-column", "query"])
    assert missing.exit_code == 2 and "'query'" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["embed", "x", "-o", "v.txt"], ".npy or .parquet"),
        (["embed", "-o", "v.npy"], "nothing to embed"),
    ],
)
def test_embed_usage_errors(runner: CliRunner, fake_provider: str, args: list[str],
                            message: str) -> None:
    result = runner.invoke(cli, [*args, "-m", fake_provider])
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.slow
def test_compare_with_the_local_provider_on_a_small_subset(runner: CliRunner,
                                                           tmp_path: Path) -> None:
    """The real thing, kept short: 24 rows, two training steps, PCA maps."""
    data = write_subset(tmp_path / "small.csv", 8)
    out = tmp_path / "run"
    result = runner.invoke(cli, ["compare", str(data), "--provider", "local", "--out",
                                 str(out), "--max-steps", "2", "--batch-size", "8",
                                 "--test-size", "0.25", "--projection", "pca", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["custom_model"]["method"] == "full"
    assert report["baseline_model"] == "local:all-MiniLM-L6-v2"
    assert report["metrics"]["baseline"]["accuracy"] > 0.5
    assert (out / "model" / "model.safetensors").is_file()
    loaded = embedlab.get_embedder(report["custom_model"]["id"])
    vectors = loaded.embed(["fare to boston"], cache=False)
    assert vectors.shape == (1, 384)


def test_foreign_output_directory_is_refused_before_any_work(runner: CliRunner,
                                                             fake_provider: str,
                                                             tiny_csv: Path,
                                                             tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(cli, ["compare", str(tiny_csv), "-p", fake_provider, "--method",
                                 "adapter", "--out", str(mine)])
    assert result.exit_code == 2
    assert "not empty" in result.stderr and "[1/10]" not in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
