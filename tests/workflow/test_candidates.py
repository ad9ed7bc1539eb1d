"""Your own splits, and several (provider, method) candidates in one comparison (issue 12)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import embedlab
import pytest
from click.testing import CliRunner
from embedlab._errors import AuthenticationError, DatasetError
from embedlab.cli import cli
from embedlab.hookspecs import hookimpl
from embedlab.testing import FakeEmbedder, use_fake_provider
from embedlab.testing.temporary_plugins import use_plugin

from .conftest import write_subset


def _write(path: Path, rows: Sequence[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def _rows(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [(r["text"], r["label"]) for r in csv.DictReader(fh)]


class _Counted:
    """Providers ``counted`` (FakeEmbedder, every instance kept to count its requests) and
    ``broken`` (refuses every request with a 401, like a wrong API key)."""

    def __init__(self) -> None:
        self.made: list[FakeEmbedder] = []

    def texts_embedded(self, model: str) -> int:
        return sum(e.texts_embedded for e in self.made if e.model == model)

    @hookimpl
    def embedlab_register_embedders(self, register: Any) -> None:
        class Counted(FakeEmbedder):
            provider = "counted"
            runs_locally = False  # stands in for a billed service: a dry run counts tokens

        def counted(model: str, **options: Any) -> FakeEmbedder:
            embedder = Counted(model, **options)
            self.made.append(embedder)
            return embedder

        class Broken(FakeEmbedder):
            provider = "broken"

            def embed_batch(self, texts: Sequence[str], input_type: str | None) -> Any:
                raise AuthenticationError("broken: 401 invalid api key", provider="broken",
                                          status=401)

        register("counted", counted, default_model="one", models=["one", "two"],
                 description="counting fake")
        register("broken", lambda model, **o: Broken(model, **o), default_model="x",
                 models=["x"], description="always 401")


@pytest.fixture
def counted() -> Iterator[_Counted]:
    plugin = _Counted()
    with use_plugin(plugin, "counted-test"):
        yield plugin


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """train.csv (8 a class), test.csv and validation.csv (other rows of the sample)."""
    all_rows = _rows(write_subset(tmp_path / "all.csv", 14))
    by_class: dict[str, list[tuple[str, str]]] = {}
    for row in all_rows:
        by_class.setdefault(row[1], []).append(row)
    train = [r for rows in by_class.values() for r in rows[:8]]
    test = [r for rows in by_class.values() for r in rows[8:12]]
    validation = [r for rows in by_class.values() for r in rows[12:14]]
    return {"train": _write(tmp_path / "train.csv", train),
            "test": _write(tmp_path / "test.csv", test),
            "validation": _write(tmp_path / "validation.csv", validation)}


def _compare(data: Any, provider: Any = "fake", **kw: Any) -> embedlab.Comparison:
    kw.setdefault("method", "adapter")
    return embedlab.compare(data, provider, projection="pca", max_steps=10, quiet=True,
                            progress=False, **kw)


def test_own_test_and_validation_files(files: dict[str, Path], tmp_path: Path) -> None:
    with use_fake_provider():
        result = _compare(files["train"], test=files["test"], validation=files["validation"])
        saved = result.save(tmp_path / "run")
    assert len(result.train) == 24 and len(result.test) == 12
    assert set(result.test.texts) == {t for t, _ in _rows(files["test"])}
    # The validation set reached the finetuner instead of a share held out of train.
    assert result.custom_model.metrics["validation"] == "given"
    assert result.custom_model.metrics["validation_rows"] == 6
    split = json.loads((saved / "report.json").read_text())["split"]
    files_seen = {key: split.pop(key) for key in ("test_file", "validation_file")}
    assert split == {"train": 24, "validation": 6, "test": 12, "overlap": 0, "source": "file",
                     "overlap_examples": []}
    assert files_seen["test_file"]["rows"] == 12 and files_seen["validation_file"]["rows"] == 6


def test_without_test_file_the_stratified_split_stays(files: dict[str, Path]) -> None:
    with use_fake_provider():
        result = _compare(files["train"], test_size=0.25)
    assert result.split is not None and result.split.source == "split"
    assert (result.split.train, result.split.test) == (18, 6)


def test_unknown_test_labels_are_listed(files: dict[str, Path], tmp_path: Path) -> None:
    bad = _write(tmp_path / "bad.csv", [*_rows(files["test"]), ("where is my bag", "lost"),
                                        ("refund please", "refunds")])
    with use_fake_provider(), pytest.raises(DatasetError) as info:
        _compare(files["train"], test=bad)
    message = str(info.value)
    assert "'lost'" in message and "'refunds'" in message and "bad.csv" in message
    with use_fake_provider(), pytest.raises(DatasetError, match=r"validation set.*'lost'"):
        _compare(files["train"], test=files["test"], validation=bad)


def test_leakage_is_warned_with_count_and_examples(files: dict[str, Path],
                                                   tmp_path: Path) -> None:
    leaked = _rows(files["train"])[:3]
    test = _write(tmp_path / "leaky.csv", [*_rows(files["test"]), *leaked])
    runner = CliRunner()
    with use_fake_provider():
        result = runner.invoke(cli, ["compare", str(files["train"]), "-p", "fake", "-m",
                                     "adapter", "--test", str(test), "--projection", "pca",
                                     "--max-steps", "5", "-q", "--out",
                                     str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "3 of the 15 test rows' texts are also in the training data" in result.stderr
    assert leaked[0][0][:30] in result.stderr
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["split"]["overlap"] == 3
    assert report["split"]["overlap_examples"] == [t for t, _ in leaked]
    assert any("leakage" in w for w in report["dataset"]["warnings"])
    assert "leakage" in (tmp_path / "run" / "report.html").read_text()


def test_each_baseline_is_embedded_once_and_failures_are_kept(
        counted: _Counted, files: dict[str, Path], tmp_path: Path) -> None:
    result = _compare(files["train"], ["counted:one", "counted:two", "broken"],
                      method=["adapter", "full"], test=files["test"])
    # full is impossible for these providers: skipped, one line each.
    assert len(result.skipped) == 3 and all("full" in s for s in result.skipped)
    labels = [c.label for c in result.candidates]
    assert labels == ["counted:one · adapter", "counted:two · adapter", "broken · adapter"]
    # 36 distinct texts, each sent once per baseline model, never again by the adapters.
    assert counted.texts_embedded("one") == 36 and counted.texts_embedded("two") == 36
    assert [c.status for c in result.candidates] == ["ok", "ok", "failed"]
    assert "401" in (result.failed[0].error or "")
    rows = result.leaderboard
    assert [r["kind"] for r in rows] == ["baseline", "custom"] * 3
    assert rows[0]["texts_sent"] == 36 and rows[1]["texts_sent"] == 0
    assert rows[5]["status"] == "failed" and rows[5]["accuracy"] is None
    saved = result.save(tmp_path / "run")
    report = json.loads((saved / "report.json").read_text())
    assert [c["status"] for c in report["candidates"]] == ["ok", "ok", "failed"]
    assert report["candidates"][1]["custom_model"]["path"] == "models/counted_two-adapter"
    assert (saved / "models" / "counted_two-adapter" / "embedlab.json").is_file()
    assert set(report["metrics"]) == {"baseline", "custom"}  # the single-run keys stay
    assert set(report["candidates"][0]["metrics"]["custom"]) == set(result.metrics["custom"])
    # A rerun with one more candidate pays only for that one (everything is cached).
    before = counted.texts_embedded("one") + counted.texts_embedded("two")
    _compare(files["train"], ["counted:one", "counted:two"], test=files["test"])
    assert counted.texts_embedded("one") + counted.texts_embedded("two") == before


def test_cli_several_candidates_exit_non_zero_naming_the_failed(
        counted: _Counted, files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, [
        "compare", str(files["train"]), "-p", "counted", "-p", "broken", "-m", "adapter",
        "-m", "full", "--test", str(files["test"]), "--projection", "pca", "--max-steps",
        "5", "-q", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "candidate broken · adapter failed" in result.stderr
    assert "counted · adapter" in result.output  # the leaderboard
    assert (out / "report.json").is_file() and (out / "report.html").is_file()


def test_dry_run_lists_every_candidate(counted: _Counted, files: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, [
        "compare", str(files["train"]), "-p", "counted:one", "-p", "counted:two",
        "-m", "adapter", "-m", "full", "--test", str(files["test"]), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [(c["baseline_model"], c["method"], c["calls"], c["texts"])
            for c in plan["candidates"]] == [("counted:one", "adapter", 2, 36),
                                             ("counted:two", "adapter", 2, 36)]
    assert all(c["tokens"] > 0 for c in plan["candidates"])
    assert len(plan["skipped"]) == 2 and made_nothing(counted)
    text = CliRunner().invoke(cli, [
        "compare", str(files["train"]), "-p", "counted:one", "-p", "counted:two",
        "-m", "adapter", "--test", str(files["test"]), "--dry-run"]).output
    assert "2 candidates on one shared split" in text
    assert "counted · adapter (baseline counted:two): 2 calls, 36 texts" in text


def made_nothing(counted: _Counted) -> bool:
    """No provider request was made (a dry run embeds nothing)."""
    return all(e.calls == 0 for e in counted.made)


def test_python_api_takes_lists_and_single_run_keeps_its_shape(files: dict[str, Path]) -> None:
    with use_fake_provider():
        result = _compare(files["train"], ["fake"], method=["adapter"])
    assert len(result.candidates) == 1 and result.failed == []
    assert result.metrics["custom"] == result.candidates[0].evaluation.headline()
    import pandas

    frame = pandas.DataFrame(result.leaderboard)
    assert list(frame["kind"]) == ["baseline", "custom"] and "f1_macro" in frame


def test_report_page_leaderboard_escaped_and_many_classes_fold(counted: _Counted,
                                                               tmp_path: Path) -> None:
    rows = [(f"request number {i} about <b>x{k}</b>", f"<i>c{k}</i>")
            for k in range(25) for i in range(4)]
    data = _write(tmp_path / "many.csv", rows)
    result = _compare(data, ["counted:one", "counted:two"], test_size=0.5)
    page = result._repr_html_()
    assert "<i>c" not in page and "&lt;i&gt;c3&lt;/i&gt;" in page
    lead = page.index("<h2>Leaderboard</h2>")
    maps = page.index("Maps of the test split")
    per_class = page.index("Per-class F1 across models")
    assert lead < maps < per_class  # the maps and leaderboard come before the long table
    assert "<details class='el-per-class-all'><summary>" in page  # folded: 25 > 20 classes
    assert "★" in page and "Confusions that changed" in page
    saved = result.save(tmp_path / "run")
    from PIL import Image

    with Image.open(saved / "comparison.png") as png:  # 2 groups: two rows of maps
        assert png.height > png.width * 0.8


def test_multi_candidate_title_steps_and_cached_rows(counted: _Counted,
                                                     files: dict[str, Path],
                                                     tmp_path: Path) -> None:
    """Issue 24 item 6: the page's title names every candidate, the step total is fixed
    from the first line (a failed baseline's steps are counted as skipped), and the CLI
    table says "cached" / "reused" instead of 0 calls and 0 texts."""
    import re

    args = ["compare", str(files["train"]), "-p", "counted:one", "-p", "counted:two",
            "-p", "broken", "-m", "adapter", "--test", str(files["test"]),
            "--projection", "pca", "--max-steps", "5"]
    first = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "a")])
    assert first.exit_code == 1  # the broken candidate failed; the rest saved
    numbers = [(int(k), int(n)) for k, n in re.findall(r"^\[(\d+)/(\d+)\]", first.stderr,
                                                        re.MULTILINE)]
    totals = {n for _, n in numbers}
    # load, validate, split, 3 baselines, audit, 3 x (finetune, embed), evaluate, project,
    # render, save.
    assert totals == {3 + 3 + 1 + 6 + 2 + 2}
    assert max(k for k, _ in numbers) == totals.pop()
    assert "finetune broken · adapter: skipped (its baseline failed)" in first.stderr

    report = json.loads((tmp_path / "a" / "report.json").read_text(encoding="utf-8"))
    title = report["title"]
    assert "vs custom (adapter)" not in title
    assert title == ("train.csv: counted:one, counted:two, broken:x vs 3 custom models "
                     "(counted:one · adapter, counted:two · adapter, broken · adapter)")
    assert f"<h1>{title}</h1>" in (tmp_path / "a" / "report.html").read_text(encoding="utf-8")

    again = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "b")])
    table = {line[:34].strip(): line[34:] for line in again.stdout.splitlines()}
    assert table["counted:one · baseline"].endswith("cached")
    assert table["counted:one · adapter"].endswith("reused")
    assert not any(cells.endswith("      0      0") for name, cells in table.items()
                   if "failed" not in name)
