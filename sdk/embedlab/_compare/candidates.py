"""The candidates of one comparison: every available (provider, method) pair, side by side.

``compare(provider=["local", "openai"], method=["full", "adapter"])`` expands to the pairs
that can exist (openai + full cannot: it is skipped with a one-line reason). Each provider's
baseline is a ``baseline`` :class:`~embedlab._compare.runs.ModelRun`, embedded once however
many methods use it; each pair is a ``custom`` run, ``ok`` or ``failed`` with its error, so
one failure sinks no other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import FinetuneNotSupportedError
from .._lookup import get_embedder, get_finetuner, provider_specs
from .._transport.usage import CountingEmbedder
from .runs import ModelRun, slug

__all__ = ["as_list", "expand_candidates", "slug"]


def as_list(value: str | Sequence[str] | None) -> list[str | None]:
    """A string, a list of strings or ``None`` as a list without repeats (``[None]`` for
    ``None``: the provider's default)."""
    if value is None or isinstance(value, str):
        return [value]
    out: list[str | None] = list(dict.fromkeys(value))
    return out or [None]


def expand_candidates(providers: Sequence[str | None], methods: Sequence[str | None],
                baseline_model: str | None, embedder_options: Mapping[str, Any] | None,
                finetuner_options: Mapping[str, Any] | None
                ) -> tuple[list[ModelRun], list[ModelRun], list[str]]:
    """Every (provider, method) pair that can exist, one baseline per provider, and a
    one-line reason for each pair skipped. Constructing is cheap: nothing is loaded."""
    baselines: list[ModelRun] = []
    candidates: list[ModelRun] = []
    skipped: list[str] = []
    # Names are parsed (and a conflicting baseline_model refused) before anything is built.
    specs = provider_specs(providers, baseline_model)
    pairs = len(specs) * len(methods)
    for parsed in specs:
        provider_name, spec = parsed.provider, parsed.name
        # Names and options are checked before any data is read (constructing is cheap).
        embedder = CountingEmbedder(get_embedder(spec, **dict(embedder_options or {})))
        base = ModelRun("baseline", provider_name, spec, embedder)
        options = dict(finetuner_options or {})
        for method in methods:
            try:
                finetuner = get_finetuner(spec, method=method, **options)
            except FinetuneNotSupportedError as exc:
                if pairs == 1:
                    raise
                skipped.append(f"{spec} + {method or 'its default method'}: {exc}")
                continue
            if finetuner.method == "adapter" and "embedder" not in options:
                # The adapter trains on the very embedder measured as the baseline: same
                # options (dimensions, endpoint, key), same cache, so its vectors are
                # embedded only once.
                finetuner = get_finetuner(spec, method=method, embedder=embedder, **options)
            if any(c.baseline is base and c.method == finetuner.method for c in candidates):
                continue
            candidates.append(ModelRun("custom", provider_name, spec, embedder,
                                       method=finetuner.method, finetuner=finetuner,
                                       baseline=base))
        if any(c.baseline is base for c in candidates):
            baselines.append(base)
    if not candidates:
        raise FinetuneNotSupportedError("no (provider, method) pair can run: "
                                        + "; ".join(skipped))
    return baselines, candidates, skipped
