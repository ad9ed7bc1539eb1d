"""The static map: baseline left, custom right, coloured by class, as one PNG (matplotlib)."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..visualizer import Projection, Visualizer
from ._palette import class_colors
from ._validate import checked_points

__all__ = ["PngVisualizer"]


def _subtitle(projection: Projection) -> str:
    silhouette = projection.metrics.get("silhouette")
    if isinstance(silhouette, (int, float)) and math.isfinite(silhouette):
        return f"{projection.title}\nsilhouette {silhouette:.3f}"
    return f"{projection.title}\nsilhouette n/a"


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
        n = len(projections)
        # Figure/FigureCanvasAgg directly: no pyplot, no global backend switch, no GUI.
        fig = Figure(figsize=(6.0 * n + 1.8, 6.0), dpi=110, layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, n, squeeze=False)[0]
        for ax, projection in zip(axes, projections, strict=True):
            points = checked_points(projection)
            labels = np.asarray([str(label) for label in projection.labels])
            size = 18.0 if len(points) <= 500 else 6.0
            for name in classes:
                mask = labels == name
                ax.scatter(points[mask, 0], points[mask, 1], s=size, c=colors[name],
                           label=name, alpha=0.8, edgecolors="none")
            _draw_markers(ax, projection)
            ax.set_title(_subtitle(projection), fontsize=11)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_aspect("equal", adjustable="datalim")
        handles, names = axes[0].get_legend_handles_labels()
        # Many classes: more legend columns in smaller type, so the legend stays beside the maps.
        columns = max(1, math.ceil(len(names) / 30))
        fig.legend(handles, names, loc="outside right center", title="label",
                   fontsize=9 if len(names) <= 30 else 6, markerscale=1.5, frameon=False,
                   ncols=columns)
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
