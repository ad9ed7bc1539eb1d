"""``python -m embedlab``: the same command line as ``embedlab``."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main()
