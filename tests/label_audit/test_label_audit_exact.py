"""The label audit, figure for figure: each number it reports against an independent reference
(scikit-learn's cross-validated probe, cleanlab called directly, counts made by hand), and
its files and text against a hand-built audit, so a changed value, name or format fails."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import cleanlab.dataset
import cleanlab.filter
import embedlab
import numpy as np
import pytest
from embedlab._label_audit import (
    Audit,
    ClassOverlap,
    Suspect,
    _overlaps,
    audit_vectors,
    out_of_fold_probabilities,
)
from embedlab.testing import FakeEmbedder, use_plugin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import normalize

from ._data import clean_records, noisy_records, write_csv


def _vectors(texts: Any, **options: Any) -> np.ndarray:
    return np.asarray(FakeEmbedder(**options).embed(list(texts), None, cache=False,
                                                   progress=False))


def _codes(data: embedlab.Dataset) -> np.ndarray:
    return np.asarray([data.classes.index(label) for label in data.labels])


def _reference_probabilities(x: np.ndarray, y: np.ndarray, folds: int,
                             seed: int) -> np.ndarray:
    """scikit-learn's own out-of-fold probabilities: the documented probe, seeded folds."""
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return np.asarray(cross_val_predict(LogisticRegression(max_iter=2000), x, y, cv=cv,
                                        method="predict_proba"))


@pytest.fixture
def eager_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    """tqdm draws every update (not one a tenth of a second), so a quick bar's count shows."""
    import tqdm.auto

    class Eager(tqdm.auto.tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "mininterval": 0})

    monkeypatch.setattr(tqdm.auto, "tqdm", Eager)


def _overlap_records(seed: int) -> list[dict[str, str]]:
    """120 rows; ~30 % of "music" relabelled "concerts" and ~8 % of "food" "weather" at
    random (seed 0: the labels mix music and concerts 2 and 14 times; seed 11: 1 and 6)."""
    rng = random.Random(seed)
    records = clean_records(per_class=30)
    for record in records:
        if record["label"] == "music" and rng.random() < 0.3:
            record["label"] = "concerts"
        elif record["label"] == "food" and rng.random() < 0.08:
            record["label"] = "weather"
    return records


@pytest.mark.parametrize(("folds", "seed"), [(3, 0), (5, 42)])
def test_probabilities_are_scikit_learns_cross_validated_probe(folds: int, seed: int) -> None:
    data = embedlab.Dataset.from_records(noisy_records())
    vectors = _vectors(data.texts)
    expected = _reference_probabilities(normalize(vectors.astype(np.float64)), _codes(data),
                                        folds, seed)
    result = audit_vectors(data, vectors, folds=folds, seed=seed, progress=False)
    assert result.probabilities is not None and result.probabilities.dtype == np.float64
    np.testing.assert_allclose(result.probabilities, expected, rtol=0, atol=1e-9)
    assert (result.folds, result.seed) == (folds, seed)


def test_a_class_code_no_row_has_gets_probability_zero() -> None:
    # Columns follow the class codes, not the order of the classes a fold's probe saw.
    x = normalize(np.asarray([[1.0, 0.1 * i] for i in range(6)]
                             + [[0.1 * i, 1.0] for i in range(6)]))
    y = np.asarray([0] * 6 + [2] * 6)
    got = out_of_fold_probabilities(x, y, 3, folds=2, seed=0, progress=False)
    np.testing.assert_array_equal(got[:, 1], np.zeros(12))
    np.testing.assert_allclose(got[:, [0, 2]], _reference_probabilities(x, y, 2, 0),
                               rtol=0, atol=1e-9)


def test_the_progress_bar_counts_folds(eager_bars: None,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = embedlab.Dataset.from_records(noisy_records())
    out_of_fold_probabilities(normalize(_vectors(data.texts)), _codes(data), 4, folds=3,
                              seed=0, progress=True)
    err = capsys.readouterr().err
    assert "audit: out-of-fold probe: 100%" in err and " 3/3 [" in err, err
    assert "fold/s]" in err or "s/fold]" in err, err
    out_of_fold_probabilities(normalize(_vectors(data.texts)), _codes(data), 4, folds=3,
                              seed=0, progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("rows", "drawn"), [(5001, True), (5000, False)])
def test_only_an_audit_of_over_5000_rows_draws_its_bar_at_once(
        rows: int, drawn: bool, eager_bars: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # On a terminal, nobody asking: a shorter audit's bar waits AUTO_DELAY_S (made an hour
    # here, so the machine's speed cannot matter) and appears only if the audit turns slow.
    monkeypatch.delenv("EMBEDLAB_PROGRESS")
    monkeypatch.setattr(embedlab.progress, "AUTO_DELAY_S", 3600.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [2500, rows - 2500])
    x = normalize(rng.normal(size=(len(y), 4)) + 3 * np.eye(4)[y])
    out_of_fold_probabilities(x, y, 2, folds=2, seed=0)
    assert (" 2/2 [" in capsys.readouterr().err) is drawn


def test_suspects_are_cleanlabs_ranked_issues_with_the_best_other_class() -> None:
    records = noisy_records()
    for i, label in ((5, "music"), (130, "music"), (190, "food")):  # more flips
        records[i] = {**records[i], "label": label}
    data = embedlab.Dataset.from_records(records, source="noisy.csv")
    result = audit_vectors(data, _vectors(data.texts), folds=4, seed=1, progress=False)
    probs, y = result.probabilities, _codes(data)
    assert probs is not None
    ranked = cleanlab.filter.find_label_issues(labels=y, pred_probs=probs,
                                               filter_by="prune_by_noise_rate",
                                               return_indices_ranked_by="self_confidence")
    expected = []
    for i in map(int, ranked):
        best = max((c for c in range(len(data.classes)) if c != y[i]),
                   key=lambda c: probs[i, c])
        expected.append(Suspect(row=i + 1, id=str(i + 1), text=records[i]["text"],
                                label=records[i]["label"], suggested=data.classes[best],
                                confidence=float(probs[i, best]),
                                label_probability=float(probs[i, y[i]]), index=i))
    assert len(expected) >= 5
    assert result.suspects == expected
    assert result.suspect_indices == [int(i) for i in ranked]
    assert result.rows == 200 and result.classes == data.classes
    assert result.dataset == "noisy.csv"


def test_the_defaults_are_five_folds_seed_42_and_two_rows_each_way(fake_provider: str) -> None:
    noisy = embedlab.Dataset.from_records(noisy_records())
    for result in (audit_vectors(noisy, _vectors(noisy.texts), progress=False),
                   embedlab.audit(noisy, fake_provider, progress=False)):
        assert (result.folds, result.seed) == (5, 42)
    data = embedlab.Dataset.from_records(_overlap_records(0))
    vectors = _vectors(data.texts)
    given = audit_vectors(data, vectors, folds=5, seed=42, min_overlap=2, progress=False)
    for result in (audit_vectors(data, vectors, progress=False),
                   embedlab.audit(data, fake_provider, progress=False)):
        assert result.suspects == given.suspects and result.overlaps == given.overlaps
    pair = given.overlaps[0]
    assert (pair.class_a, pair.class_b, pair.a_as_b, pair.b_as_a) == ("concerts", "music", 2, 14)
    assert audit_vectors(data, vectors, min_overlap=3, progress=False).overlaps == []


@pytest.mark.parametrize("min_overlap", [0, 1])
def test_min_overlap_below_one_counts_as_one(min_overlap: int) -> None:
    data = embedlab.Dataset.from_records(_overlap_records(11))
    vectors = _vectors(data.texts)
    found = audit_vectors(data, vectors, min_overlap=min_overlap, progress=False).overlaps
    assert [(o.class_a, o.class_b, o.a_as_b, o.b_as_a) for o in found] == [
        ("concerts", "music", 1, 6)]
    assert audit_vectors(data, vectors, progress=False).overlaps == []


def test_audit_takes_its_options_through(fake_provider: str, tmp_path: Path) -> None:
    records = noisy_records()
    path = tmp_path / "intents.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("utterance,intent\n")
        for r in records:
            fh.write(f"{r['text']},{r['label']}\n")
    data = embedlab.Dataset.from_records(records)
    expected = audit_vectors(data, _vectors(data.texts, dimension=16), folds=3, seed=7,
                             min_overlap=1, progress=False)
    result = embedlab.audit(path, fake_provider, folds=3, seed=7, min_overlap=1,
                            text_column="utterance", label_column="intent",
                            embedder_options={"dimension": 16}, progress=False)
    assert result.probabilities is not None and expected.probabilities is not None
    np.testing.assert_allclose(result.probabilities, expected.probabilities, atol=1e-9)
    assert (result.folds, result.seed, result.suspects) == (3, 7, expected.suspects)
    assert result.embedder == "fake:bow" and result.dataset == "intents.csv"


def test_audit_reads_a_file_in_the_encoding_given(fake_provider: str, tmp_path: Path) -> None:
    records = [{**r, "text": r["text"] + " café"} for r in noisy_records()]
    path = tmp_path / "latin.csv"
    with path.open("w", encoding="latin-1", newline="") as fh:
        fh.write("text,label\n" + "".join(f"{r['text']},{r['label']}\n" for r in records))
    result = embedlab.audit(path, fake_provider, encoding="latin-1", progress=False)
    expected = audit_vectors(embedlab.Dataset.from_records(records),
                             _vectors(r["text"] for r in records), progress=False)
    assert result.suspects == expected.suspects
    assert {s.text for s in result.suspects} <= {r["text"] for r in records}


def test_audit_counts_overlaps_with_the_min_overlap_given(fake_provider: str) -> None:
    data = embedlab.Dataset.from_records(_overlap_records(11))
    found = embedlab.audit(data, fake_provider, min_overlap=1, progress=False).overlaps
    assert [(o.class_a, o.class_b, o.a_as_b, o.b_as_a) for o in found] == [
        ("concerts", "music", 1, 6)]


def test_the_default_provider_is_the_local_model() -> None:
    data = embedlab.Dataset.from_records(clean_records(per_class=4))
    result = embedlab.audit(data, folds=2, progress=False)
    assert result.embedder == "local:all-MiniLM-L6-v2"


def test_audit_embeds_with_the_input_type_and_cache_given() -> None:
    seen: list[str | None] = []

    class Recording(FakeEmbedder):
        def embed_batch(self, texts: Any, input_type: str | None) -> np.ndarray:
            seen.append(input_type)
            return super().embed_batch(texts, input_type)

    embedder = Recording()

    class Plugin:
        @embedlab.hookimpl
        def embedlab_register_embedders(self, register: Any) -> None:
            register("recording", lambda model, **options: embedder, default_model="bow")

    data = embedlab.Dataset.from_records(noisy_records())
    with use_plugin(Plugin(), "recording-provider"):
        embedlab.audit(data, "recording", progress=False)
        embedlab.audit(data, "recording", input_type="clustering", cache=False,
                       progress=False)
        assert embedder.texts_embedded == 400, "cache=False must embed every text again"
        embedder.reset_counters()
        embedlab.audit(data, "recording", input_type="clustering", progress=False)
        assert embedder.texts_embedded == 200, "the cache keeps input types apart"
    assert set(seen[:7]) == {"classification"} and set(seen[7:]) == {"clustering"}


def test_audit_shows_its_bars_when_asked(fake_provider: str, eager_bars: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    embedlab.audit(embedlab.Dataset.from_records(noisy_records()), fake_provider,
                   progress=True)
    err = capsys.readouterr().err
    assert "audit: out-of-fold probe: 100%" in err and " 5/5 [" in err, err
    assert "embed fake:bow:  16%" in err and " 32/200 [" in err, err  # batches of 32


def test_seconds_is_the_audits_own_time() -> None:
    data = embedlab.Dataset.from_records(noisy_records())
    vectors = _vectors(data.texts)
    started = time.perf_counter()
    result = audit_vectors(data, vectors, progress=False)
    assert 0 < result.seconds <= time.perf_counter() - started


@pytest.mark.parametrize(("folds", "message"), [
    (1, "folds=1: the audit needs at least 2 folds"),
    (0, "folds=0: the audit needs at least 2 folds")])
def test_fewer_than_two_folds_is_refused(folds: int, message: str) -> None:
    data = embedlab.Dataset.from_records(clean_records(per_class=4))
    with pytest.raises(embedlab.ConfigurationError) as caught:
        audit_vectors(data, _vectors(data.texts), folds=folds, progress=False)
    assert str(caught.value) == message


def test_two_folds_and_two_classes_are_enough() -> None:
    data = embedlab.Dataset.from_records(clean_records(per_class=6)[:12])
    assert set(data.classes) == {"weather", "music"}
    result = audit_vectors(data, _vectors(data.texts), folds=2, progress=False)
    assert (result.folds, result.notes) == (2, [])


def test_one_class_is_refused_naming_the_file_or_the_dataset(tmp_path: Path) -> None:
    records = clean_records(per_class=5)[:5]
    data = embedlab.load_dataset(write_csv(tmp_path / "one.csv", records))
    with pytest.raises(embedlab.DatasetError) as caught:
        audit_vectors(data, _vectors(data.texts), progress=False)
    assert str(caught.value) == (f"{tmp_path / 'one.csv'}: the audit needs at least two "
                                 "classes, found 1; add rows with another label")
    unnamed = embedlab.Dataset([r["text"] for r in records], [r["label"] for r in records],
                               name="mine")
    with pytest.raises(embedlab.DatasetError, match=r"^mine: the audit needs"):
        audit_vectors(unnamed, _vectors(unnamed.texts), progress=False)


@pytest.mark.parametrize(("lonely", "shown"), [
    (10, ", ".join(f"'c{i:02d}'" for i in range(10))),
    (11, ", ".join(f"'c{i:02d}'" for i in range(10)) + " ...")])
def test_single_row_classes_are_named_ten_at_most(lonely: int, shown: str) -> None:
    records = clean_records(per_class=5) + [
        {"text": f"lone row {i}", "label": f"c{i:02d}"} for i in range(lonely)]
    data = embedlab.Dataset.from_records(records, source="small.csv")
    with pytest.raises(embedlab.DatasetError) as caught:
        audit_vectors(data, _vectors(data.texts), progress=False)
    assert str(caught.value) == (
        f"small.csv: class(es) {shown} have a single row; each row is scored by a probe "
        "trained on the other rows of its class, so every class needs at least 2: add rows "
        "or remove those classes")


def test_folds_drop_to_the_smallest_class_named_first_by_label() -> None:
    records = clean_records(per_class=10)
    keep = {"weather": 3, "music": 3}  # weather's rows come first; the note names music
    seen: dict[str, int] = {}
    small = []
    for r in records:
        seen[r["label"]] = seen.get(r["label"], 0) + 1
        if seen[r["label"]] <= keep.get(r["label"], 10):
            small.append(r)
    data = embedlab.Dataset.from_records(small)
    result = audit_vectors(data, _vectors(data.texts), progress=False)
    assert result.folds == 3
    assert result.notes == ["class 'music' has only 3 rows: the probe used 3 folds instead of 5"]
    exact = audit_vectors(data, _vectors(data.texts), folds=3, progress=False)
    assert (exact.folds, exact.notes) == (3, [])


def test_wrong_number_of_vectors_names_the_audit_embeddings() -> None:
    data = embedlab.Dataset.from_records(clean_records(per_class=5))
    with pytest.raises(ValueError, match=r"^audit embeddings: expected 20 rows"):
        audit_vectors(data, _vectors(data.texts)[:-1], progress=False)


def _crafted() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Probabilities with known confusions between five classes of 30 rows: 0→1 4 rows,
    1→0 1, 2→3 20 (the last ten tied, and surer), 3→2 2, 0→4 1 and 4→0 3, 1→2 2 one way."""
    classes = ["north", "east", "south", "west", "centre"]
    y = np.repeat(np.arange(5), 30)
    predicted = y.copy()
    sure = np.full(len(y), 0.8)
    for given, other, rows, scores in [(0, 1, [3, 4, 5, 6], [0.9, 0.97, 0.95, 0.97]),
                                       (1, 0, [40], [0.95]), (2, 3, range(65, 85), None),
                                       (3, 2, [100, 101], [0.95, 0.96]),
                                       (4, 0, [130, 131, 132], [0.95, 0.95, 0.95]),
                                       (0, 4, [10], [0.95]), (1, 2, [45, 46], [0.95, 0.95])]:
        assert (y[list(rows)] == given).all()
        predicted[list(rows)] = other
        if scores is not None:
            sure[list(rows)] = scores
    sure[75:85] = 0.97
    sure[65:75] = 0.93
    probs = np.full((len(y), 5), 0.0)
    probs[np.arange(len(y)), predicted] = sure
    probs += ((1 - sure) / 5)[:, None]
    texts = [f"text {i}" for i in range(len(y))]
    return y, probs / probs.sum(axis=1, keepdims=True), classes, texts


@pytest.mark.parametrize("min_each", [1, 2, 3])
def test_overlapping_pairs_are_cleanlabs_counts_both_ways(min_each: int) -> None:
    y, probs, classes, texts = _crafted()
    frame = cleanlab.dataset.find_overlapping_classes(labels=y, pred_probs=probs,
                                                      asymmetric=True)
    count = {(int(a), int(b)): (int(n), float(p)) for a, b, n, p in frame[
        ["Class Index A", "Class Index B", "Num Overlapping Examples", "Joint Probability"]
    ].itertuples(index=False)}
    predicted = probs.argmax(axis=1)

    def examples(given: int, other: int) -> list[str]:
        rows = [i for i in range(len(y)) if y[i] == given and predicted[i] == other]
        return [texts[i] for i in sorted(rows, key=lambda i: -probs[i, other])[:3]]

    expected = sorted(
        (ClassOverlap(classes[a], classes[b], count[a, b][0], count[b, a][0],
                      count[a, b][1] + count[b, a][1], examples(a, b), examples(b, a))
         for a in range(5) for b in range(a + 1, 5)
         if count[a, b][0] >= min_each and count[b, a][0] >= min_each),
        key=lambda o: (-o.count, o.class_a, o.class_b))
    got = _overlaps(cleanlab, y, probs, classes, texts, min_each)
    assert got == expected
    # What the probabilities were built to show, so the comparison above is not vacuous.
    assert {(o.class_a, o.class_b): (o.a_as_b, o.b_as_a) for o in got} == {
        1: {("south", "west"): (20, 2), ("north", "east"): (4, 1), ("north", "centre"): (1, 3)},
        2: {("south", "west"): (20, 2)}, 3: {}}[min_each]
    if min_each == 1:
        assert got[0].examples_a_as_b == ["text 75", "text 76", "text 77"]
        assert got[1].examples_a_as_b == ["text 4", "text 6", "text 5"]
        assert got[2].examples_b_as_a == ["text 130", "text 131", "text 132"]


def _hand_built() -> Audit:
    suspects = [Suspect(row=i + 2, id=f"id{i}", text=text, label="a", suggested="b",
                        confidence=0.5 + i / 100, label_probability=0.123456 + i / 1000,
                        index=i + 1)
                for i, text in enumerate(["x" * 70, "y" * 71, "short, with a comma"]
                                         + [f"t{i}" for i in range(9)])]
    overlaps = [ClassOverlap("a", "b", 3, 2, 0.0123456, ["one", "two"], ["three", "3"]),
                ClassOverlap("c", "d", 1, 1, 0.01, [], ["four"])]
    return Audit(dataset="d.csv", rows=40, classes=["a", "b", "c", "d"], suspects=suspects,
                 overlaps=overlaps, folds=4, seed=9, embedder="fake:bow", seconds=1.23456,
                 notes=["a note"])


def test_to_dict_is_the_whole_record() -> None:
    result = _hand_built()
    record = result.to_dict(limit=2)
    assert record == {
        "dataset": "d.csv", "rows": 40, "classes": 4, "embedder": "fake:bow", "folds": 4,
        "seed": 9, "seconds": 1.235, "notes": ["a note"], "suspect_count": 12,
        "suspects": [{"row": 2, "id": "id0", "text": "x" * 70, "label": "a",
                      "suggested": "b", "confidence": 0.5,
                      "label_probability": 0.123456},
                     {"row": 3, "id": "id1", "text": "y" * 71, "label": "a",
                      "suggested": "b", "confidence": 0.51,
                      "label_probability": pytest.approx(0.124456)}],
        "overlaps": [
            {"class_a": "a", "class_b": "b", "a_as_b": 3, "b_as_a": 2,
             "joint_probability": 0.0123456, "examples_a_as_b": ["one", "two"],
             "examples_b_as_a": ["three", "3"], "count": 5},
            {"class_a": "c", "class_b": "d", "a_as_b": 1, "b_as_a": 1,
             "joint_probability": 0.01, "examples_a_as_b": [], "examples_b_as_a": ["four"],
             "count": 2}]}
    assert len(result.to_dict()["suspects"]) == 12
    assert result.to_dict(limit=0)["suspects"] == []


def test_save_writes_exactly_these_files(tmp_path: Path) -> None:
    result = _hand_built()
    out = result.save(tmp_path / "audit")
    suspects = (out / "suspects.csv").read_bytes().decode("utf-8")
    assert suspects.splitlines(keepends=True)[:4] == [
        "row,id,text,label,suggested,confidence,label_probability\r\n",
        f"2,id0,{'x' * 70},a,b,0.5000,0.1235\r\n",
        f"3,id1,{'y' * 71},a,b,0.5100,0.1245\r\n",
        '4,id2,"short, with a comma",a,b,0.5200,0.1255\r\n']
    assert len(suspects.splitlines()) == 13
    assert (out / "overlapping_classes.csv").read_bytes().decode("utf-8") == (
        "class_a,class_b,a_as_b,b_as_a,joint_probability,examples_a_as_b,examples_b_as_a\r\n"
        "a,b,3,2,0.012346,one | two,three | 3\r\n"
        "c,d,1,1,0.010000,,four\r\n")
    text = (out / "audit.json").read_text(encoding="utf-8")
    assert text == json.dumps({"tool": "embedlab audit", **result.to_dict()}, indent=2)
    manifest = json.loads((out / ".embedlab-manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "label audit"
    with pytest.raises(embedlab.ConfigurationError, match="already holds an embedlab label "
                                                          "audit"):
        result.save(out)


def test_a_record_that_is_not_json_writes_nothing(tmp_path: Path) -> None:
    result = _hand_built()
    result.seconds = float("nan")
    with pytest.raises(ValueError, match="JSON"):
        result.save(tmp_path / "audit")
    assert list(tmp_path.iterdir()) == []


def test_the_suspects_csv_alone(tmp_path: Path) -> None:
    result = _hand_built()
    path = result.write_suspects_csv(tmp_path / "s.csv")
    assert path == tmp_path / "s.csv"
    assert path.read_bytes().decode("utf-8").splitlines(keepends=True)[1] == \
        f"2,id0,{'x' * 70},a,b,0.5000,0.1235\r\n"


def test_an_audit_without_suspects_still_has_the_columns() -> None:
    result = _hand_built()
    result.suspects = []
    frame = result.to_frame()
    assert list(frame.columns) == ["row", "id", "text", "label", "suggested", "confidence",
                                   "label_probability"]
    assert len(frame) == 0


def test_summary_is_exactly_these_lines() -> None:
    result = _hand_built()
    assert result.summary() == "\n".join([
        "12 of 40 rows to check (4 classes, 4-fold probe, 1.2s)",
        f"  row      2  'a' → 'b' (0.50)  '{'x' * 70}'",
        f"  row      3  'a' → 'b' (0.51)  '{'y' * 67}...'",
        "  row      4  'a' → 'b' (0.52)  'short, with a comma'",
        *(f"  row {i + 2:>6}  'a' → 'b' (0.{50 + i})  't{i - 3}'" for i in range(3, 10)),
        "  ... and 2 more",
        "2 overlapping class pair(s):",
        "  'a' ⇄ 'b': 3 + 2 rows",
        "  'c' ⇄ 'd': 1 + 1 rows"])
    assert result.summary(top=12).splitlines()[-4] == "  row     13  'a' → 'b' (0.61)  't8'"
    assert "more" not in result.summary(top=12)
    assert result.summary(top=1).splitlines()[2:] == [
        "  ... and 11 more", "2 overlapping class pair(s):", "  'a' ⇄ 'b': 3 + 2 rows"]
