"""Ctrl-C ends a command with exit 130 and leaves nothing that looks finished: the real CLI
in a subprocess, interrupted while the local model trains."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

CLI = "from embedlab.cli import main\nmain()\n"


def test_ctrl_c_during_training_exits_130_and_saves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "EMBEDLAB_PROGRESS": "0"}
    proc = subprocess.Popen([sys.executable, "-c", CLI, "compare", "--provider", "local",
                             "--out", str(out), "--projection", "pca"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    training = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "finetune (full) ..." in line:
                training.set()
        training.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert training.wait(timeout=300), "".join(lines)
        assert proc.poll() is None, "compare ended before training:\n" + "".join(lines)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(timeout=10)
    log = "".join(lines)
    assert code == 130, log
    assert "interrupted: nothing half-written was left behind" in log
    assert "Traceback" not in log, log
    # nothing in --out looks like a finished run: no report, no saved model
    assert not (out / "report.json").exists() and not (out / "model").exists()
