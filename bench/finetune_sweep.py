"""Which local finetuning method and settings win at which data size? Trains each candidate
on one data set and scores it with the report's own evaluation (embedlab._evaluation: probe
accuracy and macro-F1, k-NN accuracy, cosine silhouette on the held-out test split).

Data sets (``--data``, repeatable):

- ``sample``: the shipped airline sample, split as ``embedlab compare`` splits it (test 0.2,
  seed 42; the finetuner holds 10% of train out for early stopping, as in compare);
- ``subset``: the fixed CLINC150 banking subset (bench/clinc_subset.py: 10 intents, 5 rows
  a class, its own validation and test rows);
- ``clincCxN``: the first C intents of CLINC150 (sorted by name) with the first N train rows
  a class, and all of their official validation (20 a class) and test (30 a class) rows,
  e.g. ``clinc50x10``, ``clinc150x100`` (= all 15,000 train rows).

Candidates (``--candidate NAME=JSON``, repeatable; JSON is ``FinetuneConfig`` fields with an
``extra`` dict, plus ``"method"``: ``full`` (default), ``adapter``, ``base``, or ``stack``:
a full finetune with an adapter head trained on top of it; ``"head"`` holds the adapter's
``extra``, e.g. ``{"head": "linear"}``)::

    python bench/finetune_sweep.py --data sample --data clinc50x10 \
        --candidate base='{"method": "base"}' --candidate adapter='{"method": "adapter"}' \
        --candidate proxy='{"extra": {"loss": "proxy"}}'

Prints one JSON line per (data set, candidate) as it finishes, and appends it to
``--log`` (bench/_work/sweep.jsonl by default). Base embeddings are cached under
bench/_work/home so reruns pay only for training.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("EMBEDLAB_HOME", str(WORK / "home"))
sys.path.insert(0, str(HERE))

import embedlab  # noqa: E402
from clinc_subset import DEFAULT_ROOT, load_clinc_subset  # noqa: E402
from embedlab._evaluation import evaluate  # noqa: E402

KEYS = ("accuracy", "f1_macro", "knn_accuracy", "silhouette", "log_loss")


def _clinc(classes: int, per_class: int) -> tuple[Any, Any, Any]:
    def rows(name: str) -> list[tuple[str, str]]:
        with (DEFAULT_ROOT / name).open(encoding="utf-8", newline="") as fh:
            return [(r["text"], r["label"]) for r in csv.DictReader(fh)]

    chosen = set(sorted({label for _, label in rows("train.csv")})[:classes])

    def take(name: str, cap: int | None) -> Any:
        counts: dict[str, int] = {}
        texts, labels = [], []
        for text, label in rows(name):
            if label in chosen and (cap is None or counts.get(label, 0) < cap):
                counts[label] = counts.get(label, 0) + 1
                texts.append(text)
                labels.append(label)
        return embedlab.Dataset(texts, labels, name=f"clinc{classes}x{per_class}/{name}")

    return take("train.csv", per_class), take("val.csv", None), take("test.csv", None)


def load(name: str) -> tuple[Any, Any, Any]:
    """``(train, validation or None, test)`` of the named data set."""
    if name == "sample":
        data = embedlab.load_sample_dataset()
        train, test = data.split(test_size=0.2, seed=42)
        return train, None, test
    if name == "subset":
        s = load_clinc_subset()
        return s.train, s.validation, s.test
    match = re.fullmatch(r"clinc(\d+)x(\d+)", name)
    if not match:
        raise SystemExit(f"unknown data set {name!r}")
    return _clinc(int(match[1]), int(match[2]))


def run(data: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    train, validation, test = load(data)
    spec = dict(spec)
    method = spec.pop("method", "full")
    base = embedlab.get_embedder("local")
    texts = [*train.texts, *test.texts]
    started = time.perf_counter()
    model = None
    if method == "base":
        vectors = base.embed(texts, "classification")
    elif method == "stack":  # full finetune, then an adapter head on the finetuned model
        from embedlab.adapter import AdapterFinetuner

        head_extra = spec.pop("head", {})  # the adapter's FinetuneConfig.extra
        config = embedlab.FinetuneConfig(**spec)
        full = embedlab.get_finetuner("local", method="full").finetune(train, validation, config)
        head = embedlab.FinetuneConfig(seed=config.seed, progress=config.progress,
                                       extra=head_extra)
        model = AdapterFinetuner(embedder=full.embedder()).finetune(train, validation, head)
        model.metrics.setdefault("history", full.metrics.get("history", []))
        trained = time.perf_counter() - started
        vectors = model.embedder().embed(texts, "classification", cache=False)
    else:
        config = embedlab.FinetuneConfig(**spec)
        finetuner = embedlab.get_finetuner("local", method=method)
        model = finetuner.finetune(train, validation, config)
        trained = time.perf_counter() - started
        vectors = model.embedder().embed(texts, "classification", cache=False)
    seconds = time.perf_counter() - started if model is None else trained
    ev = evaluate(vectors[:len(train)], train.labels, vectors[len(train):], test.labels)
    result: dict[str, Any] = {
        "data": data, "candidate": name, "method": method, "spec": spec,
        "train_rows": len(train), "test_rows": len(test),
        **{k: round(float(getattr(ev, k)), 4) for k in KEYS},
        "train_seconds": round(seconds, 1),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "load": os.getloadavg()[0],
    }
    if model is not None:
        metrics = model.metrics
        result["best_epoch"] = metrics.get("best_epoch")
        result["epochs_run"] = len(metrics.get("history", [])) - (1 if method == "full" else 0)
        result["stop_reason"] = metrics.get("stop_reason")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", action="append", required=True)
    parser.add_argument("--candidate", action="append", required=True,
                        help="NAME=JSON (FinetuneConfig fields, extra, method)")
    parser.add_argument("--log", type=Path, default=WORK / "sweep.jsonl")
    args = parser.parse_args()
    candidates = []
    for item in args.candidate:
        name, _, spec = item.partition("=")
        candidates.append((name, json.loads(spec or "{}")))
    args.log.parent.mkdir(parents=True, exist_ok=True)
    for data in args.data:
        for name, spec in candidates:
            record(run(data, name, spec), args.log)


def record(result: dict[str, Any], log: Path) -> None:
    """Print one result as a JSON line and append it to ``log``."""
    line = json.dumps(result)
    print(line, flush=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


if __name__ == "__main__":
    main()
