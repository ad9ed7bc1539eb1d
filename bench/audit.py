"""Does the label audit find labels that are wrong, and only those? (issue 18)

On CLINC150 train (15,000 rows, 150 intents) embedded with the default local model, flip
1%, 3% and 10% of the labels at random (seeded; each flipped row gets another class, drawn
uniformly) and audit each noisy copy with ``embedlab.audit_vectors`` (5-fold
probe, cleanlab). Reports, per noise level:

- ``recall``: share of the flipped rows the audit flags;
- ``precision_beyond_clean``: among the rows flagged on the noisy copy but *not* flagged on
  the unflipped data, the share that were flipped (the unflipped data has label problems
  of its own; those are not the audit's false alarms);
- ``precision``: plain share of flagged rows that were flipped, for reference;
- ``audit_s``: the audit itself (out-of-fold probe + cleanlab), embedding excluded.

Targets (issue 18): at 3% noise recall >= 0.7 and precision >= 0.7; under 30 s at 15,000 rows.
The base embeddings are cached in ``bench/_work/audit-cache.sqlite`` (embedlab's own cache
format), so only the first run embeds.

Usage (repository root, project venv)::

    .venv/bin/python bench/audit.py            # full: 15,000 rows, 1/3/10% noise
    .venv/bin/python bench/audit.py --quick    # smoke: 30 intents (3,000 rows), 3% noise
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(HERE))

import embedlab  # noqa: E402
from clinc_subset import DEFAULT_ROOT  # noqa: E402
from embedlab import EmbeddingCache, audit_vectors  # noqa: E402

CACHE = HERE / "_work" / "audit-cache.sqlite"


def flip_labels(dataset: embedlab.Dataset, share: float, seed: int
                ) -> tuple[embedlab.Dataset, set[int]]:
    """A copy of ``dataset`` with ``share`` of its labels changed to another class."""
    rng = random.Random(seed)
    classes = dataset.classes
    flipped = set(rng.sample(range(len(dataset)), round(share * len(dataset))))
    labels = list(dataset.labels)
    for i in sorted(flipped):
        labels[i] = rng.choice([c for c in classes if c != labels[i]])
    noisy = embedlab.Dataset(dataset.texts, labels, ids=dataset.ids, rows=dataset.rows,
                             source=dataset.source, name=f"{dataset.name} ({share:.0%} flipped)")
    return noisy, flipped


def measure(dataset: embedlab.Dataset, vectors: Any, share: float, seed: int,
            clean_flags: set[int], folds: int) -> dict[str, Any]:
    noisy, flipped = flip_labels(dataset, share, seed)
    started = time.perf_counter()
    result = audit_vectors(noisy, vectors, folds=folds, seed=seed, progress=False)
    seconds = time.perf_counter() - started
    flagged = set(result.suspect_indices)
    beyond = flagged - clean_flags
    return {
        "noise": share,
        "flipped": len(flipped),
        "flagged": len(flagged),
        "recall": round(len(flagged & flipped) / len(flipped), 4) if flipped else None,
        "precision_beyond_clean": round(len(beyond & flipped) / len(beyond), 4)
        if beyond else None,
        "precision": round(len(flagged & flipped) / len(flagged), 4) if flagged else None,
        "overlapping_pairs": len(result.overlaps),
        "audit_s": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 30 intents, 3%% noise only")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    train = embedlab.load_dataset(DEFAULT_ROOT / "train.csv")
    if args.quick:
        keep = set(train.classes[:30])
        train = train.subset([i for i, label in enumerate(train.labels) if label in keep])
    noise_levels = (0.03,) if args.quick else (0.01, 0.03, 0.10)

    embedder = embedlab.get_embedder("local")
    started = time.perf_counter()
    with EmbeddingCache(CACHE) as cache:
        vectors = embedder.embed(list(train.texts), "classification", cache=cache,
                                 progress=True)
    embed_s = time.perf_counter() - started

    started = time.perf_counter()
    unflipped = audit_vectors(train, vectors, folds=args.folds, seed=args.seed,
                              progress=False)
    clean_s = time.perf_counter() - started
    clean_flags = set(unflipped.suspect_indices)
    runs = [measure(train, vectors, share, args.seed, clean_flags, args.folds)
            for share in noise_levels]
    print(json.dumps({
        "dataset": "CLINC150 train" + (" (30 intents)" if args.quick else ""),
        "rows": len(train),
        "classes": len(train.classes),
        "embedder": embedder.name,
        "folds": unflipped.folds,
        "embed_s (cached after the first run)": round(embed_s, 1),
        "unflipped": {"flagged": len(clean_flags),
                      "overlapping_pairs": len(unflipped.overlaps),
                      "audit_s": round(clean_s, 2)},
        "noisy": runs,
    }, indent=2))


if __name__ == "__main__":
    main()
