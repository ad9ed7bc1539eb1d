"""What the hosted-provider benchmarks share: the texts, a fake server in its own process,
and running each contender in its own process with its own interpreter."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: A venv holding langchain-cohere / langchain-openai, kept apart because langchain-cohere
#: pins an older cohere SDK than embedlab's.
LANGCHAIN_PYTHON = HERE / "_work" / "lc-venv" / "bin" / "python"
CLINC = HERE.parents[1] / "shared" / "data" / "clinc150"
#: A made-up key the fakes accept; the benchmark never touches a real provider.
KEY = "bench-key-not-a-secret"


def texts(count: int, join: int = 1) -> list[str]:
    """``count`` distinct texts, each ``join`` real user queries (CLINC150 train+val+test)
    run together, or generated ones where CLINC150 is absent."""
    seen: dict[str, None] = {}
    for name in ("train.csv", "val.csv", "test.csv"):
        path = CLINC / name
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    seen.setdefault(row["text"].strip(), None)
    queries = [t for t in seen if t]
    # Text i is queries i..i+join-1: distinct because each starts with a different query.
    out = [". ".join(queries[(i + k) % len(queries)] for k in range(join))
           for i in range(min(count, len(queries)))] if queries else []
    i = 0
    while len(out) < count:  # top up (or make all of them) when CLINC150 is absent
        out.append(f"question {i} about order {i * 7 % 1000} and its delivery date")
        i += 1
    return out


@contextmanager
def fake_server(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Start ``bench/_serve_fake.py ARGS`` and yield its URL and process."""
    proc = subprocess.Popen([sys.executable, str(HERE / "_serve_fake.py"), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())["url"], proc
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=30)


def server_stats(proc: subprocess.Popen[str]) -> dict[str, Any]:
    """The fake server's counters so far."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("stats\n")
    proc.stdin.flush()
    return dict(json.loads(proc.stdout.readline()))


def run_contender(script: Path, name: str, url: str, count: int, python: str) -> dict[str, Any]:
    """Run ``script --contender NAME`` in its own process; its last stdout line is JSON."""
    started = time.perf_counter()
    done = subprocess.run([python, str(script), "--contender", name, "--url", url,
                           "--count", str(count)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"contender": name, "failed": done.stderr.strip().splitlines()[-3:],
                "process_s": time.perf_counter() - started}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = round(time.perf_counter() - started, 1)
    return result


def table(rows: list[dict[str, Any]], limit_name: str) -> str:
    """The results as a Markdown table."""
    lines = [f"| contender | texts | seconds | inputs/min | fraction of {limit_name} | "
             "429s answered | errors surfaced |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        if "failed" in r:
            lines.append(f"| {r['contender']} | failed: {' '.join(r['failed'])[:120]} "
                         "| | | | | |")
            continue
        lines.append(f"| {r['contender']} | {r['rows']} | {r['seconds']:.1f} | "
                     f"{r['per_minute']:.0f} | {r['fraction']:.3f} | {r['refused_429']} | "
                     f"{r['errors_surfaced']}{' (' + r['error'] + ')' if r.get('error') else ''} |")
    return "\n".join(lines)
