"""``import embedlab`` and loading a CSV stay light: no pandas, scikit-learn or torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ["pandas", "sklearn", "torch", "sentence_transformers", "cohere", "openai", "umap",
         "matplotlib", "pyarrow"]

SCRIPT = """
import json, sys
import embedlab
loaded = {"import": sorted(m for m in HEAVY if m in sys.modules)}
if len(sys.argv) > 1:
    ds = embedlab.load_dataset(sys.argv[1])
    ds.validate()
    loaded["load+validate"] = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps(loaded))
"""


def _run(*args: str) -> dict[str, list[str]]:
    code = f"HEAVY = {HEAVY!r}\n{SCRIPT}"
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True, timeout=120)
    result: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_import_embedlab_imports_no_heavy_library() -> None:
    assert _run() == {"import": []}


def test_loading_and_validating_a_csv_imports_no_heavy_library(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("text,label\na,x\nb,y\nc,x\nd,y\n", encoding="utf-8")
    assert _run(str(path)) == {"import": [], "load+validate": []}
