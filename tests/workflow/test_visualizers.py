"""The built-in visualizers: the contract kit, plus what each one promises."""

from __future__ import annotations

import re
import struct
from html.parser import HTMLParser
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
    from embedlab._lookup import visualizers

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


_HOSTILE = "<script>alert(\"x\")</script> & 'quoted' \"double\""


class _Page(HTMLParser):
    """Collects a page's tags, attributes (unescaped) and text, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_escapes_hostile_labels_and_texts_everywhere() -> None:
    from embedlab._visualizer import Marker

    labels = ["ok", _HOSTILE] * 3
    texts = [f"{_HOSTILE} {i}" for i in range(6)]
    marker = Marker(tag="A&B", text=_HOSTILE, x=0.0, y=0.0, label=_HOSTILE,
                    neighbours=[(_HOSTILE, _HOSTILE, 0.5)])
    rng = np.random.default_rng(1)
    maps = [Projection(_HOSTILE, rng.normal(size=(6, 2)), labels, texts, markers=[marker]),
            Projection("custom", rng.normal(size=(6, 2)), labels, texts, markers=[marker])]
    side = {"accuracy": 0.5, "per_class": {_HOSTILE: {"f1-score": 0.5, "support": 3.0}}}
    context = {"dataset": {"name": _HOSTILE, "rows": 6, "classes": ["ok", _HOSTILE]},
               "baseline_model": _HOSTILE, "custom_model": {"id": _HOSTILE, "method": "&"},
               "split": {"overlap": 1, "test": 6, "overlap_examples": [_HOSTILE]},
               "skipped": [_HOSTILE], "metrics": {"baseline": side, "custom": side},
               "settings": {_HOSTILE: _HOSTILE}, "versions": {"x": _HOSTILE}}
    page = render_page(maps, title=_HOSTILE, context=context)

    assert "<script>alert" not in page and "\"double\"\"" not in page
    assert page.count("<script>") == 1 and page.count("</script>") == 1
    parsed = _Page()
    parsed.feed(page)
    points = [attrs for tag, attrs in parsed.tags if tag == "circle" and "data-t" in attrs]
    # every point keeps its exact text and label: escaped once, not mangled or double-escaped
    assert sorted(p["data-t"] or "" for p in points) == sorted(texts * 2)
    assert {p["data-l"] for p in points} == {"ok", _HOSTILE}
    assert {a.get("aria-label") for t, a in parsed.tags if t == "svg"} == {_HOSTILE, "custom"}
    text = "".join(parsed.text)
    # title, heading, facts, leakage, skipped, per class, highlights, settings, versions
    assert text.count(_HOSTILE) >= 10
    assert "&amp;" not in text  # nothing escaped twice
