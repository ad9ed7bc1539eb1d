"""Dataset loading and validation speed: embedlab.load_dataset + validate against plain
pandas.read_csv and the standard csv module, on CLINC150 train.csv and a larger synthetic
file built from it (rows repeated with a counter, so texts stay distinct).

Run: .venv/bin/python bench/bench_datasets.py [--rows 1000000] [--repeat 3]
Prints a Markdown table for bench/RESULTS.md. Synthetic files go to bench/_work/.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLINC = HERE.parents[1] / "shared" / "data" / "clinc150" / "train.csv"
WORK = HERE / "_work" / "datasets"


def _best(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _synthetic(rows: int) -> tuple[Path, Path, Path]:
    """CSV, JSONL and Parquet files with ``rows`` rows derived from CLINC150."""
    import pandas as pd

    WORK.mkdir(parents=True, exist_ok=True)
    base = pd.read_csv(CLINC)
    reps = -(-rows // len(base))
    frame = pd.concat([base] * reps, ignore_index=True).iloc[:rows].copy()
    frame["text"] = frame["text"] + " #" + frame.index.astype(str)
    paths = (WORK / f"syn{rows}.csv", WORK / f"syn{rows}.jsonl", WORK / f"syn{rows}.parquet")
    if not all(p.exists() for p in paths):
        frame.to_csv(paths[0], index=False)
        frame.to_json(paths[1], orient="records", lines=True)
        frame.to_parquet(paths[2])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import embedlab as el
    import pandas as pd

    def pandas_csv(path: Path) -> None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["text"].tolist(), frame["label"].tolist()

    def stdlib_csv(path: Path) -> None:
        with path.open(encoding="utf-8", newline="") as fh:
            [(r["text"], r["label"]) for r in csv.DictReader(fh)]

    def stdlib_jsonl(path: Path) -> None:
        with path.open(encoding="utf-8") as fh:
            [(r["text"], r["label"]) for r in map(json.loads, fh)]

    syn_csv, syn_jsonl, syn_parquet = _synthetic(args.rows)
    rows = []
    for label, path in ((f"CLINC150 train.csv (15,000 rows, {CLINC.stat().st_size / 1e6:.1f} MB)",
                         CLINC),
                        (f"synthetic CSV ({args.rows:,} rows, "
                         f"{syn_csv.stat().st_size / 1e6:.0f} MB)", syn_csv)):
        ds = el.load_dataset(path)
        fresh = el.Dataset(ds.texts, ds.labels)  # fingerprint is cached per object
        rows.append((label, "embedlab load_dataset",
                     _best(partial(el.load_dataset, path), args.repeat)))
        rows.append((label, "embedlab validate(test_size=0.2)",
                     _best(partial(ds.validate, test_size=0.2), args.repeat)))
        rows.append((label, "embedlab fingerprint", _best(
            partial(lambda d: el.Dataset(d.texts, d.labels).fingerprint, fresh), args.repeat)))
        rows.append((label, "pandas.read_csv + tolist",
                     _best(partial(pandas_csv, path), args.repeat)))
        rows.append((label, "csv.DictReader", _best(partial(stdlib_csv, path), args.repeat)))
    label = f"synthetic JSONL ({args.rows:,} rows)"
    rows.append((label, "embedlab load_dataset", _best(lambda: el.load_dataset(syn_jsonl),
                                                       args.repeat)))
    rows.append((label, "json.loads per line", _best(lambda: stdlib_jsonl(syn_jsonl),
                                                     args.repeat)))
    label = f"synthetic Parquet ({args.rows:,} rows)"
    rows.append((label, "embedlab load_dataset", _best(lambda: el.load_dataset(syn_parquet),
                                                       args.repeat)))
    rows.append((label, "pandas.read_parquet + tolist", _best(
        lambda: pd.read_parquet(syn_parquet)["text"].tolist(), args.repeat)))

    print("| input | what | median seconds |")
    print("|---|---|---|")
    for label, what, seconds in rows:
        print(f"| {label} | {what} | {seconds:.3f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
