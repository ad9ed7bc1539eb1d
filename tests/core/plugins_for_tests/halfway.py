"""A plugin whose hook registers one provider and then raises before finishing."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl

from .good import make_goodfake


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("halfwayfake", make_goodfake, default_model="m")
    raise RuntimeError("the second registration failed")
