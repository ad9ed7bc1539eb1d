"""Item 11 of issue 13: property-based tests (hypothesis) over the CLI and the loaders.

Generated datasets, option values and malformed provider answers; the properties: no
traceback, an exit code from the documented set, nothing created or changed outside
``--out``, every row accounted for. Example counts stay small so the suite runs in seconds.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import embedlab
import numpy as np
from click.testing import CliRunner
from embedlab.cli import cli
from embedlab.testing import FakeEmbedder, use_fake_provider
from hypothesis import HealthCheck, given, settings
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
def test_loader_accounts_for_every_row(data: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data)
        try:
            dataset = embedlab.load_dataset(path)
        except embedlab.DatasetError as exc:
            assert str(path.name) in str(exc)
            return
        assert len(dataset) == len(data)
        assert list(dataset.texts) == [text for text, _ in data]


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
