"""Finding things by name: ``get_embedder("cohere:embed-english-v3.0")``, ``get_finetuner``,
``load_custom_model``, ``get_visualizer`` and the ``providers()`` table behind
``embedlab providers``."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._classifier import read_head
from ._custom_models import (
    CARD_NAME,
    check_provider,
    find_custom_model,
    missing_model_path,
    read_card,
)
from ._errors import (
    BrokenPluginError,
    ConfigurationError,
    FinetuneNotSupportedError,
    ModelNotFoundError,
    ProviderUnavailableError,
    UnknownProviderError,
)
from ._plugins import get_registry
from ._registration import EmbedderEntry, Entry, FinetunerEntry, VisualizerEntry

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._embedder import Embedder
    from ._finetuner import CustomModel, Finetuner
    from ._visualizer import Visualizer

__all__ = [
    "ProviderInfo",
    "ProviderSpec",
    "get_embedder",
    "get_finetuner",
    "get_visualizer",
    "load_custom_model",
    "parse_name",
    "provider_specs",
    "providers",
    "visualizers",
]


@dataclass
class ProviderInfo:
    """One row of ``embedlab providers``."""

    name: str
    status: str  # "available", "unavailable" (extra missing) or "broken" (plugin failed)
    default_model: str = ""
    models: tuple[str, ...] = ()
    finetune_methods: tuple[str, ...] = ()
    plugin: str = ""
    version: str = ""
    source: str = ""
    hint: str = ""  # install command or error
    extra: dict[str, Any] = field(default_factory=dict)


def parse_name(name: str) -> tuple[str, str | None]:
    """Split ``provider:model`` into its parts; a bare ``provider`` gives ``(provider, None)``."""
    provider, sep, model = name.partition(":")
    return provider.strip(), (model.strip() or None) if sep else None


@dataclass(frozen=True)
class ProviderSpec:
    """A provider and the model it embeds with (``None``: the provider's default model)."""

    provider: str
    model: str | None = None

    @property
    def name(self) -> str:
        """``provider:model``, or the bare provider for its default: what get_embedder takes."""
        return f"{self.provider}:{self.model}" if self.model else self.provider


def provider_specs(provider: str | Sequence[str | None] | None = None,
                   baseline_model: str | None = None) -> list[ProviderSpec]:
    """The providers of a comparison, each with its baseline model, in order, without repeats.

    ``provider`` is a name, ``provider:model``, or a list of them (none: ``local``). A model
    is named once: in ``provider:model`` or as ``baseline_model`` (one provider only); the
    same model both ways is fine, two different ones raise a ConfigurationError.
    """
    given = [provider] if provider is None or isinstance(provider, str) else list(provider)
    names = list(dict.fromkeys(p.strip() for p in given if p and p.strip())) or ["local"]
    if baseline_model and len(names) > 1:
        raise ConfigurationError(
            f"baseline_model={baseline_model!r} (--baseline-model) names one provider's model, "
            f"but {len(names)} providers were given ({', '.join(names)}); name each one's model "
            "as provider:model instead")
    specs: list[ProviderSpec] = []
    for name in names:
        provider_name, model = parse_name(name)
        if baseline_model and model and model != baseline_model:
            raise ConfigurationError(
                f"two baseline models given: {name!r} names {model!r} but baseline_model="
                f"{baseline_model!r} (--baseline-model); give the model once, either way")
        spec = ProviderSpec(provider_name, model or baseline_model or None)
        if spec not in specs:
            specs.append(spec)
    return specs


def _require(entry: Entry, what: str) -> None:
    missing = entry.missing()
    if missing:
        install = entry.install or f"pip install {' '.join(missing)}"
        raise ProviderUnavailableError(
            f"{what} {entry.name!r} needs {', '.join(missing)}, which is not installed. "
            f"Install it with: {install}"
        )


def _embedder_entries() -> list[EmbedderEntry]:
    return get_registry().of("embedder")


def _unknown(kind: str, name: str, known: list[str]) -> UnknownProviderError:
    broken = get_registry().broken(parse_name(name)[0])
    if broken is not None:
        return BrokenPluginError(
            f"{kind} {name!r} is installed but its plugin is broken: {broken.describe()}. "
            "Fix or reinstall the plugin (`embedlab providers` lists every broken one)")
    listing = ", ".join(sorted(known)) or "none is installed"
    return UnknownProviderError(f"no {kind} named {name!r}; known: {listing}")


def get_embedder(name: str, **options: Any) -> Embedder:
    """The embedder for ``provider:model``, a bare ``provider`` (its default model), a saved
    custom model's path or id, or ``provider:PATH`` to a saved custom model.

    ``options`` go to the provider's factory (``dimensions``, ``base_url``, ``device``...).
    """
    provider, model = parse_name(name)
    entries = {e.name: e for e in _embedder_entries()}
    if provider not in entries:
        found = find_custom_model(name)
        if found is not None:
            return load_custom_model(found).embedder()
        why = missing_model_path(name)
        if why is not None and get_registry().broken(provider) is None:
            raise ModelNotFoundError(why)
        known = list(entries) + [f"{p}:MODEL" for p in entries]
        raise _unknown("embedding provider", name, known)
    entry = entries[provider]
    if model is not None:
        found = find_custom_model(model)
        if found is not None:
            check_provider(found, provider, model)
            return load_custom_model(found).embedder()
    _require(entry, "provider")
    return entry.factory(model or entry.default_model, **options)


def get_finetuner(provider: str, method: str | None = None, **options: Any) -> Finetuner:
    """The finetuner for ``provider`` (a bare provider name, or ``provider:model`` whose base
    model goes to the factory as ``base_model``).

    ``method`` is ``"full"`` or ``"adapter"``; ``None`` takes the provider's native method
    if it has one, else the adapter finetuner.
    """
    name, model = parse_name(provider)
    if name not in {e.name for e in _embedder_entries()}:
        raise _unknown("embedding provider", name, [e.name for e in _embedder_entries()])
    entries: list[FinetunerEntry] = get_registry().of("finetuner")
    own = [e for e in entries if e.name == name]
    generic = [e for e in entries if e.name == "*"]
    if method is None:
        candidates = own or generic
    else:
        candidates = [e for e in own if e.method == method] or [
            e for e in generic if e.method == method
        ]
    if not candidates:
        offered = sorted({e.method for e in own + generic})

        note = next((e.finetune_note for e in _embedder_entries() if e.name == name), "")
        raise FinetuneNotSupportedError(
            f"provider {name!r} has no {method or 'finetuning'} method"
            + (f"; available: {', '.join(offered)}" if offered else "")
            + (f". {note}" if note else "")
        )
    entry = candidates[0]
    _require(entry, "finetuner for")
    if model is not None:
        options.setdefault("base_model", model)
    return entry.factory(provider=name, **options)


#: Custom models being loaded in this context: a card whose base leads back is refused.
_loading: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "embedlab_loading_models", default=frozenset())


def load_custom_model(name: str | Path) -> CustomModel:
    """Load a custom model by its saved directory or its id, with the finetuner that made it."""
    path = find_custom_model(name)
    if path is None:
        raise ModelNotFoundError(
            f"no custom model at path or with id {str(name)!r}; pass the directory the model "
            f"was saved into (it holds {CARD_NAME}) or an id printed by `embedlab finetune`"
        )
    key = str(path.resolve())
    if key in _loading.get():
        raise ModelNotFoundError(
            f"{path}: the model's base model leads back to the model itself; its card is "
            "damaged, save the model again with embedlab")
    card = read_card(path)
    token = _loading.set(_loading.get() | {key})
    try:
        finetuner = get_finetuner(str(card["provider"]), method=str(card["method"]))
        model = finetuner.load(path)
        model.embedder()  # builds the base embedder now, inside the loop check
    finally:
        _loading.reset(token)
    model.path = path
    if "classifier" in card and model.classifier is None:
        # checked like the weights: damage fails the load
        model.classifier = read_head(path, card["classifier"])
    return model


def visualizers() -> list[VisualizerEntry]:
    """Registered visualizers."""
    return get_registry().of("visualizer")


def get_visualizer(name: str) -> Visualizer:
    """The visualizer registered as ``name`` (``png``, ``html``, or a plugin's)."""
    entries = {e.name: e for e in visualizers()}
    if name not in entries:
        raise _unknown("visualizer", name, list(entries))
    _require(entries[name], "visualizer")
    return entries[name].factory()


def providers() -> list[ProviderInfo]:
    """Every provider a plugin registered, and every plugin that failed, with its status."""
    registry = get_registry()
    finetuners: list[FinetunerEntry] = registry.of("finetuner")
    rows: list[ProviderInfo] = []
    for entry in _embedder_entries():
        missing = entry.missing()
        # Its own methods first (the default), then the ones offered for every provider.
        own = sorted({f.method for f in finetuners if f.name == entry.name})
        methods = own + sorted({f.method for f in finetuners if f.name == "*"} - set(own))
        rows.append(ProviderInfo(
            name=entry.name,
            status="unavailable" if missing else "available",
            default_model=entry.default_model,
            models=entry.models,
            finetune_methods=tuple(methods),
            plugin=entry.plugin,
            version=entry.plugin_version,
            source=entry.source,
            hint=(entry.install or f"pip install {' '.join(missing)}") if missing else "",
            extra={"finetune_note": entry.finetune_note} if entry.finetune_note else {},
        ))
    for failed in registry.failures():
        rows.append(ProviderInfo(
            name=failed.name, status="broken", plugin=failed.name, version=failed.version,
            source=failed.source, hint=failed.error or "",
        ))
    return rows


def ensure_path(value: str | Path) -> Path:
    """A path from a string, with ``~`` expanded."""
    if not str(value).strip():
        raise ConfigurationError("empty path")
    return Path(value).expanduser()
