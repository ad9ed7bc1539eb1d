"""The one atomic-write helper: a file is replaced only once written whole; a failed write
leaves the old file and no hidden leftovers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from embedlab._atomic import atomic_open, atomic_path, partial_path, write_json, write_text


def test_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    write_json(target, {"b": 1, "a": [2]}, indent=2, sort_keys=True)
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": [2], "b": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


@pytest.mark.parametrize("mode", ["w", "wb"])
def test_a_failed_write_keeps_the_old_file(tmp_path: Path, mode: str) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk"), atomic_open(target, mode) as fh:
        fh.write(b"half" if "b" in mode else "half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_path_for_writers_that_take_a_path(tmp_path: Path) -> None:
    target = tmp_path / "vectors.bin"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".vectors.bin.")
        assert not target.exists()
        tmp.write_bytes(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    with pytest.raises(ValueError), atomic_path(tmp_path / "never") as tmp:
        tmp.write_bytes(b"x")
        raise ValueError
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.bin"]


def test_text_keeps_newlines_and_encoding(tmp_path: Path) -> None:
    target = write_text(tmp_path / "t.csv", "a\r\nb\n", encoding="utf-16")
    assert target.read_bytes().decode("utf-16") == "a\r\nb\n"
    with atomic_open(tmp_path / "u.csv", newline="") as fh:
        fh.write("é\r\n")
    assert (tmp_path / "u.csv").read_bytes() == "é\r\n".encode()


def test_temporary_names_are_unique_and_hidden(tmp_path: Path) -> None:
    names = {partial_path(tmp_path / "x.json").name for _ in range(50)}
    assert len(names) == 50
    assert all(n.startswith(".x.json.") and n.endswith(".partial") for n in names)


def test_a_resumed_corpus_run_recognises_its_temporary_files(tmp_path: Path) -> None:
    from embedlab.corpus.output import _TEMPORARY, MANIFEST_NAME, part_name

    for target in (tmp_path / part_name(3, 7), tmp_path / MANIFEST_NAME):
        assert _TEMPORARY.match(partial_path(target, ".tmp").name)
    assert not _TEMPORARY.match(part_name(3, 7))
    assert not _TEMPORARY.match(".notes.txt.123-abcd.tmp")
