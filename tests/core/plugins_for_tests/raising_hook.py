"""A plugin whose embedder hook raises while registering."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    raise RuntimeError("the raising plugin's hook blew up")
