"""Bad input at load time: every case must raise DatasetError whose message names the file,
the place (row or line) and the fix, not just the exception type."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import embedlab as el
import pytest
from embedlab._errors import ConfigurationError, DatasetError

GOOD = b"text,label\nhello there,greet\nbye now,leave\n"

# (file name, content: bytes, None for "do not create", or "dir"), load options, fragments
# that must all appear in the message. "{path}" is replaced with the file's full path.
CASES: list[tuple[str, str, bytes | str | None, dict[str, Any], list[str]]] = [
    ("missing_file", "nope.csv", None, {}, ["{path}", "no such file", "check the path"]),
    ("missing_file_close_name", "dat.csv", None, {},
     ["{path}", "no such file", "did you mean data.csv"]),
    ("directory", "folder", "dir", {},
     ["{path}", "is a directory", "train.csv", "give the path of one data file"]),
    ("empty_0_bytes", "e.csv", b"", {}, ["{path}", "empty (0 bytes)", "add a header row"]),
    ("whitespace_only", "w.csv", b"\n  \n\n", {}, ["{path}", "empty", "add a header row"]),
    ("header_only", "h.csv", b"text,label\n", {},
     ["{path}", "header but no data rows", "line 1", "add rows"]),
    ("header_only_crlf_bom", "hb.csv", b"\xef\xbb\xbftext,label\r\n\r\n", {},
     ["{path}", "header but no data rows"]),
    ("missing_text_column", "c.csv", b"sentence,label\nhi,a\n", {},
     ["{path}", "no column 'text'", "'sentence', 'label'", "text_column='sentence'",
      "--text-column sentence"]),
    ("missing_label_column", "c.csv", b"text,intent\nhi,a\n", {},
     ["{path}", "no column 'label'", "label_column='intent'", "--label-column intent"]),
    ("missing_id_column", "c.csv", b"text,label,key\nhi,a,1\n", {"id_column": "id"},
     ["{path}", "no column 'id'", "id_column='key'", "--id-column key"]),
    ("column_case_differs", "c.csv", b"Text,Label\nhi,a\n", {},
     ["{path}", "no column 'text'", "text_column='Text'"]),
    ("semicolon_separated", "s.csv", b"text;label\nhi;a\n", {},
     ["{path}", "no column 'text'", "delimiter=';'"]),
    ("duplicate_header_column", "d.csv", b"text,text,label\na,b,c\n", {},
     ["{path}", "line 1", "names column 'text' 2 times", "rename"]),
    ("latin1_bytes_as_utf8", "l.csv", b"text,label\nhello,a\ncaf\xe9 au lait,b\n", {},
     ["{path}", "line 3, byte 4 of the line", "offset 22", "cannot be decoded as utf-8",
      'encoding="latin-1"', "--encoding latin-1"]),
    ("utf16_file", "u.csv", "text,label\nhi,a\n".encode("utf-16"), {},
     ["{path}", "line 1", "UTF-16", 'encoding="utf-16"', "--encoding utf-16"]),
    ("unknown_encoding", "k.csv", GOOD, {"encoding": "klingon"},
     ["{path}", "unknown encoding 'klingon'", '"latin-1"']),
    ("ragged_extra_field", "r.csv", b"text,label\nfine,a\nred, green and blue,b\n", {},
     ["{path}", "row 2 (line 3) has 3", "header's 2 fields", "quote fields that contain ','"]),
    ("ragged_short_row", "r.csv", b"text,label\nfine,a\nno label here\nok,b\n", {},
     ["{path}", "row 2 (line 3) has 1", "one value per column"]),
    ("ragged_many_rows_capped", "r.csv",
     b"text,label\n" + b"".join(b"t%d,a,extra\n" % i for i in range(12)), {},
     ["{path}", "12 row(s)", "row 1 (line 2) has 3", "row 5 (line 6)", "and 7 more"]),
    ("unclosed_quote", "q.csv", b'text,label\nfine,a\n"never closed,b\nmore,c\n', {},
     ["{path}", "line 3", "cannot parse the CSV", "opening quote closed"]),
    ("text_after_closing_quote", "q.csv", b'text,label\n"quoted"tail,a\n', {},
     ["{path}", "line 2", "inner quotes", "doubled"]),
    ("jsonl_malformed_line", "m.jsonl",
     b'{"text": "a", "label": "x"}\n{"text": "b", "label": \n{"text": "c", "label": "y"}\n',
     {}, ["{path}", "1 line(s) are not valid JSON", "line 2:", "one object per line"]),
    ("jsonl_line_not_object", "m.jsonl", b'{"text": "a", "label": "x"}\n["b", "y"]\n', {},
     ["{path}", "row 2 (line 2) is a list", '{"text": "...", "label": "..."}']),
    ("jsonl_empty", "m.jsonl", b"", {}, ["{path}", "empty (0 bytes)"]),
    ("jsonl_only_blank_lines", "m.jsonl", b"\n\n \n", {}, ["{path}", "empty"]),
    ("jsonl_missing_text_key", "m.jsonl", b'{"body": "a", "label": "x"}\n', {},
     ["{path}", "no column 'text'", "'body', 'label'", "text_column='body'"]),
    ("jsonl_nested_value", "m.jsonl", b'{"text": ["a", "b"], "label": "x"}\n', {},
     ["{path}", "row 1 (line 1)", "holds a list", "one string per cell"]),
    ("json_not_array", "j.json", b'{"text": "a", "label": "x"}\n', {},
     ["{path}", "not an array of objects", '[{"text": "...", "label": "..."}, ...]']),
    ("json_malformed", "j.json", b'[{"text": "a",\n "label": }]\n', {},
     ["{path}", "line 2", "not valid JSON", ".jsonl"]),
    ("unsupported_suffix", "data.xlsx", GOOD, {},
     ["{path}", "unsupported file type '.xlsx'", ".csv", ".jsonl", ".parquet",
      'format="csv"', "data.csv"]),
    ("no_suffix", "data", GOOD, {}, ["{path}", "(no suffix)", 'format="csv"']),
    ("unknown_format", "data.txt", GOOD, {"format": "xml"},
     ["{path}", "unknown format 'xml'", "csv", "jsonl", "parquet"]),
    ("parquet_not_parquet", "p.parquet", GOOD, {},
     ["{path}", "cannot be read as Parquet", 'format="csv"']),
    ("parquet_empty", "p.parquet", b"", {}, ["{path}", "empty (0 bytes)"]),
    ("duplicates_error", "dup.csv", b"text,label\nhi,a\nbye,b\nhi,a\nbye,b\n",
     {"duplicates": "error"},
     ["{path}", "2 exact duplicate row(s)", "row 3 (line 4) repeats row 1 (line 2)",
      "row 4 (line 5) repeats row 2 (line 3)", 'duplicates="drop"']),
    ("unknown_loader_option", "o.csv", GOOD, {"sheet": 2},
     ["csv loader does not take option(s) sheet"]),
]


def _make(tmp_path: Path, name: str, content: bytes | str | None) -> Path:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
        (path / "train.csv").write_bytes(GOOD)
        (path / "notes.txt").write_text("not data")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    if name == "dat.csv":
        (tmp_path / "data.csv").write_bytes(GOOD)
    return path


@pytest.mark.parametrize(("name", "content", "options", "fragments"),
                         [pytest.param(*case[1:], id=case[0]) for case in CASES])
def test_bad_file_names_file_place_and_fix(tmp_path: Path, name: str,
                                           content: bytes | str | None,
                                           options: dict[str, Any],
                                           fragments: list[str]) -> None:
    path = _make(tmp_path, name, content)
    with pytest.raises(DatasetError) as info:
        el.load_dataset(path, **options)
    message = str(info.value)
    for fragment in fragments:
        assert fragment.replace("{path}", str(path)) in message, message


def test_matrix_is_large_enough() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize(("source", "options", "fragments"), [
    pytest.param([{"text": "a", "label": "x"}, "just a string"], {},
                 ["records", "row 2 is a str", "not an object"], id="record_not_a_dict"),
    pytest.param([{"body": "a", "label": "x"}], {},
                 ["records", "no column 'text'", "text_column='body'"], id="record_missing_key"),
    pytest.param([], {}, ["records", "no data rows"], id="no_records"),
    pytest.param([{"text": "a", "label": {"x": 1}}], {},
                 ["records", "row 1", "column 'label' holds a dict"], id="record_nested_label"),
    pytest.param(42, {}, ["takes a file path, a pandas DataFrame or a list of dicts, not int"],
                 id="unsupported_source_type"),
])
def test_bad_in_memory_sources(source: Any, options: dict[str, Any],
                               fragments: list[str]) -> None:
    with pytest.raises(DatasetError) as info:
        el.load_dataset(source, **options)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


def test_dataframe_missing_column_lists_columns() -> None:
    import pandas as pd

    frame = pd.DataFrame({"utterance": ["a"], "intent": ["x"]})
    with pytest.raises(DatasetError) as info:
        el.load_dataset(frame, label_column="intent")
    message = str(info.value)
    assert "DataFrame: no column 'text'" in message
    assert "'utterance', 'intent'" in message
    assert "text_column='utterance'" in message


def test_empty_dataframe_is_refused() -> None:
    import pandas as pd

    with pytest.raises(DatasetError, match="DataFrame: has no data rows"):
        el.load_dataset(pd.DataFrame({"text": [], "label": []}))


def test_bad_duplicates_option_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(GOOD)
    with pytest.raises(ConfigurationError, match="duplicates='maybe'; use one of 'keep'"):
        el.load_dataset(path, duplicates="maybe")


def test_error_is_raised_before_anything_else_reads_the_rows(tmp_path: Path) -> None:
    """A malformed JSONL file reports every bad line, not only the first."""
    path = tmp_path / "many.jsonl"
    lines = [json.dumps({"text": f"t{i}", "label": "a"}) for i in range(5)]
    lines[1] = "{oops"
    lines[3] = "{also bad"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        el.load_dataset(path)
    assert "2 line(s)" in str(info.value)
    assert "line 2:" in str(info.value) and "line 4:" in str(info.value)


def test_a_pandas_index_column_is_never_the_suggested_column(fake_provider: str,
                                                            tmp_path: Path) -> None:
    """Issue 24 item 8: ``DataFrame.to_csv`` writes the index as an unnamed first column;
    the error suggested ``--text-column ''`` instead of a real column."""
    from click.testing import CliRunner
    from embedlab.cli import cli

    pd = pytest.importorskip("pandas")
    path = tmp_path / "tweets.csv"
    pd.DataFrame({"tweet": ["so happy today", "this is awful"] * 6,
                  "class": ["pos", "neg"] * 6}).to_csv(path)  # index=True, as by default
    assert path.read_text(encoding="utf-8").startswith(",tweet,class")
    result = CliRunner().invoke(cli, ["compare", str(path), "-p", "fake", "--dry-run"])
    assert result.exit_code == 2
    assert "--text-column tweet" in result.stderr
    assert "--text-column ''" not in result.stderr and "--text-column  " not in result.stderr
    assert "pandas index" in result.stderr and "index=False" in result.stderr
