"""Built-in visualizers, registered through the same hook a plugin would use.

- ``png``: :class:`~embedlab.visualizers.png.PngVisualizer`, the static side-by-side map.
- ``html``: :class:`~embedlab.visualizers.html.HtmlVisualizer`, the interactive report page.
"""

from __future__ import annotations

from typing import Any

from ..hookspecs import hookimpl
from .html import HtmlVisualizer
from .png import PngVisualizer

__all__ = ["embedlab_register_visualizers"]


@hookimpl
def embedlab_register_visualizers(register: Any) -> None:
    """Register the static PNG and the interactive HTML visualizers."""
    register("png", PngVisualizer, requires=["matplotlib"],
             install="pip install 'embedlab[report]'",
             description="side-by-side maps as one PNG (matplotlib)")
    register("html", HtmlVisualizer, description="self-contained interactive page: maps, "
             "metrics, settings; works offline")
