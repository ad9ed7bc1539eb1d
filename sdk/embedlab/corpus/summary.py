"""What a corpus run did, returned by :func:`embedlab.embed_corpus` and printed by the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["CorpusSummary"]


@dataclass
class CorpusSummary:
    """Rows and parts written, what a resumed run skipped, time and cache use."""

    out: Path
    engine: str
    model: str
    dimension: int | None
    #: Rows in the output (resumed parts included).
    rows: int
    #: Rows embedded by this run.
    rows_embedded: int
    #: Rows left out because their text is empty (``None`` where the engine does not count).
    blank_rows: int | None
    parts_written: int
    parts_resumed: int
    seconds: float
    #: Texts answered from the cache or repeated within a request (``None``: not counted).
    cache_hits: int | None
    #: Earlier rows of repeated ids left out (``on_duplicate_id="keep-last"``).
    duplicate_rows: int = 0

    @property
    def rows_per_second(self) -> float:
        """Rows embedded by this run per second of its wall time."""
        return self.rows_embedded / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        data = asdict(self)
        data["out"] = str(self.out)
        data["rows_per_second"] = round(self.rows_per_second, 1)
        return data

    def __str__(self) -> str:
        parts = f"{self.parts_written} parts written"
        if self.parts_resumed:
            parts += f", {self.parts_resumed} kept from an earlier run"
        extra = []
        if self.blank_rows:
            extra.append(f"{self.blank_rows} blank rows left out")
        if self.duplicate_rows:
            extra.append(f"{self.duplicate_rows} earlier rows of repeated ids left out")
        if self.cache_hits is not None:
            extra.append(f"{self.cache_hits} cache hits")
        tail = f"; {', '.join(extra)}" if extra else ""
        return (f"{self.rows} vectors ({self.rows_embedded} embedded now) of dimension "
                f"{self.dimension} from {self.model} in {self.out}: {parts}, "
                f"{self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s, {self.engine} "
                f"engine){tail}")
