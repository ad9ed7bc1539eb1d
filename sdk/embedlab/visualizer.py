"""The ``Visualizer`` interface: a comparison in, files (a PNG, an HTML page, ...) out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Projection", "Visualizer"]


@dataclass
class Projection:
    """One model's embeddings projected to 2-D, with what is needed to draw them."""

    title: str
    points: np.ndarray  # shape (n, 2)
    labels: Sequence[str]
    texts: Sequence[str]
    metrics: dict[str, Any] = field(default_factory=dict)


class Visualizer(ABC):
    """Renders side-by-side projections (baseline first, custom second) into artifacts."""

    #: Registered name, e.g. ``"png"`` or ``"html"``.
    name: str = ""

    @abstractmethod
    def render(self, projections: Sequence[Projection], out_dir: str | Path,
               *, title: str = "", context: dict[str, Any] | None = None) -> list[Path]:
        """Write the artifacts into ``out_dir`` and return their paths."""
