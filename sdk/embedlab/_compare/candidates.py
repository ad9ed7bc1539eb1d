"""The candidates of one comparison: every available (provider, method) pair, side by side.

``compare(provider=["local", "openai"], method=["full", "adapter"])`` expands to the pairs
that can exist (openai + full cannot: it is skipped with a one-line reason). Each provider's
baseline is a :class:`Baseline`, embedded once however many methods use it; each pair is a
:class:`Candidate`, ``ok`` or ``failed`` with its error, so one failure sinks no other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from .._evaluation import Evaluation
    from .._finetuner import CustomModel, Finetuner
    from .._transport.usage import CountingEmbedder
    from .._visualizer import Projection

__all__ = ["Baseline", "Candidate", "as_list", "expand_candidates", "slug"]


def as_list(value: str | Sequence[str] | None) -> list[str | None]:
    """A string, a list of strings or ``None`` as a list without repeats (``[None]`` for
    ``None``: the provider's default)."""
    if value is None or isinstance(value, str):
        return [value]
    out: list[str | None] = list(dict.fromkeys(value))
    return out or [None]


def slug(*parts: str) -> str:
    """A file-name-safe key such as ``local-full`` for a candidate's files."""
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "candidate"


@dataclass
class Baseline:
    """One provider's frozen baseline model on the shared split."""

    provider: str
    #: The name the provider was given as (``local`` or ``local:model``).
    spec: str
    embedder: CountingEmbedder
    evaluation: Evaluation | None = None
    #: ``train``, ``test``, ``extra`` (highlighted texts) vectors.
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    projection: Projection | None = None
    seconds: float = 0.0
    calls: int = 0
    texts: int = 0
    error: str | None = None

    @property
    def name(self) -> str:
        """``provider:model``."""
        return self.embedder.name

    @property
    def key(self) -> str:
        """File-name key, e.g. ``baseline-local``."""
        return slug("baseline", self.spec)


@dataclass
class Candidate:
    """One (provider, method) pair: its custom model, scores, cost, or why it failed."""

    provider: str
    method: str
    baseline: Baseline
    finetuner: Finetuner
    status: str = "pending"
    error: str | None = None
    custom_model: CustomModel | None = None
    evaluation: Evaluation | None = None
    #: ``train``, ``test``, ``extra`` vectors of the custom model.
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    projection: Projection | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: Embedding requests and texts sent to the provider for this candidate (the baseline's
    #: own embedding is counted once, on its :class:`Baseline`).
    calls: int = 0
    texts: int = 0
    #: True when its custom model was trained before and loaded instead (:mod:`embedlab._reuse`).
    reused: bool = False
    #: The saved classifier's temperature scaling: ``temperature``, ``rows`` it was fitted on,
    #: and the test split's expected calibration error before and after.
    calibration: dict[str, Any] = field(default_factory=dict)
    #: The exception object, kept for a single-candidate run to raise as before.
    exception: BaseException | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """File-name key, e.g. ``local-adapter``."""
        return slug(self.baseline.spec, self.method)

    @property
    def label(self) -> str:
        """``local · full`` for tables and logs."""
        return f"{self.baseline.spec} · {self.method}"

    @property
    def ok(self) -> bool:
        """True once trained, embedded and scored."""
        return self.status == "ok"

    def to_dict(self, model_path: str | None) -> dict[str, Any]:
        """One entry of ``report.json``'s ``candidates``."""
        out: dict[str, Any] = {
            "provider": self.provider,
            "baseline_model": self.baseline.name,
            "method": self.method,
            "status": self.status,
            "custom_model": ({"id": self.custom_model.id, "path": model_path}
                             if self.custom_model is not None else None),
            "timings": dict(self.timings),
            "reused": self.reused,
            "classifier_calibration": dict(self.calibration),
            "embedding_calls": self.calls,
            "texts_sent": self.texts,
            "baseline_embedding_calls": self.baseline.calls,
            "baseline_texts_sent": self.baseline.texts,
        }
        if self.error is not None:
            out["error"] = self.error
        metrics: dict[str, Any] = {}
        if self.baseline.evaluation is not None:
            metrics["baseline"] = self.baseline.evaluation.headline()
        if self.evaluation is not None:
            metrics["custom"] = self.evaluation.headline()
        out["metrics"] = metrics
        return out


def expand_candidates(providers: Sequence[str | None], methods: Sequence[str | None],
                baseline_model: str | None, embedder_options: Mapping[str, Any] | None,
                finetuner_options: Mapping[str, Any] | None
                ) -> tuple[list[Baseline], list[Candidate], list[str]]:
    """Every (provider, method) pair that can exist, one baseline per provider, and a
    one-line reason for each pair skipped. Constructing is cheap: nothing is loaded."""
    from .._errors import FinetuneNotSupportedError
    from .._lookup import get_embedder, get_finetuner, provider_specs
    from .._transport.usage import CountingEmbedder

    baselines: list[Baseline] = []
    candidates: list[Candidate] = []
    skipped: list[str] = []
    # Names are parsed (and a conflicting baseline_model refused) before anything is built.
    specs = provider_specs(providers, baseline_model)
    pairs = len(specs) * len(methods)
    for parsed in specs:
        provider_name, spec = parsed.provider, parsed.name
        # Names and options are checked before any data is read (constructing is cheap).
        embedder = CountingEmbedder(get_embedder(spec, **dict(embedder_options or {})))
        base = Baseline(provider=provider_name, spec=spec, embedder=embedder)
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
            candidates.append(Candidate(provider=provider_name, method=finetuner.method,
                                        baseline=base, finetuner=finetuner))
        if any(c.baseline is base for c in candidates):
            baselines.append(base)
    if not candidates:
        raise FinetuneNotSupportedError("no (provider, method) pair can run: "
                                        + "; ".join(skipped))
    return baselines, candidates, skipped
