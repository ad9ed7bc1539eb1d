"""The run model's computed values, exactly (issue #26): each run's name, key, label and
status, and the comparison's views of its runs (which baseline and model are primary, the
drawn runs and their order, the embeddings by key, metrics and deltas, the title), on runs
built by hand (milliseconds: no training, no ``compare()``)."""

from __future__ import annotations

import numpy as np
import pytest
from embedlab._compare.runs import ComparisonData, ModelRun, slug
from embedlab._datasets.dataset import Dataset
from embedlab._visualizer import Projection

from .comparison_parts import comparison, custom_model, embedder, figures, scored, vectors

TRUE = ["a", "b", "a", "b"]
BASE = figures(0.5, 1.25, 0.5, 0.75, 0.25, 0.5, 0.125)
CUSTOM = figures(0.75, 0.5, 0.875, 0.5, 0.5, 1.0, 0.625)


@pytest.mark.parametrize("parts,expected", [
    (("baseline", "local:sentence-transformers/all-MiniLM-L6-v2"),
     "baseline-local_sentence-transformers_all-MiniLM-L6-v2"),
    (("Xenova/small model", "full"), "Xenova_small_model-full"),
    (("", "a  b", ""), "a_b"),
    (("v1.2_x-y", "adapter"), "v1.2_x-y-adapter"),
    (("__x__", ":y:"), "x__-_y"),
    (("::",), "candidate"),
    ((), "candidate"),
])
def test_slug(parts: tuple[str, ...], expected: str) -> None:
    """Non-empty parts joined by ``-``; each run of other characters one ``_``; ``_`` trimmed
    at the ends; ``candidate`` when nothing is left."""
    assert slug(*parts) == expected


def _projection(title: str) -> Projection:
    return Projection(title, np.zeros((2, 2)), ["a", "b"], ["x", "y"])


class _Runs:
    """Three baselines (``other:two``, ``fake`` and ``fake:three``, which failed) and five
    custom models: fake's adapter, its full model (the primary) and a failed mlp, other's
    adapter, and fake:three's adapter (failed with its baseline); then the clean model."""

    def __init__(self) -> None:
        fake, other, third = embedder("bow"), embedder("two", provider="other"), embedder("3")
        self.other = ModelRun("baseline", "other", "other:two", other, status="ok",
                              evaluation=scored(TRUE, TRUE, BASE), vectors=vectors(2, 3, 0),
                              projection=_projection("other"))
        self.base = ModelRun("baseline", "fake", "fake", fake, status="ok",
                             evaluation=scored(TRUE, ["a", "a", "a", "b"], BASE),
                             vectors=vectors(2, 3, 1), projection=_projection("base"))
        self.third = ModelRun("baseline", "fake", "fake:3", third, status="failed",
                              error="OSError: gone")
        self.adapter = ModelRun("custom", "fake", "fake", fake, method="adapter",
                                baseline=self.base, status="ok",
                                custom_model=custom_model("adapter-1"),
                                evaluation=scored(TRUE, TRUE, CUSTOM), vectors=vectors(2, 3, 2),
                                projection=_projection("adapter"))
        self.full = ModelRun("custom", "fake", "fake", fake, method="full", baseline=self.base,
                             status="ok", custom_model=custom_model("local-ft-2"),
                             evaluation=scored(TRUE, TRUE, CUSTOM), vectors=vectors(2, 3, 3))
        self.mlp = ModelRun("custom", "fake", "fake", fake, method="mlp", baseline=self.base,
                            status="failed", error="ValueError: nan",
                            custom_model=custom_model("adapter-3"))
        self.other_adapter = ModelRun("custom", "other", "other:two", other, method="adapter",
                                      baseline=self.other, status="ok",
                                      custom_model=custom_model("adapter-4"),
                                      evaluation=scored(TRUE, TRUE, CUSTOM),
                                      vectors=vectors(2, 3, 4),
                                      projection=_projection("other adapter"))
        self.third_adapter = ModelRun("custom", "fake", "fake:3", third, method="adapter",
                                      baseline=self.third, status="failed",
                                      error="its baseline failed: OSError: gone")
        self.clean = ModelRun("clean", "fake", "fake", fake, method="full", baseline=self.base,
                              status="ok", custom_model=custom_model("local-ft-5"),
                              evaluation=scored(TRUE, TRUE, CUSTOM), vectors=vectors(2, 3, 5))

    def comparison(self, *, primary: ModelRun | None = None) -> ComparisonData:
        return comparison([self.other, self.base, self.third, self.adapter, self.full,
                           self.mlp, self.other_adapter, self.third_adapter, self.clean],
                          primary or self.full)


def test_each_runs_name_key_label_and_status() -> None:
    runs = _Runs()
    table = [(r.name, r.key, r.label, r.ok, r.model)
             for r in (runs.other, runs.third, runs.full, runs.mlp, runs.other_adapter,
                       runs.clean)]
    assert table == [
        ("other:two", "baseline-other_two", "other:two · baseline", True, None),
        ("fake:3", "baseline-fake_3", "fake:3 · baseline", False, None),
        ("fake:bow", "fake-full", "fake · full", True, runs.full.custom_model),
        ("fake:bow", "fake-mlp", "fake · mlp", False, runs.mlp.custom_model),
        ("other:two", "other_two-adapter", "other:two · adapter", True,
         runs.other_adapter.custom_model),
        ("fake:bow", "clean", "fake · full · clean", True, runs.clean.custom_model),
    ]


def test_a_custom_run_without_a_method_is_keyed_by_its_provider() -> None:
    run = ModelRun("custom", "other", "other:two", embedder("two", provider="other"))
    assert (run.key, run.label, run.status, run.ok) == (
        "other_two", "other:two · None", "pending", False)


def test_train_rows_of_a_clean_model() -> None:
    run = _Runs().clean
    assert run.train_rows == 0
    run.train = Dataset(["x", "y", "z"], ["a", "b", "a"])
    assert run.train_rows == 3


def test_fail_records_the_exception_and_one_line() -> None:
    run = _Runs().full
    exc = ValueError("row 3: empty text")
    assert run.fail(exc) == "ValueError: row 3: empty text"
    assert (run.status, run.error, run.exception, run.ok) == (
        "failed", "ValueError: row 3: empty text", exc, False)


def test_the_comparisons_roles() -> None:
    """Baselines and candidates in run order, failed ones too; the primary's baseline,
    provider and model; the failed candidates."""
    runs = _Runs()
    made = runs.comparison()
    assert made.baselines == [runs.other, runs.base, runs.third]
    assert made.candidates == [runs.adapter, runs.full, runs.mlp, runs.other_adapter,
                               runs.third_adapter]
    assert made.failed == [runs.mlp, runs.third_adapter]
    assert made.base is runs.base
    assert (made.provider, made.baseline_model) == ("fake", "fake:bow")
    assert made.custom_model is runs.full.custom_model
    assert made.clean is runs.clean
    assert made.evaluations == {"baseline": runs.base.evaluation,
                                "custom": runs.full.evaluation}


@pytest.mark.parametrize("unscored", ["base", "full"])
def test_the_primary_pair_must_be_scored(unscored: str) -> None:
    """``evaluations`` (and so ``metrics``, ``deltas``) refuses a comparison whose primary
    baseline or custom model has no evaluation, rather than give ``None`` for one side."""
    runs = _Runs()
    getattr(runs, unscored).evaluation = None
    with pytest.raises(AssertionError):
        runs.comparison().evaluations  # noqa: B018


def test_a_failed_clean_model_is_no_clean_model() -> None:
    runs = _Runs()
    runs.clean.status = "failed"
    assert runs.comparison().clean is None


def test_the_runs_drawn_and_their_maps_in_order() -> None:
    """The primary's baseline first with its working custom models (the primary first),
    then each other scored baseline with its own; a failed baseline and failed models are
    not drawn."""
    runs = _Runs()
    made = runs.comparison()
    assert made.shown == [runs.base, runs.full, runs.adapter, runs.other, runs.other_adapter]
    assert [p.title for p in made.projections] == ["base", "adapter", "other",
                                                   "other adapter"]
    made = runs.comparison(primary=runs.adapter)
    assert made.shown == [runs.base, runs.adapter, runs.full, runs.other, runs.other_adapter]
    failed_first = comparison([runs.third, runs.other, runs.base, runs.adapter, runs.full,
                               runs.other_adapter], runs.full)
    assert failed_first.shown == [runs.base, runs.full, runs.adapter, runs.other,
                                  runs.other_adapter]


def test_the_embeddings_by_key() -> None:
    """The primary pair's as ``baseline_*`` / ``custom_*``, the clean model's as
    ``clean_*``, every other drawn run's under its key: the runs' own arrays."""
    runs = _Runs()
    expected = [("baseline", runs.base), ("custom", runs.full), ("clean", runs.clean),
                ("fake-adapter", runs.adapter), ("baseline-other_two", runs.other),
                ("other_two-adapter", runs.other_adapter)]
    out = runs.comparison().embeddings
    assert list(out) == [f"{name}_{part}" for name, _ in expected for part in ("train", "test")]
    assert all(out[f"{name}_{part}"] is run.vectors[part]
               for name, run in expected for part in ("train", "test"))
    runs.clean.status = "failed"
    assert list(runs.comparison().embeddings)[4:6] == ["fake-adapter_train", "fake-adapter_test"]


def test_metrics_and_deltas_are_custom_minus_baseline() -> None:
    made = _Runs().comparison()
    assert made.metrics == {"baseline": BASE, "custom": CUSTOM}
    assert made.deltas == {"accuracy": 0.25, "log_loss": -0.75, "f1_macro": 0.375,
                           "precision_macro": -0.25, "recall_macro": 0.25,
                           "knn_accuracy": 0.5, "silhouette": 0.5}


def test_the_title_names_every_baseline_and_candidate() -> None:
    made = _Runs().comparison()
    assert made.title == ("tiny: other:two, fake:bow, fake:3 vs 5 custom models (fake · "
                          "adapter, fake · full, fake · mlp, other:two · adapter, fake:3 · "
                          "adapter)")


def test_the_title_of_one_and_two_candidates() -> None:
    """One candidate: its baseline against its custom model's method; two: the list."""
    runs = _Runs()
    one = comparison([runs.base, runs.adapter], runs.adapter)
    assert one.title == "tiny: fake:bow vs custom (adapter)"
    two = comparison([runs.base, runs.adapter, runs.full], runs.full)
    assert two.title == "tiny: fake:bow vs 2 custom models (fake · adapter, fake · full)"
