"""The built-in visualizers: the contract kit, plus what each one promises."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import embedlab
import numpy as np
import pytest
from embedlab import Projection, Visualizer
from embedlab.testing import VisualizerContract
from embedlab.visualizers.html import render_page


class TestPngContract(VisualizerContract):
    @pytest.fixture
    def visualizer(self) -> Visualizer:
        return embedlab.get_visualizer("png")


class TestHtmlContract(VisualizerContract):
    @pytest.fixture
    def visualizer(self) -> Visualizer:
        return embedlab.get_visualizer("html")


def _maps(n: int = 30) -> list[Projection]:
    rng = np.random.default_rng(0)
    labels = ["airfare", "airline", "ground_service"] * (n // 3)
    texts = [f"text {i}" for i in range(n)]
    return [
        Projection("baseline", rng.normal(size=(n, 2)), labels, texts,
                   {"silhouette": 0.12}),
        Projection("custom", rng.normal(size=(n, 2)), labels, texts, {"silhouette": 0.61}),
    ]


def test_builtins_are_registered_through_the_hook() -> None:
    from embedlab.lookup import visualizers

    entries = {e.name: e for e in visualizers()}
    assert {"png", "html"} <= set(entries)
    assert entries["png"].plugin == entries["html"].plugin == "visualizers"
    assert entries["png"].source == "builtin"


def test_png_is_a_wide_image_with_both_maps(tmp_path: Path) -> None:
    [path] = embedlab.get_visualizer("png").render(_maps(), tmp_path, title="run")
    assert path.name == "comparison.png"
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width > 1.8 * height  # two square maps side by side plus the legend
    assert not list(tmp_path.glob(".*partial"))


def test_png_refuses_mismatched_projection(tmp_path: Path) -> None:
    bad = Projection("bad", np.zeros((3, 2)), ["a", "b"], ["x", "y", "z"])
    with pytest.raises(ValueError, match="3 points but 2 labels"):
        embedlab.get_visualizer("png").render([bad], tmp_path)


def test_html_has_every_point_in_each_map_with_text_and_label(tmp_path: Path) -> None:
    [path] = embedlab.get_visualizer("html").render(_maps(30), tmp_path, title="run")
    page = path.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg class=\"el-map\".*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.count('class="el-pt"') == 30
        assert 'data-t="text 29"' in svg and 'data-l="ground_service"' in svg
    # one toggle per class, with the class's test count
    assert re.findall(r'data-c="\d+" aria-pressed="true">', page).__len__() == 3
    assert "airline (10)" in page
    assert "silhouette 0.6100" in page


def test_html_is_self_contained(tmp_path: Path) -> None:
    [path] = embedlab.get_visualizer("html").render(_maps(), tmp_path)
    page = path.read_text(encoding="utf-8")
    assert set(re.findall(r"https?://[^\"'\s]+", page)) == {"http://www.w3.org/2000/svg"}
    for external in ("<link", " src=", "@import", "url("):
        assert external not in page
    assert page.count("<script>") == 1


def test_html_metrics_table_marks_improvements_and_regressions() -> None:
    context = {"metrics": {
        "baseline": {"accuracy": 0.8, "log_loss": 0.5, "silhouette": 0.2},
        "custom": {"accuracy": 0.9, "log_loss": 0.7, "silhouette": float("nan")},
    }}
    page = render_page(_maps(), context=context)
    assert re.search(r'el-better">\+0\.1000<', page)  # accuracy up
    assert re.search(r'el-worse">\+0\.2000<', page)  # log loss up is worse
    assert "n/a" in page  # NaN silhouette is shown as n/a, not "nan"


def test_html_escapes_context_strings() -> None:
    context = {"dataset": {"name": "<script>x()</script>", "rows": 3, "classes": ["a"]},
               "settings": {"note": "\"><img src=y>"}, "baseline_model": "m<i>"}
    page = render_page(_maps(), title="<b>t</b>", context=context)
    for raw in ("<script>x()", "<img src=y>", "m<i>", "<b>t</b>"):
        assert raw not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page


@pytest.mark.parametrize("n", [3, 10, 75])
def test_every_class_gets_its_own_colour(n: int) -> None:
    from embedlab.visualizers._palette import class_colors

    colors = class_colors([f"c{i}" for i in range(n)])
    assert len(set(colors.values())) == n
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in colors.values())


def test_html_per_class_table_shows_both_models() -> None:
    def side(f1: float) -> dict[str, dict[str, float]]:
        return {"airline": {"precision": 0.5, "recall": 0.25, "f1-score": f1, "support": 4.0}}

    context = {"metrics": {"baseline": {"accuracy": 0.5, "per_class": side(0.3333)},
                           "custom": {"accuracy": 0.75, "per_class": side(0.6667)}}}
    page = render_page(_maps(), context=context)
    table = re.search(r"<table class='el-per-class'>.*?</table>", page, flags=re.S)
    assert table is not None
    row = re.search(r"<tr><th>airline</th>(.*?)</tr>", table.group(0)).group(1)  # type: ignore[union-attr]
    cells = re.findall(r">([^<]+)</td>", row)
    assert cells == ["4", "0.5000", "0.5000", "0.2500", "0.2500", "0.3333", "0.6667", "+0.3334"]
