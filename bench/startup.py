"""How long ``import embedlab`` and ``embedlab --help`` take in a fresh interpreter, and how
long ``embedlab check fake`` (the whole embedder contract against FakeEmbedder) takes.

Run: ``.venv/bin/python bench/startup.py [--runs 7]``; prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CHECK_FAKE = (
    "import sys; from embedlab.testing import use_fake_provider; from embedlab.cli import cli\n"
    "with use_fake_provider():\n"
    "    cli(['check', 'fake'], standalone_mode=False)\n"
)


def _time(args: list[str], runs: int) -> tuple[float, float]:
    """Median and minimum wall time, in milliseconds, of ``python ARGS``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    cases = [
        ("python -c pass (interpreter alone)", ["-c", "pass"]),
        ("import embedlab", ["-c", "import embedlab"]),
        ("embedlab --help", ["-m", "embedlab", "--help"]),
        ("embedlab providers", ["-m", "embedlab", "providers"]),
        ("embedlab check fake (EmbedderContract vs FakeEmbedder)", ["-c", CHECK_FAKE]),
    ]
    print(f"| command | median ms | min ms |  ({runs} runs each)")
    print("|---|---:|---:|")
    for label, args in cases:
        median, fastest = _time(args, runs)
        print(f"| {label} | {median:.0f} | {fastest:.0f} |")


if __name__ == "__main__":
    main()
