"""Loading every supported source: what comes out (texts, labels, ids, rows, lines)."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

import embedlab as el
import pytest
from embedlab import _plugins as plugins
from embedlab.hookspecs import hookimpl

ROWS = [
    {"id": "q1", "text": "book a table for two", "label": "restaurant"},
    {"id": "q2", "text": "what's the weather, tomorrow?", "label": "weather"},
    {"id": "q3", "text": 'she said "hi"', "label": "greeting"},
    {"id": "q4", "text": "café crème", "label": "restaurant"},
]


def _csv(tmp_path: Path, body: bytes, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def test_csv_basic_columns_rows_lines_ids(tmp_path: Path) -> None:
    path = _csv(tmp_path, b"text,label\nhello,greet\nbye,leave\n")
    ds = el.load_dataset(path)
    assert ds.texts == ("hello", "bye")
    assert ds.labels == ("greet", "leave")
    assert ds.rows == (1, 2)
    assert ds.lines == (2, 3)
    assert ds.ids == ("1", "2")
    assert ds.source == str(path)
    assert ds.name == "d.csv"
    assert ds.classes == ["greet", "leave"]


def test_csv_with_bom_reads_the_first_column_name(tmp_path: Path) -> None:
    path = _csv(tmp_path, b"\xef\xbb\xbftext,label\nhello,greet\n")
    ds = el.load_dataset(path)
    assert ds.texts == ("hello",)
    assert not ds.texts[0].startswith("\ufeff")


def test_crlf_line_endings(tmp_path: Path) -> None:
    path = _csv(tmp_path, b"text,label\r\nhello,greet\r\nbye,leave\r\n")
    ds = el.load_dataset(path)
    assert ds.texts == ("hello", "bye")
    assert ds.labels == ("greet", "leave")
    assert ds.lines == (2, 3)


def test_quoted_newlines_keep_the_records_first_line(tmp_path: Path) -> None:
    body = b'text,label\n"first line\r\nsecond line",a\n"one\ntwo\nthree",b\nlast,c\n'
    ds = el.load_dataset(_csv(tmp_path, body))
    assert ds.texts == ("first line\nsecond line", "one\ntwo\nthree", "last")
    assert ds.rows == (1, 2, 3)
    assert ds.lines == (2, 4, 7)  # lines 2-3, 4-6, then 7


def test_blank_lines_are_skipped_but_line_numbers_stay_true(tmp_path: Path) -> None:
    ds = el.load_dataset(_csv(tmp_path, b"text,label\n\nhello,a\n\n\nbye,b\n"))
    assert ds.rows == (1, 2)
    assert ds.lines == (3, 6)


def test_quotes_commas_and_doubled_quotes(tmp_path: Path) -> None:
    body = b'text,label\n"red, green",a\n"she said ""hi""",b\n'
    ds = el.load_dataset(_csv(tmp_path, body))
    assert ds.texts == ("red, green", 'she said "hi"')


def test_encoding_option(tmp_path: Path) -> None:
    path = _csv(tmp_path, "text,label\ncafé crème,food\n".encode("latin-1"))
    assert el.load_dataset(path, encoding="latin-1").texts == ("café crème",)
    path16 = _csv(tmp_path, "text,label\nnaïve,x\n".encode("utf-16"), "u16.csv")
    assert el.load_dataset(path16, encoding="utf-16").texts == ("naïve",)


def test_column_options_and_id_column(tmp_path: Path) -> None:
    body = b"key,utterance,intent,extra\nk1,hello,greet,z\nk2,bye,leave,z\n"
    ds = el.load_dataset(_csv(tmp_path, body), text_column="utterance",
                         label_column="intent", id_column="key")
    assert ds.texts == ("hello", "bye")
    assert ds.labels == ("greet", "leave")
    assert ds.ids == ("k1", "k2")


def test_header_spaces_and_label_spaces_are_trimmed_text_is_not(tmp_path: Path) -> None:
    ds = el.load_dataset(_csv(tmp_path, b"text, label\n  padded text , greet \n"))
    assert ds.texts == ("  padded text ",)
    assert ds.labels == ("greet",)


def test_problem_rows_are_kept_for_validate(tmp_path: Path) -> None:
    ds = el.load_dataset(_csv(tmp_path, b"text,label\n,a\nno label,\n   ,b\n"))
    assert ds.texts == ("", "no label", "   ")
    assert ds.labels == ("a", "", "b")


def test_tsv(tmp_path: Path) -> None:
    ds = el.load_dataset(_csv(tmp_path, b"text\tlabel\nred, green\tcolour\n", "d.tsv"))
    assert ds.texts == ("red, green",)
    assert ds.labels == ("colour",)


def test_csv_delimiter_option(tmp_path: Path) -> None:
    ds = el.load_dataset(_csv(tmp_path, b"text;label\nhi, you;greet\n"), delimiter=";")
    assert ds.texts == ("hi, you",)


def test_format_option_forces_a_loader(tmp_path: Path) -> None:
    path = _csv(tmp_path, b"text,label\nhello,greet\n", "export.txt")
    assert el.load_dataset(path, format="csv").texts == ("hello",)
    assert el.load_dataset(path, format=".CSV").texts == ("hello",)


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = _csv(tmp_path, b"text,label\nhello,greet\n", "UPPER.CSV")
    assert el.load_dataset(str(path)).texts == ("hello",)


def test_jsonl_types_missing_keys_blank_lines_and_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "hello", "label": 3}),
        "",
        json.dumps({"text": "bye", "label": "leave", "other": [1, 2]}),
        json.dumps({"text": None, "label": "x"}),
        json.dumps({"text": "no label at all"}),
        json.dumps({"text": "float label", "label": 2.0}),
        json.dumps({"text": "bool label", "label": True}),
        json.dumps({"text": 42, "label": "numbers"}),
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    ds = el.load_dataset(path)
    assert ds.texts == ("hello", "bye", "", "no label at all", "float label", "bool label", "42")
    assert ds.labels == ("3", "leave", "x", "", "2", "true", "numbers")
    assert ds.rows == (1, 2, 3, 4, 5, 6, 7)
    assert ds.lines == (1, 3, 4, 5, 6, 7, 8)


def test_jsonl_with_bom_and_ndjson_suffix(tmp_path: Path) -> None:
    path = tmp_path / "d.ndjson"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": "a", "label": "b"}).encode() + b"\n")
    assert el.load_dataset(path).labels == ("b",)


def test_jsonl_text_with_unicode_line_separator_stays_one_row(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "a\u2028b", "label": "x"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    assert el.load_dataset(path).texts == ("a\u2028b",)


def test_json_array(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps(ROWS), encoding="utf-8")
    ds = el.load_dataset(path, id_column="id")
    assert ds.ids == ("q1", "q2", "q3", "q4")
    assert ds.lines == (None,) * 4


def test_parquet_round_trip_with_int_labels_and_missing_values(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "d.parquet"
    pd.DataFrame({"text": ["a", "b", None, "d"], "label": [1, 2, 3, None]}).to_parquet(path)
    ds = el.load_dataset(path)
    assert ds.texts == ("a", "b", "", "d")
    assert ds.labels == ("1", "2", "3", "")  # NaN-upcast floats still read as "1", not "1.0"
    assert ds.rows == (1, 2, 3, 4)
    assert ds.lines == (None,) * 4


def test_dataframe(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"sentence": ["hi", "yo", float("nan")], "y": [0, 1, 1],
                          "uid": ["a", "b", "c"]})
    ds = el.load_dataset(frame, text_column="sentence", label_column="y", id_column="uid")
    assert ds.texts == ("hi", "yo", "")
    assert ds.labels == ("0", "1", "1")
    assert ds.ids == ("a", "b", "c")
    assert ds.source == "DataFrame"
    nullable = pd.DataFrame({"text": ["a", "b"], "label": pd.array([1, None], dtype="Int64")})
    assert el.load_dataset(nullable).labels == ("1", "")


def test_records_and_from_records() -> None:
    records: list[dict[str, Any]] = [{"text": "hi", "label": 1}, {"text": "yo"}]
    ds = el.load_dataset(records)
    assert ds.texts == ("hi", "yo")
    assert ds.labels == ("1", "")
    assert ds.source == "records"
    again = el.Dataset.from_records(
        ({"q": r["text"], "y": r["label"]} for r in ROWS), text="q", label="y", source="mem")
    assert again.texts == tuple(r["text"] for r in ROWS)
    assert again.source == "mem"


def test_a_dataset_passes_through() -> None:
    ds = el.load_dataset(ROWS)
    assert el.load_dataset(ds) is ds


def test_every_format_gives_the_same_fingerprint(tmp_path: Path) -> None:
    """The same rows through CSV, TSV, JSONL, JSON, Parquet, DataFrame and records."""
    import pandas as pd

    frame = pd.DataFrame(ROWS)
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_csv(tmp_path / "d.tsv", index=False, sep="\t")
    frame.to_json(tmp_path / "d.jsonl", orient="records", lines=True, force_ascii=False)
    (tmp_path / "d.json").write_text(json.dumps(ROWS), encoding="utf-8")
    frame.to_parquet(tmp_path / "d.parquet")
    sources: list[Any] = [tmp_path / f"d.{s}" for s in ("csv", "tsv", "jsonl", "json",
                                                         "parquet")]
    sources += [frame, ROWS]
    loaded = [el.load_dataset(s, id_column="id") for s in sources]
    expected = el.load_dataset(ROWS, id_column="id")
    for ds in loaded:
        assert ds.texts == expected.texts, ds.source
        assert ds.labels == expected.labels, ds.source
        assert ds.ids == expected.ids, ds.source
        assert ds.fingerprint == expected.fingerprint, ds.source


def test_duplicates_option(tmp_path: Path) -> None:
    path = _csv(tmp_path, b"text,label\nhi,a\nbye,b\nhi,a\nhi,b\n")
    kept = el.load_dataset(path)
    assert len(kept) == 4
    dropped = el.load_dataset(path, duplicates="drop")
    assert dropped.texts == ("hi", "bye", "hi")
    assert dropped.labels == ("a", "b", "b")
    assert dropped.rows == (1, 2, 4)  # the first copy is kept, with its own row number
    assert dropped.lines == (2, 3, 5)
    # "error" passes when there is nothing to refuse
    clean = _csv(tmp_path, b"text,label\nhi,a\nbye,b\n", "clean.csv")
    assert len(el.load_dataset(clean, duplicates="error")) == 2


def test_builtin_loaders_are_registered_through_the_hook() -> None:
    entries = {e.name: e for e in plugins.get_registry().of("dataset_loader")}
    assert {"csv", "tsv", "jsonl", "json", "parquet"} <= set(entries)
    assert entries["csv"].plugin == "loaders"
    assert entries["csv"].source == "builtin"
    assert ".parquet" in entries["parquet"].suffixes
    assert "pandas" in entries["parquet"].requires


def test_a_plugin_loader_is_chosen_by_its_suffix(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def load_pipes(path: Path, **options: Any) -> el.Dataset:
        calls.append(options)
        pairs = [ln.split("|") for ln in Path(path).read_text().splitlines()]
        return el.Dataset([p[0] for p in pairs], [p[1] for p in pairs], source=str(path))

    plugin = types.SimpleNamespace()

    @hookimpl
    def embedlab_register_dataset_loaders(register: Any) -> None:
        register("pipes", load_pipes, suffixes=[".pipes.txt"])

    plugin.embedlab_register_dataset_loaders = embedlab_register_dataset_loaders
    plugins.register_plugin(plugin, "pipes-test")
    try:
        path = tmp_path / "d.pipes.txt"
        path.write_text("hello|greet\nbye|leave\n")
        ds = el.load_dataset(path, encoding="latin-1")
        assert ds.texts == ("hello", "bye")
        assert calls == [{"text_column": "text", "label_column": "label", "id_column": None,
                          "encoding": "latin-1"}]
        # a plain .txt is still not claimed by anybody
        other = tmp_path / "d.txt"
        other.write_text("x")
        with pytest.raises(el.DatasetError, match=r"unsupported file type '\.txt'"):
            el.load_dataset(other)
    finally:
        plugins.unregister_plugin("pipes-test")


def test_a_plugin_loader_that_returns_garbage_is_named(tmp_path: Path) -> None:
    plugin = types.SimpleNamespace()

    @hookimpl
    def embedlab_register_dataset_loaders(register: Any) -> None:
        register("bad", lambda path, **options: [1, 2], suffixes=[".bad"])

    plugin.embedlab_register_dataset_loaders = embedlab_register_dataset_loaders
    plugins.register_plugin(plugin, "bad-test")
    try:
        path = tmp_path / "d.bad"
        path.write_text("x")
        with pytest.raises(el.PluginError, match=r"loader 'bad' .* returned list, not a Dataset"):
            el.load_dataset(path)
    finally:
        plugins.unregister_plugin("bad-test")


def test_home_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    _csv(tmp_path, b"text,label\nhello,greet\n")
    assert el.load_dataset("~/d.csv").texts == ("hello",)


def test_clinc150_train_loads_and_validates(clinc150: Path) -> None:
    ds = el.load_dataset(clinc150 / "train.csv")
    assert len(ds) == 950
    assert len(ds.classes) == 19
    assert set(ds.describe()["class_counts"].values()) == {50}
    report = ds.validate(test_size=0.2)
    assert report.ok, str(report)


def test_garbage_collector_is_back_on_after_loading_even_on_error(tmp_path: Path) -> None:
    import gc

    assert gc.isenabled()
    el.load_dataset(_csv(tmp_path, b"text,label\nhello,greet\n"))
    assert gc.isenabled()
    with pytest.raises(el.DatasetError):
        el.load_dataset(tmp_path / "missing.csv")
    assert gc.isenabled()
    gc.disable()
    try:
        el.load_dataset(tmp_path / "d.csv")
        assert not gc.isenabled()  # a caller's own choice is left alone
    finally:
        gc.enable()
