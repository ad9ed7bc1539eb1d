"""The label audit inside ``compare``: on the train split with the baseline vectors, in the
report (escaped, linked to the baseline map), and the clean candidate with ``clean=True``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import embedlab
import pytest
from click.testing import CliRunner
from embedlab._custom_models import find_custom_model
from embedlab.cli import cli
from embedlab.testing import FakeEmbedder, use_plugin

from ._data import FLIPS, clean_records, noisy_records, write_csv

_RUN = {"method": "adapter", "projection": "pca", "max_steps": 10, "quiet": True,
        "progress": False}


class _Counted:
    """Provider ``counted``: one shared FakeEmbedder whose traffic the test reads."""

    def __init__(self) -> None:
        self.embedder = FakeEmbedder(max_batch_size=16)

    @embedlab.hookimpl
    def embedlab_register_embedders(self, register: Any) -> None:
        register("counted", lambda model, **options: self.embedder, default_model="bow")


#: A class name with markup: it is shown in the "Rows to check" table.
_HOSTILE = '<b onclick="x()">food</b> & co'


def _hostile_noisy_csv(path: Path) -> Path:
    """The noisy data with the class "food" renamed to :data:`_HOSTILE`."""
    records = [{**r, "label": _HOSTILE if r["label"] == "food" else r["label"]}
               for r in noisy_records()]
    return write_csv(path, records)


def test_audit_in_compare_reuses_the_baseline_vectors_and_cleans(tmp_path: Path) -> None:
    path = _hostile_noisy_csv(tmp_path / "noisy.csv")
    plugin = _Counted()
    with use_plugin(plugin, "counted-provider"):
        comparison = embedlab.compare(path, "counted", clean=True, **_RUN)
        # 200 distinct texts: the audit, both adapters and both custom models reuse the
        # cached baseline vectors instead of asking the provider again.
        assert plugin.embedder.texts_embedded == 200
        out = comparison.save(tmp_path / "run")

    audit, clean = comparison.audit, comparison.clean
    assert audit is not None and clean is not None
    train_ids = set(comparison.train.ids)
    flipped_in_train = {str(i + 1) for i in FLIPS} & train_ids
    assert flipped_in_train and flipped_in_train <= {s.id for s in audit.suspects}
    assert {s.id for s in audit.suspects} <= train_ids
    assert clean.removed == sorted((s.id for s in audit.suspects), key=int)
    assert clean.train_rows == len(comparison.train) - len(audit.suspects)
    assert clean.evaluation.test_size == len(comparison.test)
    assert clean.model.id != comparison.custom_model.id

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["audit"]["suspect_count"] == len(audit.suspects)
    assert report["audit"]["suspects"][0]["map_tag"] == "1"
    assert report["clean_candidate"]["removed_rows"] == len(audit.suspects)
    assert set(report["clean_candidate"]["deltas_vs_custom"]) >= {"accuracy", "f1_macro"}
    assert report["settings"]["audit"] == {"enabled": True, "clean": True, "skipped": None}
    assert (out / "suspects.csv").is_file()
    card = json.loads((out / "model-clean" / "embedlab.json").read_text(encoding="utf-8"))
    assert card["id"] == clean.model.id and "classifier" in card  # it can classify too
    found = find_custom_model(clean.model.id)  # its id points at where the report lives
    assert found is not None and found.resolve() == (out / "model-clean").resolve()

    page = (out / "report.html").read_text(encoding="utf-8")
    for heading in ("Rows to check", "Overlapping classes",
                    "Custom model trained without the rows to check"):
        assert heading in page
    assert _HOSTILE not in page
    assert "<td>&lt;b onclick=&quot;x()&quot;&gt;food&lt;/b&gt; &amp; co</td>" in page
    assert "<td class='el-num'>61</td>" in page  # row 61: music labelled as food
    links = re.findall(r"href='#([^']+)'", page)
    assert len(links) == len(audit.suspects)
    for anchor in links:  # every row of the table points at its mark on the baseline map
        assert f'id="{anchor}"' in page
    # Issue 24 item 6: the marks' numbers overlapped; they show on hover, when linked to, or
    # all at once with the map's toggle, never all by default.
    assert page.count('class="el-toggle" data-toggle="sus-numbers"') == 1
    assert ".el-report .el-sus text{display:none;" in page
    assert ".el-report .el-sus:hover text,.el-report .el-sus:target text," in page


def test_audit_off_and_clean_without_audit(fake_provider: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "noisy.csv", noisy_records())
    with pytest.raises(embedlab.ConfigurationError, match="needs the audit"):
        embedlab.compare(path, fake_provider, audit=False, clean=True, **_RUN)
    comparison = embedlab.compare(path, fake_provider, audit=False, **_RUN)
    assert comparison.audit is None and comparison.clean is None
    out = comparison.save(tmp_path / "run")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "audit" not in report and "clean_candidate" not in report
    assert not (out / "suspects.csv").exists()
    assert "Rows to check" not in (out / "report.html").read_text(encoding="utf-8")


def test_an_audit_that_cannot_run_does_not_sink_the_comparison(
        fake_provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "cleanlab", None)  # the audit extra is not installed
    path = write_csv(tmp_path / "noisy.csv", noisy_records())
    comparison = embedlab.compare(path, fake_provider, clean=True, **_RUN)
    assert comparison.audit is None and comparison.clean is None
    out = comparison.save(tmp_path / "run")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "pip install 'embedlab[audit]'" in report["audit"]["skipped"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "did not run" in page and "embedlab[audit]" in page
    assert not (out / "suspects.csv").exists()


def test_a_small_class_gets_fewer_folds_in_compare(fake_provider: str,
                                                   tmp_path: Path) -> None:
    records = clean_records(per_class=12)
    records += [{"text": f"{w} visa passport", "label": "rare"} for w in ("one", "two", "three")]
    path = write_csv(tmp_path / "rare.csv", records)
    comparison = embedlab.compare(path, fake_provider, test_size=0.25, **_RUN)
    assert comparison.audit is not None and comparison.audit.folds == 2
    assert any("'rare' has only 2 rows" in note for note in comparison.audit.notes)


def test_compare_cli_clean_and_no_audit(fake_provider: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "noisy.csv", noisy_records())
    runner = CliRunner()
    common = ["--provider", fake_provider, "--method", "adapter", "--projection", "pca",
              "--max-steps", "10"]
    result = runner.invoke(cli, ["compare", str(path), *common, "--out",
                                 str(tmp_path / "a"), "--clean"])
    assert result.exit_code == 0, result.output
    assert "audit the training labels" in result.stderr
    assert "train rows to check" in result.stdout and "without those rows" in result.stdout
    assert (tmp_path / "a" / "model-clean").is_dir()

    result = runner.invoke(cli, ["compare", str(path), *common, "--out",
                                 str(tmp_path / "b"), "--no-audit", "--json", "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "rows_to_check" not in data and "clean_candidate" not in data


def test_dry_run_tells_about_the_audit_and_the_clean_candidate(fake_provider: str,
                                                               tmp_path: Path) -> None:
    path = write_csv(tmp_path / "noisy.csv", noisy_records())
    runner = CliRunner()
    base = ["compare", str(path), "-p", fake_provider, "-o", str(tmp_path / "r"), "--dry-run"]
    result = runner.invoke(cli, [*base, "--clean"])
    assert result.exit_code == 0, result.output
    assert "label audit: the 160 train rows" in result.stdout
    assert "clean candidate: a second adapter finetune" in result.stdout
    result = runner.invoke(cli, [*base, "--no-audit"])
    assert result.exit_code == 0 and "label audit: off" in result.stdout
    result = runner.invoke(cli, [*base, "--no-audit", "--clean"])
    assert result.exit_code == 2 and "needs the audit" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_clean_full_finetune_embeds_twice_in_the_plan() -> None:
    from embedlab._compare.plan import ComparisonPlan

    plan = ComparisonPlan(dataset="d", rows=10, classes={"a": 5, "b": 5}, train_rows=8,
                          test_rows=2, distinct_texts=10, baseline_model="m", max_batch_size=4,
                          baseline_batches=3, method="full", custom_batches=3, local=True,
                          out="o")
    assert plan.provider_calls == 6
    plan.clean = True
    assert plan.provider_calls == 9


def test_a_failing_clean_model_is_skipped_and_the_rest_saved(fake_provider: str,
                                                              tmp_path: Path) -> None:
    """Issue 23 item 9: a class whose only other train row is a row to check leaves one row
    once cleaned; the clean model fails, is skipped with a warning, and everything else saves."""
    records = clean_records(per_class=12)
    records += [{"text": f"rain sun cloud forecast storm x{i}", "label": "rare"}
                for i in range(3)]
    path = write_csv(tmp_path / "rare.csv", records)
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, [
        "compare", str(path), "--provider", fake_provider, "--method", "adapter",
        "--projection", "pca", "--max-steps", "10", "--test-size", "0.25", "--clean",
        "--out", str(out)])
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.stderr.splitlines()
                   if line.startswith("warning: the model without"))
    assert "class 'rare' has 1 row" in warning and str(path) not in warning
    assert "the train split less its 1 rows to check" in warning
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["clean_candidate"] == {"skipped": report["settings"]["audit"]["clean_skipped"]}
    assert "class 'rare' has 1 row" in report["clean_candidate"]["skipped"]
    assert report["audit"]["suspect_count"] == 1
    assert (out / "model" / "embedlab.json").is_file() and (out / "suspects.csv").is_file()
    assert not (out / "model-clean").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Skipped: the model without the 1 rows to check was not trained" in page
