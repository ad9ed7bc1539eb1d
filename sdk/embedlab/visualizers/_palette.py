"""Class colours shared by the PNG and HTML maps, so a class looks the same in both."""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

__all__ = ["class_colors"]

# A colour-blind-friendly categorical palette (Okabe & Ito's eight, black swapped for grey),
# then two more distinct hues.
_BASE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#7F7F7F", "#882255", "#44AA99",
)


def class_colors(classes: Sequence[str]) -> dict[str, str]:
    """A ``#rrggbb`` colour per class: the fixed palette first, evenly spaced hues after it."""
    out: dict[str, str] = {}
    extra = max(0, len(classes) - len(_BASE))
    for i, name in enumerate(classes):
        if i < len(_BASE):
            out[name] = _BASE[i]
        else:
            hue = (i - len(_BASE)) / max(1, extra)
            lightness = 0.45 if (i % 2) else 0.6
            r, g, b = colorsys.hls_to_rgb(hue, lightness, 0.65)
            out[name] = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    return out
