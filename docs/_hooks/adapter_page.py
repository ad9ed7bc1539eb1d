"""mkdocs hook: list docs/adapter.md (the adapter finetuner's page, kept by its own author)
under Concepts when it exists, so the site builds with or without it."""

from __future__ import annotations

from typing import Any

ADAPTER_PAGE = "adapter.md"


def on_config(config: Any) -> Any:
    """Add the adapter page to the nav after Concepts if the file is in docs/."""
    from pathlib import Path

    if not (Path(config["docs_dir"]) / ADAPTER_PAGE).is_file():
        return config
    nav = config["nav"]
    if any(isinstance(item, dict) and ADAPTER_PAGE in item.values() for item in nav):
        return config
    position = next((i + 1 for i, item in enumerate(nav)
                     if isinstance(item, dict) and "Concepts" in item), len(nav))
    nav.insert(position, {"The adapter finetuner": ADAPTER_PAGE})
    return config
