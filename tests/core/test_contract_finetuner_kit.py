"""FinetunerContract run against a small real finetuner (class centroids over the fake
provider), and shown to fail a finetuner that forgets its weights when reloaded."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from embedlab import get_finetuner
from embedlab._finetuner import Finetuner
from embedlab.testing import FinetunerContract, use_plugin

HERE = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _centroid_finetuner(embedlab_fake_provider: str,
                        monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(HERE))
    centroid = importlib.import_module("plugins_for_tests.centroid")
    with use_plugin(centroid, "centroid"):
        yield


class TestCentroidFinetuner(FinetunerContract):
    @pytest.fixture
    def finetuner(self) -> Finetuner:
        return get_finetuner("fake", method="full")


def test_the_kit_fails_a_finetuner_that_forgets_its_weights(tmp_path: Path) -> None:
    (tmp_path / "test_forgetful.py").write_text(textwrap.dedent(
        f"""
        import numpy as np
        import pytest
        import sys
        sys.path.insert(0, {str(HERE)!r})
        from plugins_for_tests import centroid
        from embedlab.testing import FinetunerContract, use_fake_provider, use_plugin

        class Forgetful(centroid.CentroidFinetuner):
            def load(self, path):
                model = super().load(path)
                model.centroids = np.repeat(model.centroids[:1], len(model.centroids), axis=0)
                return model

        class Plugin:
            from embedlab import hookimpl

            @hookimpl
            def embedlab_register_finetuners(self, register):
                register("fake", Forgetful, method="full")

        @pytest.fixture(autouse=True)
        def _registered(tmp_path, monkeypatch):
            monkeypatch.setenv("EMBEDLAB_HOME", str(tmp_path))
            with use_fake_provider(), use_plugin(Plugin(), "forgetful"):
                yield

        class TestForgetful(FinetunerContract):
            @pytest.fixture
            def finetuner(self):
                return Forgetful()
        """))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_forgetful.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "3 failed" in result.stdout, result.stdout[-3000:]
    for test in ("test_reload_gives_the_same_vectors[path]",
                 "test_reload_gives_the_same_vectors[id]",
                 "test_get_embedder_takes_the_saved_path"):
        assert f"TestForgetful::{test}" in result.stdout
