"""Loading a sentence-transformers model from a folder, without transformers' per-load
"Loading weights" bar: it flashes for a fraction of a second on every load and buries
embedlab's own step lines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["load_sentence_transformer"]


def load_sentence_transformer(path: str | Path, device: str) -> SentenceTransformer:
    """The model saved in ``path`` on ``device``, from local files only."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(path), device=device, local_files_only=True)
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()
