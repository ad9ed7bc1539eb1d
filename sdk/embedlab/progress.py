"""Deciding whether to draw a progress bar, the same way everywhere in embedlab.

The caller's explicit choice wins; then ``EMBEDLAB_PROGRESS`` (``0`` hides, ``1`` forces);
otherwise a bar is drawn only when stderr is a terminal, and a short job draws it only
once it has run for a few seconds (tqdm's ``delay``), so quick calls stay silent.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .settings import env_flag

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["AUTO_DELAY_S", "progress_bar", "show_progress"]

#: Seconds a short job must run before its bar appears when nobody forced one.
AUTO_DELAY_S = 2.0


def show_progress(force: bool | None = None) -> bool:
    """Whether a bar may be drawn: ``force``, else ``EMBEDLAB_PROGRESS``, else stderr is a TTY."""
    if force is not None:
        return force
    flag = env_flag("EMBEDLAB_PROGRESS")
    if flag is not None:
        return flag
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def progress_bar(total: int, *, desc: str, unit: str = "it", force: bool | None = None,
                 long_job: bool = True) -> tqdm:
    """A tqdm bar over ``total`` units, disabled when :func:`show_progress` says no.

    ``long_job=False`` (a job expected to be quick) delays the bar by :data:`AUTO_DELAY_S`
    unless it was forced on, so it only appears if the job turns out slow after all.
    """
    from tqdm.auto import tqdm

    explicit = force is not None or env_flag("EMBEDLAB_PROGRESS") is not None
    delay = 0.0 if long_job or explicit else AUTO_DELAY_S
    return tqdm(total=total, desc=desc, unit=unit, disable=not show_progress(force),
                delay=delay, dynamic_ncols=True, leave=False)
