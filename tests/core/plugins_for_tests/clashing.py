"""A plugin that registers a provider name another plugin (``good``) already took."""

from __future__ import annotations

from typing import Any

from embedlab import hookimpl


@hookimpl
def embedlab_register_embedders(register: Any) -> None:
    register("goodfake", lambda model: None, default_model="clash")
