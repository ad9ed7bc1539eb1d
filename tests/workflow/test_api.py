"""The workflow's public names stay what they say, however the modules were imported."""

from __future__ import annotations

import subprocess
import sys


def test_compare_stays_a_function_after_the_cli_and_modules_load() -> None:
    # A module named like a lazily exported function would replace it on import.
    code = (
        "import embedlab.cli, embedlab._compare.comparison, embedlab._compare.report\n"
        "import embedlab._datasets.sample\n"
        "import embedlab\n"
        "from embedlab import compare, Comparison, sample_dataset_path\n"
        "assert callable(compare) and compare.__name__ == 'compare', compare\n"
        "assert embedlab.compare is compare\n"
        "assert isinstance(Comparison, type)\n"
        "assert sample_dataset_path().name == 'airline_intents.csv'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_workflow_names_are_exported() -> None:
    import embedlab

    for name in ("compare", "Comparison", "sample_dataset_path", "load_sample_dataset"):
        assert name in embedlab.__all__
        assert callable(getattr(embedlab, name)), name  # functions and classes alike
