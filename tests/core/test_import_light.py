"""``import embedlab`` and the CLI's help and listing stay light: no torch, provider SDKs,
scikit-learn, UMAP, matplotlib or pandas until something uses them. Each check runs in a
fresh interpreter with ``-X importtime``, which reports every module the process imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "transformers", "sentence_transformers", "cohere", "openai", "sklearn",
         "umap", "matplotlib", "pandas", "fastapi", "starlette", "uvicorn", "langchain_core",
         "llama_index")


def _imported(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Top-level names of every module a fresh ``python -X importtime ARGS`` imports."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    result = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True,
                            text=True, timeout=120, env=env, check=False)
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    return names, result


def test_importtime_parsing_sees_a_heavy_import() -> None:
    # Guards the checks below: they must notice a heavy module when one is imported.
    names, result = _imported("-c", "import sklearn")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sklearn" in names


@pytest.mark.parametrize("args", [
    ("-c", "import embedlab; embedlab.Dataset; embedlab.get_embedder"),
    ("-m", "embedlab", "--help"),
    ("-m", "embedlab", "--version"),
    ("-m", "embedlab", "check", "--help"),
    ("-m", "embedlab", "providers"),
    ("-m", "embedlab", "serve", "--help"),
], ids=["import", "help", "version", "check-help", "providers", "serve-help"])
def test_stays_light(args: tuple[str, ...]) -> None:
    names, result = _imported(*args)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "embedlab" in names
    loaded = sorted(set(HEAVY) & names)
    assert loaded == [], f"`python {' '.join(args)}` imported {loaded}"


def test_console_script_help_stays_light() -> None:
    script = Path(sys.executable).with_name("embedlab")
    assert script.is_file(), f"no console script at {script}: install embedlab (make venv)"
    names, result = _imported(str(script), "--help")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage: embedlab" in result.stdout
    assert sorted(set(HEAVY) & names) == []


def test_python_m_embedlab_runs_the_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "embedlab", "--help"], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0
    assert "Usage: embedlab" in result.stdout
    assert "providers" in result.stdout
