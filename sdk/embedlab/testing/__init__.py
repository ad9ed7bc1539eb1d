"""embedlab's contract test kit and test doubles, for plugin authors and embedlab's own tests."""

from __future__ import annotations

__all__: list[str] = []
