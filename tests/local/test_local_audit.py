"""The label audit on real data with the real default model: CLINC150 rows with labels
flipped at random are found, and few correct rows are flagged."""

from __future__ import annotations

import random
from pathlib import Path

import embedlab


def test_flipped_clinc150_labels_are_found(clinc150: Path) -> None:
    full = embedlab.load_dataset(clinc150 / "train.csv")
    classes = ["accept_reservations", "cancel", "credit_score", "freeze_account",
               "international_fees", "next_song", "pto_request_status", "roll_dice",
               "thank_you", "uber"]  # 10 intents from across the domains
    taken: dict[str, int] = {}
    keep = []
    for i, label in enumerate(full.labels):
        if label in classes and taken.get(label, 0) < 50:
            taken[label] = taken.get(label, 0) + 1
            keep.append(i)
    data = full.subset(keep)  # 500 rows
    rng = random.Random(0)
    flipped = set(rng.sample(range(len(data)), 15))
    labels = [rng.choice([c for c in classes if c != label]) if i in flipped else label
              for i, label in enumerate(data.labels)]
    noisy = embedlab.Dataset(data.texts, labels, ids=data.ids, rows=data.rows, name="noisy")

    result = embedlab.audit(noisy, "local", progress=False)
    flagged = set(result.suspect_indices)
    recall = len(flagged & flipped) / len(flipped)
    precision = len(flagged & flipped) / max(1, len(flagged))
    assert recall >= 0.7, result.summary()
    assert precision >= 0.7, result.summary()
    # For a flipped row, the suggestion is mostly the class it really belongs to.
    found = [s for s in result.suspects if s.index in flipped]
    right = sum(s.suggested == data.labels[s.index] for s in found)
    assert right >= 0.8 * len(found)
