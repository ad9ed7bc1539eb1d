"""Data for the label-audit tests: classes with their own words, some labels flipped."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

#: Each class has its own words, so the fake (bag-of-words) embedder separates them.
VOCAB = {
    "weather": "rain sun cloud forecast storm wind snow temperature humid fog drizzle thunder",
    "music": "song album guitar band playlist concert lyrics singer drums chorus melody piano",
    "food": "pizza recipe dinner pasta restaurant cook salad bread soup cheese oven spicy",
    "travel": "flight hotel passport airport luggage trip beach visa train ticket tour map",
}
#: Positions whose label is wrong in :func:`noisy_records`, with the label they get.
FLIPS = {60: "food", 110: "travel", 170: "weather"}


def clean_records(per_class: int = 50, seed: int = 0) -> list[dict[str, str]]:
    """``per_class`` distinct texts of five words of each class's vocabulary."""
    rng = random.Random(seed)
    records: list[dict[str, str]] = []
    for label, words in VOCAB.items():
        seen: set[str] = set()
        vocab = words.split()
        while len(seen) < per_class:
            text = " ".join(rng.sample(vocab, 5))
            if text not in seen:
                seen.add(text)
                records.append({"text": text, "label": label})
    return records


def noisy_records() -> list[dict[str, str]]:
    """:func:`clean_records` with the labels at :data:`FLIPS` changed."""
    records = clean_records()
    for i, label in FLIPS.items():
        assert records[i]["label"] != label
        records[i] = {**records[i], "label": label}
    return records


def write_csv(path: Path, records: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "label"])
        writer.writeheader()
        writer.writerows(records)
    return path
