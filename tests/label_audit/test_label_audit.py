"""``embedlab.audit``: the mislabelled rows and the overlapping classes, found for real with a
probe on (fake) embeddings and cleanlab."""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path
from typing import Any

import embedlab
import pytest
from embedlab._label_audit import SUSPECT_COLUMNS, audit_vectors

from ._data import FLIPS, VOCAB, clean_records, write_csv


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_flags_the_flipped_rows_with_their_true_class(fake_provider: str,
                                                       noisy_csv: Path) -> None:
    before = _digest(noisy_csv)
    result = embedlab.audit(noisy_csv, fake_provider, progress=False)
    assert _digest(noisy_csv) == before, "the audit must never modify its input"
    flagged = {s.index: s for s in result.suspects}
    assert set(FLIPS) <= set(flagged)
    assert len(result.suspects) <= len(FLIPS) + 2  # a clean row is rarely flagged
    truth = clean_records()
    for i, given in FLIPS.items():
        suspect = flagged[i]
        assert suspect.row == i + 1  # 1-based data row, header not counted
        assert suspect.label == given
        assert suspect.suggested == truth[i]["label"]
        assert suspect.text == truth[i]["text"]
        assert suspect.confidence > suspect.label_probability
    # Worst first: the given label's probability never decreases down the list.
    scores = [s.label_probability for s in result.suspects]
    assert scores == sorted(scores)
    assert result.folds == 5 and result.rows == 200 and result.embedder == "fake:bow"
    assert result.probabilities is not None and result.probabilities.shape == (200, 4)


def test_clean_data_flags_nothing(fake_provider: str) -> None:
    data = embedlab.Dataset.from_records(clean_records())
    result = embedlab.audit(data, fake_provider, progress=False)
    assert result.suspects == [] and result.overlaps == []


def test_same_seed_same_result(fake_provider: str, noisy_dataset: embedlab.Dataset) -> None:
    first = embedlab.audit(noisy_dataset, fake_provider, seed=3, progress=False)
    second = embedlab.audit(noisy_dataset, fake_provider, seed=3, progress=False)
    assert first.suspects == second.suspects


def test_classes_that_overlap_both_ways_are_paired_with_examples(fake_provider: str) -> None:
    # "music" and "concerts" are one topic with two labels given at random: the labels mix
    # them up in both directions; "weather" and "food" stay apart.
    rng = random.Random(1)
    records = [r for r in clean_records() if r["label"] != "travel"]
    for record in records:
        if record["label"] == "music" and rng.random() < 0.5:
            record["label"] = "concerts"
    result = embedlab.audit(embedlab.Dataset.from_records(records), fake_provider,
                            progress=False)
    assert result.overlaps, result
    pair = result.overlaps[0]
    assert {pair.class_a, pair.class_b} == {"concerts", "music"}
    assert pair.a_as_b >= 2 and pair.b_as_a >= 2 and pair.count == pair.a_as_b + pair.b_as_a
    assert pair.examples_a_as_b and pair.examples_b_as_a
    music_words = set(VOCAB["music"].split())
    for text in pair.examples_a_as_b + pair.examples_b_as_a:
        assert set(text.split()) <= music_words
    assert all({o.class_a, o.class_b} == {"concerts", "music"} for o in result.overlaps)


def test_a_class_smaller_than_the_folds_gets_fewer_folds(fake_provider: str) -> None:
    records = clean_records(per_class=20)
    small = [r for r in records if r["label"] == "travel"][:3]
    records = [r for r in records if r["label"] != "travel"] + small
    result = embedlab.audit(embedlab.Dataset.from_records(records), fake_provider,
                            progress=False)
    assert result.folds == 3
    assert any("'travel' has only 3 rows" in note for note in result.notes)


def test_a_class_with_one_row_is_a_clear_error() -> None:
    records = clean_records(per_class=10)
    data = embedlab.Dataset.from_records([*records, {"text": "a lone row", "label": "lone"}])
    with pytest.raises(embedlab.DatasetError, match=r"'lone'.*at least 2"):
        audit_vectors(data, [[1.0, 0.0]] * len(data))


def test_invalid_data_names_the_row(fake_provider: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", [*clean_records(per_class=5),
                                            {"text": "", "label": "music"}])
    with pytest.raises(embedlab.DatasetValidationError, match="row 21"):
        embedlab.audit(path, fake_provider, progress=False)


def test_each_distinct_text_is_embedded_once_through_the_cache(noisy_csv: Path) -> None:
    from embedlab.testing import FakeEmbedder, use_plugin

    embedder = FakeEmbedder(max_batch_size=16)

    class Counted:
        @embedlab.hookimpl
        def embedlab_register_embedders(self, register: Any) -> None:
            register("counted", lambda model, **options: embedder, default_model="bow")

    rows = list(csv.DictReader(noisy_csv.open(encoding="utf-8")))
    with_duplicates = write_csv(noisy_csv.with_name("dup.csv"), rows + rows[:10])
    with use_plugin(Counted(), "counted-provider"):
        first = embedlab.audit(with_duplicates, "counted", progress=False)
        assert embedder.texts_embedded == 200  # 210 rows, 200 distinct texts
        embedder.reset_counters()
        second = embedlab.audit(with_duplicates, "counted", progress=False)
        assert embedder.texts_embedded == 0, "a second audit must read the cache"
    assert [s.row for s in first.suspects] == [s.row for s in second.suspects]


def test_save_writes_the_files_and_replaces_only_its_own(
        fake_provider: str, noisy_dataset: embedlab.Dataset, tmp_path: Path) -> None:
    result = embedlab.audit(noisy_dataset, fake_provider, progress=False)
    out = result.save(tmp_path / "audit")
    with (out / "suspects.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == SUSPECT_COLUMNS
    assert [int(r["row"]) for r in rows] == [s.row for s in result.suspects]
    assert {int(r["row"]) for r in rows} >= {i + 1 for i in FLIPS}
    record = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert record["suspect_count"] == len(result.suspects) and record["folds"] == 5
    assert (out / "overlapping_classes.csv").is_file()
    assert not list(tmp_path.glob(".audit*")), "no staging directory left"
    with pytest.raises(embedlab.ConfigurationError, match="overwrite"):
        result.save(out)  # an earlier audit is replaced only when asked
    result.save(out, overwrite=True)

    # Notes added to the audit's own file: it is no longer embedlab's, so it is kept.
    with (out / "suspects.csv").open("a", encoding="utf-8") as fh:
        fh.write("my note\n")
    with pytest.raises(embedlab.ConfigurationError, match=r"suspects\.csv"):
        result.save(out, overwrite=True)
    assert (out / "suspects.csv").read_text(encoding="utf-8").endswith("my note\n")

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    with pytest.raises(embedlab.ConfigurationError, match="not written by embedlab"):
        result.save(foreign, overwrite=True)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_suspects_become_a_dataframe(fake_provider: str,
                                     noisy_dataset: embedlab.Dataset) -> None:
    result = embedlab.audit(noisy_dataset, fake_provider, progress=False)
    frame = result.to_frame()
    assert list(frame.columns) == list(SUSPECT_COLUMNS)
    assert len(frame) == len(result.suspects)
    assert sorted(frame["row"]) == sorted(s.row for s in result.suspects)


def test_missing_cleanlab_is_a_clear_error(fake_provider: str, noisy_csv: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "cleanlab", None)  # import cleanlab → ImportError
    with pytest.raises(embedlab.ConfigurationError, match=r"pip install 'embedlab\[audit\]'"):
        embedlab.audit(noisy_csv, fake_provider, progress=False)
