"""The static map: baseline left, custom right, coloured by class, as one PNG (matplotlib)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._visualizer import Projection, Visualizer
from ._palette import class_colors
from ._validate import checked_points

__all__ = ["PngVisualizer"]


#: Past this many classes the maps take the whole width: no legend, names on the clusters.
MANY_CLASSES = 20
#: Characters a map title may take on one line before it wraps (it never spills over a
#: neighbouring map).
_TITLE_WIDTH = 52


def _subtitle(projection: Projection) -> str:
    import textwrap

    title = "\n".join(textwrap.wrap(projection.title, _TITLE_WIDTH, break_on_hyphens=False,
                                    max_lines=2, placeholder="…")) or projection.title
    silhouette = projection.metrics.get("silhouette")
    if isinstance(silhouette, (int, float)) and math.isfinite(silhouette):
        return f"{title}\nsilhouette {silhouette:.3f}"
    return f"{title}\nsilhouette n/a"


def _name_clusters(ax: Any, points: Any, labels: Any, classes: Sequence[str]) -> None:
    """Write each class's name at the median of its points (instead of a legend)."""
    import numpy as np

    for name in classes:
        mask = labels == name
        if not mask.any():
            continue
        x, y = np.median(points[mask], axis=0)
        ax.annotate(name, (float(x), float(y)), ha="center", va="center", fontsize=5.5,
                    color="#222", zorder=5, parse_math=False,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                          "alpha": 0.6})


def _layout(projections: Sequence[Projection]) -> list[list[Projection]]:
    """Rows of maps: one row per group (a provider's baseline and its custom models)."""
    rows: dict[str, list[Projection]] = {}
    for projection in projections:
        rows.setdefault(projection.group or "", []).append(projection)
    return list(rows.values())


def _short(text: str, limit: int = 90) -> str:
    """One line of at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _draw_markers(ax: Any, projection: Projection) -> None:
    """Ring each highlighted text's point and write its tag beside it."""
    for marker in projection.markers:
        ax.scatter([marker.x], [marker.y], s=120, facecolors="none", edgecolors="black",
                   linewidths=1.6, zorder=3)
        ax.annotate(marker.tag, (marker.x, marker.y), xytext=(6, 6), textcoords="offset points",
                    fontsize=10, fontweight="bold", zorder=4, parse_math=False,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.8})


def _metadata(projections: Sequence[Projection]) -> dict[str, str]:
    """PNG text chunks: the highlighted texts (tag, text, place on each map) as JSON."""
    import json

    marked = [{"tag": m.tag, "text": m.text, "label": m.label,
               "maps": [[pm.x, pm.y] for p in projections for pm in p.markers
                        if pm.tag == m.tag]} for m in projections[0].markers]
    return {"Software": "embedlab", "embedlab:highlights": json.dumps(marked,
                                                                      ensure_ascii=False)}


class PngVisualizer(Visualizer):
    """Draws the projections side by side into ``comparison.png`` (``context["png_name"]``)."""

    name = "png"

    def render(self, projections: Sequence[Projection], out_dir: str | Path,
               *, title: str = "", context: dict[str, Any] | None = None) -> list[Path]:
        """Write the PNG into ``out_dir`` (atomically) and return its path."""
        import matplotlib
        import numpy as np
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        context = context or {}
        if not projections:
            raise ValueError("nothing to draw: no projections given")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        target = out / str(context.get("png_name", "comparison.png"))
        classes = sorted({str(label) for p in projections for label in p.labels})
        colors = class_colors(classes)
        # Every label and title renders literally: "$5_$10" is text, not mathtext.
        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            self._draw(projections, target, classes, colors, title, np, Figure,
                       FigureCanvasAgg)
        return [target]

    @staticmethod
    def _draw(projections: Sequence[Projection], target: Path, classes: list[str],
              colors: dict[str, Any], title: str, np: Any, Figure: Any,
              FigureCanvasAgg: Any) -> None:
        """Draw the maps and save them to ``target`` atomically."""
        grid = _layout(projections)
        n = max(len(row) for row in grid)
        many = len(classes) > MANY_CLASSES
        # Figure/FigureCanvasAgg directly: no pyplot, no global backend switch, no GUI.
        fig = Figure(figsize=(6.0 * n + (0.0 if many else 1.8), 6.0 * len(grid)), dpi=110,
                     layout="constrained")
        FigureCanvasAgg(fig)
        all_axes = fig.subplots(len(grid), n, squeeze=False)
        placed = []
        for row, members in zip(all_axes, grid, strict=True):
            for ax in row[len(members):]:
                ax.set_axis_off()
            placed += list(zip(row, members, strict=False))
        axes = [ax for ax, _ in placed]
        for ax, projection in placed:
            points = checked_points(projection)
            labels = np.asarray([str(label) for label in projection.labels])
            size = 18.0 if len(points) <= 500 else 6.0
            for name in classes:
                mask = labels == name
                ax.scatter(points[mask, 0], points[mask, 1], s=size, c=colors[name],
                           label=name, alpha=0.8, edgecolors="none")
            _draw_markers(ax, projection)
            if many:
                _name_clusters(ax, points, labels, classes)
            ax.set_title(_subtitle(projection), fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal", adjustable="datalim")
        handles, names = axes[0].get_legend_handles_labels()
        if not many:  # many classes: names sit on their clusters and the maps get the width
            fig.legend(handles, names, loc="outside right center", title="label", fontsize=9,
                       markerscale=1.5, frameon=False)
        if title:
            fig.suptitle(title, fontsize=13)
        markers = projections[0].markers
        if markers:  # the highlighted texts, literally (parse_math=False: a "$" stays a "$")
            fig.supxlabel("\n".join(f"{m.tag}  {_short(m.text)}" for m in markers),
                          x=0.01, ha="left", fontsize=9, parse_math=False)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            fig.savefig(tmp, format="png", metadata=_metadata(projections))
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
