"""The maps of the HTML report as plain data: every point, highlight and row to check placed
in the SVG's coordinates, for the template to draw."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._visualizer import Projection
from ._audit import suspect_marks
from ._validate import checked_points

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MAP_H", "MAP_W", "map_view"]

MAP_W, MAP_H, _PAD = 520.0, 440.0, 16.0

Place = Callable[[float, float], "tuple[float, float]"]


def _placement(projection: Projection, points: np.ndarray) -> Place:
    """Fit every point and finite marker of ``projection`` into the map, y axis pointing down."""
    import numpy as np

    marked = np.asarray([[m.x, m.y] for m in projection.markers], dtype=float).reshape(-1, 2)
    bounds = np.vstack([points, marked[np.isfinite(marked).all(axis=1)]])
    low, scale, offset = np.zeros(2), 1.0, np.zeros(2)
    if len(bounds):
        low, high = bounds.min(axis=0), bounds.max(axis=0)
        span = np.where(high - low > 0, high - low, 1.0)
        scale = min((MAP_W - 2 * _PAD) / span[0], (MAP_H - 2 * _PAD) / span[1])
        offset = (np.array([MAP_W, MAP_H]) - span * scale) / 2

    def place(x: float, y: float) -> tuple[float, float]:
        return (float(offset[0] + (x - low[0]) * scale),
                float(MAP_H - (offset[1] + (y - low[1]) * scale)))

    return place


def _points(projection: Projection, points: np.ndarray, place: Place,
            colors: Mapping[str, str], index: Mapping[str, int]) -> list[dict[str, Any]]:
    out = []
    for i, ((x, y), label, text) in enumerate(zip(points, projection.labels,
                                                  projection.texts, strict=True)):
        cx, cy = place(x, y)
        name = str(label)
        out.append({"cx": f"{cx:.1f}", "cy": f"{cy:.1f}", "color": colors[name],
                    "c": index[name], "i": i, "label": name, "text": text})
    return out


def _markers(projection: Projection, place: Place) -> list[dict[str, Any]]:
    """Highlighted texts: a ring and the tag (text on hover); markers off the map are skipped."""
    out = []
    for marker in projection.markers:
        if not (math.isfinite(marker.x) and math.isfinite(marker.y)):
            continue
        cx, cy = place(marker.x, marker.y)
        out.append({"tag": marker.tag, "text": marker.text, "cx": f"{cx:.1f}",
                    "cy": f"{cy:.1f}", "tx": f"{cx + 9:.1f}", "ty": f"{cy - 7:.1f}"})
    return out


def map_view(projection: Projection, colors: Mapping[str, str], index: Mapping[str, int],
             uid: str, fmt: Callable[[Any], str]) -> dict[str, Any]:
    """One map: its caption, points, highlighted texts and rows to check, ready to draw."""
    xy = checked_points(projection)
    place = _placement(projection, xy)
    points = _points(projection, xy, place, colors, index)
    markers = _markers(projection, place)
    suspects = suspect_marks(projection, place, uid)
    silhouette = projection.metrics.get("silhouette")
    caption = projection.title
    if isinstance(silhouette, (int, float)):
        caption += f" · silhouette {fmt(float(silhouette))}"
    return {"title": projection.title, "caption": caption, "points": points,
            "markers": markers, "suspects": suspects, "width": f"{MAP_W:.0f}",
            "height": f"{MAP_H:.0f}", "drawn": len(points) + len(markers) + len(suspects)}
