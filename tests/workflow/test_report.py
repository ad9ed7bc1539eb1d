"""The report directory: what it holds, that it is written atomically, and that it is safe."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import embedlab
import numpy as np
import pytest
from embedlab._evaluation import METRIC_NAMES, evaluate
from embedlab.visualizers import html as html_visualizer
from reference_scores import assert_saved_report_recomputes

from .conftest import write_subset


def _partials(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def test_comparison_has_both_sides_on_the_same_split(fake_comparison: embedlab.Comparison
                                                     ) -> None:
    c = fake_comparison
    assert set(c.metrics) == {"baseline", "custom"}
    for side in c.metrics.values():
        assert list(side) == list(METRIC_NAMES)
    assert len(c.train) + len(c.test) == len(c.dataset) == 30
    assert c.embeddings["baseline_test"].shape[0] == c.embeddings["custom_test"].shape[0] == 9
    assert [p.labels for p in c.projections] == [list(c.test.labels)] * 2
    assert c.custom_model.method == "adapter"
    assert c.deltas["accuracy"] == pytest.approx(
        c.metrics["custom"]["accuracy"] - c.metrics["baseline"]["accuracy"])
    assert "fake:bow" in repr(c)


def test_save_writes_the_documented_directory(fake_comparison: embedlab.Comparison,
                                              tmp_path: Path) -> None:
    out = fake_comparison.save(tmp_path / "run")
    for name in ("report.html", "report.json", "comparison.png", "model/embedlab.json",
                 "embeddings/baseline_test.npy", "embeddings/custom_train.npy",
                 "embeddings/ids.json"):
        assert (out / name).is_file(), name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for side in ("baseline", "custom"):
        for name in METRIC_NAMES:
            assert isinstance(report["metrics"][side][name], (float, int)), (side, name)
    assert report["metrics"]["custom"]["accuracy"] == fake_comparison.metrics["custom"][
        "accuracy"]
    dataset = report["dataset"]
    assert dataset["rows"] == 30 and dataset["classes"] == ["airfare", "airline",
                                                             "ground_service"]
    assert dataset["fingerprint"] == fake_comparison.dataset.fingerprint
    assert Path(dataset["path"]).name == "tiny.csv"
    assert report["provider"] == "fake" and report["baseline_model"] == "fake:bow"
    assert report["custom_model"]["id"] == fake_comparison.custom_model.id
    assert report["custom_model"]["method"] == "adapter"
    assert report["settings"]["test_size"] == 0.3
    assert {"load", "embed_baseline", "finetune", "evaluate", "render"} <= set(
        report["timings"])
    assert report["versions"]["embedlab"] == embedlab.__version__
    assert "report.html" in report["artifacts"] and "comparison.png" in report["artifacts"]
    assert not _partials(tmp_path)
    saved = np.load(out / "embeddings" / "custom_test.npy")
    np.testing.assert_allclose(saved, fake_comparison.embeddings["custom_test"], rtol=1e-6)
    ids = json.loads((out / "embeddings" / "ids.json").read_text(encoding="utf-8"))
    assert ids["test"] == list(fake_comparison.test.ids)


def test_saved_model_embeds_like_the_comparison_did(fake_comparison: embedlab.Comparison,
                                                    tmp_path: Path) -> None:
    out = fake_comparison.save(tmp_path / "run")
    texts = list(fake_comparison.test.texts)
    for name in (fake_comparison.custom_model.id, str(out / "model")):
        vectors = embedlab.get_embedder(name).embed(texts, "classification", cache=False)
        np.testing.assert_allclose(vectors, fake_comparison.embeddings["custom_test"],
                                   atol=1e-5)


def test_a_failing_artifact_is_named_and_the_rest_is_saved(
        fake_comparison: embedlab.Comparison, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> str:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(html_visualizer, "render_page", boom)
    out = fake_comparison.save(tmp_path / "run")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["artifact_errors"] == {"html": "RuntimeError: renderer crashed"}
    assert (out / "comparison.png").is_file() and (out / "model" / "embedlab.json").is_file()
    assert not (out / "report.html").exists()
    assert not _partials(tmp_path)


def test_failure_while_saving_the_model_leaves_no_report(
        fake_comparison: embedlab.Comparison, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(path: object, **options: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(fake_comparison.custom_model, "save", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        fake_comparison.save(tmp_path / "run")
    assert not (tmp_path / "run").exists()
    assert not _partials(tmp_path)


def test_interrupt_while_saving_the_model_keeps_the_earlier_report(
        fake_comparison: embedlab.Comparison, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    out = fake_comparison.save(tmp_path / "run")
    before = (out / "report.json").read_bytes()

    def interrupted(path: object, **options: object) -> None:
        Path(str(path)).mkdir()
        (Path(str(path)) / "half.bin").write_bytes(b"\0" * 10)
        raise KeyboardInterrupt

    monkeypatch.setattr(fake_comparison.custom_model, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fake_comparison.save(out, overwrite=True)
    assert (out / "report.json").read_bytes() == before
    assert not (out / "model" / "half.bin").exists()
    assert not _partials(tmp_path)


def test_saving_again_replaces_the_earlier_report_only_with_overwrite(
        fake_comparison: embedlab.Comparison, tmp_path: Path) -> None:
    out = fake_comparison.save(tmp_path / "run")
    with pytest.raises(embedlab.ConfigurationError, match="--overwrite"):
        fake_comparison.save(out)
    fake_comparison.save(out, overwrite=True)
    assert (out / "report.json").is_file()
    assert not _partials(tmp_path)


def test_never_deletes_a_file_it_did_not_write_beside_a_report(
        fake_comparison: embedlab.Comparison, tmp_path: Path) -> None:
    out = fake_comparison.save(tmp_path / "run")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "report.html").write_text("edited by hand", encoding="utf-8")
    with pytest.raises(embedlab.ConfigurationError, match=r"notes\.txt.*report\.html|did not"):
        fake_comparison.save(out, overwrite=True)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "report.html").read_text(encoding="utf-8") == "edited by hand"


def test_refuses_to_overwrite_a_directory_that_is_not_a_report(
        fake_comparison: embedlab.Comparison, tmp_path: Path) -> None:
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(embedlab.ConfigurationError, match="not empty"):
        fake_comparison.save(mine)
    assert (mine / "chapter1.tex").read_text(encoding="utf-8") == "precious"


HOSTILE = [
    ("<script>alert('x')</script> fare to boston", "airfare"),
    ("<img src=q onerror=alert(1)> fare to denver", "airfare"),
    ("shuttle </svg></div><b>loud</b>", "ground_service"),
    ("bus \" onmouseover=\"alert(3)", "ground_service"),
]


def test_report_escapes_every_dataset_string(fake_provider: str, tmp_path: Path) -> None:
    extra = [(f"{text} {i}", label) for i in range(3) for text, label in HOSTILE]
    extra += [(f"which <b>airline</b> flies to city {i}", "<i>odd</i> & class")
              for i in range(6)]
    csv_path = write_subset(tmp_path / "hostile.csv", 8, extra=extra)
    comparison = embedlab.compare(csv_path, fake_provider, method="adapter", test_size=0.4,
                                  projection="pca", max_steps=5, quiet=True, progress=False)
    out = comparison.save(tmp_path / "run")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert any("alert" in t for t in comparison.test.texts)
    for raw in ("<script>alert", "<img src=q", "</svg></div><b>loud", '" onmouseover="',
                "<i>odd</i>", "<b>airline</b>"):
        assert raw not in page
    assert "&lt;script&gt;alert" in page or "&lt;img src=q" in page
    assert "&lt;i&gt;odd&lt;/i&gt; &amp; class" in page  # the label, escaped, in the legend
    fragment = comparison._repr_html_()
    assert "<script>alert" not in fragment and fragment.count('class="el-map"') == 2


def test_api_key_never_reaches_the_report(fake_provider: str, tiny_csv: Path,
                                          tmp_path: Path) -> None:
    secret = "sk-test-DO-NOT-LEAK-1234567890"
    comparison = embedlab.compare(tiny_csv, fake_provider, method="adapter", test_size=0.3,
                                  projection="pca", max_steps=5, quiet=True, progress=False,
                                  embedder_options={"api_key": secret})
    assert comparison.settings["embedder_options"] == {"api_key": "***"}
    out = comparison.save(tmp_path / "run")
    for path in out.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in repr(comparison) and secret not in comparison._repr_html_()


def test_compare_without_a_dataset_uses_the_sample(fake_provider: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    comparison = embedlab.compare(provider=fake_provider, method="adapter", projection="pca",
                                  max_steps=5, progress=False)
    assert comparison.dataset.fingerprint == embedlab.load_sample_dataset().fingerprint
    assert len(comparison.test) == math.ceil(0.2 * len(comparison.dataset))  # sklearn rounds up
    err = capsys.readouterr().err
    assert "shipped airline-intents sample" in err
    # 9 steps: the label audit of the train split runs by default.
    assert "[1/9] load ..." in err and "[9/9] project to 2-D (pca) done" in err


class _CountingPlugin:
    """Registers provider ``counted``: one shared FakeEmbedder, so the test can read its
    request counter after the run."""

    def __init__(self) -> None:
        from embedlab.testing import FakeEmbedder

        self.embedder = FakeEmbedder(max_batch_size=8)

    @embedlab.hookimpl
    def embedlab_register_embedders(self, register: Any) -> None:
        register("counted", lambda model, **options: self.embedder, default_model="bow")


def test_each_text_is_sent_to_the_provider_once(tiny_csv: Path) -> None:
    from embedlab.testing import use_plugin

    plugin = _CountingPlugin()
    with use_plugin(plugin, "counted-provider"):
        comparison = embedlab.compare(tiny_csv, "counted", method="adapter", test_size=0.3,
                                      projection="pca", max_steps=5, quiet=True,
                                      progress=False)
    # 30 distinct texts in requests of 8: the adapter's training and the custom model's
    # embeddings reuse the cached baseline vectors instead of asking the provider again.
    assert plugin.embedder.texts_embedded == 30
    assert plugin.embedder.calls == 4
    assert comparison.custom_model.method == "adapter"


class _VersionedPlugin:
    """An in-process provider whose registrations name the libraries it runs on."""

    @staticmethod
    def _factory(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("collect_versions must not build the provider")

    @embedlab.hookimpl
    def embedlab_register_embedders(self, register: Any) -> None:
        register("versioned", self._factory, requires=["click"])

    @embedlab.hookimpl
    def embedlab_register_finetuners(self, register: Any) -> None:
        register("versioned", self._factory, method="full", requires=["jsonschema.validators"])


def test_versions_name_the_libraries_the_provider_registered() -> None:
    from importlib import metadata

    from embedlab._compare.report import collect_versions
    from embedlab._plugins import register_plugin, unregister_plugin

    register_plugin(_VersionedPlugin(), "versioned-test")
    try:
        versions = collect_versions("versioned")
        other = collect_versions("fake")
    finally:
        unregister_plugin("versioned-test")
    assert versions["click"] == metadata.version("click")
    assert versions["jsonschema"] == metadata.version("jsonschema")  # a submodule's owner
    assert "click" not in other and "jsonschema" not in other
    assert {"embedlab", "python", "numpy"} <= set(versions) & set(other)


def test_every_reported_score_recomputes_from_the_saved_vectors(
        fake_comparison: embedlab.Comparison, tmp_path: Path) -> None:
    """report.json's metrics for each side equal scikit-learn's on that side's saved vectors
    (so a baseline given the custom model's scores, or the other way round, fails here)."""
    out = fake_comparison.save(tmp_path / "run")
    report = assert_saved_report_recomputes(out, fake_comparison.dataset)
    for side in ("baseline", "custom"):
        vectors = fake_comparison.embeddings
        assert fake_comparison.metrics[side] == pytest.approx(evaluate(
            vectors[f"{side}_train"], fake_comparison.train.labels, vectors[f"{side}_test"],
            fake_comparison.test.labels, seed=42).headline(), rel=1e-6)
    assert report["deltas"]["silhouette"] == pytest.approx(
        report["metrics"]["custom"]["silhouette"] - report["metrics"]["baseline"]["silhouette"])
    # the two sides really differ, so swapping them cannot pass unnoticed
    assert report["metrics"]["custom"]["silhouette"] != pytest.approx(
        report["metrics"]["baseline"]["silhouette"], abs=0.01)
