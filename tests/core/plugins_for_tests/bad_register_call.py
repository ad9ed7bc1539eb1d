"""A plugin that calls ``register`` with a name embedlab refuses (it holds a colon)."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("bad:name", lambda model: None)
