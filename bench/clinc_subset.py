"""The fixed CLINC150 subset the finetuning benchmarks share, so every figure in
bench/RESULTS.md is measured on the same rows.

Definition (deterministic, file order, no sampling):

- classes: the first 10 (alphabetically) of the 15 intents of CLINC150's "banking" domain
  (``CLASSES``), chosen because they are close to each other (balance, bill_balance,
  bill_due, pay_bill, min_payment...), so the base model does not already score at the
  ceiling (15 classes drawn at random from all domains gave it a validation macro-F1 of 1.0);
- train: the first ``TRAIN_PER_CLASS`` (5) rows of each class in ``train.csv``;
- validation: the first ``VAL_PER_CLASS`` (10) rows of each class in ``val.csv``;
- test: every row of each class in ``test.csv`` (30 per class).

That is 50 train, 100 validation and 300 test rows: small enough that SetFit with its
default settings finishes in under 15 minutes on a busy, shared 2-core CPU. Its pair
sampler grows with the square of the training rows: 141 steps of 16 pairs here, where 90
rows gave 473 steps at ~8 s a step on the shared CPU, about an hour.

Run ``python bench/clinc_subset.py`` to print the chosen classes and row counts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from embedlab import Dataset

__all__ = [
    "CLASSES",
    "DEFAULT_ROOT",
    "TRAIN_PER_CLASS",
    "VAL_PER_CLASS",
    "ClincSubset",
    "chosen_classes",
    "load_clinc_subset",
]

#: Where the shared CLINC150 CSVs live (``../shared/data/clinc150`` from the repo root).
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150"
#: The first ten of CLINC150's banking-domain intents (Larson et al., 2019), sorted.
CLASSES: tuple[str, ...] = (
    "account_blocked", "balance", "bill_balance", "bill_due", "freeze_account",
    "interest_rate", "min_payment", "order_checks", "pay_bill", "pin_change",
)
TRAIN_PER_CLASS = 5
VAL_PER_CLASS = 10


@dataclass(frozen=True)
class ClincSubset:
    """The three splits of the benchmark subset, as embedlab datasets."""

    train: Dataset
    validation: Dataset
    test: Dataset
    classes: tuple[str, ...]


def _read(path: Path) -> list[tuple[str, str]]:
    """``(text, label)`` rows of one CLINC150 CSV, in file order."""
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: CLINC150 file not found; pass root= pointing at the folder that holds "
            "train.csv, val.csv and test.csv"
        )
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row["text"], row["label"]) for row in csv.DictReader(fh)]


def chosen_classes(root: Path = DEFAULT_ROOT) -> tuple[str, ...]:
    """The intents in the subset, checked against the CLINC150 files under ``root``."""
    labels = {label for _, label in _read(Path(root) / "train.csv")}
    missing = [c for c in CLASSES if c not in labels]
    if missing:
        raise ValueError(f"{root}/train.csv lacks the intents {missing}; is it CLINC150?")
    return CLASSES


def _take(rows: list[tuple[str, str]], classes: tuple[str, ...], per_class: int | None,
          source: Path) -> Dataset:
    """The first ``per_class`` rows of each class in ``classes`` (all if ``None``)."""
    wanted = set(classes)
    counts: dict[str, int] = dict.fromkeys(classes, 0)
    texts: list[str] = []
    labels: list[str] = []
    line_numbers: list[int] = []
    for position, (text, label) in enumerate(rows):
        if label not in wanted or (per_class is not None and counts[label] >= per_class):
            continue
        counts[label] += 1
        texts.append(text)
        labels.append(label)
        line_numbers.append(position + 1)
    return Dataset(texts, labels, rows=line_numbers, source=str(source),
                   name=f"clinc150-subset/{source.stem}")


def load_clinc_subset(root: str | Path = DEFAULT_ROOT, *,
                      train_per_class: int = TRAIN_PER_CLASS,
                      val_per_class: int = VAL_PER_CLASS) -> ClincSubset:
    """Load the benchmark subset (defaults are the documented, fixed definition)."""
    root = Path(root)
    classes = chosen_classes(root)
    return ClincSubset(
        train=_take(_read(root / "train.csv"), classes, train_per_class, root / "train.csv"),
        validation=_take(_read(root / "val.csv"), classes, val_per_class, root / "val.csv"),
        test=_take(_read(root / "test.csv"), classes, None, root / "test.csv"),
        classes=classes,
    )


if __name__ == "__main__":
    subset = load_clinc_subset()
    print("classes:", ", ".join(subset.classes))
    for split in ("train", "validation", "test"):
        ds: Dataset = getattr(subset, split)
        print(f"{split}: {len(ds)} rows, fingerprint {ds.fingerprint[:12]}")
