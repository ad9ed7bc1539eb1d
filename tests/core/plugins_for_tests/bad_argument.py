"""A plugin whose hookimpl asks for an argument the hookspec does not have."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl


@hookimpl
def embedlab_register_embedders(register: Any, settings: Any) -> None:
    register("badargument", lambda model: None)
