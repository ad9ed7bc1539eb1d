"""What ``FinetuneConfig.keep`` buys and costs (issue 22): for base, adapter and full at
several ``keep`` values, the report's scores on the held-out test split (probe accuracy, k-NN,
silhouette), what each keeps of the baseline's meaning on those rows (neighbours_kept,
similarity_agreement), the Spearman correlation with human relatedness on SICK test
(/work/shared/data/sick/test.csv; the meaning the user's data cannot show) and the training
time.

    python bench/keep.py --data sample --data clinc20x50 --method adapter --method full \\
        --keep 0 --keep 0.8 --keep 0.9

Data sets are bench/finetune_sweep.py's (``sample``, ``clincCxN``). Prints one JSON line
per run and appends it to ``--log`` (bench/_work/keep.jsonl). Base vectors are cached under
bench/_work/home, so reruns pay only for training and the custom models' embeddings.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import embedlab  # noqa: E402
from embedlab._evaluation import evaluate  # noqa: E402
from finetune_sweep import WORK, load, record  # noqa: E402  (sets EMBEDLAB_HOME, offline)

SICK = Path(os.environ.get("SICK_TEST", "/work/shared/data/sick/test.csv"))


def sick_spearman(embedder: Any, cache: bool) -> float:
    """Spearman between cosine similarity and SICK test relatedness."""
    import numpy as np
    from scipy.stats import spearmanr

    with SICK.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = list(dict.fromkeys([r["sentence_a"] for r in rows] + [r["sentence_b"] for r in rows]))
    vectors = embedder.embed(texts, None, cache=cache)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    at = {t: i for i, t in enumerate(texts)}
    a = vectors[[at[r["sentence_a"]] for r in rows]]
    b = vectors[[at[r["sentence_b"]] for r in rows]]
    gold = [float(r["relatedness"]) for r in rows]
    return float(spearmanr(np.einsum("ij,ij->i", a, b), gold).statistic)


def run(data: str, method: str, keep: float | None) -> dict[str, Any]:
    train, validation, test = load(data)
    base = embedlab.get_embedder("local")
    texts = [*train.texts, *test.texts]
    base_vectors = base.embed(texts, "classification")
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    model = None
    if method == "base":
        vectors, embedder, seconds = base_vectors, base, None
    else:
        config = embedlab.FinetuneConfig(keep=keep, progress=False)
        model = embedlab.get_finetuner("local", method=method).finetune(train, validation,
                                                                         config)
        seconds = round(time.perf_counter() - started, 1)
        embedder = model.embedder()
        vectors = embedder.embed(texts, "classification", cache=method == "adapter")
    n = len(train)
    ev = evaluate(vectors[:n], train.labels, vectors[n:], test.labels,
                  baseline_test_vectors=None if method == "base" else base_vectors[n:])
    kept = model.metrics.get("keep") if model is not None else None
    return {
        "data": data, "method": method, "keep": keep, "train_rows": n, "test_rows": len(test),
        "accuracy": round(ev.accuracy, 4), "knn_accuracy": round(ev.knn_accuracy, 4),
        "silhouette": round(ev.silhouette, 4),
        "neighbours_kept": None if ev.neighbours_kept is None else round(ev.neighbours_kept, 4),
        "similarity_agreement": (None if ev.similarity_agreement is None
                                 else round(ev.similarity_agreement, 4)),
        "sick_spearman": round(sick_spearman(embedder, cache=method != "full"), 4),
        "train_seconds": seconds,
        "chosen": ({k: kept.get(k) for k in ("encoder_alpha", "head_scale", "blend",
                                              "similarity_agreement") if k in kept}
                   if isinstance(kept, dict) else None),
        "load": [load_before, os.getloadavg()[0]],
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", default=None)
    parser.add_argument("--method", action="append", default=None,
                        choices=["base", "adapter", "full"])
    parser.add_argument("--keep", action="append", type=float, default=None)
    parser.add_argument("--log", type=Path, default=WORK / "keep.jsonl")
    args = parser.parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    for data in args.data or ["sample"]:
        for method in ["base", *(args.method or ["adapter", "full"])]:
            for keep in ([None] if method == "base" else args.keep or [0.0, 0.8]):
                record(run(data, method, keep), args.log)


if __name__ == "__main__":
    main()
