"""Dataset.validate(): every violation collected, each with its row, line, file and fix."""

from __future__ import annotations

from pathlib import Path

import embedlab as el
import pytest
from embedlab._errors import ConfigurationError, DatasetValidationError


def _load(tmp_path: Path, body: str, name: str = "v.csv") -> el.Dataset:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return el.load_dataset(path)


def _clean_rows(per_class: int = 3, classes: str = "abc") -> str:
    return "".join(f"{c} text {i},{c}\n" for c in classes for i in range(per_class))


def _codes(report: el.ValidationReport) -> list[str]:
    return [i.code for i in report.issues]


def test_clean_dataset_has_no_issues(tmp_path: Path) -> None:
    report = _load(tmp_path, "text,label\n" + _clean_rows()).validate(test_size=3)
    assert report.ok
    assert report.issues == ()
    assert str(report) == "no problems found"
    report.raise_for_errors()  # does not raise


def test_empty_and_whitespace_text(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows() + ",a\n   ,b\n")
    report = ds.validate()
    empty = [i for i in report.issues if i.code == "empty_text"]
    assert [(i.row, i.line) for i in empty] == [(10, 11), (11, 12)]
    assert all(i.severity == "error" for i in empty)
    assert empty[0].message == (f"{ds.source}: row 10 (line 11): the text is empty; write the "
                                "text or delete the row")
    assert "only whitespace" in empty[1].message
    assert not report.ok


def test_missing_label(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows() + "orphan,\n")
    (issue,) = [i for i in ds.validate().issues if i.code == "missing_label"]
    assert (issue.row, issue.line) == (10, 11)
    assert str(tmp_path / "v.csv") in issue.message
    assert "give the row its label" in issue.message


def test_same_text_two_labels_names_both_rows_and_labels(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows() + "a text 0,b\n")
    (issue,) = [i for i in ds.validate().issues if i.code == "conflicting_label"]
    assert issue.severity == "error"
    assert (issue.row, issue.line) == (10, 11)
    assert "row 10 (line 11) has the same text as row 1 (line 2)" in issue.message
    assert "label 'b' where row 1 (line 2) has 'a'" in issue.message
    assert "give both rows the same label or delete one" in issue.message


def test_exact_duplicates_are_a_warning(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows() + "b text 1,b\n")
    report = ds.validate()
    assert report.ok  # warnings do not fail
    (issue,) = report.warnings
    assert issue.code == "duplicate"
    assert "row 10 (line 11) repeats row 5 (line 6)" in issue.message
    assert 'duplicates="drop"' in issue.message
    assert ds.drop_duplicates().validate().warnings == []


def test_fewer_than_two_classes(tmp_path: Path) -> None:
    report = _load(tmp_path, "text,label\n" + _clean_rows(classes="a")).validate()
    assert "too_few_classes" in _codes(report)
    (issue,) = [i for i in report.errors if i.code == "too_few_classes"]
    assert "1 class(es) ('a')" in issue.message
    assert "add rows with another label" in issue.message
    assert issue.row is None


def test_too_few_rows_counts_usable_rows(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\nx,a\ny,b\n,a\n")
    report = ds.validate(min_rows=3, min_per_class=1)
    (issue,) = [i for i in report.errors if i.code == "too_few_rows"]
    assert "has 2 usable row(s)" in issue.message
    assert "at least 3" in issue.message


def test_too_few_in_class_for_min_per_class_lists_its_rows(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows() + "lonely,z\n")
    report = ds.validate(min_per_class=3)
    (issue,) = [i for i in report.errors if i.code == "too_few_in_class"]
    assert (issue.row, issue.line) == (10, 11)
    assert "class 'z' has 1 row(s) (row 10 (line 11))" in issue.message
    assert "min_per_class=3" in issue.message
    assert "add rows of this class or remove it" in issue.message
    four = ds.validate(min_per_class=4)
    assert [i.message.split("class ")[1][:3] for i in four.errors
            if i.code == "too_few_in_class"] == ["'a'", "'b'", "'c'", "'z'"]


def test_split_needs_one_train_and_one_test_row_per_class(tmp_path: Path) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows() + "lonely,z\n")
    assert "too_few_in_class" not in _codes(ds.validate(min_per_class=1))
    report = ds.validate(min_per_class=1, test_size=0.4)
    (issue,) = [i for i in report.errors if i.code == "too_few_in_class"]
    assert "stratified split (test_size=0.4) needs one train and one test row" in issue.message
    with pytest.raises(el.DatasetError):
        ds.split(test_size=0.4)


@pytest.mark.parametrize(("test_size", "part"), [(0.1, "test"), (2, "test"), (0.9, "train")])
def test_split_too_small_for_the_classes(tmp_path: Path, test_size: float, part: str) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows(per_class=4, classes="abcd"))
    report = ds.validate(test_size=test_size)
    (issue,) = [i for i in report.errors if i.code == "split_too_small"]
    assert f"rows for {part}, fewer than the 4 classes" in issue.message
    with pytest.raises(el.DatasetError):  # the rule matches what split() really does
        ds.split(test_size=test_size)


@pytest.mark.parametrize(("per_class", "classes", "test_size"), [
    (2, "ab", 0.5), (3, "abc", 3), (5, "abcd", 0.2), (2, "abcdef", 0.5), (10, "ab", 0.1),
    (3, "abcde", 0.33), (4, "abcd", 0.1), (1, "ab", 0.5), (2, "abc", 0.9), (2, "abc", 2),
])
def test_validate_ok_means_split_works(tmp_path: Path, per_class: int, classes: str,
                                       test_size: float) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows(per_class, classes))
    report = ds.validate(test_size=test_size, min_rows=1, min_per_class=1)
    try:
        ds.split(test_size=test_size)
        split_ok = True
    except el.DatasetError:
        split_ok = False
    assert report.ok == split_ok, str(report)


def test_duplicate_and_empty_ids(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("id,text,label\nk1,x,a\nk1,y,b\n,z,a\nk2,w,b\n", encoding="utf-8")
    ds = el.load_dataset(path, id_column="id")
    issues = {i.code: i for i in ds.validate().issues}
    assert "row 2 (line 3) has id 'k1', already used by row 1 (line 2)" in \
        issues["duplicate_id"].message
    assert issues["missing_id"].row == 3


def test_every_violation_is_collected(tmp_path: Path) -> None:
    body = "text,label\nhello,a\n,a\nbye,\nhello,b\nhello,a\n"
    ds = _load(tmp_path, body)
    report = ds.validate(min_rows=10, min_per_class=3)
    assert _codes(report) == ["empty_text", "missing_label", "conflicting_label", "duplicate",
                              "too_few_rows", "too_few_in_class", "too_few_in_class"]
    assert [i.row for i in report.issues] == [2, 3, 4, 5, None, 1, 4]
    with pytest.raises(DatasetValidationError) as info:
        report.raise_for_errors()
    assert info.value.issues == report.errors
    text = str(info.value)
    assert "6 problem(s)" in text
    assert "row 2 (line 3): the text is empty" in text
    assert "repeats" not in text  # the duplicate warning is not an error


def test_long_lists_are_capped_in_the_text_but_kept_in_the_report(tmp_path: Path) -> None:
    body = "text,label\n" + _clean_rows() + ",a\n" * 50
    report = _load(tmp_path, body).validate()
    empty = [i for i in report.issues if i.code == "empty_text"]
    assert len(empty) == 50
    text = str(report)
    assert text.count("the text is empty") == 20
    assert "and 30 more empty text error(s) (rows 30, 31," in text
    assert report.summary(limit=5).count("the text is empty") == 5


def test_dataframe_messages_name_rows_without_lines() -> None:
    import pandas as pd

    frame = pd.DataFrame({"text": ["a", "", "c", "d"], "label": ["x", "y", "x", "y"]})
    (issue,) = el.load_dataset(frame).validate(min_rows=1, min_per_class=1).errors
    assert issue.message.startswith("DataFrame: row 2: the text is empty")
    assert issue.line is None


@pytest.mark.parametrize("test_size", [0.0, 1.0, -1, 0, "0.2", True, 9, 100])
def test_bad_test_size_is_a_configuration_error(tmp_path: Path, test_size: object) -> None:
    ds = _load(tmp_path, "text,label\n" + _clean_rows())
    with pytest.raises(ConfigurationError, match="test_size="):
        ds.validate(test_size=test_size)  # type: ignore[arg-type]


def test_the_summary_of_a_clean_dataset_is_one_line_saying_so(capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    """Issue 24 item 8: ``print(report.summary())`` printed an empty line for clean data."""
    report = el.load_sample_dataset().validate()
    assert report.ok and not report.issues
    print(report.summary())
    assert capsys.readouterr().out == "no problems found\n"
    assert report.summary(severity="error") == "no errors found" == \
        str(report).replace("problems", "errors")
