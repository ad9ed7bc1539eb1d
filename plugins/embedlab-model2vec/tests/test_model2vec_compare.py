"""``embedlab compare --provider model2vec``: the whole workflow, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import embedlab
import pytest
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
    _check_scores(out, report)
    assert (out / "report.html").is_file() and (out / "comparison.png").is_file()
    custom = embedlab.get_embedder(str(out / "model"))
    assert custom.embed(["is my card blocked"], cache=False).shape[0] == 1


def _check_scores(out: Path, report: dict) -> None:
    """Each side's silhouette and k-NN accuracy equal scikit-learn's on the vectors saved
    beside the report, and the custom model separates the classes better than the base."""
    import numpy as np
    from sklearn.metrics import silhouette_score
    from sklearn.neighbors import KNeighborsClassifier

    ids = json.loads((out / "embeddings" / "ids.json").read_text(encoding="utf-8"))
    sample = embedlab.load_sample_dataset()
    label_of = dict(zip(sample.ids, sample.labels, strict=True))
    train_y = [label_of[i] for i in ids["train"]]
    test_y = [label_of[i] for i in ids["test"]]
    for side in ("baseline", "custom"):
        train_x = np.load(out / "embeddings" / f"{side}_train.npy")
        test_x = np.load(out / "embeddings" / f"{side}_test.npy")
        metrics = report["metrics"][side]
        assert metrics["silhouette"] == pytest.approx(
            silhouette_score(test_x, test_y, metric="cosine"), rel=1e-5, abs=1e-6)
        knn = KNeighborsClassifier(n_neighbors=metrics["knn_k"], metric="cosine")
        assert metrics["knn_accuracy"] == pytest.approx(
            knn.fit(train_x, train_y).score(test_x, test_y))
    base, custom = report["metrics"]["baseline"], report["metrics"]["custom"]
    assert custom["silhouette"] > base["silhouette"] + 0.1, (base, custom)
