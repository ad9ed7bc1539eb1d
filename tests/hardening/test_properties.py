"""Item 11 of issue 13: property-based tests (hypothesis) over the CLI and the loaders.

Generated datasets, option values and malformed provider answers; the properties: no
traceback, an exit code from the documented set, nothing created or changed outside
``--out``, every row accounted for. Example counts stay small so the suite runs in seconds.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import embedlab
import numpy as np
from click.testing import CliRunner
from embedlab.cli import cli
from embedlab.testing import FakeEmbedder, use_fake_provider
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

#: Exit codes documented in docs/reference/cli.md.
EXIT_CODES = {0, 1, 2}
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
labels = st.sampled_from(["a", "b", "c", "$x$", "<b>", "日本", " ", ""])
rows = st.lists(st.tuples(texts, labels), min_size=0, max_size=30)


def _write(directory: Path, data: Sequence[tuple[str, str]]) -> Path:
    path = directory / "data.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(data)
    return path


def _snapshot(root: Path, skip: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and skip not in p.parents}


def _assert_clean(result: object) -> None:
    exit_code = result.exit_code  # type: ignore[attr-defined]
    exception = result.exception  # type: ignore[attr-defined]
    assert exit_code in EXIT_CODES, (exit_code, result.output)  # type: ignore[attr-defined]
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


@SETTINGS
@given(data=rows, test_size=st.sampled_from(["0.2", "0.5", "3", "0", "abc", "-1", "nan"]),
       seed=st.one_of(st.integers(-5, 2**33).map(str), st.sampled_from(["x", "1e3"])),
       learning_rate=st.sampled_from(["0.01", "nan", "inf", "1e308", "-0", "x"]),
       command=st.sampled_from(["compare", "finetune"]))
def test_cli_on_generated_datasets_and_options(data: list[tuple[str, str]], test_size: str,
                                               seed: str, learning_rate: str,
                                               command: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, use_fake_provider():
        root = Path(tmp)
        path = _write(root, data)
        out = root / "out"
        before = _snapshot(root, out)
        args = [command, str(path), "-p", "fake", "--method", "adapter", "--max-steps", "2",
                "--seed", seed, "--learning-rate", learning_rate, "-q", "--out", str(out)]
        args += ["--test-size", test_size, "--projection", "pca"] if command == "compare" else []
        result = CliRunner().invoke(cli, args)
        _assert_clean(result)
        assert _snapshot(root, out) == before  # nothing outside --out created or changed
        leftovers = [p.name for p in root.iterdir() if p.name not in {"data.csv", "out"}]
        assert not leftovers
        if result.exit_code != 0:
            assert not out.exists() or not any(out.iterdir())
        shutil.rmtree(out, ignore_errors=True)


@SETTINGS
@given(data=rows)
@example(data=[("a\r\nb", "x"), ("\r\n", "y"), ("c", "x"), ("d", "y")])
def test_loader_accounts_for_every_row(data: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data)
        try:
            dataset = embedlab.load_dataset(path)
        except embedlab.DatasetError as exc:
            assert str(path.name) in str(exc)
            return
        assert len(dataset) == len(data)
        # A CSV cell's Windows line break reads as "\n" (docs/quickstart.md).
        assert list(dataset.texts) == [text.replace("\r\n", "\n") for text, _ in data]


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_loader_on_arbitrary_bytes_never_tracebacks(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        path.write_bytes(b"text,label\n" + raw)
        try:
            dataset = embedlab.load_dataset(path)
        except embedlab.DatasetError:
            return
        lines = io.StringIO(raw.decode("utf-8")).read()
        assert len(dataset) <= max(1, lines.count("\n") + lines.count("\r") + 1)


answers = st.one_of(
    st.lists(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32),
                      min_size=0, max_size=10), min_size=0, max_size=6),
    st.sampled_from([None, "vectors", 3.5, [[1, "a"]]]),
)


class _Scripted(FakeEmbedder):
    """Answers every request with the given (maybe malformed) value."""

    max_concurrency = 1
    retry_base_delay = 0.0
    answer: object = None

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> np.ndarray:
        return self.answer  # type: ignore[return-value]


@SETTINGS
@given(answer=answers, count=st.integers(1, 5))
def test_malformed_answers_are_reported_or_exact(answer: object, count: int) -> None:
    embedder = _Scripted(dimension=4)
    embedder.answer = answer
    try:
        vectors = embedder.embed([f"t{i}" for i in range(count)], cache=False, progress=False)
    except embedlab.MalformedResponseError:
        return
    assert vectors.shape == (count, 4) and np.isfinite(vectors).all()


# --- issue 23: text that is not Unicode, control characters, formula prefixes ---------------

#: Any code point, lone surrogates (what invalid UTF-8 in an argument becomes) included.
hostile_chars = st.characters(exclude_categories=())
FORMULA_STARTS = ("=", "+", "-", "@")
hostile_texts = st.tuples(st.sampled_from(["", *FORMULA_STARTS, "\x1b[2J", "\x9b", "\ud800"]),
                          st.text(hostile_chars, max_size=20)).map("".join)
CONTROLS = {chr(c) for c in [*range(0x20), *range(0x7f, 0xa0)]} - {"\n"}


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _examples(path: Path, labels: Sequence[str]) -> Path:
    """JSONL examples (``json.dumps`` keeps a lone surrogate as its ``\\ud800`` escape)."""
    words = ["fare to boston", "cheap flight", "bus to the airport", "seat upgrade"]
    lines = [json.dumps({"text": f"{words[i % 4]} {i}", "label": labels[i % len(labels)]})
             for i in range(8)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@SETTINGS
@given(texts_=st.lists(hostile_texts, min_size=1, max_size=4),
       labels_=st.lists(hostile_texts, min_size=2, max_size=2, unique=True),
       out_kind=st.sampled_from(["table", "json", "csv"]))
def test_classify_on_hostile_texts_and_labels(texts_: list[str], labels_: list[str],
                                              out_kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, use_fake_provider():
        root = Path(tmp)
        examples = _examples(root / "examples.jsonl", labels_)
        out = root / "labels.csv"
        args = ["classify", "-m", "fake", "--examples", str(examples), "-q"]
        args += {"table": [], "json": ["--json"], "csv": ["-o", str(out)]}[out_kind]
        result = CliRunner().invoke(cli, [*args, "--", *texts_])
        _assert_clean(result)
        bad = any(map(_has_surrogate, [*texts_, *labels_]))
        blank_label = any(not label.strip() for label in labels_)
        if bad:
            assert result.exit_code == 2 and "not valid Unicode" in result.output
        if result.exit_code != 0:
            assert not out.exists()
            return
        assert not bad and not blank_label
        printed = result.stdout
        assert not CONTROLS & set(printed.replace("\t", "")), repr(printed)
        assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069
                       for c in printed)
        if out_kind == "json":
            assert [json.loads(line)["text"] for line in printed.splitlines()] == texts_
        if out_kind == "csv":
            with out.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            assert [r["text"].removeprefix("'") if r["text"].startswith("'") and
                    r["text"][1:].startswith(FORMULA_STARTS) else r["text"]
                    for r in rows] == texts_
            for row in rows:
                for cell in (row["text"], row["label"]):
                    assert not cell.startswith(FORMULA_STARTS), cell


@SETTINGS
@given(raw=st.binary(max_size=200), suffix=st.sampled_from([".txt", ".csv"]))
def test_embed_on_invalid_utf8_files_never_tracebacks(raw: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp, use_fake_provider():
        root = Path(tmp)
        source = root / f"data{suffix}"
        source.write_bytes((b"text\n" if suffix == ".csv" else b"") + raw)
        out = root / "v.parquet"
        result = CliRunner().invoke(cli, ["embed", "-f", str(source), "-m", "fake", "-q",
                                          "-o", str(out), "--skip-blank"])
        _assert_clean(result)
        assert sorted(p.name for p in root.iterdir()) == sorted(
            [source.name, *([out.name] if result.exit_code == 0 else [])])


@SETTINGS
@given(ids=st.lists(hostile_texts, min_size=1, max_size=6),
       on_duplicate=st.sampled_from(["error", "keep-last"]))
def test_embed_keeps_hostile_ids_exactly(ids: list[str], on_duplicate: str) -> None:
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory() as tmp, use_fake_provider():
        root = Path(tmp)
        source = root / "data.jsonl"
        source.write_text("".join(json.dumps({"id": i, "text": f"text {n}"}) + "\n"
                                  for n, i in enumerate(ids)), encoding="utf-8")
        out = root / "v.parquet"
        result = CliRunner().invoke(cli, ["embed", "-f", str(source), "-m", "fake", "-q",
                                          "--id-column", "id", "-o", str(out),
                                          "--on-duplicate-id", on_duplicate])
        _assert_clean(result)
        repeated = len(set(ids)) < len(ids)
        if any(map(_has_surrogate, ids)) or any(not i for i in ids) or (
                repeated and on_duplicate == "error"):
            assert result.exit_code == 2, result.output
            assert not out.exists()
            return
        assert result.exit_code == 0, result.output
        last = {i: n for n, i in enumerate(ids)}
        assert pq.read_table(out).column("id").to_pylist() == [
            i for n, i in enumerate(ids) if last[i] == n]
