"""Following chosen texts through both maps: marks on the PNG and the HTML, neighbours,
the automatic pick, and the classify section of the report."""

from __future__ import annotations

import json
from pathlib import Path

import embedlab
import numpy as np
import pytest
from click.testing import CliRunner
from embedlab._compare.highlight import tag
from embedlab.cli import cli
from PIL import Image
from reference_scores import reference_ece
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

NASTY = '<script>alert("x")</script> costs $5 & "more"'


def _compare(csv: Path, provider: str, highlight: list[str] | None) -> embedlab.Comparison:
    return embedlab.compare(csv, provider, method="adapter", test_size=0.3, projection="pca",
                            max_steps=10, quiet=True, progress=False, highlight=highlight)


def test_tags_are_short_and_unique() -> None:
    assert [tag(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "ZZ", "AAA"]


def test_highlighted_texts_are_marked_on_both_maps_and_escaped(
        fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    inside = embedlab.load_dataset(tiny_csv).texts[0]
    result = _compare(tiny_csv, fake_provider, [NASTY, inside, NASTY])
    for projection in result.projections:
        assert [(m.tag, m.text) for m in projection.markers] == [("A", NASTY), ("B", inside)]
        assert projection.markers[0].label is None  # not in the dataset
        assert projection.markers[1].label == embedlab.load_dataset(tiny_csv).labels[0]
        assert len(projection.markers[0].neighbours) == 5
        assert all(text != inside for text, _, _ in projection.markers[1].neighbours)
    out = result.save(tmp_path / "run")

    page = (out / "report.html").read_text(encoding="utf-8")
    assert NASTY not in page and "<script>alert" not in page
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; costs $5 &amp; &#34;more&#34;"
    assert page.count(f"A: {escaped}</title>") == 2  # one mark on each map
    assert "Highlighted examples" in page and "Nearest under the custom model" in page
    png = Image.open(out / "comparison.png")
    marked = json.loads(png.text["embedlab:highlights"])
    assert [m["text"] for m in marked] == [NASTY, inside]
    assert all(len(m["maps"]) == 2 for m in marked)

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    first = report["highlights"][0]
    assert first["text"] == NASTY and first["label"] is None
    assert len(first["baseline"]["neighbours"]) == len(first["custom"]["neighbours"]) == 5
    assert report["settings"]["highlight"] == "given"


def test_without_highlights_the_most_changed_test_rows_are_picked(
        fake_provider: str, tiny_csv: Path) -> None:
    result = _compare(tiny_csv, fake_provider, None)
    markers = result.projections[0].markers
    assert 1 <= len(markers) <= 5
    assert {m.text for m in markers} <= set(result.test.texts)
    assert [m.tag for m in markers] == [tag(i) for i in range(len(markers))]
    assert [m.text for m in result.projections[1].markers] == [m.text for m in markers]
    assert result.settings["highlight"] == "auto"
    none = _compare(tiny_csv, fake_provider, [])
    assert none.projections[0].markers == [] and none.projections[1].markers == []


def test_compare_keeps_the_probe_as_the_custom_models_classifier(
        fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    result = _compare(tiny_csv, fake_provider, [])
    head = result.custom_model.classifier
    assert head is not None and head.fitted_on["rows"] == len(result.train)
    # The report scores exactly that head: its test accuracy is the probe accuracy.
    answers = result.custom_model.classify(list(result.test.texts))
    right = sum(a.label == y for a, y in zip(answers, result.test.labels, strict=True))
    assert right / len(answers) == pytest.approx(result.metrics["custom"]["accuracy"])
    out = result.save(tmp_path / "run")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for side in ("baseline", "custom"):
        # the ECE of scikit-learn's probe on that side's vectors, binned independently
        train_x = normalize(result.embeddings[f"{side}_train"].astype(np.float64))
        test_x = normalize(result.embeddings[f"{side}_test"].astype(np.float64))
        probe = LogisticRegression(max_iter=2000, random_state=42).fit(
            train_x, list(result.train.labels))
        expected = reference_ece(probe.predict_proba(test_x), list(result.test.labels),
                                 [str(c) for c in probe.classes_])
        calibration = report["metrics"][side]["calibration"]
        assert calibration["ece"] == pytest.approx(expected, rel=1e-6, abs=1e-9), side
        assert len(calibration["bins"]) == 10
        assert sum(b["count"] for b in calibration["bins"]) == len(result.test)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Expected calibration error" in page
    again = embedlab.load_custom_model(out / "model")
    assert [a.label for a in again.classify(list(result.test.texts))] == [
        a.label for a in answers]


def test_compare_command_takes_highlights(fake_provider: str, tiny_csv: Path,
                                          tmp_path: Path) -> None:
    listed = tmp_path / "follow.txt"
    listed.write_text("baggage fees for a second bag\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "compare", str(tiny_csv), "-p", fake_provider, "--method", "adapter", "-o",
        str(tmp_path / "r"), "--test-size", "0.3", "--projection", "pca", "--max-steps", "5",
        "-q", "--highlight", "a fare to $denver", "--highlight-file", str(listed)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert [h["text"] for h in report["highlights"]] == [
        "a fare to $denver", "baggage fees for a second bag"]
