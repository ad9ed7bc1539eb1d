"""The fixed CLINC150 subset the finetuning benchmarks share, so every figure in
bench/RESULTS.md is measured on the same rows.

Definition (deterministic, no randomness beyond the seed below):

- classes: ``N_CLASSES`` intents drawn with ``random.Random(SEED).sample`` from the sorted
  list of the 150 CLINC150 intent labels;
- train: the first ``TRAIN_PER_CLASS`` rows of each chosen class in ``train.csv`` (file order);
- validation: the first ``VAL_PER_CLASS`` rows of each chosen class in ``val.csv``;
- test: every row of each chosen class in ``test.csv`` (30 per class).

With the defaults that is 15 classes, 150 train, 150 validation and 450 test rows: small
enough that SetFit with its default settings finishes in well under 15 minutes on a 2-core
CPU (its pair sampler grows with the square of the training rows).

Run ``python bench/clinc_subset.py`` to print the chosen classes and row counts.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from embedlab import Dataset

__all__ = [
    "DEFAULT_ROOT",
    "N_CLASSES",
    "SEED",
    "TRAIN_PER_CLASS",
    "VAL_PER_CLASS",
    "ClincSubset",
    "chosen_classes",
    "load_clinc_subset",
]

#: Where the shared CLINC150 CSVs live (``../shared/data/clinc150`` from the repo root).
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150"
N_CLASSES = 15
TRAIN_PER_CLASS = 10
VAL_PER_CLASS = 10
SEED = 2019


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


def chosen_classes(root: Path = DEFAULT_ROOT, n_classes: int = N_CLASSES,
                   seed: int = SEED) -> tuple[str, ...]:
    """The intents in the subset, sorted: a seeded sample of CLINC150's sorted labels."""
    labels = sorted({label for _, label in _read(Path(root) / "train.csv")})
    return tuple(sorted(random.Random(seed).sample(labels, n_classes)))


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


def load_clinc_subset(root: str | Path = DEFAULT_ROOT, *, n_classes: int = N_CLASSES,
                      train_per_class: int = TRAIN_PER_CLASS,
                      val_per_class: int = VAL_PER_CLASS, seed: int = SEED) -> ClincSubset:
    """Load the benchmark subset (defaults are the documented, fixed definition)."""
    root = Path(root)
    classes = chosen_classes(root, n_classes, seed)
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
