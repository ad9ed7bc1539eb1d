"""Embedding throughput of the model2vec plugin against the local provider it is distilled
from, on the same texts; figures go in bench/RESULTS.md. (Not named bench/model2vec.py:
run as a script, that would shadow the model2vec package.)

    python bench/bench_model2vec.py [--texts 2000] [--repeats 3] [--distil]

Both go through the public ``Embedder.embed(texts, cache=False, progress=False)``, so the
SDK pipeline is included as a user gets it; each text is distinct (CLINC150 training
questions where present, else the shipped sample with a row number appended). Each model
is loaded and warmed on a few texts first, then timed ``--repeats`` times; the median counts.
``--distil`` also times a first distillation into an empty temporary store.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("EMBEDLAB_PROGRESS", "0")

CLINC = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150" / "train.csv"


def load_texts(count: int) -> tuple[list[str], str]:
    """``count`` distinct texts and where they came from."""
    if CLINC.is_file():
        with CLINC.open(encoding="utf-8", newline="") as fh:
            texts = list(dict.fromkeys(row["text"] for row in csv.DictReader(fh)))
        if len(texts) >= count:
            return texts[:count], f"CLINC150 train, first {count} distinct texts"
    import embedlab

    sample = list(embedlab.load_sample_dataset().texts)
    texts = [f"{sample[i % len(sample)]} #{i}" for i in range(count)]
    return texts, f"shipped sample, {count} texts (row number appended)"


def time_embedder(name: str, texts: list[str], repeats: int) -> dict[str, float]:
    """Load and warm ``name``, then the median seconds of ``repeats`` full passes."""
    import embedlab

    start = time.perf_counter()
    embedder = embedlab.get_embedder(name)
    embedder.embed(texts[:8], cache=False, progress=False)
    load_s = time.perf_counter() - start
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        vectors = embedder.embed(texts, cache=False, progress=False)
        runs.append(time.perf_counter() - start)
        assert vectors.shape[0] == len(texts)
    median = statistics.median(runs)
    return {"load_s": load_s, "median_s": median, "texts_per_s": len(texts) / median,
            "dimension": float(vectors.shape[1])}


def time_distillation() -> float:
    """Seconds to distil the default static model into an empty store."""
    from embedlab_model2vec import Model2VecEmbedder

    with tempfile.TemporaryDirectory() as store:
        start = time.perf_counter()
        Model2VecEmbedder(store=store).load()
        return time.perf_counter() - start


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--distil", action="store_true", help="also time a first distillation")
    args = parser.parse_args()

    texts, origin = load_texts(args.texts)
    print(f"texts: {origin}; repeats: {args.repeats}; cpus: {os.cpu_count()}\n")
    print("| provider | dim | load + warm-up (s) | median pass (s) | texts/s |")
    print("|---|---:|---:|---:|---:|")
    results = {}
    for name in ("local", "model2vec"):
        r = time_embedder(name, texts, args.repeats)
        results[name] = r
        print(f"| `{name}` | {r['dimension']:.0f} | {r['load_s']:.2f} | {r['median_s']:.3f} "
              f"| {r['texts_per_s']:,.0f} |")
    ratio = results["model2vec"]["texts_per_s"] / results["local"]["texts_per_s"]
    print(f"\nmodel2vec is {ratio:,.0f}x the local provider's throughput")
    if args.distil:
        print(f"first distillation: {time_distillation():.0f} s")


if __name__ == "__main__":
    main()
