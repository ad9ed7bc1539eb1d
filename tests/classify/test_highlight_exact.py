"""The highlighted texts, exactly (issue #26): their tags against every string of up to three
letters in order, the checked list and its refusals word for word, the automatic pick and
the nearest rows against cosine neighbours found with numpy row by row, and each marker's
place on the map against :func:`~embedlab._compare.projection.project` (milliseconds: no
training, no ``compare()``)."""

from __future__ import annotations

import itertools
import string
from typing import Any

import numpy as np
import pytest
from embedlab._compare.highlight import (
    AUTO_COUNT,
    NEIGHBOURS,
    auto_pick,
    check_highlights,
    follow,
    nearest,
    tag,
)
from embedlab._compare.projection import project
from embedlab._errors import ConfigurationError


def _cosine(x: np.ndarray, y: np.ndarray) -> float:
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


def _ranked(pool: np.ndarray, query: np.ndarray) -> list[int]:
    """Pool rows from the most to the least cosine-similar to ``query``."""
    return sorted(range(len(pool)), key=lambda j: -_cosine(pool[j], query))


def test_tags_count_in_letters_like_spreadsheet_columns() -> None:
    """A, ..., Z, then AA, ..., ZZ, then AAA, ...: every string of one, two and three letters
    in order."""
    letters = string.ascii_uppercase
    expected = ["".join(p) for n in (1, 2, 3) for p in itertools.product(letters, repeat=n)]
    assert [tag(i) for i in range(len(expected))] == expected


def test_highlights_are_checked_and_deduplicated_in_order() -> None:
    assert check_highlights(None) is None
    assert check_highlights([]) == []
    assert check_highlights(("b", " a ", "b", "c", " a ")) == ["b", " a ", "c"]
    with pytest.raises(ConfigurationError) as as_str:
        check_highlights("a text")
    assert str(as_str.value) == "highlight takes a list of texts, not a str: pass [text]"
    for bad, at in ((["a", " \t"], 2), (["", "b"], 1), (["a", "b", 3], 3), ([None], 1)):
        with pytest.raises(ConfigurationError) as refused:
            check_highlights(bad)  # type: ignore[arg-type]
        assert str(refused.value) == (
            f"highlight text {at} is empty or not a string; give the texts to follow "
            "through the maps"), bad


def _pick_reference(train: dict[str, np.ndarray], test: dict[str, np.ndarray],
                    train_labels: list[str], test_labels: list[str], count: int) -> list[int]:
    """The documented pick, row by row: a test row's score is the share of its min(10, n)
    most cosine-similar train rows of its own class; rows by largest change (either way),
    earlier row on ties; first the best row of each class met, then the rest in order."""
    k = min(10, len(train_labels))
    change = []
    for i, own in enumerate(test_labels):
        shares = [sum(train_labels[j] == own for j in _ranked(train[side], test[side][i])[:k])
                  / k for side in ("baseline", "custom")]
        change.append(abs(shares[1] - shares[0]))
    order = sorted(range(len(test_labels)), key=lambda i: (-change[i], i))
    firsts = {test_labels[i]: i for i in reversed(order)}
    picked = sorted(firsts.values(), key=order.index)[:count]
    picked += [i for i in order if i not in picked][:count - len(picked)]
    return sorted(picked, key=order.index)


def _sides(rng: np.random.Generator, rows: int) -> dict[str, np.ndarray]:
    base = rng.normal(size=(rows, 6))
    return {"baseline": base, "custom": base + rng.normal(scale=1.2, size=base.shape)}


@pytest.mark.parametrize(("train_rows", "count"), [(12, 5), (11, 3), (9, 7), (12, 40)])
def test_the_automatic_pick_is_the_most_changed_rows_one_class_first(
        train_rows: int, count: int) -> None:
    rng = np.random.default_rng(train_rows + count)
    train, test = _sides(rng, train_rows), _sides(rng, 20)
    train_labels = [["a", "b", "c"][i % 3] for i in range(train_rows)]
    test_labels = ["a"] * 8 + ["b"] * 8 + ["c"] * 2 + ["d"] * 2
    got = auto_pick(train, test, train_labels, test_labels, count=count)
    assert got == _pick_reference(train, test, train_labels, test_labels, count)
    assert len(got) == min(count, 20)


def test_a_hand_made_pick_with_ties_and_both_directions() -> None:
    """Twelve train rows, six of class x at (1, 0) and six of y at (0, 1): a test row's ten
    nearest are the six on its side and four of the other. Test rows 0 and 2 (class x) move
    from y's side to x's: share 0.4 -> 0.6; row 1 (x) stays on x's side: no change; row 3
    (y) moves from y's side to x's: 0.6 -> 0.4. Ties go to the earlier row: 0, 2, 3, then
    1; three picks take the first x and the first y, then 2."""
    rows = np.array([[1.0, 0.0]] * 6 + [[0.0, 1.0]] * 6)
    train = {"baseline": rows, "custom": rows.copy()}
    test = {"baseline": np.array([[0.1, 1.0], [1.0, 0.1], [0.2, 1.0], [0.1, 1.0]]),
            "custom": np.array([[1.0, 0.1], [1.0, 0.1], [1.0, 0.2], [1.0, 0.1]])}
    train_labels, labels = ["x"] * 6 + ["y"] * 6, ["x", "x", "x", "y"]
    assert auto_pick(train, test, train_labels, labels) == [0, 2, 3, 1]
    assert auto_pick(train, test, train_labels, labels, count=3) == [0, 2, 3]
    assert auto_pick(train, test, train_labels, labels, count=2) == [0, 3]
    assert auto_pick(train, test, train_labels, labels, count=1) == [0]
    # Ten train rows or fewer: every row is a neighbour, no share changes, rows in order.
    assert auto_pick({s: v[2:] for s, v in train.items()}, test, train_labels[2:],
                     labels) == [0, 1, 2, 3]
    assert AUTO_COUNT == 5


def test_nothing_to_pick_from() -> None:
    train = {side: np.eye(3) for side in ("baseline", "custom")}
    assert auto_pick(train, train, ["a", "b", "c"], ["a", "b", "c"], count=0) == []
    assert auto_pick(train, train, ["a", "b", "c"], ["a", "b", "c"], count=-1) == []
    empty = {side: np.zeros((0, 3)) for side in ("baseline", "custom")}
    assert auto_pick(train, empty, ["a", "b", "c"], []) == []
    assert auto_pick(empty, train, [], ["a", "b", "c"]) == []


def test_the_nearest_rows_are_the_most_cosine_similar_without_the_query_itself() -> None:
    """Each query's five most similar pool rows (text, label, cosine) from float32 vectors,
    measured in float64; rows with the query's own text are left out (here twice in the
    pool), the rest still five."""
    rng = np.random.default_rng(3)
    pool = (rng.normal(size=(12, 4)) * np.arange(1, 13)[:, None]).astype(np.float32)
    texts = [f"t{j}" for j in range(12)]
    texts[7] = "t3"
    labels = np.array([f"l{j % 4}" for j in range(12)])
    queries = np.vstack([pool[3] + 0.01, rng.normal(size=4)]).astype(np.float32)
    got = nearest(pool, texts, labels, queries, ["t3", "elsewhere"])
    for found, query, own in zip(got, queries, ["t3", "elsewhere"], strict=True):
        ranked = [j for j in _ranked(pool, query) if texts[j] != own][:NEIGHBOURS]
        assert [(t, lab) for t, lab, _ in found] == [(texts[j], labels[j]) for j in ranked]
        assert [s for _, _, s in found] == pytest.approx(
            [_cosine(pool[j], query) for j in ranked], rel=1e-12)
        assert all(type(t) is str and type(lab) is str and type(s) is float
                   for t, lab, s in found)
    assert "t3" not in [t for t, _, _ in got[0]]
    assert NEIGHBOURS == 5


def test_fewer_pool_rows_than_neighbours_and_no_queries() -> None:
    pool = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    texts, labels = ["x", "y", "q"], ["a", "b", "a"]
    got = nearest(pool, texts, labels, np.array([[1.0, 0.2]]), ["q"])
    assert got == [[("x", "a", pytest.approx(_cosine([1, 0], [1, 0.2]), rel=1e-12)),
                    ("y", "b", pytest.approx(_cosine([0, 1], [1, 0.2]), rel=1e-12))]]
    assert nearest(pool, texts, labels, np.array([[1.0, 0.2]]), ["q"], k=1) == [
        [("x", "a", pytest.approx(_cosine([1, 0], [1, 0.2])))]]
    assert nearest(pool, texts, labels, np.zeros((0, 2)), []) == []
    assert nearest(pool, texts, labels, np.array([[1.0, 0.2], [0, 1]]), ["q", "r"], k=0) == [
        [], []]
    # One neighbour wanted and the query's text not in the pool: one row searched for.
    assert nearest(pool, texts, labels, np.array([[0.1, 1.0]]), ["z"], k=1) == [
        [("y", "b", pytest.approx(_cosine([0, 1], [0.1, 1])))]]
    assert nearest(pool[:1], texts[:1], labels[:1], np.array([[0.1, 1.0]]), ["z"]) == [
        [("x", "a", pytest.approx(_cosine([1, 0], [0.1, 1])))]]
    # No pool rows (no train split to search): no neighbours, not scikit-learn's refusal.
    assert nearest(np.zeros((0, 2)), [], [], np.array([[1.0, 0.2]]), ["q"]) == [[]]


def _follow(texts: list[str], vectors: np.ndarray, test_x: np.ndarray,
            test_texts: list[str], pool: tuple[np.ndarray, list[str], list[str]],
            **options: Any) -> tuple[np.ndarray, list[Any]]:
    pool_x, pool_texts, pool_labels = pool
    return follow(texts, vectors, test_vectors=test_x, test_texts=test_texts,
                  pool_vectors=pool_x, pool_texts=pool_texts, pool_labels=pool_labels,
                  label_of={"t1": "b", "t4": "a", "new": "?"}, seed=5,
                  **{"method": "pca", **options})


def test_texts_of_the_test_split_are_marked_on_their_own_points() -> None:
    """The map is the test split's own projection; a text twice in it is marked on its
    first point; labels come from ``label_of`` (``None`` when unknown)."""
    rng = np.random.default_rng(4)
    test_x = rng.normal(size=(8, 5))
    test_texts = ["t0", "t1", "t2", "t1", "t4", "t5", "t6", "t7"]
    pool = (rng.normal(size=(9, 5)), [f"p{j}" for j in range(9)], ["a", "b", "c"] * 3)
    points, markers = _follow(["t1", "t4", "t6"], test_x[[1, 4, 6]], test_x, test_texts, pool)
    expected = project(test_x.astype(np.float32), "pca", seed=5)
    assert np.array_equal(points, expected)
    assert [(m.tag, m.text, m.label) for m in markers] == [
        ("A", "t1", "b"), ("B", "t4", "a"), ("C", "t6", None)]
    for marker, row in zip(markers, [1, 4, 6], strict=True):
        assert (marker.x, marker.y) == (float(expected[row, 0]), float(expected[row, 1]))
        assert type(marker.x) is float and type(marker.y) is float
    assert [m.neighbours for m in markers] == nearest(*pool, test_x[[1, 4, 6]],
                                                      ["t1", "t4", "t6"])


def test_other_texts_are_projected_with_the_test_points() -> None:
    """Texts outside the test split join the projection (after the test rows, in order);
    the map returned is its test part."""
    rng = np.random.default_rng(6)
    test_x = rng.normal(size=(7, 5))
    test_texts = [f"t{i}" for i in range(7)]
    extra = rng.normal(size=(2, 5))
    vectors = np.vstack([extra[0], test_x[4], extra[1]])
    pool = (rng.normal(size=(6, 5)), [f"p{j}" for j in range(6)], ["a", "b"] * 3)
    points, markers = _follow(["new", "t4", "other"], vectors, test_x, test_texts, pool)
    # every vector is taken as float32, as embeddings are kept
    joint = project(np.vstack([test_x, extra]).astype(np.float32), "pca", seed=5)
    assert np.array_equal(points, joint[:7])
    assert [(m.tag, m.text, m.label, m.x, m.y) for m in markers] == [
        ("A", "new", "?", float(joint[7, 0]), float(joint[7, 1])),
        ("B", "t4", "a", float(joint[4, 0]), float(joint[4, 1])),
        ("C", "other", None, float(joint[8, 0]), float(joint[8, 1]))]
    assert [m.neighbours for m in markers] == nearest(*pool, vectors, ["new", "t4", "other"])
    assert not np.array_equal(points, project(test_x.astype(np.float32), "pca", seed=5))
    assert not np.array_equal(joint, project(np.vstack([test_x, extra]), "pca", seed=5))


@pytest.mark.parametrize("outside", [False, True])
def test_the_map_is_drawn_with_the_method_and_seed_given(outside: bool) -> None:
    """UMAP (the one seeded method: PCA and t-SNE's PCA start ignore the seed; its first
    call in a process compiles for ~15 s): the map and the mark are the projection's with
    that seed, with a text outside the test split or without."""
    rng = np.random.default_rng(7)
    test_x = rng.normal(size=(9, 4)).astype(np.float32)
    texts = ["new"] if outside else ["t2"]
    vectors = rng.normal(size=(1, 4)).astype(np.float32) if outside else test_x[[2]]
    test_texts = [f"t{i}" for i in range(9)]
    pool = (test_x, test_texts, ["a"] * 9)
    points, (marker,) = _follow(texts, vectors, test_x, test_texts, pool, method="umap")
    shown = np.vstack([test_x, vectors]) if outside else test_x
    joint = project(shown, "umap", seed=5)
    assert np.array_equal(points, joint[:9])
    assert (marker.x, marker.y) == tuple(float(v) for v in joint[9 if outside else 2])
    assert not np.array_equal(joint, project(shown, "umap", seed=6))
