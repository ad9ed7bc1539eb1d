"""The options of one comparison, validated once: :class:`CompareOptions`.

``compare(**kwargs)``, ``embedlab compare`` and its dry run (``plan_comparison``) all build
one of these, so each rule ("clean needs the audit", the known projections, the step count)
is stated here once, the way httpx gathers its ``Timeout`` and ``Limits``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .._errors import ConfigurationError
from .._finetuner import FinetuneConfig
from .highlight import check_highlights
from .projection import PROJECTIONS

__all__ = ["SAVE_STEPS", "UNSET", "CompareOptions"]

#: Steps ``compare`` always announces: load, validate, split, embed with the baseline,
#: finetune, embed with the custom model, evaluate, project.
_STEPS = 8
#: Steps ``Comparison.save`` adds: render and save.
SAVE_STEPS = 2


class _Unset:
    """The default of a :func:`compare` option a ``FinetuneConfig`` also holds: "not given",
    so the config's value stands (``None`` is a real value for ``input_type``)."""

    def __repr__(self) -> str:
        return "<the config's value>"


UNSET: Any = _Unset()
#: The :func:`compare` keywords that fill a :class:`FinetuneConfig` field of the same name.
_CONFIG_FIELDS = ("seed", "input_type", "progress", "epochs", "batch_size", "learning_rate",
                  "max_steps", "time_budget", "keep")


@dataclass(frozen=True)
class CompareOptions:
    """How to compare: the models, the split, the maps, the audit and the training settings."""

    baseline_model: str | None = None
    #: ``"full"``, ``"adapter"``, a list of both, or ``None`` (the provider's default).
    method: str | Sequence[str] | None = None
    test_size: float | int = 0.2
    #: ``umap`` or ``pca`` (any case; kept lower-case).
    projection: str = "umap"
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)
    #: Texts to mark on the maps; ``None`` picks them, ``[]`` marks none.
    highlight: Sequence[str] | None = None
    audit: bool = True
    #: Also train a model without the rows the audit flags (needs ``audit``).
    clean: bool = False
    #: Train again even when the same training was saved before.
    retrain: bool = False
    text_column: str = "text"
    label_column: str = "label"
    encoding: str = "utf-8"
    embedder_options: Mapping[str, Any] | None = None
    finetuner_options: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        projection = self.projection.lower()
        if projection not in PROJECTIONS:
            raise ConfigurationError(f"unknown projection {self.projection!r}; choose one of "
                                     f"{', '.join(PROJECTIONS)}")
        object.__setattr__(self, "projection", projection)
        object.__setattr__(self, "highlight", check_highlights(self.highlight))
        if self.clean and not self.audit:
            raise ConfigurationError(
                "clean=True (--clean) trains without the rows the label audit flags: it "
                "needs the audit; drop audit=False (--no-audit)")

    @classmethod
    def build(cls, config: FinetuneConfig | None = None, **given: Any) -> CompareOptions:
        """Options from :func:`compare`'s keywords: those naming a ``FinetuneConfig`` field
        replace that field of ``config`` (or of the defaults) when given; a value left unset
        (or ``None``, except ``input_type``) keeps the config's."""
        changes = {name: given.pop(name) for name in _CONFIG_FIELDS if name in given}
        changes = {name: value for name, value in changes.items() if value is not UNSET
                   and (value is not None or name == "input_type")}
        return cls(finetune=replace(config or FinetuneConfig(), **changes), **given)

    def steps(self, *, saving: bool = False) -> int:
        """Steps a one-candidate comparison announces (``saving``: with the report's)."""
        return (_STEPS + int(self.audit) + int(self.clean)
                + (SAVE_STEPS if saving else 0))
