"""Issue 24 item 4: a repeated comparison reuses the custom model trained before instead of
training it again. In one fresh ``EMBEDLAB_HOME``: ``embedlab compare -m full`` on the shipped
sample, then ``embedlab compare -m full -m adapter`` (the full model is reused, the adapter is
trained). Prints both wall times, their ratio, and the load average beside each.

Usage: ``python bench/reuse.py [--embedlab PATH] [-- extra compare args]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str, tuple[float, ...]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stderr, os.getloadavg()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedlab", default=str(ROOT / ".venv" / "bin" / "embedlab"))
    parser.add_argument("extra", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="embedlab-reuse-") as tmp:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "EMBEDLAB_HOME": str(Path(tmp) / "home"),
               "EMBEDLAB_PROGRESS": "0"}
        base = [args.embedlab, "compare", "-p", "local", *args.extra]
        first, _, load1 = _timed([*base, "-m", "full", "--out", f"{tmp}/full"], env)
        second, log, load2 = _timed([*base, "-m", "full", "-m", "adapter", "--out",
                                     f"{tmp}/both"], env)
        report = json.loads((Path(tmp) / "both" / "report.json").read_text(encoding="utf-8"))
        reused = {c["method"]: c.get("reused") for c in report["candidates"]}
    print(json.dumps({"first_full_s": round(first, 1), "load_first": load1,
                      "repeat_full_adapter_s": round(second, 1), "load_repeat": load2,
                      "ratio": round(second / first, 3), "reused": reused,
                      "reuse_line": next((line for line in log.splitlines()
                                          if "reusing" in line), None)}, indent=2))


if __name__ == "__main__":
    main()
