"""Step-by-step progress for long workflows: one line per step on stderr, with its timing.

``with steps.step("embed baseline"):`` prints ``[3/9] embed baseline ...`` when the step
starts and ``[3/9] embed baseline done in 4.2s`` when it ends, and records the seconds in
:attr:`StepLog.timings` for the report. The tqdm bars inside a step (embedding, training)
draw between those lines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["StepLog"]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class StepLog:
    """Announces numbered steps and times them; ``quiet=True`` only times them."""

    def __init__(self, total: int, *, quiet: bool = False,
                 write: Callable[[str], None] | None = None) -> None:
        self.total = total
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        self._write = write or _stderr
        self._count = 0

    def say(self, message: str) -> None:
        """Print a line that belongs to no step (a note or a warning)."""
        if not self.quiet:
            self._write(message)

    def skip(self, name: str, reason: str) -> None:
        """Count a step that will not run, saying why, so the numbering still ends at the
        total announced at the start."""
        self._count += 1
        self.say(f"[{self._count}/{max(self.total, self._count)}] {name}: skipped ({reason})")

    @contextmanager
    def step(self, name: str, key: str | None = None) -> Iterator[None]:
        """Announce, run and time one step (recorded under ``key``, default ``name``)."""
        self._count += 1
        prefix = f"[{self._count}/{max(self.total, self._count)}] {name}"
        self.say(f"{prefix} ...")
        start = time.perf_counter()
        try:
            yield
        except BaseException:
            self.say(f"{prefix} failed after {time.perf_counter() - start:.1f}s")
            raise
        elapsed = time.perf_counter() - start
        key = key or name
        self.timings[key] = round(self.timings.get(key, 0.0) + elapsed, 3)
        self.say(f"{prefix} done in {elapsed:.1f}s")
