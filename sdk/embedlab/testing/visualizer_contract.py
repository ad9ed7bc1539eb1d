"""``VisualizerContract``: the behaviour every :class:`~embedlab.Visualizer` must have.

Subclass it and provide the ``visualizer`` fixture; ``projections`` holds two small maps
(baseline and custom) whose texts and labels carry HTML, so escaping is checked too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from .._visualizer import Projection, Visualizer
from ._home import IsolatedHome
from ._skip import not_applicable

__all__ = ["HOSTILE_STRINGS", "VisualizerContract"]

#: Dataset strings that would run or break markup if written into HTML unescaped.
HOSTILE_STRINGS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "</div></svg><b>bold</b>",
)


def _projection(title: str, seed: int) -> Projection:
    rng = np.random.default_rng(seed)
    labels = ["airfare", "ground_service", "<i>label</i>"] * 4
    texts = [f"query {i} about {label} & fares" for i, label in enumerate(labels)]
    texts[0], texts[1], texts[2] = HOSTILE_STRINGS
    points = rng.normal(size=(len(labels), 2)) + np.repeat(np.arange(3), 4)[:, None]
    return Projection(title=title, points=points.astype(np.float32), labels=labels,
                      texts=texts, metrics={"silhouette": 0.1 * seed, "accuracy": 0.5})


class VisualizerContract(IsolatedHome):
    """Behaviour every visualizer must have; subclass and provide the ``visualizer`` fixture."""

    @pytest.fixture
    def visualizer(self) -> Visualizer:
        """The visualizer under test: override in the subclass."""
        raise NotImplementedError(
            "override the `visualizer` fixture in your VisualizerContract subclass")

    @pytest.fixture
    def projections(self) -> list[Projection]:
        """A baseline and a custom map, 12 points in 3 classes each."""
        return [_projection("baseline <b>model</b>", 1), _projection("custom & tuned", 2)]

    @pytest.fixture
    def rendered(self, visualizer: Visualizer, projections: list[Projection],
                 tmp_path: Path) -> list[Path]:
        """The files the visualizer writes for ``projections`` into a fresh directory."""
        out = tmp_path / "out"
        return [Path(p) for p in visualizer.render(projections, out, title="<b>run</b> & co")]

    def test_renders_existing_non_empty_files(self, rendered: list[Path],
                                              tmp_path: Path) -> None:
        assert rendered, "render returned no files"
        for path in rendered:
            assert path.is_file(), f"{path} does not exist"
            assert path.stat().st_size > 0, f"{path} is empty"
            assert (tmp_path / "out") in path.resolve().parents or path.parent == (
                tmp_path / "out"), f"{path} is outside the output directory"

    def test_html_escapes_dataset_strings(self, rendered: list[Path]) -> None:
        pages = [p for p in rendered if p.suffix.lower() in {".html", ".htm", ".svg"}]
        if not pages:
            not_applicable("the visualizer writes no HTML or SVG")
        for page in pages:
            content = page.read_text(encoding="utf-8")
            for hostile in (*HOSTILE_STRINGS, "<i>label</i>", "<b>model</b>", "<b>run</b>"):
                assert hostile not in content, f"{page.name} holds {hostile!r} unescaped"
            # The texts must still be there, escaped, not dropped.
            assert "alert(1)" in content, f"{page.name} dropped the point texts"

    def test_renders_again_into_the_same_directory(self, visualizer: Visualizer,
                                                   projections: list[Projection],
                                                   rendered: list[Path],
                                                   tmp_path: Path) -> None:
        again = [Path(p) for p in visualizer.render(projections, tmp_path / "out")]
        assert again and all(p.is_file() and p.stat().st_size > 0 for p in again)
