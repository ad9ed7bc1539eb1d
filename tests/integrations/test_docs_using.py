"""docs/using.md's LangChain and LlamaIndex examples run as written, with a saved tiny
custom model in place of ``runs/queries/model``, so the page cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_models import saved_model

PAGE = Path(__file__).resolve().parents[2] / "docs" / "using.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize("framework", ["langchain_core", "llama_index.core"])
def test_the_in_process_examples_run(framework: str, embedlab_fake_provider: str,
                                     tmp_path_factory: pytest.TempPathFactory,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    module = framework.split(".")[0]
    blocks = [b for b in _BLOCK.findall(PAGE.read_text(encoding="utf-8"))
              if f"from embedlab.integrations.{module.replace('_core', '')}" in b]
    assert len(blocks) == 1, f"expected one {framework} example in {PAGE.name}"
    folder = saved_model("adapter-fake", tmp_path_factory)
    code = blocks[0].replace("runs/queries/model", str(folder))
    try:
        exec(compile(code, f"docs/using.md ({framework} example)", "exec"), {})
    finally:
        if module == "llama_index":  # the example sets LlamaIndex's global embed model
            from llama_index.core import Settings

            Settings._embed_model = None
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2
    assert any("password" in line for line in printed)
