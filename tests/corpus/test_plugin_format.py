"""A dataset format a plugin registers is read by every command that reads files: ``embed``
(to a file and to a dataset directory), ``classify --file`` and ``compare --highlight-file``,
not only ``compare DATA``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import embedlab
import numpy as np
import pytest
from click.testing import CliRunner
from embedlab.cli import cli
from embedlab.hookspecs import hookimpl
from embedlab.testing import use_plugin

from .test_local_engine import read_dataset

TEXTS = ["cheapest fare to boston", "which airline flies to denver",
         "is there a shuttle from the airport", "a fare to dallas on friday"]


def load_pipes(path: Path, *, text_column: str = "text", label_column: str = "label",
               id_column: str | None = None, encoding: str = "utf-8") -> embedlab.Dataset:
    """The plugin's format: a ``|``-separated header row, then one row a line."""
    header, *rows = [line.split("|") for line in path.read_text(encoding).splitlines()]
    for column in (text_column, label_column, id_column):
        if column is not None and column not in header:
            raise embedlab.DatasetError(f"{path}: no column {column!r}")

    def cells(column: str) -> list[str]:
        return [row[header.index(column)] for row in rows]

    return embedlab.Dataset(cells(text_column), cells(label_column),
                            ids=cells(id_column) if id_column is not None else None,
                            source=str(path))


class _PipesPlugin:
    """Registers the ``pipes`` loader for ``.pipes.txt`` files: a longer suffix than the
    built-in ``.txt`` (one text a line), so the plugin's must win."""

    @hookimpl
    def embedlab_register_dataset_loaders(self, register: Any) -> None:
        register("pipes", load_pipes, suffixes=[".pipes.txt"])


@pytest.fixture
def pipes_format() -> Iterator[None]:
    """The ``pipes`` format registered for the test."""
    with use_plugin(_PipesPlugin(), "pipes-format-test"):
        yield


def _pipes(path: Path, ids: bool = False) -> Path:
    """``TEXTS`` in the plugin's format: a ``doc|text`` (or ``text``) header and no labels."""
    lines = ["doc|text" if ids else "text"]
    lines += [f"q{n}|{t}" if ids else t for n, t in enumerate(TEXTS, start=1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _labelled(path: Path, per_class: int = 10) -> Path:
    """The first ``per_class`` rows of each class of the shipped sample, as a CSV."""
    taken: dict[str, int] = {}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        for text, label in embedlab.load_sample_dataset():
            if taken.get(label, 0) < per_class:
                taken[label] = taken.get(label, 0) + 1
                writer.writerow([text, label])
    return path


def test_embed_reads_a_plugin_format_to_a_file(pipes_format: None, fake_provider: str,
                                               tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "v.parquet"
    result = CliRunner().invoke(cli, ["embed", "-f", str(_pipes(tmp_path / "q.pipes.txt", True)),
                                      "--id-column", "doc", "-m", fake_provider, "-o", str(out),
                                      "--no-cache"])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.column("id").to_pylist() == ["q1", "q2", "q3", "q4"]
    assert table.column("text").to_pylist() == TEXTS
    expected = embedlab.get_embedder(fake_provider).embed(TEXTS, cache=False, progress=False)
    np.testing.assert_allclose(np.array(table.column("embedding").to_pylist()), expected,
                               rtol=1e-6)


def test_embed_streams_a_plugin_format_into_a_dataset_directory(
        pipes_format: None, fake_provider: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _pipes(corpus / "q.pipes.txt")
    (corpus / "notes.txt").write_text("one line\n", encoding="utf-8")
    out = tmp_path / "vectors"
    result = CliRunner().invoke(cli, ["embed", "-f", str(corpus), "-m", fake_provider, "-o",
                                      str(out), "--part-rows", "3", "-q"])
    assert result.exit_code == 0, result.output
    ids, vectors, _ = read_dataset(out)
    by_id = {**{f"q.pipes.txt:{n}": t for n, t in enumerate(TEXTS, start=1)},
             "notes.txt:1": "one line"}
    assert ids == sorted(by_id)
    expected = embedlab.get_embedder(fake_provider).embed([by_id[i] for i in ids],
                                                          cache=False, progress=False)
    np.testing.assert_allclose(vectors, expected, rtol=1e-6)


def test_classify_reads_a_plugin_format(pipes_format: None, fake_provider: str,
                                        tmp_path: Path) -> None:
    examples = _labelled(tmp_path / "examples.csv")
    result = CliRunner().invoke(cli, ["classify", "--file", str(_pipes(tmp_path / "q.pipes.txt")),
                                      "-m", fake_provider, "--examples", str(examples),
                                      "--json", "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    got = [json.loads(line) for line in result.stdout.splitlines()]
    expected = embedlab.classify(TEXTS, fake_provider, examples=examples, cache=False,
                                 progress=False)
    assert [(r["text"], r["label"]) for r in got] == [(p.text, p.label) for p in expected]


def test_compare_highlights_texts_of_a_plugin_format(pipes_format: None, fake_provider: str,
                                                     tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [
        "compare", str(_labelled(tmp_path / "tiny.csv")), "-p", fake_provider, "--method",
        "adapter", "-o", str(tmp_path / "r"), "--test-size", "0.3", "--projection", "pca",
        "--max-steps", "5", "-q", "--highlight-file", str(_pipes(tmp_path / "h.pipes.txt"))])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert [h["text"] for h in report["highlights"]] == TEXTS


def test_a_plugin_format_missing_the_text_column_is_a_clear_error(
        pipes_format: None, fake_provider: str, tmp_path: Path) -> None:
    path = _pipes(tmp_path / "q.pipes.txt", True)
    result = CliRunner().invoke(cli, ["embed", "-f", str(path), "--text-column", "body", "-m",
                                      fake_provider, "-o", str(tmp_path / "v.npy")])
    assert result.exit_code == 2
    assert "q.pipes.txt: no column 'body'" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "v.npy").exists()


def test_a_json_array_is_read_whole_by_its_loader_then_chunked(tmp_path: Path) -> None:
    from embedlab.corpus.sources import discover, read_chunks

    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"doc": "a", "body": "x"}, {"doc": "b", "body": "y"},
                                {"doc": "c", "body": ""}]), encoding="utf-8")
    file = discover(path)[0]
    assert (file.format, file.streamed) == ("json", False)
    chunks = list(read_chunks(file, text_column="body", id_column="doc", chunk_rows=2))
    assert [(c.ids, c.texts, c.first_row) for c in chunks] == [
        (["a", "b"], ["x", "y"], 1), (["c"], [""], 3)]
