"""The comparison's numbers, exactly (issue #26): every leaderboard column of every row and
their order, the best values per metric, per-class F1 against scikit-learn's ``f1_score``, the
confusion changes against pair counts written by hand, where each model is saved, and
``report.json``'s candidate entries, all on a comparison built by hand (milliseconds: no
training, no ``compare()``)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from embedlab._compare.leaderboard import (
    LEADERBOARD_COLUMNS,
    best_rows,
    candidate_entry,
    candidates_report,
    confusion_changes,
    leaderboard_rows,
    model_path,
    per_class_f1,
)
from embedlab._compare.runs import ComparisonData, ModelRun
from embedlab._datasets.splits import SplitInfo
from embedlab._evaluation import METRIC_NAMES, Evaluation
from sklearn.metrics import f1_score

from .comparison_parts import comparison, custom_model, embedder, figures, scored, vectors

CLASSES = ["billing", "cancel", "greet", "refund"]
TRUE = ["billing"] * 3 + ["cancel"] * 3 + ["greet"] * 3 + ["refund"] * 3
#: Each model's predictions of the twelve test rows.
PREDICTED = {
    "base": ["cancel", "billing", "billing", "billing", "cancel", "refund",
             "greet", "greet", "greet", "cancel", "cancel", "refund"],
    "adapter": ["billing", "billing", "billing", "cancel", "cancel", "greet",
                "greet", "greet", "billing", "refund", "refund", "refund"],
    "full": ["billing", "billing", "billing", "cancel", "cancel", "cancel",
             "billing", "billing", "greet", "cancel", "refund", "refund"],
    "clean": ["billing", "billing", "cancel", "cancel", "cancel", "cancel",
              "greet", "greet", "greet", "refund", "refund", "greet"],
}
FIGURES = {
    "base": figures(0.5, 1.25, 0.5, 0.5, 0.5, 0.5, 0.125),
    "adapter": figures(0.75, 0.5, 0.75, 0.625, 0.75, 0.75, 0.5),
    "full": figures(0.75, 0.25, 0.625, 0.75, 0.625, 0.875, 0.375),
    "clean": figures(0.625, 0.375, 0.5, 0.5, 0.875, 0.625, 0.625),
}
KEPT = {"adapter": (0.625, 0.875), "full": (0.25, 0.375), "clean": (0.5, 0.75)}
#: Row indices of the leaderboard: fake's baseline, its adapter, full (primary) and mlp
#: (failed after training), other's failed baseline and its adapter, the clean model.
A, A1, A2, A3, B, B1, CLEAN = range(7)


def _evaluation(name: str) -> Evaluation:
    return scored(TRUE, PREDICTED[name], FIGURES[name], classes=CLASSES, kept=KEPT.get(name))


def _board(*, clean_ok: bool = True, **fields: Any) -> tuple[ComparisonData, list[ModelRun]]:
    """Two providers: ``fake`` (its baseline, an adapter, the primary full model, an mlp
    that failed after training, a clean model) and ``other`` (its baseline failed with a 401,
    so its adapter did too). Returned with the runs in leaderboard order."""
    fake, other = embedder("bow"), embedder("two", provider="other")
    base = ModelRun("baseline", "fake", "fake", fake, status="ok", calls=3, texts=40,
                    evaluation=_evaluation("base"), vectors=vectors(12, 5, seed=0),
                    timings={"embed": 0.5})
    adapter = ModelRun("custom", "fake", "fake", fake, method="adapter", baseline=base,
                       status="ok", custom_model=custom_model("adapter-1111"),
                       evaluation=_evaluation("adapter"), vectors=vectors(12, 3, seed=1),
                       timings={"finetune": 2.5, "embed": 0.25}, calls=1, texts=12,
                       calibration={"temperature": 1.5, "rows": 4})
    full = ModelRun("custom", "fake", "fake", fake, method="full", baseline=base,
                    status="ok", custom_model=custom_model("local-ft-2222"),
                    evaluation=_evaluation("full"), vectors=vectors(12, 7, seed=2),
                    timings={"embed": 0.5}, reused=True)
    mlp = ModelRun("custom", "fake", "fake", fake, method="mlp", baseline=base,
                   status="failed", error="EmbeddingError: boom",
                   custom_model=custom_model("adapter-3333"), timings={"finetune": 1.0},
                   calls=2, texts=7)
    other_base = ModelRun("baseline", "other", "other:two", other, status="failed",
                          error="AuthenticationError: 401", calls=1)
    other_adapter = ModelRun("custom", "other", "other:two", other, method="adapter",
                             baseline=other_base, status="failed",
                             error="its baseline failed: AuthenticationError: 401")
    clean = ModelRun("clean", "fake", "fake", fake, method="full", baseline=base,
                     status="ok" if clean_ok else "failed",
                     custom_model=custom_model("local-ft-4444"),
                     evaluation=_evaluation("clean"), vectors=vectors(12, 9, seed=3),
                     calls=5, texts=9)
    runs = [base, adapter, full, mlp, other_base, other_adapter, clean]
    made = comparison([base, other_base, adapter, full, mlp, other_adapter, clean], full,
                      **fields)
    return made, runs


def _metrics(name: str | None) -> dict[str, float | None]:
    """A row's metric columns: the model's figures and kept meaning, ``None`` without."""
    headline: dict[str, float | None] = dict(FIGURES[name]) if name else dict.fromkeys(
        METRIC_NAMES)
    kept = KEPT.get(name or "", (None, None))
    return {**headline, "neighbours_kept": kept[0], "similarity_agreement": kept[1]}


EXPECTED_ROWS: list[dict[str, Any]] = [
    {"kind": "baseline", "candidate": "fake · baseline", "model": "fake:bow", "provider": "fake",
     "method": None, "status": "ok", **_metrics("base"), "train_seconds": None,
     "embedding_calls": 3, "texts_sent": 40, "dimension": 5},
    {"kind": "custom", "candidate": "fake · adapter", "model": "adapter-1111",
     "provider": "fake", "method": "adapter", "status": "ok", **_metrics("adapter"),
     "train_seconds": 2.5, "embedding_calls": 1, "texts_sent": 12, "dimension": 3,
     "reused": False},
    {"kind": "custom", "candidate": "fake · full", "model": "local-ft-2222", "provider": "fake",
     "method": "full", "status": "ok", **_metrics("full"), "train_seconds": None,
     "embedding_calls": 0, "texts_sent": 0, "dimension": 7, "reused": True},
    {"kind": "custom", "candidate": "fake · mlp", "model": "adapter-3333", "provider": "fake",
     "method": "mlp", "status": "failed", **_metrics(None), "train_seconds": 1.0,
     "embedding_calls": 2, "texts_sent": 7, "dimension": None, "reused": False,
     "error": "EmbeddingError: boom"},
    {"kind": "baseline", "candidate": "other:two · baseline", "model": "other:two",
     "provider": "other", "method": None, "status": "failed", **_metrics(None),
     "train_seconds": None, "embedding_calls": 1, "texts_sent": 0, "dimension": None,
     "error": "AuthenticationError: 401"},
    {"kind": "custom", "candidate": "other:two · adapter", "model": None, "provider": "other",
     "method": "adapter", "status": "failed", **_metrics(None), "train_seconds": None,
     "embedding_calls": 0, "texts_sent": 0, "dimension": None, "reused": False,
     "error": "its baseline failed: AuthenticationError: 401"},
    {"kind": "clean", "candidate": "fake · full · clean", "model": "local-ft-4444",
     "provider": "fake", "method": "full", "status": "ok", **_metrics("clean"),
     "train_seconds": None, "embedding_calls": None, "texts_sent": None, "dimension": 9},
]


def test_every_column_of_every_row_in_order() -> None:
    """Each baseline, then its custom models in candidate order (failed ones with their error
    and no metrics), then the clean model: every column's exact value."""
    made, _ = _board()
    rows = leaderboard_rows(made)
    assert rows == EXPECTED_ROWS
    assert list(rows[A]) == ["kind", "candidate", "model", "provider", "method", "status",
                             *LEADERBOARD_COLUMNS]


def test_a_failed_clean_model_has_no_row() -> None:
    made, _ = _board(clean_ok=False)
    assert leaderboard_rows(made) == EXPECTED_ROWS[:CLEAN]


def test_the_clean_models_own_calls_are_not_shown() -> None:
    """The clean model's row leaves its cost blank (its base's requests are the baseline's),
    whatever its run counted."""
    made, runs = _board()
    runs[CLEAN].calls, runs[CLEAN].texts = 0, 0
    row = leaderboard_rows(made)[CLEAN]
    assert (row["embedding_calls"], row["texts_sent"]) == (None, None)


def test_best_rows_of_the_leaderboard() -> None:
    """Ties all marked; log loss is best lowest; failed rows (no metrics) never best."""
    made, _ = _board()
    assert best_rows(leaderboard_rows(made)) == {
        "accuracy": {A1, A2}, "log_loss": {A2}, "f1_macro": {A1}, "precision_macro": {A2},
        "recall_macro": {CLEAN}, "knn_accuracy": {A2}, "silhouette": {CLEAN}}


def test_best_rows_skip_missing_nan_and_infinite_values() -> None:
    """Only finite numbers count (ints too); a metric with fewer than two of them has no
    best; the lowest log loss wins, the highest of the rest."""
    nan, inf = math.nan, math.inf
    rows: list[dict[str, Any]] = [
        {"accuracy": nan, "log_loss": 0.75, "f1_macro": 0.5, "silhouette": inf},
        {"accuracy": 0.5, "log_loss": -inf, "f1_macro": None, "silhouette": 0.25},
        {"accuracy": 1, "log_loss": 0.75, "f1_macro": "0.9", "silhouette": 0.25},
        {"accuracy": inf, "log_loss": 1.5, "silhouette": -inf},
    ]
    assert best_rows(rows) == {"accuracy": {2}, "log_loss": {0, 2}, "silhouette": {1, 2}}
    assert best_rows([rows[0], {"accuracy": 0.25}]) == {}
    assert best_rows([{"accuracy": 0.5}, {"accuracy": 0.25}]) == {"accuracy": {0}}
    assert best_rows([{"log_loss": 0.5}, {"log_loss": 0.25}]) == {"log_loss": {1}}
    assert best_rows([{"accuracy": 0.5}]) == {}
    assert best_rows([]) == {}


def _f1(name: str) -> list[float]:
    return [float(v) for v in f1_score(TRUE, PREDICTED[name], labels=CLASSES, average=None,
                                       zero_division=0)]


def test_per_class_f1_is_scikit_learns() -> None:
    """Each class's F1 per model equals scikit-learn's ``f1_score(average=None)`` on the same
    predictions; a failed model's column is ``None``."""
    columns = {"base": _evaluation("base"), "failed": None, "adapter": _evaluation("adapter"),
               "clean": _evaluation("clean")}
    expected = {name: _f1(name) for name in ("base", "adapter", "clean")}
    assert per_class_f1(columns) == {
        label: {"base": expected["base"][k], "failed": None,
                "adapter": expected["adapter"][k], "clean": expected["clean"][k]}
        for k, label in enumerate(CLASSES)}
    assert list(per_class_f1(columns)) == CLASSES


def test_per_class_f1_across_models_with_other_classes() -> None:
    """Classes in the order first met; a model without a class has ``None`` for it."""
    two = scored(["b", "a", "b"], ["b", "a", "a"], FIGURES["base"])
    three = scored(["c", "a", "b"], ["c", "b", "b"], FIGURES["base"])
    table = per_class_f1({"none": None, "two": two, "three": three})
    assert list(table) == ["a", "b", "c"]
    assert table == {"a": {"none": None, "two": 2 / 3, "three": 0.0},
                     "b": {"none": None, "two": 2 / 3, "three": 2 / 3},
                     "c": {"none": None, "two": None, "three": 1.0}}
    assert per_class_f1({"none": None}) == {}


#: (true, predicted) wrong-answer counts of a baseline and a custom model over six classes,
#: and the changes they make, written by hand: ten pairs confused less, ten more, one the
#: same (a→c), largest change first, ties by true then predicted class.
BEFORE = {("a", "b"): 5, ("a", "c"): 3, ("b", "a"): 2, ("b", "c"): 2, ("c", "d"): 4,
          ("d", "e"): 1, ("e", "f"): 1, ("f", "a"): 1, ("c", "a"): 1, ("d", "a"): 2,
          ("e", "a"): 1, ("c", "e"): 1}
AFTER = {("a", "b"): 1, ("a", "c"): 3, ("c", "d"): 1, ("c", "e"): 2, ("f", "e"): 3,
         ("b", "d"): 2, ("e", "d"): 2, ("a", "f"): 1, ("b", "f"): 1, ("c", "b"): 1,
         ("d", "b"): 1, ("f", "b"): 1, ("f", "c"): 1}
STOPPED = [("a", "b", 5, 1), ("c", "d", 4, 1), ("b", "a", 2, 0), ("b", "c", 2, 0),
           ("d", "a", 2, 0), ("c", "a", 1, 0), ("d", "e", 1, 0), ("e", "a", 1, 0),
           ("e", "f", 1, 0), ("f", "a", 1, 0)]
STARTED = [("f", "e", 0, 3), ("b", "d", 0, 2), ("e", "d", 0, 2), ("a", "f", 0, 1),
           ("b", "f", 0, 1), ("c", "b", 0, 1), ("c", "e", 1, 2), ("d", "b", 0, 1),
           ("f", "b", 0, 1), ("f", "c", 0, 1)]


def _predictions(wrong: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """Test rows with these wrong answers, and two right ones per class."""
    pairs = [(c, c) for c in "abcdef" for _ in range(2)]
    pairs += [pair for pair, n in wrong.items() for _ in range(n)]
    return [t for t, _ in pairs], [p for _, p in pairs]


def _changes(entries: list[tuple[str, str, int, int]]) -> list[dict[str, Any]]:
    return [{"true": t, "predicted": p, "baseline": b, "custom": c} for t, p, b, c in entries]


def test_confusion_changes_largest_first_eight_each_way() -> None:
    """On scikit-learn's confusion matrices of the two models: the pairs confused less and
    more, eight each by default, all with a larger limit, two with ``limit=2``."""
    baseline = scored(*_predictions(BEFORE), FIGURES["base"], classes=list("abcdef"))
    custom = scored(*_predictions(AFTER), FIGURES["adapter"], classes=list("abcdef"))
    assert confusion_changes(baseline, custom) == {"stopped": _changes(STOPPED[:8]),
                                                   "started": _changes(STARTED[:8])}
    assert confusion_changes(baseline, custom, limit=20) == {"stopped": _changes(STOPPED),
                                                             "started": _changes(STARTED)}
    assert confusion_changes(baseline, custom, 2) == {"stopped": _changes(STOPPED[:2]),
                                                      "started": _changes(STARTED[:2])}
    swapped = confusion_changes(custom, baseline, limit=20)
    assert swapped == {"stopped": _changes([(t, p, c, b) for t, p, b, c in STARTED]),
                       "started": _changes([(t, p, c, b) for t, p, b, c in STOPPED])}


def test_the_same_predictions_change_nothing() -> None:
    same = scored(*_predictions(BEFORE), FIGURES["base"], classes=list("abcdef"))
    assert confusion_changes(same, same) == {"stopped": [], "started": []}


def test_where_each_custom_model_is_saved() -> None:
    """The primary model in ``model/``, every other trained one in ``models/<key>``; a
    failed candidate (trained or not) nowhere."""
    made, runs = _board()
    assert [model_path(made, runs[i]) for i in (A1, A2, A3, B1)] == [
        "models/fake-adapter", "model", None, None]


ADAPTER_CHANGES = {
    "stopped": _changes([("refund", "cancel", 2, 0), ("billing", "cancel", 1, 0),
                         ("cancel", "billing", 1, 0), ("cancel", "refund", 1, 0)]),
    "started": _changes([("cancel", "greet", 0, 1), ("greet", "billing", 0, 1)])}
FULL_CHANGES = {
    "stopped": _changes([("billing", "cancel", 1, 0), ("cancel", "billing", 1, 0),
                         ("cancel", "refund", 1, 0), ("refund", "cancel", 2, 1)]),
    "started": _changes([("greet", "billing", 0, 2)])}
EXPECTED_CANDIDATES: list[dict[str, Any]] = [
    {"provider": "fake", "baseline_model": "fake:bow", "method": "adapter", "status": "ok",
     "custom_model": {"id": "adapter-1111", "path": "models/fake-adapter"},
     "timings": {"finetune": 2.5, "embed": 0.25}, "reused": False,
     "classifier_calibration": {"temperature": 1.5, "rows": 4}, "embedding_calls": 1,
     "texts_sent": 12, "baseline_embedding_calls": 3, "baseline_texts_sent": 40,
     "metrics": {"baseline": FIGURES["base"], "custom": FIGURES["adapter"]},
     "confusion_changes": ADAPTER_CHANGES},
    {"provider": "fake", "baseline_model": "fake:bow", "method": "full", "status": "ok",
     "custom_model": {"id": "local-ft-2222", "path": "model"}, "timings": {"embed": 0.5},
     "reused": True, "classifier_calibration": {}, "embedding_calls": 0, "texts_sent": 0,
     "baseline_embedding_calls": 3, "baseline_texts_sent": 40,
     "metrics": {"baseline": FIGURES["base"], "custom": FIGURES["full"]},
     "confusion_changes": FULL_CHANGES},
    {"provider": "fake", "baseline_model": "fake:bow", "method": "mlp", "status": "failed",
     "custom_model": {"id": "adapter-3333", "path": None}, "timings": {"finetune": 1.0},
     "reused": False, "classifier_calibration": {}, "embedding_calls": 2, "texts_sent": 7,
     "baseline_embedding_calls": 3, "baseline_texts_sent": 40,
     "error": "EmbeddingError: boom", "metrics": {"baseline": FIGURES["base"]}},
    {"provider": "other", "baseline_model": "other:two", "method": "adapter",
     "status": "failed", "custom_model": None, "timings": {}, "reused": False,
     "classifier_calibration": {}, "embedding_calls": 0, "texts_sent": 0,
     "baseline_embedding_calls": 1, "baseline_texts_sent": 0,
     "error": "its baseline failed: AuthenticationError: 401", "metrics": {}},
]


def test_candidate_entries() -> None:
    """Each candidate's entry: cost (its own and its baseline's), metrics of the sides that
    were scored, and the confusion changes only when both were."""
    made, runs = _board()
    entries = [candidate_entry(runs[i], model_path(made, runs[i])) for i in (A1, A2, A3, B1)]
    assert entries == EXPECTED_CANDIDATES


def test_a_candidate_scored_against_a_failed_baseline_has_no_changes() -> None:
    _, runs = _board()
    runs[A].evaluation = None
    entry = candidate_entry(runs[A1], "x")
    assert entry["metrics"] == {"custom": FIGURES["adapter"]}
    assert "confusion_changes" not in entry


def test_the_candidates_report() -> None:
    """``report.json``'s sections: split, candidates, leaderboard, per-class F1 (columns in
    leaderboard order) and the skipped pairs."""
    split = SplitInfo(train=4, validation=1, test=2, overlap=0, source="split", held_out=1)
    made, _ = _board(split=split, skipped=["other + full: cannot finetune"])
    f1 = {name: _f1(name) for name in PREDICTED}
    none = dict.fromkeys(["fake · mlp", "other:two · baseline", "other:two · adapter"])
    assert candidates_report(made) == {
        "split": {"train": 4, "validation": 1, "test": 2, "overlap": 0, "source": "split",
                  "overlap_examples": [], "held_out_for_early_stopping": 1},
        "candidates": EXPECTED_CANDIDATES,
        "leaderboard": EXPECTED_ROWS,
        "per_class_f1": {
            "columns": ["fake · baseline", "fake · adapter", "fake · full", "fake · mlp",
                        "other:two · baseline", "other:two · adapter", "fake · full · clean"],
            "classes": {label: {"fake · baseline": f1["base"][k],
                                "fake · adapter": f1["adapter"][k],
                                "fake · full": f1["full"][k], **none,
                                "fake · full · clean": f1["clean"][k]}
                        for k, label in enumerate(CLASSES)}},
        "skipped": ["other + full: cannot finetune"]}


@pytest.mark.parametrize("clean_ok", [True, False])
def test_the_candidates_report_without_split_skips_or_clean(clean_ok: bool) -> None:
    """No split and no skipped pair: no such keys; a failed clean model: no column."""
    made, _ = _board(clean_ok=clean_ok)
    report = candidates_report(made)
    assert list(report) == ["candidates", "leaderboard", "per_class_f1"]
    columns = report["per_class_f1"]["columns"]
    assert columns[-1] == ("fake · full · clean" if clean_ok else "other:two · adapter")
    assert len(columns) == (7 if clean_ok else 6)
