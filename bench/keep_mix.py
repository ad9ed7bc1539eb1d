"""Mixing similarities instead of blending weights (issue 22, the next step): a custom model's
vectors ``c`` and the baseline's ``b`` (both unit length) concatenated as
``[sqrt(1 - w) * b, sqrt(w) * c]`` have cosine ``(1 - w) * cos_b + w * cos_c`` exactly. For
the most separated custom model (``keep=0``), at several ``w``: the report's scores on the
held-out test split, what is kept of the baseline's meaning there, and SICK test Spearman.

    python bench/keep_mix.py --data sample --data clinc20x50 --method adapter --method full

Prints one JSON line per row and appends it to bench/_work/keep_mix.jsonl.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import embedlab  # noqa: E402
import numpy as np  # noqa: E402
from embedlab._evaluation import evaluate  # noqa: E402
from finetune_sweep import WORK, load, record  # noqa: E402  (sets EMBEDLAB_HOME, offline)
from keep import SICK  # noqa: E402

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _mix(base: np.ndarray, custom: np.ndarray, w: float) -> np.ndarray:
    return np.hstack([np.sqrt(1 - w) * _unit(base), np.sqrt(w) * _unit(custom)])


def _sick_pairs() -> tuple[list[str], list[int], list[int], list[float]]:
    import csv

    with SICK.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = list(dict.fromkeys([r["sentence_a"] for r in rows] + [r["sentence_b"] for r in rows]))
    at = {t: i for i, t in enumerate(texts)}
    return (texts, [at[r["sentence_a"]] for r in rows], [at[r["sentence_b"]] for r in rows],
            [float(r["relatedness"]) for r in rows])


def run(data: str, method: str) -> list[dict[str, Any]]:
    from scipy.stats import spearmanr

    train, validation, test = load(data)
    base = embedlab.get_embedder("local")
    texts = [*train.texts, *test.texts]
    sick_texts, a, b, gold = _sick_pairs()
    base_vectors = base.embed(texts, "classification")
    base_sick = base.embed(sick_texts, None)
    model = embedlab.get_finetuner("local", method=method).finetune(
        train, validation, embedlab.FinetuneConfig(keep=0, progress=False))
    custom = model.embedder()
    custom_vectors = custom.embed(texts, "classification", cache=False)
    custom_sick = custom.embed(sick_texts, None, cache=False)
    n, rows = len(train), []
    for w in WEIGHTS:
        vectors, sick = _mix(base_vectors, custom_vectors, w), _mix(base_sick, custom_sick, w)
        ev = evaluate(vectors[:n], train.labels, vectors[n:], test.labels,
                      baseline_test_vectors=base_vectors[n:])
        rows.append({
            "data": data, "method": method, "w": w, "accuracy": round(ev.accuracy, 4),
            "knn_accuracy": round(ev.knn_accuracy, 4), "silhouette": round(ev.silhouette, 4),
            "neighbours_kept": round(float(ev.neighbours_kept or 0), 4),
            "similarity_agreement": round(float(ev.similarity_agreement or 0), 4),
            "sick_spearman": round(float(spearmanr(
                np.einsum("ij,ij->i", sick[a], sick[b]), gold).statistic), 4),
            "load": os.getloadavg()[0],
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", default=None)
    parser.add_argument("--method", action="append", default=None, choices=["adapter", "full"])
    parser.add_argument("--log", type=Path, default=WORK / "keep_mix.jsonl")
    args = parser.parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    for data in args.data or ["sample"]:
        for method in args.method or ["adapter"]:
            for row in run(data, method):
                record(row, args.log)


if __name__ == "__main__":
    main()
