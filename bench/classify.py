"""Benchmark of ``classify``: accuracy of a custom model's classifier against the frozen
baseline with the same head, and the head's cost (classify against embed throughput).

Run from the repository root with the project venv:

    python bench/classify.py            # full size, about 3-5 minutes on an idle 2-core CPU
    python bench/classify.py --quick    # smoke run, well under a minute

On CLINC150 (../shared/data/clinc150): ``--per-class`` train rows of each of ``--classes``
intents (file order, first classes alphabetically) and every test row of those intents.

- accuracy: the custom model (``--method``, default ``adapter`` on local all-MiniLM-L6-v2)
  classifies the test rows with its own head (``CustomModel.fit_classifier`` on the train
  rows, then ``classify``); the baseline classifies them with the same head fitted on its
  own vectors of the same rows (``embedlab.classify(texts, "local", examples=train)``);
- throughput: ``classify`` and ``embed`` of the custom model on the same
  ``--throughput-rows`` test texts, cache off, best of ``--repeats`` each; the ratio of
  texts/s (target >= 0.95: the head costs next to nothing).

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("EMBEDLAB_PROGRESS", "0")

CLINC = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150"


def load(split: str, classes: int, per_class: int | None) -> Any:
    """Rows of the first ``classes`` intents (alphabetically), ``per_class`` each at most."""
    import embedlab

    data = embedlab.load_dataset(CLINC / f"{split}.csv")
    keep = set(sorted(set(data.labels))[:classes])
    taken: dict[str, int] = {}
    rows = []
    for i, label in enumerate(data.labels):
        if label in keep and (per_class is None or taken.get(label, 0) < per_class):
            taken[label] = taken.get(label, 0) + 1
            rows.append(i)
    return data.subset(rows)


def accuracy(predictions: list[Any], labels: tuple[str, ...]) -> dict[str, float]:
    """Accuracy and macro-F1 of the predicted labels."""
    from sklearn.metrics import accuracy_score, f1_score

    predicted = [p.label for p in predictions]
    return {"accuracy": float(accuracy_score(labels, predicted)),
            "f1_macro": float(f1_score(labels, predicted, average="macro"))}


def best_rate(run: Any, n: int, repeats: int) -> float:
    """Texts per second of the fastest of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small and fast")
    parser.add_argument("--classes", type=int, default=150)
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--method", choices=["adapter", "full"], default="adapter")
    parser.add_argument("--max-steps", type=int, default=None,
                        help="training steps (default: the finetuner's)")
    parser.add_argument("--throughput-rows", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        args.classes, args.per_class = 10, 5
        args.throughput_rows, args.repeats = 100, 1
        args.max_steps = args.max_steps or 20
    if not (CLINC / "train.csv").is_file():
        sys.exit(f"CLINC150 not found at {CLINC}")

    os.environ.setdefault("EMBEDLAB_HOME", tempfile.mkdtemp(prefix="embedlab-bench-"))
    import embedlab

    train = load("train", args.classes, args.per_class)
    test = load("test", args.classes, None)
    texts = list(test.texts)

    start = time.perf_counter()
    finetuner = embedlab.get_finetuner("local", method=args.method)
    model = finetuner.finetune(train, None, embedlab.FinetuneConfig(
        max_steps=args.max_steps, progress=False))
    train_s = time.perf_counter() - start
    start = time.perf_counter()
    model.fit_classifier(train, progress=False)
    head_s = time.perf_counter() - start

    custom = accuracy(model.classify(texts), test.labels)
    baseline = accuracy(embedlab.classify(texts, "local", examples=train), test.labels)

    sample = (texts * (args.throughput_rows // max(1, len(texts)) + 1))[:args.throughput_rows]
    embedder = model.embedder()
    model.classify(sample[:8], cache=False)  # warm both paths once
    embedder.embed(sample[:8], cache=False)
    embed_rate = best_rate(lambda: embedder.embed(sample, cache=False), len(sample),
                           args.repeats)
    classify_rate = best_rate(lambda: model.classify(sample, cache=False), len(sample),
                              args.repeats)
    print(json.dumps({
        "data": {"classes": args.classes, "train_rows": len(train), "test_rows": len(test)},
        "model": {"method": model.method, "id": model.id, "train_s": round(train_s, 1),
                  "fit_head_s": round(head_s, 1)},
        "accuracy": {"baseline": baseline, "custom": custom},
        "throughput": {"rows": len(sample), "embed_texts_per_s": round(embed_rate, 1),
                       "classify_texts_per_s": round(classify_rate, 1),
                       "classify_over_embed": round(classify_rate / embed_rate, 3)},
    }, indent=2))


if __name__ == "__main__":
    main()
