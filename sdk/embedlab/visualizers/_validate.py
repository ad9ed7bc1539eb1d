"""Checks a visualizer runs before drawing, so a bad projection fails with a clear message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._visualizer import Projection

if TYPE_CHECKING:
    import numpy as np

__all__ = ["checked_points"]


def checked_points(projection: Projection) -> np.ndarray:
    """The projection's points as an ``(n, 2)`` float array, after checking the lengths agree."""
    import numpy as np

    points = np.asarray(projection.points, dtype=float)
    if points.ndim != 2 or (len(points) and points.shape[1] != 2):
        raise ValueError(f"projection {projection.title!r}: points must have shape (n, 2), "
                         f"got {points.shape}")
    lengths: Sequence[int] = (len(points), len(projection.labels), len(projection.texts))
    if len(set(lengths)) != 1:
        raise ValueError(f"projection {projection.title!r}: {lengths[0]} points but "
                         f"{lengths[1]} labels and {lengths[2]} texts")
    if not np.isfinite(points).all():
        raise ValueError(f"projection {projection.title!r}: points contain NaN or infinity")
    return points.reshape(-1, 2)
