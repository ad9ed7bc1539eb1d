"""Do the local finetuner's defaults hold at the top of the range the issue names (20,000
rows)? Trains on the whole CLINC150 train split (15,000 rows, 150 intents) with the default
``FinetuneConfig``, early-stopping on the official validation split, and scores the base and
the custom model with the same logistic-regression probe on the official test split.

Usage: ``.venv/bin/python bench/local_scale.py [--rows N]`` (prints one JSON object).
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import embedlab
from clinc_subset import DEFAULT_ROOT
from embedlab.evaluation import evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="use only the first N train rows")
    args = parser.parse_args()
    train = embedlab.load_dataset(DEFAULT_ROOT / "train.csv")
    if args.rows:
        train = train.subset(range(min(args.rows, len(train))))
    validation = embedlab.load_dataset(DEFAULT_ROOT / "val.csv")
    test = embedlab.load_dataset(DEFAULT_ROOT / "test.csv")

    base = embedlab.get_embedder("local")
    scores = {}

    def vectors(embedder: embedlab.Embedder, texts: tuple[str, ...]) -> object:
        return embedder.embed(texts, cache=False, progress=True)

    scores["base"] = evaluate(vectors(base, train.texts), train.labels,
                              vectors(base, test.texts), test.labels)
    started = time.perf_counter()
    model = embedlab.get_finetuner("local").finetune(train, validation)
    train_seconds = time.perf_counter() - started
    custom = model.embedder()
    scores["custom"] = evaluate(vectors(custom, train.texts), train.labels,
                                vectors(custom, test.texts), test.labels)
    keys = ("accuracy", "f1_macro", "knn_accuracy", "silhouette")
    print(json.dumps({
        "train_rows": len(train), "validation_rows": len(validation), "test_rows": len(test),
        "train_seconds": round(train_seconds, 1),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "history": model.metrics.get("history"),
        **{side: {k: round(float(getattr(scores[side], k)), 4) for k in keys}
           for side in scores},
    }, indent=2, default=str))


if __name__ == "__main__":
    main()
