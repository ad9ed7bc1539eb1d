"""``ValidationIssue``: one problem found in a dataset. A leaf module (it imports nothing of
embedlab), so the exceptions in :mod:`embedlab._errors` can carry issues without importing
the rules that find them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["ValidationIssue"]


@dataclass(frozen=True)
class ValidationIssue:
    """One problem with the data: where it is and what to do about it."""

    severity: Literal["error", "warning"]
    code: str  # e.g. "empty_text", "conflicting_label", "too_few_in_class"
    message: str  # full sentence: names the file, row and the fix
    row: int | None = None  # 1-based data row (the header is not counted)
    line: int | None = None  # 1-based line in the source file, where there is one

    def __str__(self) -> str:
        return self.message
