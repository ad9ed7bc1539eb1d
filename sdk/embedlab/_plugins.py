"""Loading plugins: built-in modules first, then the ``embedlab`` entry points.

Every registration goes through the hooks in :mod:`embedlab.hookspecs`, built-ins included.
A plugin that fails to import, fails pluggy's validation, or raises in a hook is skipped
with a warning and kept in :func:`failures`, so ``embedlab providers`` can show why.
``EMBEDLAB_PLUGINS`` (comma-separated entry-point names) limits which entry points load.
"""

from __future__ import annotations

import functools
import importlib
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import Any

import pluggy

from . import hookspecs
from ._registration import (
    EmbedderEntry,
    Entry,
    FinetunerEntry,
    LoaderEntry,
    VisualizerEntry,
)
from ._version import __version__

__all__ = [
    "BUILTIN_PLUGINS",
    "PluginInfo",
    "PluginLoadWarning",
    "Registry",
    "get_registry",
    "in_process_plugins",
    "register_plugin",
    "reset",
    "unregister_plugin",
]

#: Modules inside the SDK that register built-in loaders, visualizers and the adapter
#: finetuner, through the same hooks as any plugin.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "embedlab._datasets.loaders",
    "embedlab.visualizers",
    "embedlab.adapter",
)

_HOOKS: dict[str, tuple[str, type[Entry]]] = {
    "embedlab_register_embedders": ("embedder", EmbedderEntry),
    "embedlab_register_finetuners": ("finetuner", FinetunerEntry),
    "embedlab_register_visualizers": ("visualizer", VisualizerEntry),
    "embedlab_register_dataset_loaders": ("dataset_loader", LoaderEntry),
}


@dataclass
class PluginInfo:
    """One plugin: where it came from and whether it loaded."""

    name: str
    source: str  # "builtin" or the distribution that ships the entry point
    version: str
    error: str | None = None
    hook: str | None = None  # the hook that raised, if one did
    #: Names its hook registered before it raised (all dropped), so looking one of them up
    #: can say the plugin is broken rather than that nothing has that name.
    attempted: tuple[str, ...] = ()

    def describe(self) -> str:
        """The failure as pluggy words it: the plugin, its distribution, the hook, the error."""
        origin = self.source if self.source in ("builtin", "in-process") else (
            f"{self.source} {self.version}")
        where = f"in hook {self.hook}" if self.hook else "while loading"
        return f"plugin {self.name!r} ({origin}) failed {where}: {self.error}"


@dataclass
class Registry:
    """Everything the loaded plugins registered, by kind."""

    plugins: list[PluginInfo] = field(default_factory=list)
    entries: dict[str, list[Entry]] = field(default_factory=dict)

    def of(self, kind: str) -> list[Any]:
        """Entries of one kind: ``embedder``, ``finetuner``, ``visualizer``, ``dataset_loader``."""
        return list(self.entries.get(kind, []))

    def failures(self) -> list[PluginInfo]:
        """Plugins that were skipped, with their errors."""
        return [p for p in self.plugins if p.error]

    def broken(self, name: str) -> PluginInfo | None:
        """The skipped plugin that would have provided ``name`` (named like it, or its hook
        had registered it before raising), or ``None``."""
        return next((p for p in self.failures() if p.name == name or name in p.attempted),
                    None)


_lock = threading.Lock()
_registry: Registry | None = None
#: Plugins added in this process with :func:`register_plugin`, loaded after the entry points.
_in_process: dict[str, Any] = {}


def get_registry() -> Registry:
    """The registry, built on first use and kept for the process."""
    global _registry
    with _lock:
        if _registry is None:
            _registry = _build()
        return _registry


def reset() -> None:
    """Forget loaded plugins, so the next lookup loads them again (tests use this)."""
    global _registry
    with _lock:
        _registry = None


def register_plugin(plugin: Any, name: str) -> None:
    """Add an in-process plugin (a module or object with hookimpls) without an entry point.

    Tests and ``embedlab check`` use it; it survives :func:`reset` until
    :func:`unregister_plugin`, and ``EMBEDLAB_PLUGINS`` does not filter it out.
    """
    global _registry
    with _lock:
        _in_process[name] = plugin
        _registry = None


def unregister_plugin(name: str) -> None:
    """Remove a plugin added with :func:`register_plugin` (no error if there is none)."""
    global _registry
    with _lock:
        _in_process.pop(name, None)
        _registry = None


def in_process_plugins() -> dict[str, Any]:
    """The plugins added with :func:`register_plugin`, by name (a copy), e.g. to register
    them again in a worker process."""
    with _lock:
        return dict(_in_process)


def _allowed_entry_points() -> set[str] | None:
    value = os.environ.get("EMBEDLAB_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


class PluginLoadWarning(RuntimeWarning):
    """A plugin was skipped because it failed to load or one of its hooks raised."""


def _warn(info: PluginInfo) -> None:
    warnings.warn(f"embedlab: skipped {info.describe()}; `embedlab providers` lists it",
                  PluginLoadWarning, stacklevel=3)


def _build() -> Registry:
    pm = pluggy.PluginManager("embedlab")
    pm.add_hookspecs(hookspecs)
    registry = Registry()

    candidates: list[tuple[str, str, str, Callable[[], Any]]] = [
        (module.rsplit(".", 1)[-1], "builtin", __version__,
         functools.partial(importlib.import_module, module))
        for module in BUILTIN_PLUGINS
    ]
    allowed = _allowed_entry_points()
    seen: set[tuple[str, str]] = set()
    for ep in metadata.entry_points(group="embedlab"):
        if (ep.name, ep.value) in seen or (allowed is not None and ep.name not in allowed):
            continue
        seen.add((ep.name, ep.value))
        dist = getattr(ep, "dist", None)
        source = dist.metadata["Name"] if dist is not None else "entry point"
        version = dist.version if dist is not None else "?"
        candidates.append((ep.name, source, version, ep.load))
    for name, plugin in _in_process.items():
        candidates.append((name, "in-process", __version__, _returning(plugin)))

    loaded: list[tuple[PluginInfo, Any]] = []
    for name, source, version, load in candidates:
        info = PluginInfo(name=name, source=source, version=version)
        registry.plugins.append(info)
        try:
            plugin = load()
            if pm.is_registered(plugin) or pm.get_plugin(name) is not None:
                continue
            pm.register(plugin, name=name)
            _check_known_hooks(pm, plugin)
        except Exception as exc:  # a broken plugin must not break embedlab
            info.error = f"{type(exc).__name__}: {exc}".replace("\n", "; ")
            _warn(info)
            continue
        loaded.append((info, plugin))

    for hook_name, (kind, entry_cls) in _HOOKS.items():
        hook = getattr(pm.hook, hook_name)
        for impl in hook.get_hookimpls():
            found = next((i for i, p in loaded if p is impl.plugin), None)
            if found is None or found.error:
                continue
            info = found
            pending: list[Entry] = []

            def register(*args: Any, _cls: type[Entry] = entry_cls,
                         _plugin: PluginInfo = info, _pending: list[Entry] = pending,
                         **kwargs: Any) -> None:
                _pending.append(_cls.create(*args, plugin=_plugin.name,
                                            plugin_version=_plugin.version,
                                            source=_plugin.source, **kwargs))

            try:
                impl.function(**{arg: register for arg in impl.argnames})
            except Exception as exc:
                info.error = f"{type(exc).__name__}: {exc}"
                info.hook = hook_name
                info.attempted = tuple(entry.name for entry in pending)
                _warn(info)
                continue
            _add(registry, kind, pending)
    return registry


def _check_known_hooks(pm: pluggy.PluginManager, plugin: Any) -> None:
    """Refuse a plugin implementing a hook embedlab does not have (usually a typo)."""
    unknown = sorted(
        caller.name for caller in pm.get_hookcallers(plugin) or []
        if not caller.has_spec()
        and any(impl.plugin is plugin and not impl.optionalhook
                for impl in caller.get_hookimpls()))
    if unknown:
        pm.unregister(plugin)
        raise pluggy.PluginValidationError(
            plugin, f"hook {', '.join(unknown)} is not an embedlab hook; "
                    f"the hooks are {', '.join(_HOOKS)}")


def _returning(plugin: Any) -> Callable[[], Any]:
    """A loader for a plugin object that is already in memory."""
    return lambda: plugin


def _add(registry: Registry, kind: str, pending: list[Entry]) -> None:
    existing = registry.entries.setdefault(kind, [])
    for entry in pending:
        clash = next((e for e in existing if e.key == entry.key), None)
        if clash is not None:
            warnings.warn(
                f"embedlab: plugin {entry.plugin!r} registers {kind} {entry.key!r}, which "
                f"plugin {clash.plugin!r} already registered; keeping {clash.plugin!r}'s",
                RuntimeWarning,
                stacklevel=3,
            )
            continue
        existing.append(entry)


def load_module(name: str) -> ModuleType:
    """Import a plugin module by name (helper for tests and ``embedlab check``)."""
    return importlib.import_module(name)
