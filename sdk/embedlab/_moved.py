"""Module paths from before embedlab 0.2, when every module was public: each still imports
(the same module object, so ``isinstance`` and ``except`` keep working), with a
``DeprecationWarning`` that names the public import to use instead.

The finder sits at the end of ``sys.meta_path``: it is asked only about names no other
finder found, so it costs nothing on any other import.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType

__all__ = ["MOVED", "install", "moved_module"]

#: Old public path -> the private module that holds the code now. Their public names are
#: re-exported from ``embedlab`` (and plugin authors' from the modules docs/plugins.md lists).
MOVED: dict[str, str] = {
    "embedlab.cache": "embedlab._transport.cache",
    "embedlab.calibration": "embedlab._calibration",
    "embedlab.candidates": "embedlab._compare.candidates",
    "embedlab.card_schema": "embedlab._card_schema",
    "embedlab.classification": "embedlab._classification",
    "embedlab.classifier": "embedlab._classifier",
    "embedlab.comparison": "embedlab._compare.comparison",
    "embedlab.comparison_audit": "embedlab._compare.comparison_audit",
    "embedlab.custom_models": "embedlab._custom_models",
    "embedlab.dataset": "embedlab._datasets.dataset",
    "embedlab.embedder": "embedlab._embedder",
    "embedlab.errors": "embedlab._errors",
    "embedlab.evaluation": "embedlab._evaluation",
    "embedlab.finetuner": "embedlab._finetuner",
    "embedlab.highlight": "embedlab._compare.highlight",
    "embedlab.hyperparameters": "embedlab._hyperparameters",
    "embedlab.label_audit": "embedlab._label_audit",
    "embedlab.leaderboard": "embedlab._compare.leaderboard",
    "embedlab.loaders": "embedlab._datasets.loaders",
    "embedlab.lookup": "embedlab._lookup",
    "embedlab.manifest": "embedlab._manifest",
    "embedlab.model_ref": "embedlab._model_ref",
    "embedlab.pipeline": "embedlab._transport.pipeline",
    "embedlab.plan": "embedlab._compare.plan",
    "embedlab.plugins": "embedlab._plugins",
    "embedlab.projection": "embedlab._compare.projection",
    "embedlab.registration": "embedlab._registration",
    "embedlab.report": "embedlab._compare.report",
    "embedlab.retry": "embedlab._transport.retry",
    "embedlab.retry_after": "embedlab._transport.retry_after",
    "embedlab.sample": "embedlab._datasets.sample",
    "embedlab.secret": "embedlab._secret",
    "embedlab.splits": "embedlab._datasets.splits",
    "embedlab.steps": "embedlab._compare.steps",
    "embedlab.throttle": "embedlab._transport.throttle",
    "embedlab.usage": "embedlab._transport.usage",
    "embedlab.validation": "embedlab._datasets.validation",
    "embedlab.visualizer": "embedlab._visualizer",
    "embedlab.weights": "embedlab._weights",
}


def _internal(filename: str) -> bool:
    """A frame of the import machinery, which ``warnings`` skips when counting levels."""
    return "importlib" in filename and "_bootstrap" in filename


def _warn(old: str) -> None:
    """Warn at the line that imported ``old`` (or read ``embedlab.<old name>``), past the
    import machinery, this module and the package's ``__getattr__``."""
    ours = {__file__, importlib.__file__, str(sys.modules["embedlab"].__file__)}
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and (
            _internal(frame.f_code.co_filename) or frame.f_code.co_filename in ours):
        frame = frame.f_back
        if not _internal(frame.f_code.co_filename):
            level += 1
    warnings.warn(
        f"{old} is internal since embedlab 0.2 (now {MOVED[old]}); import its public names "
        "from embedlab itself (plugin authors: see 'The plugin-author API' in docs/plugins.md)",
        DeprecationWarning, stacklevel=level)


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and loads it as the module that holds its code now."""

    def find_spec(self, fullname: str, path: object = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a throwaway module: exec_module swaps in the real one

    def exec_module(self, module: ModuleType) -> None:
        _warn(module.__name__)
        # The import system returns whatever sys.modules holds once this returns, and binds
        # it on the parent package: the real module, with its own __spec__ left as it was.
        sys.modules[module.__name__] = importlib.import_module(MOVED[module.__name__])


_FINDER = _MovedFinder()


def install() -> None:
    """Put the finder at the end of ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _MovedFinder) for finder in sys.meta_path):
        sys.meta_path.append(_FINDER)


def moved_module(package: str, name: str) -> ModuleType | None:
    """``package.name`` through its old path (warning), or None when it never existed:
    ``embedlab.errors`` keeps working as an attribute, as it did when the package imported it."""
    if f"{package}.{name}" not in MOVED:
        return None
    return importlib.import_module(f"{package}.{name}")
