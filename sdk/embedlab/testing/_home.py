"""A throwaway ``EMBEDLAB_HOME``, ``HOME`` and XDG folders for every contract test class, so a
plugin's test run never reads or writes the user's real embedding cache, model index, or
anything else under their home folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["IsolatedHome", "written_under"]

#: Variables that would send embedlab's files somewhere other than ``EMBEDLAB_HOME``.
_REDIRECTS = ("EMBEDLAB_CACHE_DIR",)

#: The XDG base folders, each under the throwaway ``HOME`` where the spec puts it by default.
XDG_FOLDERS = {"XDG_CACHE_HOME": ".cache", "XDG_CONFIG_HOME": ".config",
               "XDG_DATA_HOME": ".local/share", "XDG_STATE_HOME": ".local/state"}


def _model_caches() -> dict[str, str]:
    """Where downloaded model weights are read from now (Hugging Face), kept as they are so
    an offline provider still finds its weights once ``HOME`` moves."""
    if "HF_HOME" in os.environ:
        return {}
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return {"HF_HOME": str(Path(cache) / "huggingface")}


def written_under(folder: Path) -> list[str]:
    """Files under ``folder``, relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


class IsolatedHome:
    """Mixin for the contract classes: one fresh ``EMBEDLAB_HOME`` per test class, and a fresh
    ``HOME`` with its XDG folders (``user_home``), so writes there land in a temporary place.

    Class-scoped, so a plugin's own function-scoped fixture that sets ``EMBEDLAB_HOME`` still
    wins; override ``embedlab_home`` to choose the folder yourself.
    """

    @pytest.fixture(scope="class")
    @classmethod
    def user_home(cls, tmp_path_factory: pytest.TempPathFactory) -> Path:
        """The throwaway ``HOME`` this test class runs with."""
        return tmp_path_factory.mktemp("user-home")

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def embedlab_home(cls, tmp_path_factory: pytest.TempPathFactory,
                      user_home: Path) -> Iterator[Path]:
        """A fresh folder as ``EMBEDLAB_HOME`` (cache and model index) for this test class."""
        home = tmp_path_factory.mktemp("embedlab-home")
        with pytest.MonkeyPatch.context() as patch:
            for name, value in _model_caches().items():
                patch.setenv(name, value)
            patch.setenv("EMBEDLAB_HOME", str(home))
            patch.setenv("HOME", str(user_home))
            for name, relative in XDG_FOLDERS.items():
                patch.setenv(name, str(user_home / relative))
            for name in _REDIRECTS:
                patch.delenv(name, raising=False)
            yield home
