"""Issue 24 item 8: a saved model's files (the safetensors weights and classifier included)
get the mode the user's umask asks for, like every other file the user writes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import embedlab
import pytest
from embedlab.testing import use_fake_provider


@pytest.fixture
def umask() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _modes(directory: Path) -> dict[str, int]:
    return {p.relative_to(directory).as_posix(): stat.S_IMODE(p.stat().st_mode)
            for p in directory.rglob("*") if p.is_file()}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600)])
def test_saved_model_files_follow_the_umask(umask: None, tmp_path: Path, mask: int,
                                            expected: int) -> None:
    data = embedlab.Dataset.from_records(
        [{"text": f"{w} {i}", "label": w} for w in ("alpha", "beta", "gamma")
         for i in range(6)])
    with use_fake_provider():
        model = embedlab.get_finetuner("fake", method="adapter").finetune(
            data, None, embedlab.FinetuneConfig(max_steps=3, progress=False))
        model.fit_classifier(data, progress=False)
        os.umask(mask)
        saved = model.save(tmp_path / "model")
    modes = _modes(saved)
    assert {"classifier.safetensors", "embedlab.json"} <= set(modes)
    assert any(name.endswith(".safetensors") and name != "classifier.safetensors"
               for name in modes)
    assert modes == dict.fromkeys(modes, expected)
