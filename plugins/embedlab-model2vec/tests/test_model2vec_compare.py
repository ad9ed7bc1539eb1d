"""``embedlab compare --provider model2vec``: the whole workflow, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import embedlab
from click.testing import CliRunner
from embedlab.cli import cli


def test_compare_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["compare", "--provider", "model2vec", "--out", str(out),
                                       "--projection", "pca", "--max-steps", "20", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["baseline_model"] == "model2vec:all-MiniLM-L6-v2"
    assert report["custom_model"]["method"] == "adapter"
    for side in ("baseline", "custom"):
        assert 0.0 <= report["metrics"][side]["accuracy"] <= 1.0
    assert (out / "report.html").is_file() and (out / "comparison.png").is_file()
    custom = embedlab.get_embedder(str(out / "model"))
    assert custom.embed(["is my card blocked"], cache=False).shape[0] == 1
