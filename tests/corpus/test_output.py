"""The corpus output directory on its own: part names, the Parquet schema and metadata, the
manifest, which directories it writes into, what a resume and a restart remove (only
embedlab's own files), with the exact messages. Written to kill mutmut's mutants of
``embedlab/corpus/output.py`` (bench/mutants.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from embedlab._errors import ConfigurationError
from embedlab.corpus.output import (
    _TEMPORARY,
    MANIFEST_NAME,
    OutputDir,
    check_out_path,
    file_metadata,
    part_name,
    vectors_table,
)

SETTINGS = {"model": "fake", "part_rows": 10, "inputs": [["a.txt", 12]]}


def message(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ConfigurationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(caught.value)


def test_part_names_and_metadata() -> None:
    assert part_name(3, 12) == "part-00003-000012.parquet"
    assert MANIFEST_NAME == "_embedlab_corpus.json"
    assert file_metadata("m", "r1", 8, None) == {
        "embedlab.model": "m", "embedlab.revision": "r1", "embedlab.dimension": "8",
        "embedlab.input_type": ""}
    assert file_metadata("m", "", 8, "query")["embedlab.input_type"] == "query"


def test_vectors_table_is_ids_and_float32_fixed_size_lists() -> None:
    vectors = np.arange(6, dtype=np.float64).reshape(2, 3) / 4
    table = vectors_table(["x", "y"], vectors, {"embedlab.model": "m"})
    assert table.schema.field("id").type == pa.string()
    assert table.schema.field("embedding").type == pa.list_(pa.float32(), 3)
    assert table.schema.metadata == {b"embedlab.model": b"m"}
    assert table.column("id").to_pylist() == ["x", "y"]
    assert table.column("embedding").to_pylist() == vectors.astype(np.float32).tolist()
    empty = vectors_table([], np.zeros((0, 5)), {})
    assert empty.num_rows == 0 and empty.schema.field("embedding").type.list_size == 5


def test_an_out_path_below_a_file_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    assert message(check_out_path, afile / "sub" / "out") == (
        f"--out {afile / 'sub' / 'out'}: {afile} is a file, not a directory; choose an "
        "--out path whose folders are folders")
    assert message(check_out_path, afile / "o", "-o").startswith(f"-o {afile / 'o'}: ")
    check_out_path(afile)  # the path itself: open() says what is wrong with it
    check_out_path(tmp_path / "new" / "deeper")


def test_a_new_directory_gets_an_incomplete_manifest(tmp_path: Path) -> None:
    out = OutputDir(tmp_path / "new" / "out", SETTINGS)
    assert out.read_manifest() is None
    assert out.open() is None
    assert json.loads(out.manifest.read_text("utf-8")) == {
        "complete": False, "format": 1, "settings": SETTINGS}
    assert [p.name for p in out.path.iterdir()] == [MANIFEST_NAME]
    out.write_manifest({"complete": True})
    assert out.read_manifest() == {"complete": True, "format": 1, "settings": SETTINGS}
    assert out.manifest.read_text("utf-8").startswith('{\n  "complete": true,\n  "format"')


def test_a_file_or_a_foreign_directory_is_never_written_into(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine", encoding="utf-8")
    assert message(OutputDir(afile, SETTINGS).open) == (
        f"--out {afile}: is a file; a corpus is written to a directory (give a new directory "
        "name)")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    assert message(OutputDir(foreign, SETTINGS).open) == (
        f"--out {foreign}: is not empty and holds no embedlab corpus run ({MANIFEST_NAME}); "
        "embedlab writes only into a new or empty directory, so choose another --out")
    assert afile.read_text("utf-8") == "mine" and sorted(p.name for p in foreign.iterdir()) == [
        "notes.txt"]


def test_an_unreadable_or_odd_manifest(tmp_path: Path) -> None:
    out = OutputDir(tmp_path, SETTINGS)
    out.manifest.write_text("{not json", encoding="utf-8")
    assert message(out.read_manifest).startswith(
        f"{out.manifest}: cannot be read (Expecting property name")
    assert message(out.read_manifest).endswith("); choose a new --out directory")
    out.manifest.write_text("[1, 2]", encoding="utf-8")
    assert out.read_manifest() is None


def test_a_resume_removes_only_embedlabs_temporary_files(tmp_path: Path) -> None:
    OutputDir(tmp_path, SETTINGS).open()
    temporary = [".part-00000-000001.parquet.123-abc9.tmp", ".part-00001-000000.parquet.77.tmp",
                 f".{MANIFEST_NAME}.9-f00.tmp"]
    kept = ["part-00000-000000.parquet", "part-ray-0_000000_0.parquet", ".hidden-note",
            ".part-00000-000001.parquet.tmp", ".ray-staging-"]
    for name in temporary + kept:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".ray-staging-ab_12").mkdir()
    (tmp_path / ".ray-staging-ab_12" / "x.parquet").write_text("x", encoding="utf-8")
    again = OutputDir(tmp_path, SETTINGS)
    manifest = again.open()
    assert manifest == {"complete": False, "format": 1, "settings": SETTINGS}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, MANIFEST_NAME])
    assert again.part_files() == {"part-00000-000000.parquet", "part-ray-0_000000_0.parquet"}
    assert again.finished_parts() == {"part-00000-000000.parquet"}


def test_another_job_is_refused_naming_what_changed(tmp_path: Path) -> None:
    OutputDir(tmp_path, SETTINGS).open()
    changed = {**SETTINGS, "part_rows": 20, "model": "other"}
    refusal = (f"--out {tmp_path}: holds a run of a different job (changed: {{}}); rerun with "
               "the same input and options to resume it, pass --restart (restart=True) to "
               "delete that run's parts and start over, or choose a new --out")
    assert message(OutputDir(tmp_path, changed).open) == refusal.format("model, part_rows")
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({**manifest, "format": 2}), "utf-8")
    assert message(OutputDir(tmp_path, SETTINGS).open) == refusal.format("format")


def test_restart_removes_the_run_but_refuses_a_directory_holding_more(tmp_path: Path) -> None:
    OutputDir(tmp_path, SETTINGS).open()
    for name in ("part-00000-000000.parquet", "part-ray-x.parquet",
                 ".part-00000-000001.parquet.5.tmp"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".ray-staging-q1").mkdir()
    other = {**SETTINGS, "model": "other"}
    assert OutputDir(tmp_path, other).open(restart=True) is None
    assert [p.name for p in tmp_path.iterdir()] == [MANIFEST_NAME]
    assert json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))["settings"] == other

    foreign = [f"note{i}.txt" for i in range(6)]
    for name in [*foreign, "part-00000-000000.parquet"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "part-00000-000009.parquet").mkdir()  # not a file: not embedlab's
    refusal = message(OutputDir(tmp_path, SETTINGS).open, restart=True)
    assert refusal == (
        f"--out {tmp_path}: --restart deletes only embedlab's corpus files, and this directory "
        "also holds note0.txt, note1.txt, note2.txt, note3.txt, note4.txt and more; move them "
        "out or choose a new --out")
    assert len(list(tmp_path.iterdir())) == 9  # nothing deleted
    for name in foreign[1:]:
        (tmp_path / name).unlink()
    (tmp_path / "part-00000-000009.parquet").rmdir()
    assert message(OutputDir(tmp_path, SETTINGS).open, restart=True).endswith(
        "also holds note0.txt; move them out or choose a new --out")


def test_restart_leaves_a_linked_part_and_its_target_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    OutputDir(out, SETTINGS).open()
    target = tmp_path / "precious.parquet"
    target.write_text("mine", encoding="utf-8")
    (out / "part-00000-000000.parquet").symlink_to(target)
    assert "also holds part-00000-000000.parquet;" in message(
        OutputDir(out, SETTINGS).open, restart=True)
    assert target.read_text("utf-8") == "mine"


def test_parts_are_written_whole_and_staging_is_hidden_and_temporary(tmp_path: Path) -> None:
    out = OutputDir(tmp_path, SETTINGS)
    out.open()
    table = vectors_table(["a"], np.ones((1, 2)), {})
    out.write_part(part_name(0, 0), table)
    assert pq.read_table(tmp_path / part_name(0, 0)).equals(table)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME, part_name(0, 0)]
    staging = out.staging()
    assert staging.parent == tmp_path and staging.is_dir()
    assert staging.name.startswith(".ray-staging-") and _TEMPORARY.match(staging.name)
    assert out.staging() != staging


@pytest.mark.parametrize("count, listed", [(5, "note0.txt, note1.txt, note2.txt, note3.txt, "
                                               "note4.txt;"),
                                           (6, "note0.txt, note1.txt, note2.txt, note3.txt, "
                                               "note4.txt and more;")])
def test_restart_names_five_foreign_files_then_says_and_more(tmp_path: Path, count: int,
                                                             listed: str) -> None:
    OutputDir(tmp_path, SETTINGS).open()
    for i in range(count):
        (tmp_path / f"note{i}.txt").write_text("x", encoding="utf-8")
    assert f"also holds {listed} move them out" in message(
        OutputDir(tmp_path, SETTINGS).open, restart=True)


def test_a_manifest_without_settings_or_with_other_keys_is_another_job(tmp_path: Path) -> None:
    OutputDir(tmp_path, SETTINGS).open()
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"format": 1}), encoding="utf-8")
    assert "(changed: inputs, model, part_rows)" in message(OutputDir(tmp_path, SETTINGS).open)
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"format": 1, "settings": SETTINGS}),
                                          encoding="utf-8")
    more = {**SETTINGS, "on_duplicate_id": "keep-last"}
    assert "(changed: on_duplicate_id)" in message(OutputDir(tmp_path, more).open)


_KILLED_WRITER = """
import os, sys
from pathlib import Path
import numpy as np
import pyarrow.parquet as pq
import embedlab._atomic as atomic
from embedlab.corpus.output import OutputDir, vectors_table

out = OutputDir(Path(sys.argv[1]), {settings!r})
out.open()
what = sys.argv[2]
if what == "part":
    real = pq.write_table
    def write_then_die(table, where, **kwargs):
        real(table, where, **kwargs)
        os._exit(9)  # killed after writing, before the rename: no cleanup runs
    pq.write_table = write_then_die
    out.write_part("part-00000-000000.parquet",
                   vectors_table(["a"], np.ones((1, 2), dtype=np.float32), {{}}))
else:
    def die(fd):
        os._exit(9)
    atomic.os.fsync = die
    out.write_manifest({{"complete": True}})
"""


@pytest.mark.parametrize("what", ["part", "manifest"])
def test_a_writer_killed_mid_write_leaves_a_temporary_the_next_run_removes(
        tmp_path: Path, what: str) -> None:
    out = tmp_path / "out"
    code = _KILLED_WRITER.format(settings=SETTINGS)
    done = subprocess.run([sys.executable, "-c", code, str(out), what], check=False)
    assert done.returncode == 9
    left = sorted(p.name for p in out.iterdir() if p.name != MANIFEST_NAME)
    assert len(left) == 1 and left[0].startswith(".") and left[0].endswith(".tmp")
    assert _TEMPORARY.match(left[0])
    # The resumed run removes the dead writer's temporary and keeps the manifest.
    assert OutputDir(out, SETTINGS).open() == json.loads((out / MANIFEST_NAME).read_text())
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST_NAME]
