"""A throwaway ``EMBEDLAB_HOME`` for every contract test class, so a plugin's test run never
reads or writes the user's real embedding cache or model index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["IsolatedHome"]

#: Variables that would send embedlab's files somewhere other than ``EMBEDLAB_HOME``.
_REDIRECTS = ("EMBEDLAB_CACHE_DIR",)


class IsolatedHome:
    """Mixin for the contract classes: one fresh ``EMBEDLAB_HOME`` per test class.

    Class-scoped, so a plugin's own function-scoped fixture that sets ``EMBEDLAB_HOME`` still
    wins; override ``embedlab_home`` to choose the folder yourself.
    """

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def embedlab_home(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
        """A fresh folder as ``EMBEDLAB_HOME`` (cache and model index) for this test class."""
        home = tmp_path_factory.mktemp("embedlab-home")
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("EMBEDLAB_HOME", str(home))
            for name in _REDIRECTS:
                patch.delenv(name, raising=False)
            yield home
