"""The built-in loaders pass the contract kit a plugin's loader must pass, both called
directly (as a plugin author would test them) and through ``load_dataset``."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import embedlab as el
import pytest
from embedlab._datasets import loaders
from embedlab.testing.loader_contract import DatasetLoaderContract, Loader, SampleWriter


def write_csv(directory: Path, rows: Sequence[tuple[str, str]]) -> Path:
    path = directory / "sample.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def write_tsv(directory: Path, rows: Sequence[tuple[str, str]]) -> Path:
    path = directory / "sample.tsv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def write_jsonl(directory: Path, rows: Sequence[tuple[str, str]]) -> Path:
    path = directory / "sample.jsonl"
    path.write_text("".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n"
                            for t, lab in rows), encoding="utf-8")
    return path


def write_json(directory: Path, rows: Sequence[tuple[str, str]]) -> Path:
    path = directory / "sample.json"
    path.write_text(json.dumps([{"text": t, "label": lab} for t, lab in rows]),
                    encoding="utf-8")
    return path


def write_parquet(directory: Path, rows: Sequence[tuple[str, str]]) -> Path:
    import pandas as pd

    path = directory / "sample.parquet"
    pd.DataFrame(list(rows), columns=["text", "label"]).to_parquet(path)
    return path


FORMATS = {
    "csv": (loaders.load_csv, write_csv),
    "tsv": (loaders.load_tsv, write_tsv),
    "jsonl": (loaders.load_jsonl, write_jsonl),
    "json": (loaders.load_json, write_json),
    "parquet": (loaders.load_parquet, write_parquet),
}


class TestBuiltinLoaders(DatasetLoaderContract):
    """Each format's own function, and ``load_dataset`` choosing it by suffix."""

    @pytest.fixture(params=[(f, how) for f in FORMATS for how in ("direct", "load_dataset")],
                    ids=lambda p: f"{p[0]}-{p[1]}")
    def case(self, request: pytest.FixtureRequest) -> tuple[str, str]:
        return request.param

    @pytest.fixture
    def loader(self, case: tuple[str, str]) -> Loader:
        function, _ = FORMATS[case[0]]
        return function if case[1] == "direct" else el.load_dataset

    @pytest.fixture
    def write_sample(self, case: tuple[str, str]) -> SampleWriter:
        return FORMATS[case[0]][1]
