"""Do the local finetuner's defaults hold at the top of the range (issue 11)? Trains on the
whole CLINC150 train split (15,000 rows, 150 intents), early-stopping on the official
validation split, and scores the frozen base, the adapter (``method="adapter"``) and the full
finetune (``method="full"``: encoder plus stacked head), each with default settings, with the
same logistic-regression probe, k-NN and cosine silhouette on the official test split.

Usage: ``.venv/bin/python bench/local_scale.py [--rows N] [--methods adapter,full]
[--extra JSON]`` (prints one JSON object; ``--extra`` goes into the full finetune's
``FinetuneConfig.extra``). Peak RSS is the process's, so it is the largest of the methods run.
"""


from __future__ import annotations

import argparse
import json
import os
import resource
import time

import embedlab
from clinc_subset import DEFAULT_ROOT
from embedlab._evaluation import evaluate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="use only the first N train rows")
    parser.add_argument("--methods", default="adapter,full")
    parser.add_argument("--extra", default="{}", help="FinetuneConfig.extra for the full run")
    args = parser.parse_args()
    train = embedlab.load_dataset(DEFAULT_ROOT / "train.csv")
    if args.rows:
        train = train.subset(range(min(args.rows, len(train))))
    validation = embedlab.load_dataset(DEFAULT_ROOT / "val.csv")
    test = embedlab.load_dataset(DEFAULT_ROOT / "test.csv")
    keys = ("accuracy", "f1_macro", "knn_accuracy", "silhouette")

    def score(embedder: embedlab.Embedder) -> dict[str, float]:
        found = evaluate(embedder.embed(train.texts, cache=False, progress=True), train.labels,
                         embedder.embed(test.texts, cache=False, progress=True), test.labels)
        return {k: round(float(getattr(found, k)), 4) for k in keys}

    out: dict[str, object] = {"train_rows": len(train), "validation_rows": len(validation),
                              "test_rows": len(test), "load_at_start": os.getloadavg()[0]}
    out["base"] = score(embedlab.get_embedder("local"))
    for method in args.methods.split(","):
        extra = json.loads(args.extra) if method == "full" else {}
        started = time.perf_counter()
        model = embedlab.get_finetuner("local", method=method).finetune(
            train, validation, embedlab.FinetuneConfig(extra=extra))
        seconds = time.perf_counter() - started
        out[method] = {**score(model.embedder()), "train_seconds": round(seconds, 1),
                       "best_epoch": model.metrics.get("best_epoch"),
                       "stop_reason": model.metrics.get("stop_reason"),
                       "head": model.metrics.get("head")}
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    out["load_at_end"] = os.getloadavg()[0]
    print(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
