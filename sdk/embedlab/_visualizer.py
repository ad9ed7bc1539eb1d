"""The ``Visualizer`` interface: a comparison in, files (a PNG, an HTML page, ...) out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Marker", "Projection", "Visualizer"]


@dataclass
class Marker:
    """A highlighted text on one map: its short tag, where it lies, its nearest neighbours."""

    #: Short label drawn on the map (``A``, ``B``, ...); the same text has the same tag on
    #: every map.
    tag: str
    text: str
    x: float
    y: float
    #: Its class when the text is in the dataset, else ``None``.
    label: str | None = None
    #: Nearest dataset rows under this map's model: ``(text, label, cosine similarity)``.
    neighbours: list[tuple[str, str, float]] = field(default_factory=list)


@dataclass
class Projection:
    """One model's embeddings projected to 2-D, with what is needed to draw them."""

    title: str
    points: np.ndarray  # shape (n, 2)
    labels: Sequence[str]
    texts: Sequence[str]
    metrics: dict[str, Any] = field(default_factory=dict)
    #: Highlighted texts to mark on this map (may lie outside ``points``).
    markers: list[Marker] = field(default_factory=list)
    #: Training rows the label audit flags, placed among their nearest points, tagged with
    #: their rank in the report's "Rows to check" (baseline map only).
    suspects: list[Marker] = field(default_factory=list)
    #: Maps of one group (a provider's baseline and its custom models) are drawn together.
    group: str = ""


class Visualizer(ABC):
    """Renders side-by-side projections (baseline first, custom second) into artifacts."""

    #: Registered name, e.g. ``"png"`` or ``"html"``.
    name: str = ""

    @abstractmethod
    def render(self, projections: Sequence[Projection], out_dir: str | Path,
               *, title: str = "", context: dict[str, Any] | None = None) -> list[Path]:
        """Write the artifacts into ``out_dir`` and return their paths."""
