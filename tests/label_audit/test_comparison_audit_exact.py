"""The label audit inside ``compare()``, exactly (issue #26): the clean candidate's entry, the
suspects placed on the baseline map (against nearest test rows found with numpy), the
``audit`` and ``clean_candidate`` sections of ``report.json``, the ``--json`` summary, the
files saved and where the clean model is remembered, all on a comparison built by hand
(milliseconds: no training, no ``compare()``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from embedlab._compare.comparison_audit import (
    CLEAN_MODEL_DIR,
    MAP_SUSPECTS,
    audit_report,
    audit_summary,
    clean_entry,
    place_suspects,
    relocate_clean_model,
    run_audit,
    save_audit_files,
)
from embedlab._compare.runs import ComparisonData, ModelRun
from embedlab._custom_models import find_custom_model, find_trained, read_card
from embedlab._datasets.dataset import Dataset
from embedlab._errors import DatasetError
from embedlab._label_audit import Audit, ClassOverlap, Suspect, audit_vectors
from embedlab._visualizer import Marker, Projection
from workflow.comparison_parts import comparison, custom_model, embedder, figures, scored

TRUE = ["a", "a", "b", "b"]
#: A training key (cards hold 16 to 64 hex digits).
KEY = "0123456789abcdef"
CUSTOM = figures(0.75, 0.5, 0.75, 0.625, 0.75, 0.75, 0.5)
CLEAN = figures(0.875, 0.25, 0.5, 0.75, 0.5, 1.0, 0.625)
#: CLEAN minus CUSTOM, exact on these dyadic values.
DELTAS = {"accuracy": 0.125, "log_loss": -0.25, "f1_macro": -0.25, "precision_macro": 0.125,
          "recall_macro": -0.25, "knn_accuracy": 0.25, "silhouette": 0.125}


def _suspect(i: int, index: int, label: str = "a", suggested: str = "b") -> Suspect:
    return Suspect(row=index + 1, id=f"r{index}", text=f"text {index}", label=label,
                   suggested=suggested, confidence=0.5 + i / 8, label_probability=0.25 - i / 16,
                   index=index)


def _audit(count: int = 3) -> Audit:
    suspects = [_suspect(0, 2), _suspect(1, 0, "b", "a"), _suspect(2, 3)][:count]
    overlap = ClassOverlap("a", "b", 2, 3, 0.125, ["text 2"], ["text 0"])
    return Audit(dataset="tiny", rows=4, classes=["a", "b"], suspects=suspects,
                 overlaps=[overlap], folds=2, seed=7, embedder="fake:bow", seconds=1.23456)


def _clean(*, model: bool = True, evaluation: bool = True, ok: bool = True) -> ModelRun:
    rows = Dataset([f"text {i}" for i in range(6)], ["a", "b"] * 3, name="tiny")
    return ModelRun("clean", "fake", "fake", embedder("bow"), method="adapter",
                    status="ok" if ok else "failed", train=rows.subset([1, 3, 4]),
                    removed=["r2", "r0"],
                    custom_model=custom_model("adapter-clean") if model else None,
                    evaluation=scored(TRUE, ["a", "b", "b", "b"], CLEAN) if evaluation else None)


def _comparison(*, audit: Audit | None = None, clean: ModelRun | None = None,
                settings: dict[str, Any] | None = None,
                marks: list[Marker] | None = None) -> ComparisonData:
    """The fake baseline and its adapter (primary), with the given audit and clean run;
    ``marks``: the suspects on the baseline's map (no maps without)."""
    fake = embedder("bow")
    base = ModelRun("baseline", "fake", "fake", fake, status="ok",
                    evaluation=scored(TRUE, ["a", "a", "a", "b"], figures(*[0.5] * 7)))
    custom = ModelRun("custom", "fake", "fake", fake, method="adapter", baseline=base,
                      status="ok", custom_model=custom_model("adapter-main"),
                      evaluation=scored(TRUE, ["a", "b", "a", "b"], CUSTOM))
    if marks is not None:
        base.projection = Projection("base", np.zeros((2, 2)), ["a", "b"], ["x", "y"],
                                     suspects=marks)
        custom.projection = Projection("custom", np.zeros((2, 2)), ["a", "b"], ["x", "y"],
                                       suspects=[Marker("9", "not the baseline's", 0, 0)])
    runs = [base, custom] + ([clean] if clean is not None else [])
    made = comparison(runs, custom, audit=audit)
    made.settings.update(settings or {})
    return made


def test_the_clean_entry_is_its_scores_model_rows_and_deltas() -> None:
    clean = _clean()
    custom = scored(TRUE, ["a", "b", "a", "b"], CUSTOM)
    assert clean_entry(clean, custom) == {
        "metrics": {**CLEAN, "per_class": {
            "a": {"precision": 1.0, "recall": 0.5, "f1-score": 2 / 3, "support": 2.0},
            "b": {"precision": 2 / 3, "recall": 1.0, "f1-score": 0.8, "support": 2.0}}},
        "custom_model": {"id": "adapter-clean", "method": "adapter", "path": "model-clean"},
        "train_rows": 3,
        "removed_rows": 2,
        "removed_ids": ["r2", "r0"],
        "deltas_vs_custom": DELTAS,
    }
    assert CLEAN_MODEL_DIR == "model-clean"


@pytest.mark.parametrize("missing", ["model", "evaluation"])
def test_a_clean_entry_needs_a_scored_model(missing: str) -> None:
    custom = scored(TRUE, TRUE, CUSTOM)
    with pytest.raises(AssertionError):
        clean_entry(_clean(**{missing: False}), custom)


def _nearest_mean(train: np.ndarray, test: np.ndarray, points: np.ndarray, row: int,
                  k: int) -> tuple[float, float]:
    """The mean map position of train row ``row``'s ``k`` most cosine-similar test rows."""
    unit = test / np.linalg.norm(test, axis=1, keepdims=True)
    query = train[row] / np.linalg.norm(train[row])
    near = np.argsort(-(unit @ query))[:k]
    return float(points[near, 0].mean()), float(points[near, 1].mean())


def test_suspects_sit_among_their_nearest_test_rows_by_cosine() -> None:
    """Eight test rows at different lengths (cosine, not distance, picks the five nearest);
    map points in float32 are averaged in float64; tags are the ranks from 1."""
    rng = np.random.default_rng(0)
    test = rng.normal(size=(8, 3)) * np.arange(1, 9)[:, None] ** 2
    train = rng.normal(size=(4, 3))
    points = rng.normal(size=(8, 2)).astype(np.float32) / 10
    markers = place_suspects(_audit(), train, test, points)
    wide = points.astype(np.float64)
    assert [(m.tag, m.text, m.label) for m in markers] == [
        ("1", "text 2", "a"), ("2", "text 0", "b"), ("3", "text 3", "a")]
    for marker, row in zip(markers, [2, 0, 3], strict=True):
        x, y = _nearest_mean(train, test, wide, row, 5)
        assert (marker.x, marker.y) == (pytest.approx(x, rel=1e-12), pytest.approx(y, rel=1e-12))
        assert type(marker.x) is float and marker.neighbours == []
    near_by_distance = [np.argsort(np.linalg.norm(test - train[r], axis=1))[:5] for r in (2, 0, 3)]
    assert any((markers[i].x, markers[i].y) != pytest.approx(
        (float(wide[n, 0].mean()), float(wide[n, 1].mean())))
        for i, n in enumerate(near_by_distance))


def test_few_test_rows_place_a_suspect_at_their_mean_and_limit_cuts_the_list() -> None:
    train = np.eye(4, 3) + 0.5
    test = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    points = np.array([[0.0, 3.0], [1.0, 6.0], [2.0, 0.0]])
    markers = place_suspects(_audit(), train, test, points, limit=2)
    assert [(m.tag, m.x, m.y) for m in markers] == [("1", 1.0, 3.0), ("2", 1.0, 3.0)]
    assert place_suspects(_audit(), train, test, points, limit=0) == []
    assert place_suspects(_audit(0), train, test, points) == []
    assert place_suspects(_audit(), train, test[:0], points[:0]) == []
    assert MAP_SUSPECTS == 50
    many = Audit(dataset="tiny", rows=60, classes=["a", "b"], overlaps=[], folds=2, seed=0,
                 suspects=[_suspect(0, i % 4) for i in range(60)])
    shown = place_suspects(many, train, test, points)
    assert [m.tag for m in shown] == [str(i) for i in range(1, 51)]


def test_float32_vectors_are_compared_in_float64() -> None:
    """Test rows 1 - 5e-9 and 1 - 2e-8 in cosine from the suspect tie in float32: the
    nearer one (row 5, at y = 8) is among the five, not row 4 (y = 4)."""
    test = np.array([[1, 0, 0]] * 4 + [[1, 2e-4, 0], [1, 1e-4, 0]] + [[1, 3e-4, 0]] * 3,
                    dtype=np.float32)
    points = np.c_[np.zeros(9), [0, 0, 0, 0, 4, 8, 16, 16, 16]]
    train = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 1]], dtype=np.float32)  # row 2
    (marker,) = place_suspects(_audit(1), train, test, points)
    assert (marker.x, marker.y) == (0.0, 8 / 5)


def test_the_report_sections_tag_each_suspect_with_its_map_mark() -> None:
    """The audit's own dict, each listed suspect with the tag of its mark on the baseline map
    (the first ones: the map shows at most 50); the clean candidate's entry."""
    audit = _audit()
    marks = [Marker("1", "text 2", 0.0, 0.0), Marker("2", "text 0", 1.0, 1.0)]
    clean = _clean()
    made = _comparison(audit=audit, clean=clean, marks=marks)
    expected = audit.to_dict()
    expected["suspects"][0]["map_tag"] = "1"
    expected["suspects"][1]["map_tag"] = "2"
    report = audit_report(made)
    assert report == {"audit": expected,
                      "clean_candidate": clean_entry(clean, made.evaluations["custom"])}
    assert "map_tag" not in report["audit"]["suspects"][2]
    assert report["clean_candidate"]["deltas_vs_custom"] == DELTAS
    assert report["audit"]["suspects"][0] == {
        "row": 3, "id": "r2", "text": "text 2", "label": "a", "suggested": "b",
        "confidence": 0.5, "label_probability": 0.25, "map_tag": "1"}


def test_without_maps_no_suspect_is_tagged() -> None:
    audit = _audit()
    assert audit_report(_comparison(audit=audit)) == {"audit": audit.to_dict()}


def test_skipped_audit_and_clean_model_are_reported_with_why() -> None:
    why = {"skipped": "class 'x' has a single row", "clean_skipped": "no rows to check"}
    assert audit_report(_comparison(settings={"audit": why})) == {
        "audit": {"skipped": "class 'x' has a single row"},
        "clean_candidate": {"skipped": "no rows to check"}}
    only_clean = {"audit": {"clean_skipped": "no rows to check"}}
    assert audit_report(_comparison(audit=_audit(), settings=only_clean)) == {
        "audit": _audit().to_dict(), "clean_candidate": {"skipped": "no rows to check"}}
    only_audit = {"audit": {"skipped": "off"}}
    assert audit_report(_comparison(clean=_clean(), settings=only_audit))["audit"] == {
        "skipped": "off"}
    assert audit_report(_comparison(settings={"audit": {}})) == {}
    assert audit_report(_comparison(settings={"audit": {"skipped": ""}})) == {}
    assert audit_report(_comparison(clean=_clean(ok=False))) == {}


def test_the_json_summary_counts_rows_and_overlaps_and_gives_the_clean_scores() -> None:
    made = _comparison(audit=_audit(), clean=_clean())
    assert audit_summary(made) == {"rows_to_check": 3, "overlapping_classes": 1,
                                   "clean_candidate": {"custom_model": "adapter-clean",
                                                       "metrics": CLEAN}}
    assert audit_summary(_comparison(audit=_audit(2))) == {"rows_to_check": 2,
                                                         "overlapping_classes": 1}
    assert audit_summary(_comparison(clean=_clean())) == {
        "clean_candidate": {"custom_model": "adapter-clean", "metrics": CLEAN}}
    assert audit_summary(_comparison()) == {}
    for unscored in (_clean(model=False), _clean(evaluation=False), _clean(ok=False)):
        assert audit_summary(_comparison(clean=unscored)) == {}


def test_saved_files_are_the_suspects_and_the_clean_model_not_yet_remembered(
        tmp_path: Path) -> None:
    audit, clean = _audit(), _clean()
    assert save_audit_files(_comparison(audit=audit, clean=clean), tmp_path) == [
        "suspects.csv", "model-clean/"]
    with (tmp_path / "suspects.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["row", "id", "text", "label", "suggested", "confidence", "label_probability"],
        ["3", "r2", "text 2", "a", "b", "0.5000", "0.2500"],
        ["1", "r0", "text 0", "b", "a", "0.6250", "0.1875"],
        ["4", "r3", "text 3", "a", "b", "0.7500", "0.1250"]]
    card = read_card(tmp_path / "model-clean")
    assert (card["id"], card["method"]) == ("adapter-clean", "adapter")
    assert find_custom_model("adapter-clean") is None  # remembered only once in place


def test_saved_files_without_an_audit_or_a_clean_model(tmp_path: Path) -> None:
    for name in "abc":
        (tmp_path / name).mkdir()
    assert save_audit_files(_comparison(clean=_clean()), tmp_path / "a") == ["model-clean/"]
    assert not (tmp_path / "a" / "suspects.csv").exists()
    assert save_audit_files(_comparison(audit=_audit()), tmp_path / "b") == ["suspects.csv"]
    assert not (tmp_path / "b" / "model-clean").exists()
    for clean in (_clean(model=False), _clean(ok=False)):
        assert save_audit_files(_comparison(clean=clean), tmp_path / "c") == []
    assert list((tmp_path / "c").iterdir()) == []


def test_the_clean_model_is_remembered_where_the_report_now_is(tmp_path: Path) -> None:
    clean = _clean()
    assert clean.custom_model is not None
    clean.custom_model.training_key = KEY
    made = _comparison(clean=clean)
    (tmp_path / "staging").mkdir()
    save_audit_files(made, tmp_path / "staging")
    (tmp_path / "staging").rename(tmp_path / "report")
    relocate_clean_model(made, tmp_path / "report")
    target = tmp_path / "report" / "model-clean"
    assert clean.custom_model.path == target
    assert find_custom_model("adapter-clean") == target.resolve()
    assert find_trained(KEY) == target.resolve()
    relocate_clean_model(_comparison(clean=_clean(ok=False)), tmp_path / "elsewhere")
    relocate_clean_model(_comparison(clean=_clean(model=False)), tmp_path / "elsewhere")
    assert find_custom_model("adapter-clean") == target.resolve()


def _tiny_train() -> tuple[Dataset, np.ndarray]:
    """Twelve rows of two classes, row 0's vector on the other class's side."""
    texts = [f"{w} {i}" for w in ("rain", "song") for i in range(6)]
    vectors = np.random.default_rng(1).normal(size=(12, 4))
    vectors[:, 0] += [3.0] * 6 + [-3.0] * 6
    vectors[0, 0] -= 6.0  # looks like music
    return Dataset(texts, ["weather"] * 6 + ["music"] * 6, name="train"), vectors


def test_the_audit_runs_on_the_train_vectors_with_the_seed_and_embedder_given() -> None:
    train, vectors = _tiny_train()
    audit, why = run_audit(train, vectors, seed=3, embedder="fake:bow", progress=False)
    expected = audit_vectors(train, vectors, seed=3, embedder="fake:bow", progress=False)
    assert why is None and audit is not None
    assert (audit.seed, audit.embedder, audit.rows) == (3, "fake:bow", 12)
    assert audit.suspects == expected.suspects and audit.overlaps == expected.overlaps
    assert audit.suspects[0].index == 0


def test_the_audit_shows_its_progress_only_when_asked(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """``progress`` reaches the probe's bar (the tests' EMBEDLAB_PROGRESS=0 hides it
    otherwise)."""
    train, vectors = _tiny_train()
    run_audit(train, vectors, seed=3, embedder="fake:bow", progress=True)
    assert "audit: out-of-fold probe" in capsys.readouterr().err
    run_audit(train, vectors, seed=3, embedder="fake:bow", progress=False)
    assert capsys.readouterr().err == ""


def test_an_audit_that_cannot_run_gives_why_and_the_comparison_goes_on() -> None:
    texts = ["rain", "sun", "song"]
    train = Dataset(texts, ["weather", "weather", "music"], name="train")
    with pytest.raises(DatasetError) as refused:
        audit_vectors(train, np.eye(3), seed=0)
    assert run_audit(train, np.eye(3), seed=0, embedder="fake:bow", progress=False) == (
        None, str(refused.value))
    assert str(refused.value) == (
        "train: class(es) 'music' have a single row; each row is scored by a probe trained "
        "on the other rows of its class, so every class needs at least 2: add rows or remove "
        "those classes")
