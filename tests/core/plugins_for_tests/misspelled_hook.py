"""A plugin whose hookimpl name matches no embedlab hook (a typo)."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl


@hookimpl
def embedlab_register_embeders(register: Any) -> None:
    register("misspelled", lambda model: None)
