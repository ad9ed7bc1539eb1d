"""Dataset operations: fingerprint, split, describe, subset, drop_duplicates."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import embedlab as el
import pytest


def _dataset(per_class: dict[str, int]) -> el.Dataset:
    records = [{"text": f"{label} example {i}", "label": label}
               for label, n in per_class.items() for i in range(n)]
    return el.load_dataset(records)


def test_fingerprint_is_stable_for_the_same_content(tmp_path: Path) -> None:
    a = _dataset({"x": 3, "y": 3})
    b = _dataset({"x": 3, "y": 3})
    assert a.fingerprint == b.fingerprint
    assert len(a.fingerprint) == 64


def test_fingerprint_changes_when_any_row_changes() -> None:
    base = _dataset({"x": 3, "y": 3})
    seen = {base.fingerprint}
    for i in range(len(base)):
        texts, labels = list(base.texts), list(base.labels)
        texts[i] += "!"
        seen.add(el.Dataset(texts, labels).fingerprint)
        texts, labels = list(base.texts), list(base.labels)
        labels[i] = "z"
        seen.add(el.Dataset(texts, labels).fingerprint)
    assert len(seen) == 1 + 2 * len(base)


def test_fingerprint_changes_with_order_and_row_boundaries() -> None:
    assert el.Dataset(["a", "b"], ["x", "y"]).fingerprint != \
        el.Dataset(["b", "a"], ["y", "x"]).fingerprint
    # moving characters between text and label is a different dataset
    assert el.Dataset(["ab"], ["c"]).fingerprint != el.Dataset(["a"], ["bc"]).fingerprint
    assert el.Dataset(["a", "b"], ["x", "y"]).fingerprint != \
        el.Dataset(["a"], ["x"]).fingerprint


def test_split_is_reproducible_and_seed_dependent() -> None:
    ds = _dataset({"a": 20, "b": 20, "c": 20})
    train1, test1 = ds.split(test_size=0.25, seed=7)
    train2, test2 = ds.split(test_size=0.25, seed=7)
    assert train1.ids == train2.ids and test1.ids == test2.ids
    assert train1.fingerprint == train2.fingerprint
    others = {ds.split(test_size=0.25, seed=s)[1].ids for s in range(5)}
    assert len(others) > 1


def test_split_is_stratified_disjoint_and_complete() -> None:
    ds = _dataset({"big": 40, "mid": 20, "small": 8})
    train, test = ds.split(test_size=0.25, seed=1)
    assert set(train.ids).isdisjoint(test.ids)
    assert sorted(train.ids + test.ids) == sorted(ds.ids)
    assert Counter(test.labels) == {"big": 10, "mid": 5, "small": 2}
    assert Counter(train.labels) == {"big": 30, "mid": 15, "small": 6}


def test_split_keeps_rows_lines_and_source(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("text,label\n" + "".join(f"t{i},{'ab'[i % 2]}\n" for i in range(10)),
                    encoding="utf-8")
    ds = el.load_dataset(path)
    train, test = ds.split(test_size=0.2, seed=0)
    for part in (train, test):
        assert part.source == str(path)
        for text, row, line in zip(part.texts, part.rows, part.lines, strict=True):
            assert text == f"t{row - 1}"
            assert line == row + 1


def test_split_with_a_row_count() -> None:
    train, test = _dataset({"a": 5, "b": 5}).split(test_size=4, seed=0)
    assert len(test) == 4 and len(train) == 6
    assert Counter(test.labels) == {"a": 2, "b": 2}


def test_split_refuses_a_singleton_class_with_a_clear_message() -> None:
    ds = _dataset({"a": 5, "b": 1})
    with pytest.raises(el.DatasetError, match="'b' have fewer than 2 rows"):
        ds.split()


def test_describe_counts_classes() -> None:
    ds = _dataset({"b": 2, "a": 5, "c": 2})
    info = ds.describe()
    assert info["rows"] == 9
    assert info["classes"] == 3
    assert list(info["class_counts"].items()) == [("a", 5), ("b", 2), ("c", 2)]
    assert info["fingerprint"] == ds.fingerprint
    assert info["source"] == "records"


def test_subset_and_repr() -> None:
    ds = _dataset({"a": 3, "b": 3})
    sub = ds.subset([4, 0])
    assert sub.texts == (ds.texts[4], ds.texts[0])
    assert sub.rows == (5, 1)
    assert "2 rows, 2 classes" in repr(sub)


def test_drop_duplicates_keeps_first_copy_and_its_row() -> None:
    ds = el.load_dataset([{"text": t, "label": lab} for t, lab in
                          [("a", "x"), ("b", "y"), ("a", "x"), ("a", "y"), ("b", "y")]])
    dropped = ds.drop_duplicates()
    assert list(dropped) == [("a", "x"), ("b", "y"), ("a", "y")]
    assert dropped.rows == (1, 2, 4)
    assert ds.drop_duplicates().drop_duplicates().fingerprint == dropped.fingerprint
    assert len(ds) == 5  # the original is unchanged
